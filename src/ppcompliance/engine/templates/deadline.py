"""``deadline``: after a trigger event (its first occurrence, or each), an expected event within N days.

Due date D = trigger day + ``within`` (calendar days, working days or calendar months; with ``custody: pause``
days in custody are skipped, with ``custody: before_release`` it is due by the last day in custody if that is
later; with ``due_on_non_working_day: next_working_day`` a D on a weekend or bank holiday moves to the next
working day). The window opens on the trigger's day, or ``look_back`` before it, and the first expected event
from the window's opening decides: by D compliant, after D late (unless it came after the ``cut_off``: then it
does not count); none, missed once D has passed, pending before.
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
from .base import (CUSTODY_SCHEMA, NON_WORKING_SCHEMA, PAUSE_SHORT_SCHEMA, ExplainContext, Finding, Template, cite,
                   asides, counterfactual, custody_of, left, overdue, paused, rolled, rolls, self_satisfying,
                   trigger_signature)

_CUT_OFF = {"$ref": "#/$defs/fixed_duration",
            "description": "Past this long after the trigger (day 0), a late event no longer counts: the obligation "
                           "is missed. Not before the due date."}


@dataclass(frozen=True)
class Deadline(Template):
    """After the trigger, the expected event within ``within`` (accepting one up to ``look_back`` before it)."""

    trigger: Trigger
    expect: Matcher
    within: Duration
    look_back: Duration | None = None
    custody: str = "run"
    cut_off: Duration | None = None

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
            "cut_off": _CUT_OFF,
            "custody": CUSTODY_SCHEMA,
            "pause_in_custody": PAUSE_SHORT_SCHEMA,
            "due_on_non_working_day": NON_WORKING_SCHEMA,
        },
    }


    @classmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Deadline":
        within = ctx.duration(data["within"], path + ("within",), rolls(data))
        cut_off = ctx.duration(data["cut_off"], path + ("cut_off",)) if "cut_off" in data else None
        check_cut_off(ctx, path, within, cut_off)
        return cls(
            ctx.trigger(data["trigger"], path + ("trigger",), "first"),
            ctx.matcher(data["expect"], path + ("expect",), about_trigger=True),
            within,
            ctx.duration(data["look_back"], path + ("look_back",)) if "look_back" in data else None,
            custody_of(data, path, ctx, (mechanics.RUN, mechanics.PAUSE, mechanics.BEFORE_RELEASE)),
            cut_off,
        )

    def evaluate(self, rule: Rule, view: CaseView) -> list[Instance]:
        return mechanics.deadlines(rule, view, self.trigger, self.expect, self.within, self.look_back, self.custody,
                                   self.cut_off)

    def labels(self) -> tuple[str, str]:
        return self.trigger.matcher.describe(), self.expect.describe()

    def durations(self) -> list[tuple[str, Duration]]:
        named = [("within", self.within)] + ([("look_back", self.look_back)] if self.look_back else [])
        named += [("cut_off", self.cut_off)] if self.cut_off else []
        named += [("since.within", self.trigger.since_within)] if self.trigger.since_within else []
        return named + ([("nth_within", self.trigger.nth_within)] if self.trigger.nth_within else [])

    def signature(self) -> tuple[object, ...]:
        return (self.keyword, *trigger_signature(self.trigger), *self.expect.signature())

    def figures(self) -> dict[str, object]:
        return dict(self.durations())

    def explain(self, instance: Instance, ctx: ExplainContext) -> str:
        return within_sentence(self.labels(), self.within, instance, self.cut_off, self.expect,
                               self.trigger.since_within, self.trigger.matcher, self.trigger.since_for, self.custody)

    def would_have_met(self, instance: Instance) -> str:
        early = bool(instance.trigger and instance.window_from and instance.window_from < instance.trigger.date)
        return counterfactual(self.expect.describe(), instance, early)

    def describe(self) -> str:
        described = self.trigger.describe()
        each = self.trigger.occurrence == "each" and self.trigger.since is None
        text = f"Within {self.within.span()} of {'each ' + words.bare(described) if each else described}, " \
               f"{self.expect.describe()}"
        earlier = ""
        if self.look_back:
            done = "answered" if self.expect.answered else "made"
            earlier = f" (one {done} up to {self.look_back.span()} before counts)"
        if self.cut_off:
            text += f"; after {self.cut_off.span()} a late one no longer counts"
        return text + asides(earlier, paused(self.custody), rolled(self.within.roll)) + "."

    def lint(self, rule: Rule) -> list[Finding]:
        return self_satisfying(self.trigger, self.expect)


def check_cut_off(ctx: CompileContext, path: Path, within: Duration, cut_off: Duration | None) -> None:
    """A cut-off must not come before the due date."""
    if cut_off is None:
        return
    same_unit = cut_off.working == within.working and bool(cut_off.months) == bool(within.months)
    if (cut_off.amount < within.amount) if same_unit else (cut_off.calendar_days < within.calendar_days):
        ctx.problem(path + ("cut_off",), "rule-impossible-window",
                    f"the cut-off ({cut_off}) comes before the due date ({within} after the trigger)")


def within_sentence(labels: tuple[str, str], allowed: Duration, i: Instance, cut_off: Duration | None = None,
                    expect: Matcher | None = None, since_within: Duration | None = None,
                    trigger_matcher: Matcher | None = None, since_for: bool = False, custody: str = "") -> str:
    """The sentence of a deadline or response instance: done in time, late, missed or pending. The trigger is
    named by the kind that happened (``trigger_matcher``), not by every kind the rule accepts."""
    trigger, expected = labels
    assert i.trigger is not None and i.due is not None
    if trigger_matcher is not None:
        trigger = trigger_matcher.describe_event(i.trigger)
    Expected = words.capital(expected)
    since = f"after {trigger} on {human(i.trigger.date)}"
    if i.anchor_event is not None and since_within is not None:
        span = f"in the {since_within.span()} beginning with" if since_for else f"within {since_within.span()} of"
        since += f" ({span} the {words.describe_type(i.anchor_event.type)} on {human(i.anchor_event.date)}, " \
                 f"{i.anchor_event.event_id})"
    if i.paused_days:
        since += f" (the clock stopped for {words.days(i.paused_days, False)} in custody)"
    after = f"{allowed} {since}"
    if custody == "before_release" and not i.provisional and \
            i.due > mechanics.day_of(allowed.after(i.trigger.date.toordinal())):
        after = f"the last day in custody {since} (the person was still in custody when {allowed} had passed)"
    done = f"was recorded on {cite(i)}"
    if expect is not None and expect.arranged:
        done = f"was arranged for {cite(i)}"
    if expect is not None and expect.answered and len(i.evidence) == 2:
        request, answer = i.evidence
        done = f"was requested on {human(request.date)} ({request.event_id}) and answered on {human(answer.date)} " \
               f"({answer.event_id})"
    if i.state == State.COMPLIANT:
        if i.evidence[-1].date < i.trigger.date:
            return f"{Expected} {done}, before {trigger} on {human(i.trigger.date)}, which this rule accepts."
        return f"{Expected} {done}, within the {allowed} allowed {since}."
    if i.state == State.LATE:
        return f"{Expected} {done}, {words.days(i.days or 0, i.working)} late: it was due by {human(i.due)}, " \
               f"{after}."
    if i.state == State.MISSED:
        text = f"{Expected} was due by {human(i.due)}, {after}, and has not been recorded: {overdue(i)}."
        if expect is not None and expect.answered:  # a request alone does not count: say so, not "not answered"
            text = f"{Expected} was due by {human(i.due)}, {after}, and none is recorded (an enquiry counts once " \
                   f"it is answered): {overdue(i)}."
        if i.evidence and cut_off is not None:
            last = human(mechanics.day_of(cut_off.after(i.trigger.date.toordinal())))
            text = f"{Expected} was due by {human(i.due)}, {after}; one {done}, after the cut-off on {last}, so " \
                   f"it does not count: {overdue(i)}."
        return text
    if i.provisional:
        return f"{Expected} is owed {after}; the person is in custody, so the due date is provisional: it moves " \
               f"when they are released."
    return f"{Expected} is due by {human(i.due)}, {after}: {left(i)}."
