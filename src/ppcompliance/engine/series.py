"""Evaluation at a series of as-of dates, sharing the work between them: a trend's engine.

``Series(rulebook, days).states(timeline)`` gives each rule's verdict state at each date, exactly what
``evaluate(rulebook, timeline, day)`` gives at that date, without evaluating every rule at every date
(``states_over`` does the same for one timeline). A rule's verdict state changes between two as-of dates only
if

* something the rule reads arrives between them (becomes visible on a day after the first and on or before the
  second): an event one of its matchers or triggers selects (on its date, or an appointment counted as
  arranged on the day it was arranged), a change in a track of derived state it reads (``Rule.state_read``:
  a RoSH assessment that keeps the level changes nothing), or any event of a type it reads whole (deviations);
  or
* the second is on or after the first as-of date at which a comparison made while evaluating it would come
  out otherwise (``CaseView.until``: a due date passed, a window opened, supervision ended, a custody period
  still open).

Otherwise the rule's state at the earlier date stands. Both are conservative: a rule evaluated again for
nothing costs time, never correctness. tests/test_series.py holds it to ``evaluate`` on generated timelines at
every day of a span, and checks that every type a rule is seen to read is among those it declares.

Pure: no file, clock or printing.
"""

from __future__ import annotations

import bisect
from datetime import date
from typing import Iterable, Sequence

from ..dates import Day
from ..timeline.model import Timeline
from . import deviations
from .evaluate import check_as_of, check_rulebook, check_timeline, rule_state
from .facts import State
from .rulebook import Matcher, Rule, Rulebook, Trigger
from .state import CaseState, StateKey
from .view import FOREVER, CaseView


def states_over(rulebook: Rulebook, timeline: Timeline, days: Sequence[date],
                only: Iterable[str] | None = None) -> list[tuple[State, ...]]:
    """Each rule's verdict state (in rulebook order; with ``only``, those rules' in that order) at each of
    ``days`` (ascending, each once): at each date, exactly the states ``evaluate`` gives on that date.

    Raises TimelineError if a deviation names a rule the rulebook does not have, and ValueError if the days are
    not in ascending order."""
    return Series(rulebook, days, only).states(timeline)


#: Where events a rule reads come from: an event type (read whole), a matcher (by id; negative: only the first
#: event it selects), or a track of derived state (``StateKey``: it changes only on some of its events' days).
_Source = str | int | StateKey


class Series:
    """A rulebook's rules (or ``only`` those, in that order) made ready to judge timelines at a series of as-of
    dates (ascending, each once): what each rule reads, worked out once for every timeline.

    Raises ValueError if the days are not in ascending order, TypeError for arguments of the wrong kind."""

    def __init__(self, rulebook: Rulebook, days: Sequence[date], only: Iterable[str] | None = None) -> None:
        check_rulebook(rulebook)
        for day in days:
            check_as_of(day)
        if any(later <= earlier for earlier, later in zip(days, days[1:])):
            raise ValueError("the as-of dates of a series are in ascending order, each once")
        self.rulebook = rulebook
        self.days = tuple(days)
        self.rules = rulebook.rules if only is None else tuple(rulebook.by_id[rule_id] for rule_id in only)
        self.matchers: dict[int, Matcher] = {}
        self.sources = [self._sources(rule) for rule in self.rules]

    def _sources(self, rule: Rule) -> tuple[_Source, ...]:
        """Where the events the rule reads come from: the types it reads whole, the tracks of derived state it
        reads, and its matchers and triggers. Of a trigger that is the first event a plain matcher selects, the
        first event only: later ones cannot change which is first. Not so for appointments counted as arranged
        or enquiries counted once answered, which can come into a selection before events already in it
        (triggers cannot be written so today)."""
        found: list[_Source] = [*rule.reads_whole, *rule.state_read]
        for selector in rule.selectors:
            matcher = selector.matcher if isinstance(selector, Trigger) else selector
            self.matchers[id(matcher)] = matcher
            first = isinstance(selector, Trigger) and selector.occurrence == "first" and selector.nth == 1 and \
                selector.since is None and not (matcher.arranged or matcher.answered)
            found.append(-id(matcher) if first else id(matcher))
            if isinstance(selector, Trigger) and selector.since is not None:
                self.matchers[id(selector.since)] = selector.since
                found.append(id(selector.since))
        return tuple(dict.fromkeys(found))

    def states(self, timeline: Timeline) -> list[tuple[State, ...]]:
        """Each rule's verdict state at each date. Raises TimelineError if a deviation names a rule the rulebook
        does not have (as ``evaluate`` does)."""
        check_timeline(timeline)
        deviations.check(self.rulebook.by_id, timeline)
        rules = self.rules
        seen = _Arrivals(timeline, self.matchers, self.sources)
        states: list[State] = [State.NOT_APPLICABLE] * len(rules)
        until: list[Day] = [0] * len(rules)  # no rule has a state yet: each is evaluated at the first date
        out: list[tuple[State, ...]] = []
        last: CaseView | None = None  # the view last made, whose tracks and selections a later one keeps
        final = self.days[-1].toordinal() if self.days else 0
        for day in self.days:
            as_of = day.toordinal()
            view: CaseView | None = None
            for k, rule in enumerate(rules):
                if as_of < until[k]:
                    continue
                if view is None:
                    view = last = CaseView(timeline, day) if last is None else \
                        last.later(day, seen.between(last.as_of, as_of))
                view.until = FOREVER
                states[k] = rule_state(rule, view)
                # Until the first of: a comparison coming out otherwise, or an event the rule reads arriving.
                until[k] = min(view.until, seen.next_after(k, as_of)) if as_of < final else FOREVER
            out.append(tuple(states))
        return out


class _Arrivals:
    """The days on which the events each rule reads arrive in one timeline: become visible to an evaluation on
    that as-of date (an event on its date; an appointment a matcher counts as arranged, on the day it was
    arranged)."""

    def __init__(self, timeline: Timeline, matchers: dict[int, Matcher], sources: list[tuple[_Source, ...]]):
        self.timeline = timeline
        self.matchers = matchers
        self.sources = sources
        self._days: dict[_Source, list[Day]] = {}
        self._state: CaseState | None = None  # read to the end of supervision: every day a track changes on
        self._merged: list[list[Day] | None] = [None] * len(sources)

    def next_after(self, rule: int, as_of: Day) -> Day:
        """The first day after ``as_of`` on which something the ``rule``-th rule reads arrives (FOREVER if
        nothing more does)."""
        days = self._merged[rule]
        if days is None:
            sources = self.sources[rule]
            days = self._merged[rule] = sorted(set().union(*map(self._arrivals, sources)))
        i = bisect.bisect_right(days, as_of)
        return days[i] if i < len(days) else FOREVER

    def between(self, after: Day, through: Day) -> frozenset[str]:
        """The types with an event arriving after ``after`` and on or before ``through``."""
        found = []
        for event_type in self.timeline.by_type:
            days = self._arrivals(event_type)
            i = bisect.bisect_right(days, after)
            if i < len(days) and days[i] <= through:
                found.append(event_type)
        return frozenset(found)

    def _arrivals(self, source: _Source) -> list[Day]:
        """The days, in order, on which the events of a source arrive."""
        found = self._days.get(source)
        if found is None:
            if isinstance(source, str):
                found = self._of_type(source)
            elif isinstance(source, tuple):
                if self._state is None:
                    self._state = CaseState(self.timeline, self.timeline.case.end.toordinal())
                found = list(self._state.track(source).days)
            else:
                found = self._of_matcher(self.matchers[abs(source)])
                found = found[:1] if source < 0 else found
            self._days[source] = found
        return found

    def _of_type(self, event_type: str) -> list[Day]:
        """Every day an event of the type arrives on, by any matcher's reading (its date and, where it has one,
        the day it was arranged)."""
        events = self.timeline.of_type(event_type)
        days = [e.date.toordinal() for e in events]
        arranged = [day.toordinal() for e in events if (day := e.get("arranged_date")) is not None]
        return sorted(days + arranged) if arranged else days

    def _of_matcher(self, matcher: Matcher) -> list[Day]:
        """The days on which events the matcher selects arrive (an answered enquiry: any enquiry's day)."""
        if matcher.answered or (matcher.key is None and not matcher.arranged):
            if len(matcher.reads) == 1:
                return self._arrivals(next(iter(matcher.reads)))
            return sorted([day for t in matcher.reads for day in self._arrivals(t)])
        key, accepted = matcher.key, matcher.accepted
        return sorted([(e.get("arranged_date") or e.date if matcher.arranged else e.date).toordinal()
                       for t in matcher.types for e in self.timeline.of_type(t) if key is None or key(e) in accepted])
