"""``end_recorded``: a case open past its expected end without a recorded end is flagged (data quality).

Supervision ends on one day for every rule: the actual end date if one is recorded, otherwise the expected end
(an order or licence expires on its own). A case still open on the timeline after its expected end has not
been closed on the record; the team should record the termination. Due ``within`` after the expected end:
a recorded end date, or a ``termination`` event on or before the as-of date, is compliant; none, pending until
the due date and missed after it. Before the expected end there is nothing to check.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import dates, words
from ...dates import human
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, Kind, Reason, State
from ..rulebook import Duration, Path, Rule
from ..view import CaseView
from .base import ExplainContext, Finding, Template, left, overdue


@dataclass(frozen=True)
class EndRecorded(Template):
    """The end of supervision recorded within ``within`` of the expected end."""

    within: Duration

    keyword: ClassVar[str] = "end_recorded"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["within"],
        "description": "A data-quality check: the end of supervision (an end date, or a termination event) is "
                       "recorded within this long after the expected end date. A case open past it is flagged.",
        "examples": [{"within": {"working_days": 5}}],
        "properties": {"within": {"$ref": "#/$defs/fixed_duration"}},
    }

    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "EndRecorded":
        return cls(ctx.duration(data["within"], path + ("within",)))

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        expected = view.expected_end
        due = self.within.after(expected)
        on, to = mechanics.day_of(expected), mechanics.day_of(due)
        working = self.within.working
        if view.end_date is not None:
            return [Instance(State.COMPLIANT, Kind.END, on, to, to, working=working)]
        closing = [e for e in view.timeline.of_type("termination") if e.date.toordinal() <= view.as_of]
        if closing:
            return [Instance(State.COMPLIANT, Kind.END, on, to, to, evidence=(closing[0],), working=working)]
        if not view.past(expected):
            return [Instance(State.NOT_APPLICABLE, Kind.END, view.case.start_date, view.as_of_date, to, working=working,
                             reason=Reason.NOTHING_DUE)]
        skip = mechanics.not_applicable_on(rule, view, expected)
        if skip is not None:
            return [skip]
        if view.past(due):
            return [Instance(State.MISSED, Kind.END, on, to, to, days=dates.between(due, view.as_of, working),
                             working=working)]
        return [Instance(State.PENDING, Kind.END, on, to, to, days=dates.between(view.as_of, due, working),
                         working=working)]

    @property
    def reads_whole(self) -> frozenset[str]:
        return frozenset({"termination"})

    def labels(self) -> tuple[str, str]:
        return "", "the end of supervision (an end date or a termination)"

    def durations(self) -> list[tuple[str, Duration]]:
        return [("within", self.within)]

    def signature(self) -> tuple[object, ...]:
        return (self.keyword,)

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, i: Instance, ctx: ExplainContext) -> str:
        assert i.window_from is not None and i.due is not None
        expected = f"supervision was due to end on {human(i.window_from)}"
        if i.state == State.COMPLIANT:
            if i.evidence:
                return f"The end of supervision is recorded: a termination on {human(i.evidence[0].date)} " \
                       f"({i.evidence[0].event_id})."
            assert ctx.case.end_date is not None
            return f"The end of supervision is recorded: it ended on {human(ctx.case.end_date)}."
        if i.state == State.MISSED:
            return f"{words.capital(expected)} and no end date or termination is recorded: the record was due by " \
                   f"{human(i.due)} ({overdue(i)})."
        return f"{words.capital(expected)}; no end date or termination is recorded yet: record it by " \
               f"{human(i.due)} ({left(i)})."

    def would_have_met(self, i: Instance) -> str:
        assert i.due is not None
        return f"Recording the end of supervision (an end date or a termination) by {human(i.due)} would have met " \
               f"this rule."

    def describe(self) -> str:
        return f"The end of supervision recorded (an end date or a termination) within {self.within.span()} of the " \
               f"expected end date."

    def lint(self, rule: Rule) -> list[Finding]:
        return []
