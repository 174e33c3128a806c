"""``deadline``: after a trigger event (its first occurrence, or each), an expected event within N days.

Due date D = trigger day + ``within`` (calendar or working days, days in custody skipped with
``pause_in_custody``). The window opens on the trigger's day, or ``look_back`` before it, and the first
expected event from the window's opening decides: by D compliant, after D late; none, missed once D has
passed, pending before.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ...dates import human
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, State
from ..rulebook import Duration, Matcher, Path, Rule, Trigger
from ..view import CaseView
from .base import (ExplainContext, Finding, Template, cite, counterfactual, left, overdue, paused, self_satisfying,
                   trigger_signature)


@dataclass(frozen=True)
class Deadline(Template):
    """After the trigger, the expected event within ``within`` (accepting one up to ``look_back`` before it)."""

    trigger: Trigger
    expect: Matcher
    within: Duration
    look_back: Duration | None = None
    pause_in_custody: bool = False

    keyword: ClassVar[str] = "deadline"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["trigger", "expect", "within"],
        "description": "After the trigger event, the expected event within a time limit. Compliant if it happens "
                       "on or before the due date (day 0 is the trigger's day); late if after; missed if not done "
                       "and overdue; pending if not yet due.",
        "examples": [{"trigger": {"event": "sentence"},
                      "expect": {"event": "appointment", "where": {"outcome": "attended"}},
                      "within": {"working_days": 5}}],
        "properties": {
            "trigger": {"$ref": "#/$defs/trigger"},
            "expect": {"$ref": "#/$defs/matcher"},
            "within": {"$ref": "#/$defs/duration"},
            "look_back": {"$ref": "#/$defs/duration",
                          "description": "Also accept an expected event done up to this long before the trigger."},
            "pause_in_custody": {"type": "boolean", "description": "Days in custody do not count towards the limit."},
        },
    }

    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Deadline":
        return cls(
            ctx.trigger(data["trigger"], path + ("trigger",), "first"),
            ctx.matcher(data["expect"], path + ("expect",)),
            ctx.duration(data["within"], path + ("within",)),
            ctx.duration(data["look_back"], path + ("look_back",)) if "look_back" in data else None,
            data.get("pause_in_custody", False),
        )

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        return mechanics.deadlines(rule, view, self.trigger, view.events(self.expect), self.within, self.look_back,
                                   self.pause_in_custody)

    def labels(self) -> tuple[str, str]:
        return self.trigger.matcher.describe(), self.expect.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        named = [("within", self.within)] + ([("look_back", self.look_back)] if self.look_back else [])
        return named + ([("nth_within", self.trigger.nth_within)] if self.trigger.nth_within else [])

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *trigger_signature(self.trigger), *self.expect.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, instance: Instance, ctx: ExplainContext) -> str:
        return within_sentence(self.labels(), self.within, instance)

    def would_have_met(self, instance: Instance) -> str:
        early = bool(instance.trigger and instance.window_from and instance.window_from < instance.trigger.date)
        return counterfactual(self.expect.describe(), instance, early)

    def describe(self) -> str:
        described = self.trigger.describe()
        each = self.trigger.occurrence == "each"
        text = f"Within {self.within.span()} of {'each ' + words.bare(described) if each else described}, " \
               f"{self.expect.describe()}"
        if self.look_back:
            text += f" (one made up to {self.look_back.span()} before counts)"
        return text + paused(self.pause_in_custody) + "."

    def lint(self, rule: Rule) -> list[Finding]:
        return self_satisfying(self.trigger, self.expect)


def within_sentence(labels: tuple[str, str], allowed: Duration, i: Instance) -> str:
    """The sentence of a deadline or response instance: done in time, late, missed or pending."""
    trigger, expected = labels
    assert i.trigger is not None and i.due is not None
    Expected = words.capital(expected)
    since = f"after {trigger} on {human(i.trigger.date)}"
    if i.paused_days:
        since += f" (the clock stopped for {words.days(i.paused_days, False)} in custody)"
    after = f"{allowed} {since}"
    if i.state == State.COMPLIANT:
        if i.evidence[0].date < i.trigger.date:
            return (f"{Expected} was recorded on {cite(i)}, before {trigger} on {human(i.trigger.date)}, "
                    f"which this rule accepts.")
        return f"{Expected} was recorded on {cite(i)}, within the {allowed} allowed {since}."
    if i.state == State.LATE:
        return f"{Expected} was recorded on {cite(i)}, {words.days(i.days or 0, i.working)} late: it was due by " \
               f"{human(i.due)}, {after}."
    if i.state == State.MISSED:
        return f"{Expected} was due by {human(i.due)}, {after}, and has not been recorded: {overdue(i)}."
    return f"{Expected} is due by {human(i.due)}, {after}: {left(i)}."
