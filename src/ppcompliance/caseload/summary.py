"""The caseload view: each case reduced to a compact result, and the results rolled up into rates.

Rates are computed like clinical quality measures: for each rule, the denominator is the cases where the rule
applied and resolved (compliant + late + missed); the numerator is compliant; not applicable, pending and
unknown are counted separately and never enter the rate. Areas and units sum their rules' rule-case pairs.
"""

from __future__ import annotations

import hashlib
import heapq
import json
from dataclasses import dataclass
from datetime import date, timedelta

from ..engine.evaluate import evaluate
from ..engine.facts import FAILING, STATES, State
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic, TimelineError
from ..explain import action_text, explain
from ..report.case import compact_record, report_to_dict
from ..timeline.load import parse_timeline
from ..vocabulary import PRACTICE_AREAS
from .inputs import Item

_INDEX = {state: i for i, state in enumerate(STATES)}
UNIT_KINDS = ("region", "pdu", "team")
RESOLVED = ("compliant", "late", "missed")
MAX_REJECTED_SHOWN = 1000


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One input case after evaluation: its verdict per rule (indexes into STATES, in rulebook order), its
    worklist rows, its units, and its JSON report if asked for — or the problems that stopped it."""

    source: str
    line: int
    case_id: str | None = None
    units: tuple[str, ...] = ()
    states: bytes = b""
    work: tuple[tuple, ...] = ()
    json: str | None = None
    problems: tuple[Diagnostic, ...] = ()


def check_case(rulebook: Rulebook, item: Item, as_of: date, within_days: int, want_json: bool) -> CaseResult:
    """Parse, validate and evaluate one input case (pure: no file or clock)."""
    if item.problem is not None:
        return CaseResult(item.source, item.line, problems=(item.problem,))
    try:
        timeline = parse_timeline(item.text or b"", item.source)
    except TimelineError as exc:
        return CaseResult(item.source, item.line, problems=tuple(_at_line(d, item) for d in exc.diagnostics))
    try:
        report = evaluate(rulebook, timeline, as_of)
    except Exception as exc:  # noqa: BLE001 - one case must never stop a caseload
        return CaseResult(item.source, item.line, problems=(Diagnostic(
            item.source, item.line, 0, "$", "case-internal-error",
            f"the engine failed on this case ({type(exc).__name__}: {exc}); please report it"),))
    horizon = as_of + timedelta(days=within_days)
    rules = rulebook.by_id
    work = []
    for v in report.verdicts:
        if v.state == State.MISSED and v.deciding is not None and v.deciding.due is not None:
            d = v.deciding
            work.append((d.due.isoformat(), v.rule_id, "missed", d.days or 0, d.working,
                         action_text(rules[v.rule_id], d, missed=True)))
    for a in report.next_actions:
        if a.due <= horizon:
            work.append((a.due.isoformat(), a.rule_id, "pending", a.days_left, a.working,
                         action_text(rules[a.rule_id], a.instance)))
    document = None
    if want_json:
        document = json.dumps(report_to_dict(report, rulebook), ensure_ascii=False, separators=(",", ":"))
    units = tuple(timeline.case.units.get(kind, "") for kind in UNIT_KINDS)
    return CaseResult(item.source, item.line, timeline.case.id, units,
                      bytes(_INDEX[v.state] for v in report.verdicts), tuple(work), document)


def _at_line(d: Diagnostic, item: Item) -> Diagnostic:
    """A diagnostic from one line of a JSON Lines file, located at that line of the file."""
    if item.line == 0:
        return d
    return Diagnostic(d.file, item.line, d.column if d.line else 0, d.json_path, d.code, d.message)


def _counts(row: list[int]) -> dict:
    return {state: row[i] for i, state in enumerate(STATES)}


def rate(counts: dict) -> float | None:
    """Compliant as a percentage of resolved (compliant + late + missed), one decimal; None if none resolved."""
    resolved = sum(counts.get(s, 0) for s in RESOLVED)
    return None if resolved == 0 else round(100.0 * counts.get("compliant", 0) / resolved, 1)


def _measure(row: list[int]) -> dict:
    counts = _counts(row)
    return {"counts": counts, "applicable": sum(counts[s] for s in RESOLVED), "rate": rate(counts)}


class Caseload:
    """Rolls case results up into rates per rule, area and unit, the worklist, and the account of every input."""

    def __init__(self, rulebook: Rulebook, as_of: date, by: str | None = None, within_days: int = 14,
                 worklist_limit: int | None = None):
        self.rulebook = rulebook
        self.as_of = as_of
        self.by = by
        self.within_days = within_days
        self.rules = rulebook.rules
        self.counts = [[0] * len(STATES) for _ in self.rules]
        self.units: dict[str, list] = {}
        self.read = self.evaluated = self.failing = 0
        self.rejected: list[dict] = []
        # Case ids already read, for duplicates: a set of 64-bit digests of the ids, so that it grows by about
        # 75 bytes a case rather than by the ids' text and where each was read.
        self.seen: set[int] = set()
        # The worklist: all of it (ppcheck due), or only the soonest rows, kept in a bounded heap, so that a
        # summary's memory does not grow with the caseload.
        self.worklist_limit = worklist_limit
        self.last_problems: list[dict] = []  # the problems of the case last added (empty if it was accepted)
        self.work: list[tuple] = []
        self.work_total = 0

    def add(self, result: CaseResult) -> bool:
        """Count one result; False if the case was rejected (unreadable, invalid, or a repeated case id)."""
        self.read += 1
        problems = list(result.problems)
        key = _digest(result.case_id) if result.case_id is not None else None
        if not problems and key in self.seen:
            problems.append(Diagnostic(result.source, result.line, 0, "$.case.id", "caseload-duplicate-case",
                                       f"case id {result.case_id!r} was already read earlier in this caseload; "
                                       f"the first one read is kept"))
        self.last_problems = [d.as_dict() for d in problems]
        if problems:
            # The first few problems of each case, up to a bound, so a badly broken input cannot fill memory.
            room = MAX_REJECTED_SHOWN - len(self.rejected)
            self.rejected += [d.as_dict() for d in problems[:min(5, max(room, 0))]]
            return False
        self.seen.add(key)
        self.evaluated += 1
        states = result.states
        self.failing += any(STATES[s] in FAILING for s in states)
        unit = None
        if self.by is not None:
            name = result.units[UNIT_KINDS.index(self.by)] or "(none)"
            unit = self.units.setdefault(name, [0, [[0] * len(STATES) for _ in self.rules]])
            unit[0] += 1
        for i, s in enumerate(states):
            self.counts[i][s] += 1
            if unit is not None:
                unit[1][i][s] += 1
        team = result.units[2] if len(result.units) > 2 else ""
        for due, rule_id, state, days, working, text in result.work:
            row = (due, result.case_id, team, rule_id, state, days, working, text)
            self.work_total += 1
            if self.worklist_limit is None:
                self.work.append(row)
            elif len(self.work) < self.worklist_limit:
                heapq.heappush(self.work, _Latest(row))
            elif self.worklist_limit and row < self.work[0].row:
                heapq.heapreplace(self.work, _Latest(row))
        return True

    def _by_area(self, rows: list[list[int]]) -> dict[str, list[int]]:
        areas: dict[str, list[int]] = {}
        for rule, row in zip(self.rules, rows):
            total = areas.setdefault(rule.area, [0] * len(STATES))
            for i, n in enumerate(row):
                total[i] += n
        return areas

    def worklist(self) -> list[tuple]:
        """The worklist rows kept, soonest due first (missed ones are overdue, so they lead)."""
        if self.worklist_limit is None:
            return sorted(self.work)
        return sorted(entry.row for entry in self.work)

    def summary(self, worklist_limit: int = 200) -> dict:
        """The caseload summary (the contract of every summary format; see docs/caseload.md)."""
        areas = self._by_area(self.counts)
        overall = [sum(row[i] for row in self.counts) for i in range(len(STATES))]
        rows = self.worklist()
        out = {
            "format": "ppcompliance.caseload/1",
            "as_of": self.as_of.isoformat(),
            "inputs": {"read": self.read, "evaluated": self.evaluated, "rejected": self.read - self.evaluated},
            "rejected": self.rejected,
            "rulebook": {"rules": len(self.rules)},
            "overall": {**_measure(overall), "cases": self.evaluated, "cases_failing": self.failing},
            "areas": [{"area": a, "title": PRACTICE_AREAS[a], **_measure(areas[a])}
                      for a in PRACTICE_AREAS if a in areas],
            "rules": [{"rule_id": r.id, "title": r.title, "area": r.area, "stage": r.stage, "severity": r.severity,
                       "illustrative": r.basis.illustrative, **_measure(row)} for r, row in zip(self.rules, self.counts)],
            "by": self.by,
            "units": [],
            "worklist": {
                "within_days": self.within_days,
                "total": self.work_total,
                "shown": min(len(rows), worklist_limit),
                "rows": [_row(r) for r in rows[:worklist_limit]],
            },
        }
        for name in sorted(self.units):
            cases, unit_rows = self.units[name]
            unit_total = [sum(row[i] for row in unit_rows) for i in range(len(STATES))]
            out["units"].append({
                "unit": name, "cases": cases, "overall": _measure(unit_total),
                "areas": {a: _measure(row) for a, row in self._by_area(unit_rows).items()},
            })
        return out


class _Latest:
    """A heap entry that puts the latest-due row on top, so a bounded heap keeps the soonest rows."""

    __slots__ = ("row",)

    def __init__(self, row: tuple):
        self.row = row

    def __lt__(self, other: "_Latest") -> bool:
        return self.row > other.row


def _digest(case_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(case_id.encode("utf-8"), digest_size=8).digest(), "big")


def _row(r: tuple) -> dict:
    due, case_id, team, rule_id, state, days, working, text = r
    return {"case_id": case_id, "unit": team, "rule_id": rule_id, "state": state, "due": due, "days": days,
            "day_unit": "working_days" if working else "days", "action": text}


def worklist_row(r: tuple) -> dict:
    """A worklist row as JSON-ready data."""
    return _row(r)
