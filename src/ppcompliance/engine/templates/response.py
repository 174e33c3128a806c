"""``response``: each trigger event (new information, an arrest, a failed appointment) followed by a response.

A deadline with ``occurrence: each`` and no look-back: each trigger must be followed, on or after its day, by
a response within ``within``. One response may answer several triggers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance
from ..rulebook import Duration, Matcher, Path, Rule, Trigger
from ..view import CaseView
from .base import ExplainContext, Finding, Template, counterfactual, paused, self_satisfying
from .deadline import within_sentence


@dataclass(frozen=True)
class Response(Template):
    """Each trigger event must be followed by a response within ``within``."""

    trigger: Trigger
    respond: Matcher
    within: Duration
    pause_in_custody: bool = False

    keyword: ClassVar[str] = "response"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["trigger", "respond", "within"],
        "description": "Each trigger event (new information, an arrest, a failed appointment) must be followed by "
                       "a response within a time limit.",
        "examples": [{"trigger": {"event": "new_information"}, "respond": {"event": ["risk_review", "risk_assessment"]},
                      "within": {"working_days": 10}, "pause_in_custody": True}],
        "properties": {
            "trigger": {"$ref": "#/$defs/trigger"},
            "respond": {"$ref": "#/$defs/matcher"},
            "within": {"$ref": "#/$defs/duration"},
            "pause_in_custody": {"type": "boolean", "description": "Days in custody do not count towards the limit."},
        },
    }

    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Response":
        return cls(
            ctx.trigger(data["trigger"], path + ("trigger",), "each"),
            ctx.matcher(data["respond"], path + ("respond",)),
            ctx.duration(data["within"], path + ("within",)),
            data.get("pause_in_custody", False),
        )

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        return mechanics.deadlines(rule, view, self.trigger, view.events(self.respond), self.within, None,
                                   self.pause_in_custody)

    def labels(self) -> tuple[str, str]:
        return self.trigger.matcher.describe(), self.respond.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        return [("within", self.within)] + ([("nth_within", self.trigger.nth_within)] if self.trigger.nth_within
                                            else [])

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *self.trigger.matcher.signature(), self.trigger.nth, *self.respond.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, instance: Instance, ctx: ExplainContext) -> str:
        return within_sentence(self.labels(), self.within, instance)

    def would_have_met(self, instance: Instance) -> str:
        return counterfactual(self.respond.describe(), instance, False)

    def describe(self) -> str:
        return f"Each time there is {self.trigger.describe()}: {self.respond.describe()} within " \
               f"{self.within.span()}{paused(self.pause_in_custody)}."

    def lint(self, rule: Rule) -> list[Finding]:
        return self_satisfying(self.trigger, self.respond)
