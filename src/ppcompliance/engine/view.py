"""One case as the templates see it on an as-of date: the events up to the horizon, indexed once, and the
derived state.

The horizon is the as-of date, or the end of supervision if that came first: nothing after it is seen. Every
rule shares the view: the events of each type are turned into day numbers once, and the events each matcher
selects are found once per case.
"""

from __future__ import annotations

import bisect
from itertools import compress
from datetime import date
from typing import TYPE_CHECKING

from ..dates import Day
from ..timeline.model import Case, Event, Timeline
from .state import CaseState

if TYPE_CHECKING:
    from .rulebook import Matcher


class Matched:
    """The events a matcher selects, in date order, with their day numbers in a parallel list."""

    __slots__ = ("days", "events")

    def __init__(self, days: list[Day], events: list[Event]):
        self.days = days
        self.events = events

    def first_from(self, day: Day) -> int:
        """The index of the first event on or after ``day`` (``len`` if there is none)."""
        return bisect.bisect_left(self.days, day)

    def __len__(self) -> int:
        return len(self.events)


class CaseView:
    """What the templates see of one case: its events up to the horizon, its derived state, the as-of date."""

    def __init__(self, timeline: Timeline, as_of: date):
        case = timeline.case
        self.timeline = timeline
        self.case: Case = case
        self.as_of_date = as_of
        self.as_of: Day = as_of.toordinal()
        self.start: Day = case.start_date.toordinal()
        self.expected_end: Day = case.expected_end_date.toordinal()
        self.end: Day = case.end.toordinal()  # the actual end, else the expected end
        self.end_date: Day | None = case.end_date.toordinal() if case.end_date else None
        self.horizon: Day = min(self.as_of, self.end_date) if self.end_date is not None else self.as_of
        #: Whether supervision had ended by the as-of date.
        self.ended = self.end_date is not None and self.end_date <= self.as_of
        self.state = CaseState(timeline, self.horizon)
        self._types: dict[str, Matched] = {}
        self._matched: dict[int, Matched] = {}  # by the matcher's id: matchers live as long as their rulebook

    def of_type(self, event_type: str) -> Matched:
        """The events of one type up to the horizon."""
        found = self._types.get(event_type)
        if found is None:
            events = self.timeline.of_type(event_type)
            days = [e.date.toordinal() for e in events]
            cut = bisect.bisect_right(days, self.horizon)
            found = self._types[event_type] = Matched(days[:cut], list(events[:cut]))
        return found

    def events(self, matcher: "Matcher") -> Matched:
        """The events a matcher selects, up to the horizon, in (date, id) order (found once per case)."""
        found = self._matched.get(id(matcher))
        if found is not None:
            return found
        key, accepted = matcher.key, matcher.accepted
        if len(matcher.types) == 1:
            typed = self.of_type(matcher.types[0])
            if key is None:
                found = typed
            else:
                # One pass in C: which events have the field values wanted, then those events and their days.
                keep = list(map(accepted.__contains__, map(key, typed.events)))
                found = Matched(list(compress(typed.days, keep)), list(compress(typed.events, keep)))
        else:
            pairs = [(d, e) for t in matcher.types for d, e in zip(self.of_type(t).days, self.of_type(t).events)
                     if key is None or key(e) in accepted]
            pairs.sort(key=lambda p: (p[0], p[1].id))
            found = Matched([d for d, _ in pairs], [e for _, e in pairs])
        self._matched[id(matcher)] = found
        return found
