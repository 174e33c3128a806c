"""What the templates share: judging one window, finding triggers, the periods in which a rule applies, and
how an instance whose applicability is unknown is reported. docs/rule-language.md states the semantics;
docs/day-counting.md the counting. Everything here is pure and works on day numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Sequence

from .. import dates
from ..dates import Day
from ..timeline.model import Event
from .facts import Instance, Kind, Reason, State
from .rulebook import Duration, Rule, Trigger
from .track import Period
from .view import CaseView, Matched

_FAR: Day = date.max.toordinal() - 400
ANY_TIME: Day = date.min.toordinal()  # the opening of a window with no look-back limit: "any time before"
_fromordinal = date.fromordinal


def day_of(day: Day) -> date:
    """A day number as a date."""
    return _fromordinal(day)


def check(view: CaseView, kind: Kind, candidates: Matched, start: Day, due: Day, working: bool,
          trigger: Event | None = None, stop: Day | None = None) -> Instance:
    """The verdict on "one of ``candidates`` on or after ``start`` and by ``due``" as seen at the horizon.

    ``stop``: the last day the obligation ran (a period's end); days overdue are not counted beyond it.
    """
    cited = trigger
    i = candidates.first_from(start)
    window_to = _fromordinal(due)
    window_from = _fromordinal(start)
    if i < len(candidates.days):
        done = candidates.days[i]
        found = (candidates.events[i],)
        if done <= due:
            return Instance(State.COMPLIANT, kind, window_from, window_to, window_to, cited, found, working=working)
        return Instance(State.LATE, kind, window_from, window_to, window_to, cited, found,
                        late_days(due, done, working), working)
    if view.ended and view.end < due:
        return Instance(State.NOT_APPLICABLE, kind, window_from, window_to, window_to, cited, working=working,
                        reason=Reason.LAPSED)
    if view.as_of > due:
        # Days overdue stop counting when supervision ends (0 if it ended on the due date), or the period in
        # which the rule applied.
        last = min(view.horizon, stop) if stop is not None else view.horizon
        return Instance(State.MISSED, kind, window_from, window_to, window_to, cited,
                        days=dates.between(due, max(last, due), working), working=working,
                        ended=stop is not None and stop < view.as_of)
    return Instance(State.PENDING, kind, window_from, window_to, window_to, cited,
                    days=dates.between(view.as_of, due, working), working=working)


def late_days(due: Day, done: Day, working: bool) -> int:
    """Days late: done after the due date is at least 1 day late, even when only a weekend or holiday came
    between."""
    return max(1, dates.between(due, done, working))


def triggers(trigger: Trigger, view: CaseView) -> list[tuple[Day, Event]]:
    """The trigger events that start an obligation instance, with their days."""
    matched = view.events(trigger.matcher)
    found = list(zip(matched.days, matched.events))
    if trigger.nth > 1:
        window = trigger.nth_within
        repeats = []
        for i, (day, event) in enumerate(found):
            since = window.before(day) if window else ANY_TIME
            earlier = i - matched.first_from(since)
            if earlier + 1 >= trigger.nth:
                repeats.append((day, event))
        found = repeats
    return found[:1] if trigger.occurrence == "first" else found


def not_applicable_on(rule: Rule, view: CaseView, day: Day, trigger: Event | None = None,
                      holds: object = ...) -> Instance | None:
    """An instance saying why the rule does not apply on ``day``; None if it applies or that is unknown.

    ``holds``: the rule's condition on that day, if the caller has it already.
    """
    kind = Kind.TRIGGER if trigger is not None else Kind.END
    if not rule.in_force(day):
        return _not_applicable(kind, day, trigger, Reason.NOT_IN_FORCE)
    if holds is ...:
        holds = view.state.condition(rule.applies_when).at(day)
    if holds is False:
        return _not_applicable(kind, day, trigger, Reason.CONDITION)
    return None


def _not_applicable(kind: Kind, day: Day, trigger: Event | None, reason: Reason) -> Instance:
    on = _fromordinal(day)
    return Instance(State.NOT_APPLICABLE, kind, on, on, trigger=trigger, reason=reason)


def known_on(rule: Rule, view: CaseView, day: Day) -> bool:
    """Whether the timeline says whether the rule applies on ``day``."""
    return view.state.condition(rule.applies_when).at(day) is not None


def if_applies(instance: Instance) -> Instance:
    """An instance whose applicability is unknown: ``unknown`` where that matters (it would be late or missed),
    otherwise not checked. ``if_applies`` keeps what the verdict would be if the rule applied."""
    if instance.state == State.NOT_APPLICABLE:
        return instance  # lapsed: supervision ended before it fell due, whether or not the rule applied
    if instance.state in (State.LATE, State.MISSED):
        return instance.revise(state=State.UNKNOWN, reason=Reason.UNKNOWN_STATE, if_applies=instance.state)
    return instance.revise(state=State.NOT_APPLICABLE, reason=Reason.UNKNOWN_STATE_SKIPPED,
                           if_applies=instance.state)


def deadlines(rule: Rule, view: CaseView, trigger: Trigger, expect: Matched, within: Duration,
              look_back: Duration | None, pause_in_custody: bool) -> list[Instance]:
    """A deadline per trigger: the expected event within ``within`` (or up to ``look_back`` before it)."""
    out = []
    paused = view.state.custody_periods if pause_in_custody else None
    applies = view.state.condition(rule.applies_when)
    for day, event in triggers(trigger, view):
        holds = applies.at(day)
        skip = not_applicable_on(rule, view, day, event, holds)
        if skip is not None:
            out.append(skip)
            continue
        if holds is None and not rule.judges_unknown:
            continue
        due = within.after(day, paused)
        start = look_back.before(day) if look_back else day
        found = check(view, Kind.TRIGGER, expect, start, due, within.working, event)
        if paused:
            stopped = days_inside(day + 1, due, paused)
            found = found.revise(paused_days=stopped) if stopped else found
        out.append(found if holds is not None else if_applies(found))
    return out


def days_inside(first: Day, last: Day, periods: Sequence[Period]) -> int:
    """How many days of [first, last] fall inside the (inclusive) periods."""
    return sum(max(0, min(last, b) - max(first, a) + 1) for a, b in periods)


def periods(rule: Rule, view: CaseView, pause_in_custody: bool) -> tuple[list[Period], list[Period]]:
    """The inclusive periods of supervision in which the rule applies, and those in which that is unknown."""
    first = max(view.start, rule.in_force_from.toordinal() if rule.in_force_from else 1)
    last = min(view.end, rule.in_force_until.toordinal() if rule.in_force_until else _FAR)
    track = view.state.condition(rule.applies_when)
    holds, unknown = track.periods(True, first, last), track.periods(None, first, last)
    if pause_in_custody:
        holds = without(holds, view.state.custody_periods)
    return holds, unknown


def without(spans: Sequence[Period], removed: Sequence[Period]) -> list[Period]:
    """The periods with the removed days taken out."""
    out: list[Period] = []
    for start, end in spans:
        pieces = [(start, end)]
        for r_start, r_end in removed:
            next_pieces = []
            for a, b in pieces:
                if r_end < a or r_start > b:
                    next_pieces.append((a, b))
                    continue
                if a < r_start:
                    next_pieces.append((a, r_start - 1))
                if r_end < b:
                    next_pieces.append((r_end + 1, b))
            pieces = next_pieces
        out.extend(pieces)
    return out


def over_periods(rule: Rule, view: CaseView, pause_in_custody: bool,
                 each: Callable[[Day, Day], list[Instance]]) -> list[Instance]:
    """The instances of a periodic obligation over every period in which the rule applies (or may)."""
    holds, unknown = periods(rule, view, pause_in_custody)
    out = [instance for a, b in holds if a <= view.as_of for instance in each(a, b)]
    # Where applicability is unknown, the obligation is checked as if the rule applied: what would be late or
    # missed is `unknown` (the timeline must say more); otherwise the period is listed as not checked.
    for a, b in unknown if rule.judges_unknown else ():
        if a > view.as_of:
            continue
        supposed = [if_applies(i) for i in each(a, b)]
        out += supposed or [Instance(State.NOT_APPLICABLE, Kind.PERIOD, _fromordinal(a),
                                     _fromordinal(min(b, view.horizon)), reason=Reason.UNKNOWN_STATE_SKIPPED)]
    if out:
        return sorted(out, key=lambda i: (i.window_from or date.min, i.kind))
    day = _fromordinal(max(view.start, rule.in_force_from.toordinal() if rule.in_force_from else view.start))
    horizon = _fromordinal(view.horizon)
    if any(a <= view.as_of for a, _ in holds):
        # The rule applied, but nothing fell due before the period (or supervision) ended.
        return [Instance(State.NOT_APPLICABLE, Kind.PERIOD, day, horizon, reason=Reason.NOTHING_DUE)]
    return [Instance(State.NOT_APPLICABLE, Kind.PERIOD, day, horizon, reason=Reason.NEVER_HELD)]


def windows(view: CaseView, matched: Matched, start: Day, end: Day, at_least: int, per: Duration) -> list[Instance]:
    """Consecutive windows of ``per`` days from ``start``; a final partial window needs a pro-rata count."""
    out = []
    opening = start
    length_full = per.days
    while opening <= end and opening <= view.as_of:
        full_close = opening + length_full - 1
        close = min(full_close, end)
        length = close - opening + 1
        required = at_least if close == full_close else (at_least * length) // length_full
        if required > 0:
            i = matched.first_from(opening)
            j = matched.first_from(close + 1)
            found = tuple(matched.events[i:j])
            window_from, window_to = _fromordinal(opening), _fromordinal(close)
            if len(found) >= required:
                out.append(Instance(State.COMPLIANT, Kind.WINDOW, window_from, window_to, window_to,
                                    evidence=found, count=len(found), required=required))
            elif view.as_of > close:
                out.append(Instance(State.MISSED, Kind.WINDOW, window_from, window_to, window_to, evidence=found,
                                    days=min(view.horizon, end) - close, count=len(found), required=required))
            else:
                out.append(Instance(State.PENDING, Kind.WINDOW, window_from, window_to, window_to, evidence=found,
                                    days=close - view.as_of, count=len(found), required=required))
        opening = full_close + 1
    return out


def chain(view: CaseView, matched: Matched, start: Day, end: Day, first: Duration, every: Duration,
          kind: Kind) -> list[Instance]:
    """The first event within ``first`` of ``start``, then each next within ``every`` of the one before."""
    out = []
    days, events = matched.days, matched.events
    working = every.working
    step = every.days
    i = matched.first_from(start)
    opening, due = start, first.after(start)
    while True:
        if i >= len(days) or days[i] > end:
            if due <= end:
                out.append(check(view, kind, _NONE, opening, due, working, stop=end))
            break
        done = days[i]
        if done != opening:
            found = (events[i],)
            window_from, window_to = _fromordinal(opening), _fromordinal(due)
            if done <= due:
                out.append(Instance(State.COMPLIANT, kind, window_from, window_to, window_to, evidence=found,
                                    working=working))
            else:
                out.append(Instance(State.LATE, kind, window_from, window_to, window_to, evidence=found,
                                    days=late_days(due, done, working), working=working))
            opening = done
        # (An event on the period's first day restarts the clock rather than answering its first interval.)
        due = dates.add(done, step, True) if working else done + step
        i = matched.first_from(done + 1)
    return out


_NONE = Matched([], [])
