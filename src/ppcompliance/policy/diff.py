"""What a rule change does to a caseload (``ppcheck diff``): per rule, which cases' verdicts move, and how.

Each case is evaluated under both rulebooks (in the worker processes, like a caseload check); the results are
rolled up per rule: the verdicts before and after, the rates before and after (by unit too), each kind of move
(late -> compliant ...) with how many cases made it and their ids. ``justified`` is a verdict like the others in
the counts and the moves, and, as in the caseload report, in no rate. A rule added or removed is reported as such;
a rule whose text changed but whose verdicts move nowhere is listed apart, not counted as a change.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Any, Iterable, Mapping

import msgspec

from .._version import __version__

from ..caseload.ids import CaseIds, repeated
from ..caseload.inputs import Item
from ..caseload.summary import MAX_REJECTED_SHOWN, Measure, rate
from ..caseload.work import Selection, at_line
from ..engine.evaluate import evaluate
from ..engine.facts import STATES, State
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic, TimelineError
from ..timeline.load import located, parse_timeline
from ..vocabulary import UNIT_KINDS

FORMAT = "ppcompliance.diff/2"  # /2: counts include justified
IDS_KEPT = 1000  # case ids remembered per kind of move (they are counted all the same)
ABSENT = "absent"


class CaseDiff(msgspec.Struct, frozen=True, gc=False):
    """One case under both rulebooks: its verdict per rule id before and after, or why it was rejected."""

    source: str
    line: int
    case_id: str | None = None
    units: tuple[str, ...] = ()
    before: dict[str, str] = {}
    after: dict[str, str] = {}
    problems: tuple[Diagnostic, ...] = ()
    selected: bool = True
    size: int = 0


def diff_case(old: Rulebook, new: Rulebook, as_of: date, selection: Selection, item: Item) -> CaseDiff:
    """Evaluate one case under both rulebooks."""
    if item.problem is not None:
        return CaseDiff(item.source, item.line, problems=(item.problem,), size=item.size)
    try:
        timeline = parse_timeline(item.text or b"", item.source)
    except TimelineError as exc:
        return CaseDiff(item.source, item.line, problems=tuple(at_line(d, item) for d in exc.diagnostics),
                        size=item.size)
    units = tuple(timeline.case.units.get(kind, "") for kind in UNIT_KINDS)
    if not selection.selects(timeline.case.units):
        return CaseDiff(item.source, item.line, timeline.case.id, units, selected=False, size=item.size)
    try:
        known = {*old.by_id, *new.by_id}
        before = {v.rule_id: v.state.value for v in evaluate(old, timeline, as_of, known=known).verdicts}
        after = {v.rule_id: v.state.value for v in evaluate(new, timeline, as_of, known=known).verdicts}
    except TimelineError as exc:  # a deviation names a rule neither rulebook has
        return CaseDiff(item.source, item.line, problems=tuple(at_line(d, item) for d in located(
            exc.diagnostics, item.text or b"")), size=item.size)
    except Exception as exc:  # noqa: BLE001 - one case must never stop a caseload
        return CaseDiff(item.source, item.line, problems=(Diagnostic(
            item.source, item.line, 0, "$", "case-internal-error",
            f"the engine failed on this case ({type(exc).__name__}: {exc}); please report it"),), size=item.size)
    return CaseDiff(item.source, item.line, timeline.case.id, units, before, after, size=item.size)


def diff_chunk(old: Rulebook, new: Rulebook, as_of: date, selection: Selection, chunk: list[Item]) -> list[CaseDiff]:
    """``diff_case`` over a chunk (the task a worker runs)."""
    return [diff_case(old, new, as_of, selection, item) for item in chunk]


def task(old: Rulebook, new: Rulebook, as_of: date, selection: Selection) -> "partial[list[CaseDiff]]":
    """The worker task for a diff (picklable)."""
    return partial(diff_chunk, old, new, as_of, selection)


@dataclass
class RuleChange:
    """One rule's verdicts under the old and the new rulebook across the cases."""

    rule_id: str
    status: str  # "added", "removed", "changed" (its definition differs), "unchanged"
    title: str = ""
    before: dict[str, int] = field(default_factory=dict)
    after: dict[str, int] = field(default_factory=dict)
    moves: dict[tuple[str, str], int] = field(default_factory=dict)
    cases: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    units: dict[str, tuple[dict[str, int], dict[str, int]]] = field(default_factory=dict)

    @property
    def moved(self) -> int:
        """How many cases' verdicts changed."""
        return sum(self.moves.values())

    def rates(self) -> tuple[float | None, float | None]:
        """The compliance rate before and after."""
        return rate({State(k): v for k, v in self.before.items()}), rate({State(k): v for k, v in self.after.items()})

    def as_dict(self) -> dict[str, Any]:
        """The change as JSON-ready data."""
        before, after = self.rates()
        return {
            "rule_id": self.rule_id, "title": self.title, "status": self.status, "cases_moved": self.moved,
            "rate_before": before, "rate_after": after,
            "before": {s.value: self.before.get(s.value, 0) for s in STATES} if self.status != "added" else None,
            "after": {s.value: self.after.get(s.value, 0) for s in STATES} if self.status != "removed" else None,
            "moves": [{"from": a, "to": b, "cases": n, "case_ids": self.cases.get((a, b), []),
                       "case_ids_listed": len(self.cases.get((a, b), []))}
                      for (a, b), n in sorted(self.moves.items())],
            "units": {u: {"rate_before": rate({State(k): v for k, v in b.items()}),
                          "rate_after": rate({State(k): v for k, v in a.items()})}
                      for u, (b, a) in sorted(self.units.items())},
        }


class Comparison:
    """Rolls case diffs up per rule, with the account of every input."""

    def __init__(self, old: Rulebook, new: Rulebook, as_of: date, by: str | None = None,
                 selection: Selection | None = None) -> None:
        self.as_of = as_of
        self.by = by
        self.selection = selection or Selection()
        self.rules_before, self.rules_after = len(old.rules), len(new.rules)
        self.fingerprints = (old.fingerprint, new.fingerprint)
        old_ids, new_ids = set(old.by_id), set(new.by_id)
        self.changes: dict[str, RuleChange] = {}
        for rule_id in sorted(old_ids | new_ids):
            status = "added" if rule_id not in old_ids else "removed" if rule_id not in new_ids else \
                "changed" if old.by_id[rule_id] != new.by_id[rule_id] else "unchanged"
            title = (new.by_id.get(rule_id) or old.by_id[rule_id]).title
            self.changes[rule_id] = RuleChange(rule_id, status, title)
        self.read = self.evaluated = self.outside = 0
        self.rejected: list[Diagnostic] = []
        self.rejected_cases = 0
        self.seen = CaseIds()

    def add(self, result: CaseDiff) -> bool:
        """Count one case; False if it was rejected or is outside the selection."""
        self.read += 1
        problems = list(result.problems)
        if not problems and result.case_id is not None and not self.seen.add(result.case_id):
            problems.append(repeated(result.source, result.line, result.case_id))
        if problems:
            self.rejected_cases += 1
            room = MAX_REJECTED_SHOWN - len(self.rejected)
            self.rejected += problems[:min(5, max(room, 0))]
            return False
        assert result.case_id is not None  # a case that was read has an id
        if not result.selected:
            self.outside += 1
            return False
        self.evaluated += 1
        unit = result.units[UNIT_KINDS.index(self.by)] or "(none)" if self.by else None
        for rule_id, change in self.changes.items():
            a, b = result.before.get(rule_id, ABSENT), result.after.get(rule_id, ABSENT)
            if a != ABSENT:
                change.before[a] = change.before.get(a, 0) + 1
            if b != ABSENT:
                change.after[b] = change.after.get(b, 0) + 1
            if unit is not None:
                before, after = change.units.setdefault(unit, ({}, {}))
                if a != ABSENT:
                    before[a] = before.get(a, 0) + 1
                if b != ABSENT:
                    after[b] = after.get(b, 0) + 1
            if a != b:
                change.moves[(a, b)] = change.moves.get((a, b), 0) + 1
                kept = change.cases.setdefault((a, b), [])
                if len(kept) < IDS_KEPT:
                    kept.append(result.case_id)
        return True

    def moved(self) -> list[RuleChange]:
        """Rules whose verdicts move (added and removed rules move every case they judge)."""
        return [c for c in self.changes.values() if c.moved]

    def still(self) -> list[RuleChange]:
        """Rules whose definition changed but whose verdicts move nowhere on these cases."""
        return [c for c in self.changes.values() if c.status == "changed" and not c.moved]

    def as_dict(self) -> dict[str, Any]:
        """The comparison as JSON-ready data (``ppcompliance.diff/2``)."""
        return {
            "format": FORMAT, "as_of": self.as_of.isoformat(),
            "inputs": {"read": self.read, "evaluated": self.evaluated, "outside": self.outside,
                       "rejected": self.rejected_cases},
            "selection": self.selection.as_dict(),
            "rejected": [d.as_dict() for d in self.rejected],
            "rulebooks": {"rules_before": self.rules_before, "rules_after": self.rules_after,
                          "fingerprint_before": self.fingerprints[0], "fingerprint_after": self.fingerprints[1]},
            "produced_by": {"engine": __version__, "rulebook": self.fingerprints[1]},
            "by": self.by,
            "changed": [c.as_dict() for c in self.moved()],
            "changed_without_moves": [{"rule_id": c.rule_id, "title": c.title} for c in self.still()],
            "unchanged": sum(1 for c in self.changes.values() if c.status == "unchanged" and not c.moved),
        }


def measure(counts: Mapping[str, int]) -> Measure:
    """Verdict counts keyed by state name as a measure."""
    return Measure({State(k): v for k, v in counts.items()})


def diff_json(comparison: Comparison) -> str:
    """The comparison as a JSON document."""
    return json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False) + "\n"


def _ids(ids: Iterable[str], total: int, show: int) -> str:
    listed = list(ids)[:show]
    more = total - len(listed)
    return ", ".join(listed) + (f" ... ({more} more)" if more > 0 else "")


def _pct(value: float | None) -> str:
    return "\u2013" if value is None else f"{value}%"


def diff_text(c: Comparison, show: int = 10) -> str:
    """The comparison for a terminal or an email."""
    from .. import words

    out = [f"{words.plural(c.evaluated, 'case')} as of {c.as_of.isoformat()}"
           + (f" ({c.selection.describe()})" if c.selection.units else "")
           + f"; {words.plural(c.rules_before, 'rule')} before, {c.rules_after} after."]
    moved = c.moved()
    for change in moved:
        before, after = change.rates()
        out.append(f"\n{change.rule_id} ({change.status}): {change.moved} of {words.plural(c.evaluated, 'case')} "
                   f"change; compliance {_pct(before)} -> {_pct(after)}")
        out.append(f"  {change.title}")
        for (a, b), n in sorted(change.moves.items()):
            out.append(f"  {a} -> {b}: {n}  {_ids(change.cases.get((a, b), []), n, show)}")
        for unit, (ub, ua) in sorted(change.units.items()):
            rb, ra = rate({State(k): v for k, v in ub.items()}), rate({State(k): v for k, v in ua.items()})
            if rb != ra:
                out.append(f"  {c.by} {unit}: {_pct(rb)} -> {_pct(ra)}")
    if not moved:
        out.append("No case's verdict changes.")
    still = c.still()
    if still:
        out.append(f"\nChanged, but no verdict moves on these cases: {', '.join(x.rule_id for x in still)}.")
    return "\n".join(out) + "\n"


def diff_markdown(c: Comparison, show: int = 10) -> str:
    """The comparison as Markdown, for a sign-off pack."""
    out = [f"# Rule change: {c.evaluated} cases as of {c.as_of.isoformat()}", "",
           f"{c.rules_before} rules before, {c.rules_after} after. {len(c.moved())} rules move verdicts.", "",
           "| rule | status | cases moved | compliance before | compliance after |", "|---|---|---|---|---|"]
    for change in c.moved():
        before, after = change.rates()
        out.append(f"| {change.rule_id} {change.title} | {change.status} | {change.moved} | {_pct(before)} | "
                   f"{_pct(after)} |")
    for change in c.moved():
        out += ["", f"## {change.rule_id} — {change.title}", "", "| from | to | cases | case ids |", "|---|---|---|---|"]
        for (a, b), n in sorted(change.moves.items()):
            out.append(f"| {a} | {b} | {n} | {_ids(change.cases.get((a, b), []), n, show)} |")
    still = c.still()
    if still:
        out += ["", "Changed, but no verdict moves on these cases: " + ", ".join(x.rule_id for x in still) + "."]
    return "\n".join(out) + "\n"
