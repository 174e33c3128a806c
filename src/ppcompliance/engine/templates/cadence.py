"""``cadence``: while the rule applies, at least N qualifying events in every window of W days, and/or no gap
longer than G days.

Windows are consecutive (not rolling), from the first day of each period in which the rule applies; a last
window cut short by the period's end needs ``floor(N x length / W)`` events and is not listed when that is 0.
A gap clock runs from the period's first day; each event restarts it; nothing falls due after the period ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ...dates import Day, human
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, Kind, State
from ..rulebook import Duration, Matcher, Path, Rule
from ..view import CaseView
from .base import (NON_WORKING_SCHEMA, PAUSE_SHORT_SCHEMA, PERIODIC_CUSTODY_SCHEMA, ExplainContext, Finding, Template,
                   asides, chain_sentence, cite, counterfactual, custody_of, left, paused, rolled, rolls, zero_length)

_BY_ROSH_COUNT = {
    "type": "object", "additionalProperties": False, "required": ["by_rosh"],
    "properties": {"by_rosh": {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {level: {"$ref": "#/$defs/count"} for level in ("low", "medium", "high", "very_high")},
        "description": "A different count for each RoSH level. The rule applies only at the levels listed; every "
                       "by_rosh table in a rule must list the same levels. Where RoSH is not yet known, the figures "
                       "for the highest level listed are used to decide whether anything would have been missed."}},
    "examples": [{"by_rosh": {"very_high": 4, "high": 2, "medium": 1}}],
}


@dataclass(frozen=True)
class Cadence(Template):
    """While the rule applies: at least ``at_least`` events in every ``per`` window, and/or no gap over ``max_gap``."""

    qualifying: Matcher
    at_least: int | None = None
    per: Duration | None = None
    max_gap: Duration | None = None
    custody: str = "run"

    keyword: ClassVar[str] = "cadence"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["qualifying"],
        "anyOf": [{"required": ["at_least", "per"]}, {"required": ["max_gap"]}],
        "description": "While the rule applies: at least N qualifying events in every window of W days "
                       "(consecutive windows from the start of each period), and/or no gap longer than G days "
                       "between them.",
        "examples": [{"qualifying": {"event": "appointment", "where": {"outcome": "attended"}}, "at_least": 1,
                      "per": {"weeks": 1}}],
        "properties": {
            "qualifying": {"$ref": "#/$defs/matcher"},
            "at_least": {"oneOf": [{"$ref": "#/$defs/count"}, _BY_ROSH_COUNT],
                         "description": "How many qualifying events each window needs. Or a by_rosh table of counts."},
            "per": {"$ref": "#/$defs/calendar_duration", "description": "The window length."},
            "max_gap": {"$ref": "#/$defs/calendar_duration",
                        "description": "The longest allowed time from the start of the period to the first event, "
                                       "and between events."},
            "custody": PERIODIC_CUSTODY_SCHEMA,
            "pause_in_custody": PAUSE_SHORT_SCHEMA,
            "due_on_non_working_day": NON_WORKING_SCHEMA,
        },
        "dependentRequired": {"at_least": ["per"], "per": ["at_least"]},
    }


    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Cadence":
        per = ctx.duration(data["per"], path + ("per",)) if "per" in data else None
        max_gap = ctx.duration(data["max_gap"], path + ("max_gap",), rolls(data)) if "max_gap" in data else None
        if per is not None:
            zero_length(ctx, path, "per", "a window of 0 days can never hold an event", per.amount)
        if max_gap is not None:
            zero_length(ctx, path, "max_gap", "a maximum gap of 0 days would need an event every day with none "
                                              "between", max_gap.amount)
        if rolls(data) and max_gap is None:
            ctx.problem(path + ("due_on_non_working_day",), "rule-option",
                        "due_on_non_working_day moves the due dates of gaps; this rule has no max_gap")
        return cls(ctx.matcher(data["qualifying"], path + ("qualifying",)), data.get("at_least"), per, max_gap,
                   custody_of(data, path, ctx, (mechanics.RUN, mechanics.PAUSE)))

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        matched = view.events(self.qualifying)

        def each(start: Day, end: Day) -> list[Instance]:
            out = []
            if self.at_least is not None and self.per is not None:
                out += mechanics.windows(view, matched, start, end, self.at_least, self.per)
            if self.max_gap is not None:
                out += mechanics.chain(view, matched, start, end, self.max_gap, self.max_gap, Kind.GAP)
            return out

        return mechanics.over_periods(rule, view, self.pause_in_custody, each)

    def labels(self) -> tuple[str, str]:
        return "", self.qualifying.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        return [(name, d) for name, d in (("per", self.per), ("max_gap", self.max_gap)) if d is not None]

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *self.qualifying.signature())

    def figures(self) -> dict[str, object]:
        return {**dict(self.durations()), "at_least": self.at_least}

    def explain(self, i: Instance, ctx: ExplainContext) -> str:
        expected = self.qualifying.describe()
        if i.kind != Kind.WINDOW:
            return chain_sentence(expected, i)
        span = f"Between {human(i.window_from)} and {human(i.window_to)}"
        seen = f"{i.count} recorded ({cite(i)})" if i.count else "0 recorded"
        what = f"{i.required} needed ({words.bare(expected)})"
        if i.state == State.PENDING:
            return f"{span}: {seen} so far, {what}; {left(i)}."
        return f"{span}: {seen}, {what}."

    def would_have_met(self, i: Instance) -> str:
        expected = words.capital(self.qualifying.describe())
        if i.kind == Kind.WINDOW:
            times = "" if i.required == 1 else f"{i.required} times "
            return f"{expected} {times}between {human(i.window_from)} and {human(i.window_to)} would have met " \
                   f"this rule."
        return counterfactual(expected, i, False)

    def describe(self) -> str:
        parts = []
        if self.at_least is not None and self.per is not None:
            parts.append(f"at least {self.at_least} in every {self.per.span()}, each {self.qualifying.describe()}")
        if self.max_gap is not None:
            parts.append(f"never more than {self.max_gap.span()} without {self.qualifying.describe()}")
        roll = self.max_gap.roll if self.max_gap else False
        return words.capital("; and ".join(parts)) + asides(paused(self.custody), rolled(roll)) + "."

    def actionable(self, instance: Instance) -> bool:
        # A window that is over cannot be filled now; a gap still open ends with the next contact.
        return instance.kind != Kind.WINDOW and not instance.ended

    def too_late(self, instance: Instance) -> str:
        if instance.kind == Kind.WINDOW and instance.window_to is not None:
            return f"the window ended on {human(instance.window_to)}"
        return super().too_late(instance)

    def lint(self, rule: Rule) -> list[Finding]:
        return []  # nothing only a cadence can get wrong beyond what loading refuses (0-day windows and gaps)
