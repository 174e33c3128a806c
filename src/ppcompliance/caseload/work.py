"""One case of a caseload: parsed, checked, evaluated and reduced to what the summary and the outputs need.

This is what a worker process does for each case; everything here is pure (no file, no clock).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from typing import Iterable, Mapping

import msgspec

from ..engine.evaluate import evaluate
from ..engine.facts import STATES
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic, TimelineError
from ..report.case import compact_record, report_to_dict
from ..timeline.load import located, parse_timeline
from ..timeline.model import Timeline
from ..vocabulary import UNIT_KINDS
from .inputs import Item
from ..report.justified import JustifiedRow, justified_rows
from ..report.worklist import WorkItem, work_items

_INDEX = {state: i for i, state in enumerate(STATES)}

#: What ``--format jsonl`` writes per case: the compact record (verdicts, counts and failing instances only),
#: the full one (every instance, with sentences), or nothing.
DETAILS = ("compact", "full", "none")


@dataclass(frozen=True)
class Selection:
    """Which cases to look at, by organisational unit: each kind given (region, PDU, team) must match one of its
    ids. Empty selects every case."""

    units: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def selects(self, units: Mapping[str, str]) -> bool:
        """Whether a case with these unit ids is selected."""
        return all(units.get(kind) in wanted for kind, wanted in self.units.items())

    def describe(self) -> str:
        """``team T1 or T2; region R-NE`` (empty for every case)."""
        names = {"region": "region", "pdu": "PDU", "team": "team"}
        return "; ".join(f"{names[k]} {' or '.join(sorted(v))}" for k, v in self.units.items())

    def as_dict(self) -> dict[str, list[str]]:
        """The selection as JSON-ready data."""
        return {kind: sorted(ids) for kind, ids in self.units.items()}


@dataclass(frozen=True)
class CheckOptions:
    """How each case of a caseload is checked: the as-of date, the worklist window, the record written."""

    as_of: date
    within_days: int = 14
    detail: str = "none"
    selection: Selection = field(default_factory=Selection)


class CaseResult(msgspec.Struct, frozen=True, gc=False):
    """One input case after evaluation: its verdict per rule (indexes into STATES, in rulebook order), its
    worklist rows, its justified deviations, its units, its record if one was asked for — or the problems that
    stopped it. A case outside the selection is read but not evaluated (``selected`` False)."""

    source: str
    line: int
    case_id: str | None = None
    units: tuple[str, str, str] = ("", "", "")
    states: bytes = b""
    work: tuple[WorkItem, ...] = ()
    record: str | None = None
    problems: tuple[Diagnostic, ...] = ()
    selected: bool = True
    size: int = 0  # bytes of input the case took (for progress)
    justified: tuple[JustifiedRow, ...] = ()


class Read(msgspec.Struct, frozen=True, gc=False):
    """One input case read: its timeline and units, or the problems that stopped it; ``selected`` False for a
    case outside the selection (read, not to be evaluated)."""

    timeline: Timeline | None = None
    units: tuple[str, str, str] = ("", "", "")
    problems: tuple[Diagnostic, ...] = ()
    selected: bool = True


def read_case(item: Item, selection: Selection) -> Read:
    """Parse and validate one input case, and see whether it is selected (what every caseload task does first)."""
    if item.problem is not None:
        return Read(problems=(item.problem,))
    try:
        timeline = parse_timeline(item.text or b"", item.source)
    except TimelineError as exc:
        return Read(problems=tuple(at_line(d, item) for d in exc.diagnostics))
    units = tuple(timeline.case.units.get(kind, "") for kind in UNIT_KINDS)
    assert len(units) == 3
    return Read(timeline, units, selected=selection.selects(timeline.case.units))


def evaluation_problems(exc: Exception, item: Item) -> tuple[Diagnostic, ...]:
    """Why a case read could not be evaluated: a deviation naming a rule the rulebook lacks (located in the
    input), or a failure of the engine (one case must never stop a caseload)."""
    if isinstance(exc, TimelineError):
        return tuple(at_line(d, item) for d in located(exc.diagnostics, item.text or b""))
    return (Diagnostic(item.source, item.line, 0, "$", "case-internal-error",
                       f"the engine failed on this case ({type(exc).__name__}: {exc}); please report it"),)


def check_case(rulebook: Rulebook, options: CheckOptions, item: Item) -> CaseResult:
    """Parse, validate and evaluate one input case."""
    read = read_case(item, options.selection)
    if read.timeline is None:
        return CaseResult(item.source, item.line, problems=read.problems, size=item.size)
    timeline, units = read.timeline, read.units
    case = timeline.case
    if not read.selected:
        return CaseResult(item.source, item.line, case.id, units, selected=False, size=item.size)
    try:
        report = evaluate(rulebook, timeline, options.as_of)
        work = tuple(work_items(rulebook, report, options.within_days, units))
        justified = tuple(justified_rows(report, units))
        record = None
        if options.detail == "compact":
            record = json.dumps(compact_record(report, rulebook), ensure_ascii=False,
                                separators=(",", ":"))
        elif options.detail == "full":
            record = json.dumps(report_to_dict(report, rulebook), ensure_ascii=False, separators=(",", ":"))
    except Exception as exc:  # noqa: BLE001 - a deviation's rule missing, or an engine failure: this case only
        return CaseResult(item.source, item.line, problems=evaluation_problems(exc, item), size=item.size)
    return CaseResult(item.source, item.line, case.id, units, bytes(_INDEX[v.state] for v in report.verdicts),
                      work, record, size=item.size, justified=justified)


def check_chunk(rulebook: Rulebook, options: CheckOptions, chunk: list[Item]) -> list[CaseResult]:
    """``check_case`` over a chunk (the task a worker runs)."""
    return [check_case(rulebook, options, item) for item in chunk]


def task(rulebook: Rulebook, options: CheckOptions) -> "partial[list[CaseResult]]":
    """The worker task for a caseload: picklable, so it also works where processes are spawned."""
    return partial(check_chunk, rulebook, options)


def at_line(d: Diagnostic, item: Item) -> Diagnostic:
    """A diagnostic from one line of a JSON Lines file, located at that line of the file."""
    if item.line == 0:
        return d
    return Diagnostic(d.file, item.line, d.column if d.line == 1 else 0, d.json_path, d.code, d.message, d.subject)


def rejected_record(result: CaseResult, problems: Iterable[Diagnostic]) -> str:
    """The JSON Lines record of a rejected case, with its own problems."""
    return json.dumps({"format": "ppcompliance.rejected/1", "source": result.source, "line": result.line,
                       "problems": [d.as_dict() for d in problems]}, ensure_ascii=False)
