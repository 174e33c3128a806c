"""The caseload view: case results rolled up into rates, the worklist, and the account of every input.

Rates are computed like clinical quality measures: for each rule, the denominator is the cases where the rule
applied and resolved (compliant + late + missed); the numerator is compliant; justified, pending, unknown and
not applicable are counted separately and never enter the rate. Areas and units sum their rules' rule-case pairs.

``Caseload`` accumulates results (and merges with another: counts add, bounded worklists and the bounded list of
justified deviations merge, so a caseload can be summed in parts); ``summary()`` gives the typed ``Summary``
every format renders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Mapping

from ..engine.facts import FAILING, RESOLVED, STATES, State
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic
from ..vocabulary import PRACTICE_AREAS, UNIT_KINDS
from .ids import CaseIds, repeated
from .work import CaseResult, Selection
from ..report.case import produced_by
from ..report.justified import JustifiedRow
from ..report.worklist import SECTIONS, Section, WorkItem
from .worklist import Bounded, Worklist

FORMAT = "ppcompliance.caseload/3"
MAX_REJECTED_SHOWN = 1000
WORKLIST_SHOWN = 200  # rows per section in a summary (ppcheck due lists them all); justified deviations too
_FAILING = frozenset(STATES.index(s) for s in FAILING)


def rate(counts: Mapping[State, int]) -> float | None:
    """Compliant as a percentage of resolved (compliant + late + missed), one decimal; None if none resolved."""
    resolved = sum(counts.get(s, 0) for s in RESOLVED)
    return None if resolved == 0 else round(100.0 * counts.get(State.COMPLIANT, 0) / resolved, 1)


@dataclass(frozen=True)
class Measure:
    """How many rule-case pairs had each verdict, how many resolved, and the compliance rate."""

    counts: Mapping[State, int]

    @property
    def applicable(self) -> int:
        """Resolved pairs: compliant, late or missed (the rate's denominator)."""
        return sum(self.counts.get(s, 0) for s in RESOLVED)

    @property
    def rate(self) -> float | None:
        """Compliant as a percentage of resolved, one decimal; None if none resolved."""
        return rate(self.counts)

    def as_dict(self) -> dict[str, Any]:
        """The measure as JSON-ready data."""
        return {"counts": {s.value: self.counts.get(s, 0) for s in STATES}, "applicable": self.applicable,
                "rate": self.rate}


def _measure(row: list[int]) -> Measure:
    return Measure({state: row[i] for i, state in enumerate(STATES)})


@dataclass(frozen=True)
class RuleMeasure:
    """One rule's measure across the caseload."""

    rule_id: str
    title: str
    area: str
    stage: str
    severity: str
    illustrative: bool
    measure: Measure


@dataclass(frozen=True)
class AreaMeasure:
    """One practice area's measure (its rules' pairs summed)."""

    area: str
    title: str
    measure: Measure


@dataclass(frozen=True)
class UnitMeasure:
    """One organisational unit's cases, overall and per area."""

    unit: str
    cases: int
    overall: Measure
    areas: Mapping[str, Measure]


@dataclass(frozen=True)
class Inputs:
    """The account of every input: read = evaluated + outside the selection + rejected."""

    read: int
    evaluated: int
    outside: int
    rejected: int


@dataclass(frozen=True)
class Summary:
    """What a caseload run found: the contract of every summary format (docs/caseload.md)."""

    as_of: date
    inputs: Inputs
    rejected: tuple[Diagnostic, ...]
    selection: Selection
    rules_count: int
    #: What produced the summary: the engine's version and the rulebook's fingerprint.
    produced_by: Mapping[str, str]
    overall: Measure
    cases: int
    cases_failing: int
    areas: tuple[AreaMeasure, ...]
    rules: tuple[RuleMeasure, ...]
    by: str | None
    units: tuple[UnitMeasure, ...]
    worklist: Worklist
    within_days: int
    shown: int
    #: The justified deviations, for audit: one row per case, rule and deviation (never in the worklist).
    justified: Bounded[JustifiedRow] = field(default_factory=Bounded)

    def rows(self, section: Section) -> list[WorkItem]:
        """The worklist rows shown in a section, soonest first."""
        return self.worklist.rows(section)[: self.shown]

    def justified_rows(self) -> list[JustifiedRow]:
        """The justified deviations shown, by the first day of their period, then case and rule."""
        return self.justified.rows()[: self.shown]

    def as_dict(self) -> dict[str, Any]:
        """The summary as JSON-ready data (``ppcompliance.caseload/3``)."""
        w = self.worklist
        return {
            "format": FORMAT,
            "as_of": self.as_of.isoformat(),
            "inputs": {"read": self.inputs.read, "evaluated": self.inputs.evaluated, "outside": self.inputs.outside,
                       "rejected": self.inputs.rejected},
            "selection": self.selection.as_dict(),
            "rejected": [d.as_dict() for d in self.rejected],
            "rulebook": {"rules": self.rules_count},
            "produced_by": dict(self.produced_by),
            "overall": {**self.overall.as_dict(), "cases": self.cases, "cases_failing": self.cases_failing},
            "areas": [{"area": a.area, "title": a.title, **a.measure.as_dict()} for a in self.areas],
            "rules": [{"rule_id": r.rule_id, "title": r.title, "area": r.area, "stage": r.stage,
                       "severity": r.severity, "illustrative": r.illustrative, **r.measure.as_dict()}
                      for r in self.rules],
            "by": self.by,
            "units": [{"unit": u.unit, "cases": u.cases, "overall": u.overall.as_dict(),
                       "areas": {a: m.as_dict() for a, m in u.areas.items()}} for u in self.units],
            "worklist": {
                "within_days": self.within_days,
                "include_closed": w.include_closed,
                "closed_left_out": w.closed,
                "sections": {s.value: {"total": w.totals[s], "shown": len(self.rows(s)),
                                       "rows": [r.as_dict() for r in self.rows(s)]} for s in SECTIONS},
            },
            "justified": {"total": self.justified.total, "shown": len(self.justified_rows()),
                          "rows": [r.as_dict() for r in self.justified_rows()]},
        }


class Caseload:
    """Rolls case results up into rates per rule, area and unit, the worklist, and the account of every input."""

    def __init__(self, rulebook: Rulebook, as_of: date, by: str | None = None, within_days: int = 14,
                 worklist_limit: int | None = WORKLIST_SHOWN, include_closed: bool = False,
                 selection: Selection | None = None):
        self.rulebook = rulebook
        self.as_of = as_of
        self.by = by
        self.within_days = within_days
        self.selection = selection or Selection()
        self.rules = rulebook.rules
        self.counts = [[0] * len(STATES) for _ in self.rules]
        self.units: dict[str, list[Any]] = {}
        self.read = self.evaluated = self.outside = self.failing = 0
        self.rejected: list[Diagnostic] = []
        self.rejected_cases = 0
        self.seen = CaseIds()  # case ids already read, for duplicates: about 8 bytes a case
        self.worklist = Worklist(worklist_limit, include_closed)
        self.justified: Bounded[JustifiedRow] = Bounded(worklist_limit)
        self.last_problems: tuple[Diagnostic, ...] = ()  # the problems of the case last added

    def add(self, result: CaseResult) -> bool:
        """Count one result; False if the case was rejected (unreadable, invalid, or a repeated case id) or is
        outside the selection."""
        self.read += 1
        problems = list(result.problems)
        if not problems and result.case_id is not None and not self.seen.add(result.case_id):
            problems.append(repeated(result.source, result.line, result.case_id))
        self.last_problems = tuple(problems)
        if problems:
            self.rejected_cases += 1
            # The first few problems of each case, up to a bound, so a badly broken input cannot fill memory.
            room = MAX_REJECTED_SHOWN - len(self.rejected)
            self.rejected += problems[:min(5, max(room, 0))]
            return False
        if not result.selected:
            self.outside += 1
            return False
        self.evaluated += 1
        states = result.states
        self.failing += any(s in _FAILING for s in states)
        unit = None
        if self.by is not None:
            name = result.units[UNIT_KINDS.index(self.by)] or "(none)"
            unit = self.units.setdefault(name, [0, [[0] * len(STATES) for _ in self.rules]])
            unit[0] += 1
        for i, s in enumerate(states):
            self.counts[i][s] += 1
            if unit is not None:
                unit[1][i][s] += 1
        self.worklist.extend(result.work)
        self.justified.extend(result.justified)
        return True

    def merge(self, other: "Caseload") -> None:
        """Add another part of the same caseload (same rulebook, as-of date and options), read after this one.

        The parts must not share a case id: a run over the whole caseload rejects the later case, and only the
        case itself can take it out again, so a later part is evaluated knowing the earlier parts' ids instead
        (``caseload.distributed``). ValueError if they share one; this caseload is then not to be used."""
        before = len(self.seen)
        self.seen.update(other.seen)
        if len(self.seen) != before + len(other.seen):
            raise ValueError("the parts share a case id: evaluate the later part knowing the earlier parts' ids")
        self.read += other.read
        self.evaluated += other.evaluated
        self.outside += other.outside
        self.failing += other.failing
        self.rejected_cases += other.rejected_cases
        self.rejected = (self.rejected + other.rejected)[:MAX_REJECTED_SHOWN]
        for mine, theirs in zip(self.counts, other.counts):
            for i, n in enumerate(theirs):
                mine[i] += n
        for name, (cases, rows) in other.units.items():
            unit = self.units.setdefault(name, [0, [[0] * len(STATES) for _ in self.rules]])
            unit[0] += cases
            for mine, theirs in zip(unit[1], rows):
                for i, n in enumerate(theirs):
                    mine[i] += n
        self.worklist.merge(other.worklist)
        self.justified.merge(other.justified)

    def _by_area(self, rows: list[list[int]]) -> dict[str, list[int]]:
        areas: dict[str, list[int]] = {}
        for rule, row in zip(self.rules, rows):
            total = areas.setdefault(rule.area, [0] * len(STATES))
            for i, n in enumerate(row):
                total[i] += n
        return areas

    def summary(self, shown: int = WORKLIST_SHOWN) -> Summary:
        """The summary of everything added so far."""
        areas = self._by_area(self.counts)
        overall = [sum(row[i] for row in self.counts) for i in range(len(STATES))]
        units = []
        for name in sorted(self.units):
            cases, unit_rows = self.units[name]
            unit_total = [sum(row[i] for row in unit_rows) for i in range(len(STATES))]
            units.append(UnitMeasure(name, cases, _measure(unit_total),
                                     {a: _measure(row) for a, row in self._by_area(unit_rows).items()}))
        return Summary(
            as_of=self.as_of,
            inputs=Inputs(self.read, self.evaluated, self.outside, self.rejected_cases),
            rejected=tuple(self.rejected),
            selection=self.selection,
            rules_count=len(self.rules),
            produced_by=produced_by(self.rulebook),
            overall=_measure(overall),
            cases=self.evaluated,
            cases_failing=self.failing,
            areas=tuple(AreaMeasure(a, PRACTICE_AREAS[a], _measure(areas[a])) for a in PRACTICE_AREAS if a in areas),
            rules=tuple(RuleMeasure(r.id, r.title, r.area, r.stage, r.severity, r.basis.illustrative, _measure(row))
                        for r, row in zip(self.rules, self.counts)),
            by=self.by,
            units=tuple(units),
            worklist=self.worklist,
            within_days=self.within_days,
            shown=shown,
            justified=self.justified,
        )
