"""``before_end``: a qualifying event in the last W days (or weeks) before supervision ends, at least M before
the end (end-of-supervision planning, the exit plan).

The end is the actual end date if supervision has ended, otherwise the expected end date. An event before the
window opens does not count; one between the due date and the end is late. If supervision ended early and
nothing was done, the instance is not applicable (``ended_early``): there was no fair chance to plan the end.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ...dates import human
from .. import mechanics
from ..compiling import CompileContext
from ..facts import Instance, Kind, Reason, State
from ..rulebook import Duration, Matcher, Path, Rule
from ..view import CaseView
from .base import ExplainContext, Finding, Template, cite, counterfactual, left, overdue


@dataclass(frozen=True)
class BeforeEnd(Template):
    """An event in the last ``within_last`` before supervision ends, at least ``at_least_before`` before the end."""

    qualifying: Matcher
    within_last: Duration
    at_least_before: Duration = Duration(0)

    keyword: ClassVar[str] = "before_end"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["qualifying", "within_last"],
        "description": "A qualifying event in the last W days (or weeks) before supervision ends, and at least M "
                       "before the end.",
        "examples": [{"qualifying": {"event": "pre_termination_review"}, "within_last": {"weeks": 8},
                      "at_least_before": {"weeks": 4}}],
        "properties": {
            "qualifying": {"$ref": "#/$defs/matcher"},
            "within_last": {"$ref": "#/$defs/duration"},
            "at_least_before": {"$ref": "#/$defs/duration",
                                "description": "The event is due this long before the end (default: by the end)."},
        },
    }

    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "BeforeEnd":
        within_last = ctx.duration(data["within_last"], path + ("within_last",))
        at_least_before = ctx.duration(data["at_least_before"], path + ("at_least_before",)) \
            if "at_least_before" in data else Duration(0)
        if at_least_before.days >= within_last.days and at_least_before.working == within_last.working:
            ctx.problem(path + ("at_least_before",), "rule-impossible-window",
                        f"the window closes ({at_least_before} before the end) before it opens "
                        f"({within_last} before the end)")
        return cls(ctx.matcher(data["qualifying"], path + ("qualifying",)), within_last, at_least_before)

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        end = view.end
        opening = max(self.within_last.before(end), view.start)
        due = self.at_least_before.before(end)
        skip = mechanics.not_applicable_on(rule, view, opening)
        if skip is not None:
            return [skip]
        result = mechanics.check(view, Kind.END, view.events(self.qualifying), opening, due, self.within_last.working)
        ended_early = view.end_date is not None and view.end_date < view.expected_end
        if ended_early and (result.state == State.MISSED or result.reason == Reason.LAPSED):
            # Supervision that ends early (revocation, death, transfer) gives no fair chance to plan the end.
            return [Instance(State.NOT_APPLICABLE, Kind.END, mechanics.day_of(opening), mechanics.day_of(due),
                             mechanics.day_of(due), reason=Reason.ENDED_EARLY)]
        if mechanics.known_on(rule, view, opening):
            return [result]
        return [mechanics.if_applies(result, rule.skips_unknown)] if rule.judges_unknown else []

    def labels(self) -> tuple[str, str]:
        return "", self.qualifying.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        return [("within_last", self.within_last), ("at_least_before", self.at_least_before)]

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *self.qualifying.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, i: Instance, ctx: ExplainContext) -> str:
        Expected = words.capital(self.qualifying.describe())
        ends = f"supervision ends on {human(ctx.case.end)}"
        if i.state == State.COMPLIANT:
            return f"{Expected} was recorded on {cite(i)}, within the last {self.within_last} before {ends}."
        if i.state == State.LATE:
            return f"{Expected} was recorded on {cite(i)}, {words.days(i.days or 0, i.working)} after it was due " \
                   f"on {human(i.due)} ({ends})."
        window = f"between {human(i.window_from)} and {human(i.due)}"
        if i.state == State.MISSED:
            return f"{Expected} was due {window} ({ends}) and has not been recorded: {overdue(i)}."
        return f"{Expected} is due {window}, before {ends}: {left(i)}."

    def would_have_met(self, instance: Instance) -> str:
        early = instance.window_from is not None and instance.window_from.toordinal() > mechanics.ANY_TIME
        return counterfactual(self.qualifying.describe(), instance, early)

    def describe(self) -> str:
        text = f"{words.capital(self.qualifying.describe())} in the last {self.within_last.span()} before " \
               f"supervision ends"
        if self.at_least_before.days:
            text += f", at least {self.at_least_before.span()} before the end"
        return text + "."

    def lint(self, rule: Rule) -> list[Finding]:
        return []  # nothing only before_end can get wrong beyond what loading refuses (a window closed early)
