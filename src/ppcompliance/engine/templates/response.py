"""``response``: each trigger event (new information, an arrest, a failed appointment) followed by a response.

A deadline with ``occurrence: each`` and no look-back: each trigger must be followed, on or after its day, by
a response within ``within``. One response may answer several triggers — unless the rule says the response
must be about its trigger (``respond: {about_trigger: true}``: the response names the trigger in ``about``).
``cut_off``, ``custody`` and ``due_on_non_working_day`` are as for ``deadline``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance
from ..rulebook import Duration, Matcher, Path, Rule, Trigger
from ..view import CaseView
from .base import (CUSTODY_SCHEMA, NON_WORKING_SCHEMA, PAUSE_SHORT_SCHEMA, ExplainContext, Finding, Template,
                   asides, counterfactual, custody_of, paused, rolled, rolls, self_satisfying)
from .deadline import _CUT_OFF, check_cut_off, within_sentence


@dataclass(frozen=True)
class Response(Template):
    """Each trigger event must be followed by a response within ``within``."""

    trigger: Trigger
    respond: Matcher
    within: Duration
    custody: str = "run"
    cut_off: Duration | None = None

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
            "cut_off": _CUT_OFF,
            "custody": CUSTODY_SCHEMA,
            "pause_in_custody": PAUSE_SHORT_SCHEMA,
            "due_on_non_working_day": NON_WORKING_SCHEMA,
        },
    }


    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Response":
        within = ctx.duration(data["within"], path + ("within",), rolls(data))
        cut_off = ctx.duration(data["cut_off"], path + ("cut_off",)) if "cut_off" in data else None
        check_cut_off(ctx, path, within, cut_off)
        return cls(
            ctx.trigger(data["trigger"], path + ("trigger",), "each"),
            ctx.matcher(data["respond"], path + ("respond",), about_trigger=True),
            within,
            custody_of(data, path, ctx, (mechanics.RUN, mechanics.PAUSE, mechanics.BEFORE_RELEASE)),
            cut_off,
        )

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        return mechanics.deadlines(rule, view, self.trigger, self.respond, self.within, None, self.custody,
                                   self.cut_off)

    def labels(self) -> tuple[str, str]:
        return self.trigger.matcher.describe(), self.respond.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        named = [("within", self.within)] + ([("cut_off", self.cut_off)] if self.cut_off else [])
        named += [("since.within", self.trigger.since_within)] if self.trigger.since_within else []
        return named + ([("nth_within", self.trigger.nth_within)] if self.trigger.nth_within else [])

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *self.trigger.matcher.signature(), self.trigger.nth,
                *(self.trigger.since.signature() if self.trigger.since else ()), self.trigger.since_for,
                *self.respond.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, instance: Instance, ctx: ExplainContext) -> str:
        return within_sentence(self.labels(), self.within, instance, self.cut_off, self.respond,
                               self.trigger.since_within, self.trigger.matcher, self.trigger.since_for, self.custody)

    def would_have_met(self, instance: Instance) -> str:
        return counterfactual(self.respond.describe(), instance, False)

    def describe(self) -> str:
        text = f"Each time there is {self.trigger.describe()}: {self.respond.describe()} within " \
               f"{self.within.span()}"
        if self.cut_off:
            text += f"; after {self.cut_off.span()} a late one no longer counts"
        return text + asides(paused(self.custody), rolled(self.within.roll)) + "."

    def lint(self, rule: Rule) -> list[Finding]:
        return self_satisfying(self.trigger, self.respond)
