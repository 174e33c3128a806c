"""Trends: a caseload's compliance rates at a series of as-of dates (month ends, week ends or quarter ends).

Each case is read and decoded once, then evaluated at every point by ``engine.series``, which gives at each
date exactly the verdict states ``evaluate`` gives on that date, evaluating a rule again only where something
it reads arrives or a date it depends on passes. Each point's verdicts are rolled up by a ``Caseload`` of its
own, the same machinery a one-date run uses, so a point of a trend *is* the summary ``ppcheck CASELOAD --as-of
DATE`` gives — its rates per rule, practice area and unit — not a second implementation of the rates. The
worklist is not kept: a trend is about rates.

Pure: no file, clock or printing; the CLI reads the input and writes the outputs.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import partial
from typing import Any, Iterator

import msgspec

from ..engine.facts import STATES
from ..engine.rulebook import Rulebook
from ..engine.series import Series
from ..errors import Diagnostic
from .inputs import Item
from .summary import Caseload, Summary
from .work import CaseResult, Selection, evaluation_problems, read_case

FORMAT = "ppcompliance.trend/1"
#: How often a trend takes a point: the last day of each week (counted from the first date), month or quarter.
EVERY = ("week", "month", "quarter")
MAX_POINTS = 1000  # about 19 years of weeks: a bound, so a slip of the date cannot start a run of days
_INDEX = {state: i for i, state in enumerate(STATES)}


def points(first: date, last: date, every: str) -> tuple[date, ...]:
    """The as-of dates of a trend from ``first`` to ``last`` (both included):

    * ``month``: every month end on or after ``first`` and on or before ``last``;
    * ``quarter``: every quarter end (31 March, 30 June, 30 September, 31 December) in that span;
    * ``week``: ``first``, then every 7 days after it, up to ``last``.

    Raises ValueError if ``last`` is before ``first``, no point falls between them, there would be more than
    ``MAX_POINTS``, or ``every`` is not one of ``EVERY``.
    """
    if every not in EVERY:
        raise ValueError(f"every is one of {', '.join(EVERY)}, not {every!r}")
    if last < first:
        raise ValueError(f"the last date ({last.isoformat()}) is before the first ({first.isoformat()})")
    if every == "week":
        count = (last - first).days // 7 + 1
        if count > MAX_POINTS:
            raise ValueError(_too_many(count))
        return tuple(first + timedelta(days=7 * k) for k in range(count))
    step = 1 if every == "month" else 3
    found: list[date] = []
    year, month = first.year, first.month
    if every == "quarter":
        month = ((month - 1) // 3 + 1) * 3  # the quarter's last month
    while True:
        end = date(year, month, calendar.monthrange(year, month)[1])
        if end > last:
            break
        if end >= first:
            found.append(end)
            if len(found) > MAX_POINTS:
                raise ValueError(_too_many(len(found)))
        month += step
        if month > 12:
            year, month = year + 1, month - 12
    if not found:
        raise ValueError(f"no {every} end falls from {first.isoformat()} to {last.isoformat()}")
    return tuple(found)


def _too_many(count: int) -> str:
    return f"that is {count:,} points, more than the {MAX_POINTS:,} a trend may have: take a longer step or a shorter span"


@dataclass(frozen=True)
class TrendOptions:
    """Which as-of dates each case is evaluated at, and which cases are looked at."""

    points: tuple[date, ...]
    selection: Selection = field(default_factory=Selection)


class TrendResult(msgspec.Struct, frozen=True, gc=False):
    """One input case evaluated at every point: per point, its verdict per rule (indexes into STATES, in
    rulebook order; point after point in one byte string) — or the problems that stopped it. A case outside
    the selection is read but not evaluated (``selected`` False)."""

    source: str
    line: int
    case_id: str | None = None
    units: tuple[str, str, str] = ("", "", "")
    states: bytes = b""
    problems: tuple[Diagnostic, ...] = ()
    selected: bool = True
    size: int = 0

    def at(self, point: int, rules: int, check_id: bool = True) -> CaseResult:
        """The case as a one-date run sees it at the ``point``-th date (``rules`` verdicts a point). Without
        ``check_id`` the case id is left out, so that the caseload it is added to does not look for a
        repeat (one caseload of the trend does that for all)."""
        return CaseResult(self.source, self.line, self.case_id if check_id else None, self.units,
                          self.states[point * rules:(point + 1) * rules], problems=self.problems,
                          selected=self.selected, size=self.size)


def trend_case(rulebook: Rulebook, options: TrendOptions, item: Item,
               series: Series | None = None) -> TrendResult:
    """Parse and validate one input case once, and evaluate it at every point (what a worker does); ``series``:
    the rulebook made ready for the points, if the caller has it already."""
    read = read_case(item, options.selection)
    if read.timeline is None:
        return TrendResult(item.source, item.line, problems=read.problems, size=item.size)
    timeline, units = read.timeline, read.units
    case = timeline.case
    if not read.selected:
        return TrendResult(item.source, item.line, case.id, units, selected=False, size=item.size)
    try:
        series = series or Series(rulebook, options.points)
        states = b"".join(bytes(_INDEX[state] for state in point) for point in series.states(timeline))
    except Exception as exc:  # noqa: BLE001 - a deviation's rule missing (at every date alike), or an engine failure
        return TrendResult(item.source, item.line, problems=evaluation_problems(exc, item), size=item.size)
    return TrendResult(item.source, item.line, case.id, units, states, size=item.size)


def trend_chunk(rulebook: Rulebook, options: TrendOptions, chunk: list[Item]) -> list[TrendResult]:
    """``trend_case`` over a chunk (the task a worker runs)."""
    series = Series(rulebook, options.points)
    return [trend_case(rulebook, options, item, series) for item in chunk]


def task(rulebook: Rulebook, options: TrendOptions) -> "partial[list[TrendResult]]":
    """The worker task for a trend: picklable, so it also works where processes are spawned."""
    return partial(trend_chunk, rulebook, options)


@dataclass(frozen=True)
class TrendSummary:
    """A trend: the summary of the caseload at each point (rates per rule, area and unit; no worklist)."""

    every: str
    first: date
    last: date
    summaries: tuple[Summary, ...]

    @property
    def points(self) -> tuple[date, ...]:
        """The as-of dates, in order."""
        return tuple(s.as_of for s in self.summaries)

    @property
    def latest(self) -> Summary:
        """The last point's summary (its account of the inputs is every point's)."""
        return self.summaries[-1]

    def point_dict(self, summary: Summary) -> dict[str, Any]:
        """One point as JSON-ready data: exactly the rate sections of that date's ``ppcompliance.caseload/3``."""
        whole = summary.as_dict()
        return {"as_of": whole["as_of"], **{key: whole[key] for key in ("overall", "areas", "rules", "units")}}

    def as_dict(self) -> dict[str, Any]:
        """The trend as JSON-ready data (``ppcompliance.trend/1``)."""
        s = self.latest
        whole = s.as_dict()
        return {
            "format": FORMAT,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "every": self.every,
            "points": [p.isoformat() for p in self.points],
            "inputs": whole["inputs"],
            "selection": whole["selection"],
            "rejected": whole["rejected"],
            "rulebook": whole["rulebook"],
            "produced_by": whole["produced_by"],
            "by": s.by,
            "series": [self.point_dict(p) for p in self.summaries],
        }


class Trend:
    """Rolls trend results up into one ``Caseload`` per point."""

    def __init__(self, rulebook: Rulebook, every: str, first: date, last: date, by: str | None = None,
                 selection: Selection | None = None) -> None:
        self.every, self.first, self.last = every, first, last
        self.points = points(first, last, every)
        self.rules = len(rulebook.rules)
        self.caseloads = [Caseload(rulebook, day, by, selection=selection) for day in self.points]

    def add(self, result: TrendResult) -> bool:
        """Count one result at every point; False if the case was rejected or is outside the selection."""
        head, *rest = self.caseloads
        accepted = head.add(result.at(0, self.rules))
        # The first caseload finds repeated case ids (and keeps their digests); the others are told its finding.
        problems = head.last_problems
        for n, caseload in enumerate(rest, 1):
            one = result.at(n, self.rules, check_id=False)
            caseload.add(one if not problems else msgspec.structs.replace(one, problems=problems))
        return accepted

    @property
    def last_problems(self) -> tuple[Diagnostic, ...]:
        """The problems of the case last added."""
        return self.caseloads[0].last_problems

    def summary(self) -> TrendSummary:
        """The trend of everything added so far."""
        return TrendSummary(self.every, self.first, self.last, tuple(c.summary() for c in self.caseloads))

    def __iter__(self) -> Iterator[Caseload]:
        return iter(self.caseloads)
