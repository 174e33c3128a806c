"""Lint: checks on a compiled rulebook beyond what loading already refuses.

Loading reports what makes a rulebook unusable (syntax, schema, unknown names, impossible windows). Lint adds
what makes it wrong in practice: windows longer than any supervision, conditions that can never hold, rules
that can never apply, overlapping rules that demand contradictory things, and a basis that does not support
an "official" figure. Each finding is a Diagnostic located at the rule's first line.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Iterator

from ..engine.rulebook import Condition, Rule, Rulebook
from ..engine.templates import Template
from ..errors import Diagnostic

# Community orders run up to 3 years and suspended sentence orders up to 2; licences can be longer, but a
# window of more than 10 years is a typo (weeks for days) far more often than a policy.
LONGEST_WINDOW_DAYS = 3650



@dataclass(frozen=True)
class Suppressed:
    """A finding a rule's authors accept, and why."""

    finding: Diagnostic
    reason: str


@dataclass(frozen=True)
class LintResult:
    """What lint found: the findings to fix, and those suppressed in the rule files (with their reasons)."""

    findings: tuple[Diagnostic, ...]
    suppressed: tuple[Suppressed, ...]


def lint_rulebook(rulebook: Rulebook) -> list[Diagnostic]:
    """Every lint finding in the rulebook that no rule suppresses, sorted by file and line."""
    return list(lint(rulebook).findings)


def lint(rulebook: Rulebook) -> LintResult:
    """Every lint finding in the rulebook, sorted by file and line, apart from those a rule suppresses."""
    found: dict[str, list[Diagnostic]] = {}
    for rule in rulebook.rules:
        found[rule.id] = _windows(rule) + _template(rule) + _never(rule) + _basis(rule)
    for rule_id, finding in _overlaps(rulebook):
        found[rule_id].append(finding)
    findings: list[Diagnostic] = []
    suppressed: list[Suppressed] = []
    for rule in rulebook.rules:
        reasons = dict(rule.suppress)
        used = set()
        for finding in found[rule.id]:
            if finding.code in reasons:
                used.add(finding.code)
                suppressed.append(Suppressed(finding, reasons[finding.code]))
            else:
                findings.append(finding)
        for code in reasons:
            if code not in used:
                findings.append(_at(rule, "lint-suppression-unused",
                                    f"suppresses {code}, which lint no longer finds in this rule"))
    return LintResult(tuple(sorted(findings, key=Diagnostic.sort_key)),
                      tuple(sorted(suppressed, key=lambda s: s.finding.sort_key())))


def _at(rule: Rule, code: str, message: str) -> Diagnostic:
    return Diagnostic(rule.file or rule.source, rule.line, 1, code=code, message=f"{rule.id}: {message}")


def _windows(rule: Rule) -> list[Diagnostic]:
    out = []
    named = dict.fromkeys((name, d) for _, ob in rule.variants for name, d in ob.durations())
    for name, d in named:
        if d.calendar_days > LONGEST_WINDOW_DAYS:
            out.append(_at(rule, "lint-window-too-long",
                           f"{name} of {d} is longer than any supervision could be (over 10 years)"))
    return out


def _template(rule: Rule) -> list[Diagnostic]:
    """What the rule's own template finds (for each set of figures, once)."""
    found = {}
    for _, ob in rule.variants:
        assert isinstance(ob, Template)
        for f in ob.lint(rule):
            found[(f.code, f.message)] = f
    return [_at(rule, f.code, f.message) for f in found.values()]


# --- conditions: can they ever hold? -------------------------------------------------------------------------


def _worlds(conditions: list[Condition]) -> Iterator[dict[str, object]]:
    dims: dict[str, tuple[object, ...]] = {}
    for c in conditions:
        dims.update(c.dimensions())
    names = sorted(dims)
    for values in itertools.product(*(dims[n] for n in names)):
        yield dict(zip(names, values))


def satisfiable(*conditions: Condition) -> bool:
    """Whether some state of a case makes every condition hold at once."""
    return any(all(c.holds_in(w) for c in conditions) for w in _worlds(list(conditions)))


def _never(rule: Rule) -> list[Diagnostic]:
    if not satisfiable(rule.condition):
        return [_at(rule, "lint-never-applies",
                    f"applies_when can never hold ({rule.condition.describe()}), so the rule never applies")]
    return [_at(rule, "lint-never-holds", f"this part of applies_when can never hold: {part.describe()}")
            for part in _parts(rule.applies_when) if not satisfiable(part)]


def _parts(c: Condition) -> Iterator[Condition]:
    """Every sub-condition below the top one."""
    for child in c.parts():
        yield child
        yield from _parts(child)


def _basis(rule: Rule) -> list[Diagnostic]:
    basis = rule.basis
    if len(basis.citation.strip()) < 10:
        return [_at(rule, "lint-basis", f"the citation {basis.citation!r} is too short to find the source")]
    if not basis.illustrative and not (basis.link or basis.note):
        return [_at(rule, "lint-basis",
                    "an official figure needs a link to its source or a note on where it is published")]
    return []


# --- overlapping rules -----------------------------------------------------------------------------------


def _numbers(rule: Rule, levels: tuple[str, ...] = ()) -> dict[str, object]:
    """The rule's figures by name; a rule with one set of figures compared with one whose figures differ by RoSH
    level has them repeated for each of those ``levels``, so that like is compared with like."""
    out: dict[str, object] = {}
    for level, obligation in rule.variants:
        for prefix in [f"{level}: "] if level else [f"{other}: " for other in levels] or [""]:
            out |= {prefix + name: value for name, value in obligation.figures().items()}
    return out


def _levels(rule: Rule) -> tuple[str, ...]:
    return tuple(level for level, _ in rule.variants if level)


def _overlaps(rulebook: Rulebook) -> list[tuple[str, Diagnostic]]:
    out = []
    groups: dict[tuple[object, ...], list[Rule]] = {}
    for rule in rulebook.rules:
        groups.setdefault(rule.obligation.signature(), []).append(rule)
    for rules in groups.values():
        for a, b in itertools.combinations(rules, 2):
            na, nb = _numbers(a, _levels(b)), _numbers(b, _levels(a))
            if na == nb or not satisfiable(a.condition, b.condition):
                continue
            if not _in_force_overlap(a, b):
                continue
            differ = ", ".join(f"{k} {na.get(k, 'none')} vs {nb.get(k, 'none')}" for k in sorted(set(na) | set(nb))
                               if na.get(k) != nb.get(k))
            out.append((b.id, _at(b, "lint-overlap",
                           f"demands the same as {a.id} ({a.source}) for cases both apply to, with different "
                           f"figures ({differ}); narrow one rule's applies_when or in_force")))
    return out


def _in_force_overlap(a: Rule, b: Rule) -> bool:
    import datetime as _dt

    start = max(a.in_force_from or _dt.date.min, b.in_force_from or _dt.date.min)
    end = min(a.in_force_until or _dt.date.max, b.in_force_until or _dt.date.max)
    return start <= end
