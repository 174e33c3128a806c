"""Lint: checks on a compiled rulebook beyond what loading already refuses.

Loading reports what makes a rulebook unusable (syntax, schema, unknown names, impossible windows). Lint adds
what makes it wrong in practice: windows longer than any supervision, conditions that can never hold, rules
that can never apply, overlapping rules that demand contradictory things, and a basis that does not support
an "official" figure. Each finding is a Diagnostic located at the rule's first line.
"""

from __future__ import annotations

import itertools
from dataclasses import replace

from ._vocabulary import ROSH_LEVELS, SUPERVISION_TYPES, TIERS
from .errors import Diagnostic
from .rulebook import (
    All,
    Always,
    Any,
    BeforeEnd,
    Cadence,
    Condition,
    Deadline,
    Duration,
    Elapsed,
    InCustody,
    Mappa,
    Not,
    Precedence,
    Recurrence,
    Registration,
    Response,
    Rosh,
    Rule,
    Rulebook,
    SupervisionType,
    Tier,
)

# Community orders run up to 3 years and suspended sentence orders up to 2; licences can be longer, but a
# window of more than 10 years is a typo (weeks for days) far more often than a policy.
LONGEST_WINDOW_DAYS = 3650

_MAPPA_STATES = [None] + [(c, l) for c in (1, 2, 3, 4) for l in (1, 2, 3)]


def lint_rulebook(rulebook: Rulebook) -> list[Diagnostic]:
    """Every lint finding in the rulebook, sorted by file and line."""
    found: list[Diagnostic] = []
    for rule in rulebook.rules:
        found += _windows(rule)
        found += _never(rule)
        found += _basis(rule)
    found += _overlaps(rulebook)
    return sorted(found, key=Diagnostic.sort_key)


def _at(rule: Rule, code: str, message: str) -> Diagnostic:
    return Diagnostic(rule.file or rule.source, rule.line, 1, code=code, message=f"{rule.id}: {message}")


def _durations(rule: Rule) -> list[tuple[str, Duration]]:
    ob = rule.obligation
    named = []
    for name in ("within", "look_back", "per", "max_gap", "every", "first_within", "within_last", "at_least_before"):
        value = getattr(ob, name, None)
        if isinstance(value, Duration):
            named.append((name, value))
    trigger = getattr(ob, "trigger", None)
    if trigger is not None and trigger.nth_within is not None:
        named.append(("nth_within", trigger.nth_within))
    return named


def _windows(rule: Rule) -> list[Diagnostic]:
    out = []
    variants = [replace(rule, obligation=ob, by_rosh=()) for _, ob in rule.by_rosh] or [rule]
    for name, d in dict.fromkeys(nd for v in variants for nd in _durations(v)):
        days = d.days * 7 // 5 if d.working else d.days
        if days > LONGEST_WINDOW_DAYS:
            out.append(_at(rule, "lint-window-too-long",
                           f"{name} of {d} is longer than any supervision could be (over 10 years)"))
    return out


# --- conditions: can they ever hold? -------------------------------------------------------------------------


def _dimensions(c: Condition, dims: dict) -> None:
    if isinstance(c, (All, Any)):
        for part in c.conditions:
            _dimensions(part, dims)
    elif isinstance(c, Not):
        _dimensions(c.condition, dims)
    elif isinstance(c, SupervisionType):
        dims["supervision_type"] = SUPERVISION_TYPES
    elif isinstance(c, Rosh):
        dims["rosh"] = ROSH_LEVELS
    elif isinstance(c, Registration):
        for code in c.codes:
            dims[f"registration:{code}"] = (False, True)
    elif isinstance(c, Mappa):
        dims["mappa"] = _MAPPA_STATES
    elif isinstance(c, InCustody):
        dims["in_custody"] = (False, True)
    elif isinstance(c, Tier):
        dims["tier"] = TIERS
    elif isinstance(c, Elapsed):
        dims[f"elapsed:{c.percent}"] = (False, True)


def _holds(c: Condition, world: dict) -> bool:
    if isinstance(c, Always):
        return True
    if isinstance(c, All):
        return all(_holds(p, world) for p in c.conditions)
    if isinstance(c, Any):
        return any(_holds(p, world) for p in c.conditions)
    if isinstance(c, Not):
        return not _holds(c.condition, world)
    if isinstance(c, SupervisionType):
        return world["supervision_type"] in c.types
    if isinstance(c, Rosh):
        return world["rosh"] in c.levels
    if isinstance(c, Registration):
        return any(world[f"registration:{code}"] for code in c.codes)
    if isinstance(c, Mappa):
        value = world["mappa"]
        return value is not None and (c.levels is None or value[1] in c.levels) and (
            c.categories is None or value[0] in c.categories)
    if isinstance(c, InCustody):
        return world["in_custody"] is c.value
    if isinstance(c, Tier):
        return world["tier"] in c.tiers
    if isinstance(c, Elapsed):
        return world[f"elapsed:{c.percent}"]
    raise TypeError(f"unknown condition {type(c).__name__}")


def _worlds(conditions: list[Condition]):
    dims: dict = {}
    for c in conditions:
        _dimensions(c, dims)
    names = sorted(dims)
    for values in itertools.product(*(dims[n] for n in names)):
        yield dict(zip(names, values))


def satisfiable(*conditions: Condition) -> bool:
    """Whether some state of a case makes every condition hold at once."""
    return any(all(_holds(c, w) for c in conditions) for w in _worlds(list(conditions)))


def _never(rule: Rule) -> list[Diagnostic]:
    if not satisfiable(rule.condition):
        return [_at(rule, "lint-never-applies",
                    f"applies_when can never hold ({rule.condition.describe()}), so the rule never applies")]
    return [_at(rule, "lint-never-holds", f"this part of applies_when can never hold: {part.describe()}")
            for part in _parts(rule.applies_when) if not satisfiable(part)]


def _parts(c: Condition):
    """Every sub-condition below the top one."""
    children = c.conditions if isinstance(c, (All, Any)) else (c.condition,) if isinstance(c, Not) else ()
    for child in children:
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


def _signature(rule: Rule):
    """What a rule demands, without its numbers: rules with the same signature demand the same thing."""
    ob = rule.obligation
    if isinstance(ob, (Deadline, Precedence)):
        return (rule.template, ob.trigger.matcher.types, ob.trigger.matcher.where, ob.trigger.occurrence,
                ob.trigger.nth, ob.expect.types, ob.expect.where)
    if isinstance(ob, Response):
        return (rule.template, ob.trigger.matcher.types, ob.trigger.matcher.where, ob.trigger.nth,
                ob.respond.types, ob.respond.where)
    if isinstance(ob, (Cadence, Recurrence, BeforeEnd)):
        return (rule.template, ob.qualifying.types, ob.qualifying.where)
    return None


def _numbers(rule: Rule) -> dict:
    variants = rule.by_rosh or (("", rule.obligation),)
    out = {}
    for level, obligation in variants:
        figures = replace(rule, obligation=obligation, by_rosh=())
        prefix = f"{level}: " if level else ""
        out |= {prefix + name: d for name, d in _durations(figures)}
        out[prefix + "at_least"] = getattr(obligation, "at_least", None)
    return out


def _overlaps(rulebook: Rulebook) -> list[Diagnostic]:
    out = []
    groups: dict = {}
    for rule in rulebook.rules:
        groups.setdefault(_signature(rule), []).append(rule)
    for signature, rules in groups.items():
        if signature is None:
            continue
        for a, b in itertools.combinations(rules, 2):
            na, nb = _numbers(a), _numbers(b)
            if na == nb or not satisfiable(a.condition, b.condition):
                continue
            if not _in_force_overlap(a, b):
                continue
            differ = ", ".join(f"{k} {na.get(k)} vs {nb.get(k)}" for k in sorted(set(na) | set(nb))
                               if na.get(k) != nb.get(k))
            out.append(_at(b, "lint-overlap",
                           f"demands the same as {a.id} ({a.source}) for cases both apply to, with different "
                           f"figures ({differ}); narrow one rule's applies_when or in_force"))
    return out


def _in_force_overlap(a: Rule, b: Rule) -> bool:
    import datetime as _dt

    start = max(a.in_force_from or _dt.date.min, b.in_force_from or _dt.date.min)
    end = min(a.in_force_until or _dt.date.max, b.in_force_until or _dt.date.max)
    return start <= end
