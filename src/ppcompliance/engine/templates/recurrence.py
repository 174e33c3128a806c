"""``recurrence``: while the rule applies, the first qualifying event within F days of the start of each
period, then the next within P days of the one before (management oversight, risk reviews).

Like a cadence gap with a different first interval: each due date is an instance. An event on the period's
first day restarts the clock; nothing falls due after the period ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, Kind
from ..rulebook import Duration, Matcher, Path, Rule
from ..view import CaseView
from .base import (NON_WORKING_SCHEMA, PAUSE_SHORT_SCHEMA, PERIODIC_CUSTODY_SCHEMA, ExplainContext, Finding, Template,
                   chain_sentence, counterfactual, custody_of, paused, rolled, rolls, zero_length)


@dataclass(frozen=True)
class Recurrence(Template):
    """While the rule applies: the first event within ``first_within``, then one at least ``every`` days."""

    qualifying: Matcher
    every: Duration
    first_within: Duration
    custody: str = "run"

    keyword: ClassVar[str] = "recurrence"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["qualifying", "every", "first_within"],
        "description": "While the rule applies: the first qualifying event within F days of the start of each "
                       "period, then the next within P days of the one before.",
        "examples": [{"qualifying": {"event": "management_oversight"}, "first_within": {"weeks": 4},
                      "every": {"weeks": 13}}],
        "properties": {
            "qualifying": {"$ref": "#/$defs/matcher"},
            "every": {"$ref": "#/$defs/calendar_duration"},
            "first_within": {"$ref": "#/$defs/calendar_duration"},
            "custody": PERIODIC_CUSTODY_SCHEMA,
            "pause_in_custody": PAUSE_SHORT_SCHEMA,
            "due_on_non_working_day": NON_WORKING_SCHEMA,
        },
    }


    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Recurrence":
        every = ctx.duration(data["every"], path + ("every",), rolls(data))
        zero_length(ctx, path, "every", "an interval of 0 days never ends", every.amount)
        return cls(ctx.matcher(data["qualifying"], path + ("qualifying",)), every,
                   ctx.duration(data["first_within"], path + ("first_within",), rolls(data)),
                   custody_of(data, path, ctx, (mechanics.RUN, mechanics.PAUSE)))

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        matched = view.events(self.qualifying)
        return mechanics.over_periods(
            rule, view, self.pause_in_custody,
            lambda start, end: mechanics.chain(view, matched, start, end, self.first_within, self.every,
                                               Kind.OCCURRENCE))

    def labels(self) -> tuple[str, str]:
        return "", self.qualifying.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        return [("every", self.every), ("first_within", self.first_within)]

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *self.qualifying.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, instance: Instance, ctx: ExplainContext) -> str:
        return chain_sentence(self.qualifying.describe(), instance)

    def would_have_met(self, instance: Instance) -> str:
        return counterfactual(self.qualifying.describe(), instance, False)

    def describe(self) -> str:
        return f"{words.capital(self.qualifying.describe())} within {self.first_within.span()} of the rule " \
               f"starting to apply, then at least every {self.every.span()}{paused(self.custody)}" \
               f"{rolled(self.every.roll)}."

    def lint(self, rule: Rule) -> list[Finding]:
        return []  # nothing only a recurrence can get wrong beyond what loading refuses (a 0-day interval)
