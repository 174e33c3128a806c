"""What the templates share: judging one window, finding triggers, the periods in which a rule applies, and
how an instance whose applicability is unknown is reported. docs/rule-language.md states the semantics;
docs/day-counting.md the counting. Everything here is pure and works on day numbers.
"""

from __future__ import annotations

from datetime import date
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

from .. import dates
from ..dates import Day
from ..timeline.model import Event
from .facts import Instance, Kind, Reason, State
from .rulebook import Duration, Matcher, Rule, Trigger
from .track import Period
from .view import CaseView, Matched

Extra = TypeVar("Extra")
_FAR: Day = date.max.toordinal() - 400
ANY_TIME: Day = date.min.toordinal()  # the opening of a window with no look-back limit: "any time before"
_fromordinal = date.fromordinal


def day_of(day: Day) -> date:
    """A day number as a date."""
    return _fromordinal(day)


def check(view: CaseView, kind: Kind, candidates: Matched, start: Day, due: Day, working: bool,
          trigger: Event | None = None, stop: Day | None = None, cutoff: Day | None = None) -> Instance:
    """The verdict on "one of ``candidates`` on or after ``start`` and by ``due``" as seen at the horizon.

    ``stop``: the last day the obligation ran (a period's end); days overdue are not counted beyond it.
    ``cutoff``: the last day on which a late event still counts; one after it is cited, but the obligation is
    missed.
    """
    cited = trigger
    i = candidates.first_from(start)
    window_to = _fromordinal(due)
    window_from = _fromordinal(start)
    too_late: tuple[Event, ...] = ()
    if i < len(candidates.days):
        done = candidates.days[i]
        found = candidates.evidence(i)
        if done <= due:
            return Instance(State.COMPLIANT, kind, window_from, window_to, window_to, cited, found, working=working)
        if cutoff is None or done <= cutoff:
            return Instance(State.LATE, kind, window_from, window_to, window_to, cited, found,
                            late_days(due, done, working), working)
        too_late = found
    if view.lapsed_before(due):
        return Instance(State.NOT_APPLICABLE, kind, window_from, window_to, window_to, cited, working=working,
                        reason=Reason.LAPSED)
    if view.past(due):
        # Days overdue stop counting when supervision ends (0 if it ended on the due date), or the period in
        # which the rule applied.
        last = min(view.horizon, stop) if stop is not None else view.horizon
        return Instance(State.MISSED, kind, window_from, window_to, window_to, cited, too_late,
                        days=dates.between(due, max(last, due), working), working=working,
                        ended=(stop is not None and stop < view.as_of) or (cutoff is not None and cutoff < view.as_of))
    return Instance(State.PENDING, kind, window_from, window_to, window_to, cited,
                    days=dates.between(view.as_of, due, working), working=working)


def late_days(due: Day, done: Day, working: bool) -> int:
    """Days late: done after the due date is at least 1 day late, even when only a weekend or holiday came
    between."""
    return max(1, dates.between(due, done, working))


def triggers(trigger: Trigger, view: CaseView) -> list[tuple[Day, Event, Event | None]]:
    """The trigger events that start an obligation instance, with their days and, for a trigger counted
    ``since`` an anchor event, that event."""
    matched = view.events(trigger.matcher)
    if trigger.since is not None:
        return _since(trigger, view, matched)
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
    chosen = found[:1] if trigger.occurrence == "first" else found
    return [(day, event, None) for day, event in chosen]


def _since(trigger: Trigger, view: CaseView, matched: Matched) -> list[tuple[Day, Event, Event | None]]:
    """Triggers counted from the most recent anchor event before their day (and within ``since_within`` of
    it): ``nth`` and ``occurrence: first`` count from each anchor."""
    assert trigger.since is not None and trigger.since_within is not None
    anchors = view.events(trigger.since)
    out: list[tuple[Day, Event, Event | None]] = []
    counted: dict[int, int] = {}  # occurrences so far after each anchor (by its index)
    for day, event in zip(matched.days, matched.events):
        k = anchors.first_from(day) - 1  # the last anchor strictly before the trigger's day
        if k < 0 or day > trigger.since_last_day(anchors.days[k]):
            continue
        counted[k] = counted.get(k, 0) + 1
        n = counted[k]
        if (trigger.occurrence == "first" and n == trigger.nth) or (trigger.occurrence == "each" and n >= trigger.nth):
            out.append((day, event, anchors.events[k]))
    return out


def applies_on(rule: Rule, view: CaseView, day: Day) -> object:
    """Whether the rule applies to something on ``day``: its condition that day, or — with ``applies_within`` —
    on any day from then to the end of that window, as far as the timeline has been read (True if it holds on
    one, else unknown if it is unknown on one, else False)."""
    track = view.state.condition(rule.applies_when)
    if rule.applies_within is None:
        return track.at(day)
    return track.any_in(day, view.read_track(track, rule.applies_within.after(day)))


def not_applicable_on(rule: Rule, view: CaseView, day: Day, trigger: Event | None = None,
                      holds: object = ...) -> Instance | None:
    """An instance saying why the rule does not apply on ``day``; None if it applies or that is unknown.

    ``holds``: the rule's condition on that day, if the caller has it already.
    """
    kind = Kind.TRIGGER if trigger is not None else Kind.END
    if not rule.in_force(day):
        return _not_applicable(kind, day, trigger, Reason.NOT_IN_FORCE)
    if holds is ...:
        holds = applies_on(rule, view, day)
    if holds is False:
        return _not_applicable(kind, day, trigger, Reason.CONDITION)
    return None


def _not_applicable(kind: Kind, day: Day, trigger: Event | None, reason: Reason) -> Instance:
    on = _fromordinal(day)
    return Instance(State.NOT_APPLICABLE, kind, on, on, trigger=trigger, reason=reason)


def judged(rule: Rule, view: CaseView, found: Iterable[tuple[Day, Event, Extra]],
           out: list[Instance]) -> Iterator[tuple[Day, Event, Extra, object]]:
    """The triggers (or events) a rule judges, each with whether the rule applies on its day (True, or None:
    unknown). Those it does not apply to are added to ``out`` as not applicable; those whose applicability is
    unknown are left out where the rule does not judge them (a ``by_rosh`` level other than the strictest)."""
    for day, event, extra in found:
        holds = applies_on(rule, view, day)
        skip = not_applicable_on(rule, view, day, event, holds)
        if skip is not None:
            out.append(skip)
            continue
        if holds is None and not rule.judges_unknown:
            continue
        yield day, event, extra, holds


def known_on(rule: Rule, view: CaseView, day: Day) -> bool:
    """Whether the timeline says whether the rule applies on ``day``."""
    return applies_on(rule, view, day) is not None


def if_applies(instance: Instance, skip: bool = False) -> Instance:
    """An instance whose applicability is unknown: ``unknown`` where that matters (it would be late or missed),
    otherwise not checked — and never judged where the rule says to skip what is unknown (``when_unknown:
    skip``). ``if_applies`` keeps what the verdict would be if the rule applied."""
    if instance.state == State.NOT_APPLICABLE:
        return instance  # lapsed: supervision ended before it fell due, whether or not the rule applied
    if instance.state in (State.LATE, State.MISSED) and not skip:
        return instance.revise(state=State.UNKNOWN, reason=Reason.UNKNOWN_STATE, if_applies=instance.state)
    return instance.revise(state=State.NOT_APPLICABLE, reason=Reason.UNKNOWN_STATE_SKIPPED,
                           if_applies=instance.state)


def deadlines(rule: Rule, view: CaseView, trigger: Trigger, expect: Matcher, within: Duration,
              look_back: Duration | None, custody: str, cut_off: Duration | None = None) -> list[Instance]:
    """A deadline per trigger: the expected event within ``within`` (or up to ``look_back`` before it); one
    after ``cut_off`` no longer counts. ``custody``: what time in custody does to the clock (``run``,
    ``pause``, ``before_release``)."""
    out: list[Instance] = []
    periods = view.custody_periods if custody != RUN else ()
    candidates = view.events(expect)
    for day, event, anchor, holds in judged(rule, view, triggers(trigger, view), out):
        due = within.after(day, periods if custody == PAUSE else None)
        provisional = False
        if custody == BEFORE_RELEASE:
            due, provisional = _before_release(view, day, due, periods)
        elif custody == PAUSE and periods:
            # Only a due date custody can move is provisional: day 0 never moves, so "within 0 days" never does.
            provisional = view.in_custody_now() and periods[-1][0] <= due and within.amount > 0
        start = look_back.before(day) if look_back else day
        found = check(view, Kind.TRIGGER, view.about(expect, event.id) if expect.about_trigger else candidates,
                      start, due, within.working, event, cutoff=cut_off.after(day) if cut_off else None)
        if custody == PAUSE and periods:
            stopped = days_inside(day + 1, due, periods)
            found = found.revise(paused_days=stopped) if stopped else found
        if provisional and found.state in (State.PENDING, State.MISSED):
            found = found.revise(provisional=True, state=State.PENDING, days=0) \
                if found.state == State.MISSED else found.revise(provisional=True)
        if anchor is not None:
            found = found.revise(anchor_event=anchor)
        out.append(found if holds is not None else if_applies(found, rule.skips_unknown))
    return out


#: What time in custody does to a clock (a rule's ``custody``).
RUN, PAUSE, BEFORE_RELEASE = "run", "pause", "before_release"


def _before_release(view: CaseView, day: Day, due: Day, periods: Sequence[Period]) -> tuple[Day, bool]:
    """The due date of something owed before release: if the person is in custody on the trigger's day, or
    goes into custody before the due date, it is due by the last day in custody (if later). While that custody
    is still open on the as-of date, the due date is not yet known: provisional."""
    for a, b in periods:
        if a <= due and b >= day:
            open_now = b >= view.horizon and view.in_custody_now()
            return (max(due, view.horizon) if open_now else max(due, b)), open_now
    return due, False


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
        holds = without(holds, view.custody_periods)
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
    out = [instance for a, b in holds if view.reached(a) for instance in each(a, b)]
    # Where applicability is unknown, the obligation is checked as if the rule applied: what would be late or
    # missed is `unknown` (the timeline must say more); otherwise the period is listed as not checked.
    for a, b in unknown if rule.judges_unknown else ():
        if not view.reached(a):
            continue
        supposed = [if_applies(i, rule.skips_unknown) for i in each(a, b)]
        out += supposed or [Instance(State.NOT_APPLICABLE, Kind.PERIOD, _fromordinal(a),
                                     _fromordinal(min(b, view.horizon)), reason=Reason.UNKNOWN_STATE_SKIPPED)]
    if out:
        return sorted(out, key=lambda i: (i.window_from or date.min, i.kind))
    day = _fromordinal(max(view.start, rule.in_force_from.toordinal() if rule.in_force_from else view.start))
    horizon = _fromordinal(view.horizon)
    if any([view.reached(a) for a, _ in holds]):
        # The rule applied, but nothing fell due before the period (or supervision) ended.
        return [Instance(State.NOT_APPLICABLE, Kind.PERIOD, day, horizon, reason=Reason.NOTHING_DUE)]
    return [Instance(State.NOT_APPLICABLE, Kind.PERIOD, day, horizon, reason=Reason.NEVER_HELD)]


def windows(view: CaseView, matched: Matched, start: Day, end: Day, at_least: int, per: Duration) -> list[Instance]:
    """Consecutive windows of ``per`` days from ``start``; a final partial window needs a pro-rata count."""
    out = []
    k, opening = 0, start
    while opening <= end and view.reached(opening):
        following = per.nth_from(start, k + 1)
        full_close = following - 1
        close = min(full_close, end)
        length = close - opening + 1
        required = at_least if close == full_close else (at_least * length) // (following - opening)
        if required > 0:
            i = matched.first_from(opening)
            j = matched.first_from(close + 1)
            found = tuple(matched.events[i:j])
            window_from, window_to = _fromordinal(opening), _fromordinal(close)
            if len(found) >= required:
                out.append(Instance(State.COMPLIANT, Kind.WINDOW, window_from, window_to, window_to,
                                    evidence=found, count=len(found), required=required))
            elif view.past(close):
                out.append(Instance(State.MISSED, Kind.WINDOW, window_from, window_to, window_to, evidence=found,
                                    days=min(view.horizon, end) - close, count=len(found), required=required))
            else:
                out.append(Instance(State.PENDING, Kind.WINDOW, window_from, window_to, window_to, evidence=found,
                                    days=close - view.as_of, count=len(found), required=required))
        k, opening = k + 1, following
    return out


def chain(view: CaseView, matched: Matched, start: Day, end: Day, first: Duration, every: Duration,
          kind: Kind) -> list[Instance]:
    """The first event within ``first`` of ``start``, then each next within ``every`` of the one before."""
    out = []
    days, events = matched.days, matched.events
    working = every.working
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
        due = every.after(done)
        i = matched.first_from(done + 1)
    return out


_NONE = Matched([], [])
