"""``recording``: each event of a kind recorded within N days of the day it happened.

Late recording is itself an inspection finding. An event's ``date`` is when it happened; ``recorded_date``, when
the timeline gives one, is when it was recorded. Each qualifying event is an instance, due ``within`` after its
date: recorded by then compliant, later late. An event without a recording date is not checked (reason
``not_recorded``): the timeline does not say. Recording never changes when an event happened, so no other rule
is affected by it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import dates, words
from ...dates import human
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, Kind, Reason, State
from ..rulebook import Duration, Matcher, Path, Rule
from ..view import CaseView
from .base import ExplainContext, Finding, Template, left, overdue


@dataclass(frozen=True)
class Recording(Template):
    """Each ``events`` event recorded within ``within`` of the day it happened."""

    events: Matcher
    within: Duration

    keyword: ClassVar[str] = "recording"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["events", "within"],
        "description": "Each event of a kind recorded within a time of the day it happened (its recorded_date no "
                       "later than date + within). Events without a recorded_date are not checked.",
        "examples": [{"events": {"event": "appointment"}, "within": {"working_days": 2}}],
        "properties": {"events": {"$ref": "#/$defs/matcher"}, "within": {"$ref": "#/$defs/fixed_duration"}},
    }

    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Recording":
        return cls(ctx.matcher(data["events"], path + ("events",)), ctx.duration(data["within"], path + ("within",)))

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        out: list[Instance] = []
        matched = view.events(self.events)
        each = ((day, event, None) for day, event in zip(matched.days, matched.events))
        for day, event, _, holds in mechanics.judged(rule, view, each, out):
            due = self.within.after(day)
            on, to = mechanics.day_of(day), mechanics.day_of(due)
            recorded = event.get("recorded_date")
            if recorded is not None and not view.reached(recorded.toordinal()):
                # Recorded after the as-of date: as the case stood that day, it had not been recorded yet.
                state = State.MISSED if view.past(due) else State.PENDING
                days = dates.between(due, view.as_of, self.within.working) if state == State.MISSED else \
                    dates.between(view.as_of, due, self.within.working)
                found = Instance(state, Kind.TRIGGER, on, to, to, event, days=days, working=self.within.working)
            elif recorded is None:
                found = Instance(State.NOT_APPLICABLE, Kind.TRIGGER, on, to, to, event, working=self.within.working,
                                 reason=Reason.NOT_RECORDED)
            elif recorded.toordinal() <= due:
                found = Instance(State.COMPLIANT, Kind.TRIGGER, on, to, to, event, (event,),
                                 working=self.within.working)
            else:
                found = Instance(State.LATE, Kind.TRIGGER, on, to, to, event, (event,),
                                 mechanics.late_days(due, recorded.toordinal(), self.within.working),
                                 self.within.working)
            out.append(found if holds is not None else mechanics.if_applies(found, rule.skips_unknown))
        return out

    def labels(self) -> tuple[str, str]:
        return self.events.describe(), f"the record of {words.bare(self.events.describe())}"

    def durations(self) -> list[tuple[str, Duration]]:
        return [("within", self.within)]

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *self.events.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, i: Instance, ctx: ExplainContext) -> str:
        assert i.trigger is not None and i.due is not None
        what = words.capital(self.events.describe())
        happened = f"{what} on {human(i.trigger.date)} ({i.trigger.event_id})"
        recorded = i.trigger.get("recorded_date")
        if i.state == State.PENDING:
            return f"{happened} is due to be recorded by {human(i.due)}: {left(i)}."
        if i.state == State.MISSED:
            return f"{happened} was due to be recorded by {human(i.due)} and had not been: {overdue(i)}."
        if i.state == State.COMPLIANT:
            return f"{happened} was recorded on {human(recorded)}, within the {self.within} allowed."
        return f"{happened} was recorded on {human(recorded)}, {words.days(i.days or 0, i.working)} late: it was " \
               f"due to be recorded by {human(i.due)}."

    def would_have_met(self, i: Instance) -> str:
        assert i.due is not None
        return f"Recording it by {human(i.due)} would have met this rule."

    def describe(self) -> str:
        return f"Each {words.bare(self.events.describe())} recorded within {self.within.span()} of the day it " \
               f"happened."

    def actionable(self, instance: Instance) -> bool:
        return False  # a late record cannot be made on time now

    def too_late(self, instance: Instance) -> str:
        return "the record was already made"

    def lint(self, rule: Rule) -> list[Finding]:
        return []
