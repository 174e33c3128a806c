"""``precedence``: the expected event must come before (or on the day of) the trigger.

D = the trigger's day (the day before, with ``strictly_before``). The window opens ``look_back`` before the
trigger, or at any time before it. An expected event after D is late (days late counted from D, as
everywhere); none at all is missed once D has passed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ...dates import human
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, Kind, State
from ..rulebook import Duration, Matcher, Path, Rule, Trigger
from ..view import CaseView
from .base import ExplainContext, Finding, Template, cite, counterfactual, overdue, self_satisfying, trigger_signature


@dataclass(frozen=True)
class Precedence(Template):
    """The expected event must happen before (``strictly_before``) or by the trigger's day."""

    trigger: Trigger
    expect: Matcher
    look_back: Duration | None = None
    strictly_before: bool = False

    keyword: ClassVar[str] = "precedence"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["trigger", "expect"],
        "description": "The expected event must happen before (or on the day of) the trigger event. Late if it "
                       "only happens afterwards; missed if not at all.",
        "examples": [{"trigger": {"event": "sentence"},
                      "expect": {"event": "enquiry", "where": {"agency": "police", "topic": "domestic_abuse",
                                                               "status": "requested"}},
                      "look_back": {"days": 182}}],
        "properties": {
            "trigger": {"$ref": "#/$defs/trigger"},
            "expect": {"$ref": "#/$defs/matcher"},
            "look_back": {"$ref": "#/$defs/duration",
                          "description": "How long before the trigger an expected event still counts (default: any "
                                         "time before)."},
            "strictly_before": {"type": "boolean",
                                "description": "true: the day of the trigger is too late; false (default): the same "
                                               "day counts."},
        },
    }

    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Precedence":
        look_back = ctx.duration(data["look_back"], path + ("look_back",)) if "look_back" in data else None
        strictly = data.get("strictly_before", False)
        if strictly and look_back is not None and look_back.amount == 0:
            ctx.problem(path + ("look_back",), "rule-impossible-window",
                        "a look-back of 0 days with strictly_before leaves no day on which the event could count")
        return cls(ctx.trigger(data["trigger"], path + ("trigger",), "first"),
                   ctx.matcher(data["expect"], path + ("expect",)), look_back, strictly)

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        out: list[Instance] = []
        candidates = view.events(self.expect)
        working = self.look_back.working if self.look_back else False
        for day, event, anchor, holds in mechanics.judged(rule, view, mechanics.triggers(self.trigger, view), out):
            due = day - 1 if self.strictly_before else day
            start = self.look_back.before(day) if self.look_back else mechanics.ANY_TIME
            found = mechanics.check(view, Kind.TRIGGER, candidates, start, due, working, event)
            if anchor is not None:
                found = found.revise(anchor_event=anchor)
            out.append(found if holds is not None else mechanics.if_applies(found, rule.skips_unknown))
        return out

    def labels(self) -> tuple[str, str]:
        return self.trigger.matcher.describe(), self.expect.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        named = [("look_back", self.look_back)] if self.look_back else []
        return named + ([("nth_within", self.trigger.nth_within)] if self.trigger.nth_within else [])

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *trigger_signature(self.trigger), *self.expect.signature())

    def figures(self) -> dict[str, object]:
        return {**dict(self.durations()), "strictly_before": self.strictly_before}

    def explain(self, i: Instance, ctx: ExplainContext) -> str:
        _, expected = self.labels()
        Expected = words.capital(expected)
        assert i.trigger is not None
        trigger = self.trigger.matcher.describe_event(i.trigger)
        when = f"{trigger} on {human(i.trigger.date)}"
        done = f"was recorded on {cite(i)}"
        if self.expect.answered and len(i.evidence) == 2:
            request, answer = i.evidence
            done = f"was requested on {human(request.date)} ({request.event_id}) and answered on " \
                   f"{human(answer.date)} ({answer.event_id})"
        if i.state == State.COMPLIANT:
            return f"{Expected} {done}, before {when}."
        if i.state == State.LATE:
            return f"{Expected} {done}, {words.days(i.days or 0, i.working)} after {when}; it should have come " \
                   f"first."
        if i.state == State.MISSED:
            if self.expect.answered:  # a request alone does not count: say so, not "not answered"
                return f"{Expected} should have come before {when}, and none is recorded (an enquiry counts once " \
                       f"it is answered): {overdue(i)}."
            return f"{Expected} should have come before {when} and has not been recorded: {overdue(i)}."
        return f"{Expected} is due by {human(i.due)}, the day of {when}."

    def would_have_met(self, instance: Instance) -> str:
        early = instance.window_from is not None and instance.window_from.toordinal() > mechanics.ANY_TIME
        return counterfactual(self.expect.describe(), instance, early)

    def describe(self) -> str:
        when = "before the day of" if self.strictly_before else "before (or on the day of)"
        text = f"{words.capital(self.expect.describe())} {when} {self.trigger.describe()}"
        if self.look_back:
            text += f", and no more than {self.look_back.span()} before it"
        return text + "."

    def actionable(self, instance: Instance) -> bool:
        # What had to come before an event cannot come before it once the event has happened.
        return False

    def too_late(self, instance: Instance) -> str:
        assert instance.trigger is not None
        trigger = self.trigger.matcher.describe_event(instance.trigger)
        return f"it had to come before {trigger} on {human(instance.trigger.date)}"

    def lint(self, rule: Rule) -> list[Finding]:
        return self_satisfying(self.trigger, self.expect, self.strictly_before)
