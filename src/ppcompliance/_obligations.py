"""The obligation templates: one function per YAML keyword, each (rule, obligation, context) -> instances.

Every function is pure: it reads the timeline through the context and returns structured instances (verdict,
window, due date, evidence). Sentences are added afterwards by ``_explain``. docs/rule-language.md states the
semantics these functions implement; docs/day-counting.md the counting.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from ._state import CaseState
from .rulebook import (
    BeforeEnd,
    Cadence,
    Deadline,
    Duration,
    Matcher,
    Precedence,
    Recurrence,
    Response,
    Rule,
    Trigger,
)
from .timeline import Event, Timeline
from .verdicts import Evidence, Instance, revise

ONE_DAY = timedelta(days=1)
_FAR = date.max - timedelta(days=400)


@dataclass
class Context:
    """What the templates see of one case: the timeline up to the horizon, its derived state, the as-of date.

    The horizon is the as-of date, or the end of supervision if that came first: nothing after it is seen.
    """

    timeline: Timeline
    as_of: date
    horizon: date = field(init=False)
    state: CaseState = field(init=False)
    _matched: dict = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        case = self.timeline.case
        self.horizon = min(self.as_of, case.end_date) if case.end_date else self.as_of
        self.state = CaseState(self.timeline, self.horizon)

    @property
    def case(self):
        """The case."""
        return self.timeline.case

    @property
    def ended(self) -> bool:
        """Whether supervision had ended by the as-of date."""
        return self.case.end_date is not None and self.case.end_date <= self.as_of

    def events(self, matcher: Matcher) -> list[Event]:
        """The events a matcher selects, up to the horizon, in date order (computed once per case)."""
        found = self._matched.get(matcher)
        if found is None:
            found = self._matched[matcher] = matcher.events(self.timeline, self.horizon)
        return found


def evidence(event: Event) -> Evidence:
    """An event as cited evidence."""
    return Evidence(event.id, event.type, event.date)


# --- shared mechanics -------------------------------------------------------------------------------------


def _not_applicable_on(rule: Rule, ctx: Context, day: date, trigger: Event | None = None) -> Instance | None:
    """An instance saying why the rule does not apply on ``day``; None if it applies or that is unknown."""
    cited = evidence(trigger) if trigger else None
    kind = "trigger" if trigger else "end"
    if not rule.in_force(day):
        return Instance("not_applicable", kind, trigger=cited, window_from=day, window_to=day, reason="not_in_force")
    if ctx.state.condition(rule.applies_when).at(day) is False:
        return Instance("not_applicable", kind, trigger=cited, window_from=day, window_to=day, reason="condition")
    return None


def _known_on(rule: Rule, ctx: Context, day: date) -> bool:
    return ctx.state.condition(rule.applies_when).at(day) is not None


def _if_applies(instance: Instance) -> Instance:
    """An instance whose applicability is unknown: ``unknown`` where that matters (it would be late or missed),
    otherwise not checked. ``if_applies`` keeps what the verdict would be if the rule applied."""
    if instance.state == "not_applicable":
        return instance  # lapsed: supervision ended before it fell due, whether or not the rule applied
    if instance.state in ("late", "missed"):
        return revise(instance, state="unknown", reason="unknown_state", if_applies=instance.state)
    return revise(instance, state="not_applicable", reason="unknown_state_skipped", if_applies=instance.state)


def _first_on_or_after(events: list[Event], day: date) -> int:
    return bisect.bisect_left(events, day, key=lambda e: e.date)


def _check(ctx: Context, kind: str, candidates: list[Event], start: date, due: date, working: bool,
           trigger: Event | None = None, stop: date | None = None) -> Instance:
    """The verdict on "one of ``candidates`` on or after ``start`` and by ``due``" as seen at the horizon.

    ``stop``: the last day the obligation ran (a period's end); days overdue are not counted beyond it.
    """
    cited = evidence(trigger) if trigger else None
    i = _first_on_or_after(candidates, start)
    found = candidates[i] if i < len(candidates) else None
    common = dict(kind=kind, window_from=start, window_to=due, due=due, trigger=cited, working=working)
    if found is not None and found.date <= due:
        return Instance("compliant", evidence=(evidence(found),), **common)
    if found is not None:
        return Instance("late", evidence=(evidence(found),), days=_late(due, found.date, working), **common)
    if ctx.ended and ctx.case.end_date < due:
        return Instance("not_applicable", reason="lapsed", **common)
    if ctx.as_of > due:
        # Days overdue stop counting when supervision ends (0 if it ended on the due date).
        last = min(ctx.horizon, stop) if stop else ctx.horizon
        return Instance("missed", days=_count(due, max(last, due), working), **common)
    return Instance("pending", days=_count(ctx.as_of, due, working), **common)


def _count(earlier: date, later: date, working: bool) -> int:
    return Duration(0, working).count(earlier, later)


def _late(due: date, done: date, working: bool) -> int:
    # Done after the due date is at least 1 day late, even when only a weekend or holiday came between.
    return max(1, _count(due, done, working))


def _triggers(trigger: Trigger, ctx: Context) -> list[Event]:
    """The trigger events that start an obligation instance."""
    events = ctx.events(trigger.matcher)
    if trigger.nth > 1:
        window = trigger.nth_within
        repeats = []
        for i, event in enumerate(events):
            since = window.before(event.date) if window else date.min
            earlier = i - _first_on_or_after(events, since)
            if earlier + 1 >= trigger.nth:
                repeats.append(event)
        events = repeats
    return events[:1] if trigger.occurrence == "first" else events


def _deadlines(rule: Rule, ctx: Context, trigger: Trigger, expect: Matcher, within: Duration,
               look_back: Duration | None, pause_in_custody: bool) -> list[Instance]:
    out = []
    candidates = ctx.events(expect)
    paused = ctx.state.custody_periods if pause_in_custody else None
    for t in _triggers(trigger, ctx):
        skip = _not_applicable_on(rule, ctx, t.date, t)
        if skip:
            out.append(skip)
            continue
        due = within.after(t.date, paused)
        start = look_back.before(t.date) if look_back else t.date
        found = _check(ctx, "trigger", candidates, start, due, within.working, t)
        if paused:
            stopped = _days_inside(t.date + ONE_DAY, due, paused)
            found = revise(found, paused_days=stopped) if stopped else found
        out.append(found if _known_on(rule, ctx, t.date) else _if_applies(found))
    return out


def _days_inside(first: date, last: date, periods: list[tuple[date, date]]) -> int:
    """How many days of [first, last] fall inside the (inclusive) periods."""
    return sum(max(0, (min(last, b) - max(first, a)).days + 1) for a, b in periods)


def _periods(rule: Rule, ctx: Context, pause_in_custody: bool) -> tuple[list, list]:
    """The inclusive periods of supervision in which the rule applies, and those in which that is unknown."""
    first = max(ctx.case.start_date, rule.in_force_from or date.min)
    last = min(ctx.case.end, rule.in_force_until or _FAR)
    track = ctx.state.condition(rule.applies_when)
    holds, unknown = track.periods(True, first, last), track.periods(None, first, last)
    if pause_in_custody:
        holds = _without(holds, ctx.state.custody_periods)
    return holds, unknown


def _without(periods: list, removed: list) -> list:
    out = []
    for start, end in periods:
        pieces = [(start, end)]
        for r_start, r_end in removed:
            next_pieces = []
            for a, b in pieces:
                if r_end < a or r_start > b:
                    next_pieces.append((a, b))
                    continue
                if a < r_start:
                    next_pieces.append((a, r_start - ONE_DAY))
                if r_end < b:
                    next_pieces.append((r_end + ONE_DAY, b))
            pieces = next_pieces
        out.extend(pieces)
    return out


def _over_periods(rule: Rule, ctx: Context, pause_in_custody: bool,
                  each: Callable[[date, date], list[Instance]]) -> list[Instance]:
    holds, unknown = _periods(rule, ctx, pause_in_custody)
    out = [instance for a, b in holds if a <= ctx.as_of for instance in each(a, b)]
    # Where applicability is unknown, the obligation is checked as if the rule applied: what would be late or
    # missed is `unknown` (the timeline must say more); otherwise the period is listed as not checked.
    for a, b in unknown:
        if a > ctx.as_of:
            continue
        supposed = [_if_applies(i) for i in each(a, b)]
        out += supposed or [Instance("not_applicable", "period", window_from=a, window_to=min(b, ctx.horizon),
                                     reason="unknown_state_skipped")]
    if out:
        return sorted(out, key=lambda i: (i.window_from or date.min, i.kind))
    day = max(ctx.case.start_date, rule.in_force_from or ctx.case.start_date)
    if any(a <= ctx.as_of for a, _ in holds):
        # The rule applied, but nothing fell due before the period (or supervision) ended.
        return [Instance("not_applicable", "period", window_from=day, window_to=ctx.horizon, reason="nothing_due")]
    return [Instance("not_applicable", "period", window_from=day, window_to=ctx.horizon, reason="never_held")]


def _windows(ctx: Context, events: list[Event], start: date, end: date, at_least: int, per: Duration) -> list:
    """Consecutive windows of ``per`` days from ``start``; a final partial window needs a pro-rata count."""
    out = []
    window_start = start
    while window_start <= end and window_start <= ctx.as_of:
        full_end = window_start + timedelta(days=per.days - 1)
        window_end = min(full_end, end)
        length = (window_end - window_start).days + 1
        required = at_least if window_end == full_end else (at_least * length) // per.days
        if required > 0:
            i = _first_on_or_after(events, window_start)
            j = _first_on_or_after(events, window_end + ONE_DAY)
            found = tuple(evidence(e) for e in events[i:j])
            common = dict(kind="window", window_from=window_start, window_to=window_end, due=window_end,
                          evidence=found, count=len(found), required=required)
            if len(found) >= required:
                out.append(Instance("compliant", **common))
            elif ctx.as_of > window_end:
                out.append(Instance("missed", days=(min(ctx.horizon, end) - window_end).days, **common))
            else:
                out.append(Instance("pending", days=(window_end - ctx.as_of).days, **common))
        window_start = full_end + ONE_DAY
    return out


def _chain(ctx: Context, events: list[Event], start: date, end: date, first: Duration, every: Duration,
           kind: str) -> list[Instance]:
    """The first event within ``first`` of ``start``, then each next within ``every`` of the one before."""
    out = []
    i = _first_on_or_after(events, start)
    window_start, due = start, first.after(start)
    while True:
        found = events[i] if i < len(events) and events[i].date <= end else None
        if found is None:
            if due <= end:
                out.append(_check(ctx, kind, [], window_start, due, every.working, stop=end))
            break
        if found.date == window_start:
            # An event on the period's first day restarts the clock rather than answering its first interval.
            due = every.after(found.date)
            i = _first_on_or_after(events, found.date + ONE_DAY)
            continue
        common = dict(kind=kind, window_from=window_start, window_to=due, due=due,
                      evidence=(evidence(found),), working=every.working)
        if found.date <= due:
            out.append(Instance("compliant", **common))
        else:
            out.append(Instance("late", days=_late(due, found.date, every.working), **common))
        window_start, due = found.date, every.after(found.date)
        i = _first_on_or_after(events, found.date + ONE_DAY)
    return out


# --- the templates ----------------------------------------------------------------------------------------


def deadline(rule: Rule, ob: Deadline, ctx: Context) -> list[Instance]:
    """After each (or the first) trigger, the expected event within N days, or up to a look-back before it."""
    return _deadlines(rule, ctx, ob.trigger, ob.expect, ob.within, ob.look_back, ob.pause_in_custody)


def response(rule: Rule, ob: Response, ctx: Context) -> list[Instance]:
    """Each trigger event followed by a response within N days (on or after the trigger's day)."""
    return _deadlines(rule, ctx, ob.trigger, ob.respond, ob.within, None, ob.pause_in_custody)


def precedence(rule: Rule, ob: Precedence, ctx: Context) -> list[Instance]:
    """The expected event before (or on) the trigger's day, within the look-back if one is set."""
    out = []
    candidates = ctx.events(ob.expect)
    working = ob.look_back.working if ob.look_back else False
    for t in _triggers(ob.trigger, ctx):
        skip = _not_applicable_on(rule, ctx, t.date, t)
        if skip:
            out.append(skip)
            continue
        due = t.date - ONE_DAY if ob.strictly_before else t.date
        start = ob.look_back.before(t.date) if ob.look_back else date.min
        found = _check(ctx, "trigger", candidates, start, due, working, t)
        out.append(found if _known_on(rule, ctx, t.date) else _if_applies(found))
    return out


def cadence(rule: Rule, ob: Cadence, ctx: Context) -> list[Instance]:
    """While the rule applies: at least N events in each window of W days, and/or no gap longer than G."""
    events = ctx.events(ob.qualifying)

    def each(start: date, end: date) -> list[Instance]:
        out = []
        if ob.at_least is not None and ob.per is not None:
            out += _windows(ctx, events, start, end, ob.at_least, ob.per)
        if ob.max_gap is not None:
            out += _chain(ctx, events, start, end, ob.max_gap, ob.max_gap, "gap")
        return out

    return _over_periods(rule, ctx, ob.pause_in_custody, each)


def recurrence(rule: Rule, ob: Recurrence, ctx: Context) -> list[Instance]:
    """While the rule applies: the first event within F days of the period's start, then at least every P days."""
    events = ctx.events(ob.qualifying)
    return _over_periods(
        rule, ctx, ob.pause_in_custody,
        lambda start, end: _chain(ctx, events, start, end, ob.first_within, ob.every, "occurrence"),
    )


def before_end(rule: Rule, ob: BeforeEnd, ctx: Context) -> list[Instance]:
    """An event in the last W days before supervision ends, and at least M days before the end."""
    case = ctx.case
    end = case.end
    window_start = max(ob.within_last.before(end), case.start_date)
    due = ob.at_least_before.before(end)
    skip = _not_applicable_on(rule, ctx, window_start)
    if skip:
        return [skip]
    candidates = ctx.events(ob.qualifying)
    result = _check(ctx, "end", candidates, window_start, due, ob.within_last.working)
    ended_early = case.end_date is not None and case.end_date < case.expected_end_date
    if ended_early and (result.state == "missed" or result.reason == "lapsed"):
        # Supervision that ends early (revocation, death, transfer) gives no fair chance to plan the end.
        return [Instance("not_applicable", "end", window_from=window_start, window_to=due, due=due,
                         reason="ended_early")]
    return [result if _known_on(rule, ctx, window_start) else _if_applies(result)]


TEMPLATES: dict[str, Callable[[Rule, object, Context], list[Instance]]] = {
    "deadline": deadline,
    "precedence": precedence,
    "cadence": cadence,
    "recurrence": recurrence,
    "before_end": before_end,
    "response": response,
}
