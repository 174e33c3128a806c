"""One case as the templates see it on an as-of date: the events up to the horizon, indexed once, and the
derived state.

The horizon is the as-of date, or the end of supervision if that came first: nothing after it is seen. The end
of supervision is one day for every rule: the actual end date if one is recorded, otherwise the expected end
(an order or licence expires on its own; a case open past it without a recorded end is a data-quality
finding, not more supervision). Every rule shares the view: the events of each type are turned into day
numbers once, and the events each matcher selects are found once per case.

Every comparison with the as-of date that can change a verdict's state goes through the view (``past``,
``reached``, ``lapsed_before``, the custody periods, ``read_track``); the view keeps in ``until`` the first
as-of date on which one of them would come out otherwise. So, with the events a rule reads unchanged, the
rule's verdict state is the same on every as-of date before ``until``: a trend evaluates a rule again only when
one of its events or that date comes (``engine.series``). Day counts (days overdue, days left) still change
daily; they are read from the as-of date directly.
"""

from __future__ import annotations

import bisect
from itertools import compress
from datetime import date
from typing import TYPE_CHECKING

from ..dates import Day
from ..timeline.model import Case, Event, Timeline
from .state import CaseState
from .track import Period, Track

if TYPE_CHECKING:
    from .rulebook import Matcher

#: ``until`` when nothing read so far changes with the as-of date alone.
FOREVER: Day = date.max.toordinal()


class Matched:
    """The events a matcher selects, in date order, with their day numbers in a parallel list. ``cited``,
    where given, is what each one cites as evidence (an answered enquiry: the request and its answer)."""

    __slots__ = ("days", "events", "cited")

    def __init__(self, days: list[Day], events: list[Event], cited: list[tuple[Event, ...]] | None = None):
        self.days = days
        self.events = events
        self.cited = cited

    def evidence(self, i: int) -> tuple[Event, ...]:
        """What the i-th event cites as evidence."""
        return self.cited[i] if self.cited is not None else (self.events[i],)

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
        self.end: Day = case.end.toordinal()  # the actual end, else the expected end: one end for every rule
        self.end_date: Day | None = case.end_date.toordinal() if case.end_date else None
        self.horizon: Day = min(self.as_of, self.end)
        #: Whether supervision had ended by the as-of date.
        self.ended = self.end <= self.as_of
        self.state = CaseState(timeline, self.horizon)
        #: The first as-of date from which something read through the view since ``until`` was last set to
        #: ``FOREVER`` would read differently, the events being the same (a due date passed, a window opened,
        #: supervision ended).
        self.until: Day = FOREVER
        self._types: dict[str, Matched] = {}
        self._matched: dict[int, Matched] = {}  # by the matcher's id: matchers live as long as their rulebook
        self._about: dict[int, dict[str, Matched]] = {}
        self._reads: dict[int, frozenset[str]] = {}  # the event types each of those matchers reads

    def later(self, as_of: date, arrived: frozenset[str]) -> "CaseView":
        """The view of the same case on a later as-of date, keeping what no event of the ``arrived`` types
        (those with an event becoming visible between the two dates) can change: the events of other types,
        what each matcher that reads none of them selects, and the derived state made from other events."""
        view = CaseView(self.timeline, as_of)
        view.state = self.state.later(view.horizon, arrived)
        view._types = {t: found for t, found in self._types.items() if t not in arrived}
        kept = [key for key, reads in self._reads.items() if arrived.isdisjoint(reads)]
        view._reads = {key: self._reads[key] for key in kept}
        view._matched = {key: self._matched[key] for key in kept}
        view._about = {key: self._about[key] for key in kept if key in self._about}
        return view

    # --- the as-of date, watched ------------------------------------------------------------------------------

    def past(self, day: Day) -> bool:
        """Whether the as-of date is after ``day`` (a due date has passed)."""
        if self.as_of > day:
            return True
        self.until = min(self.until, day + 1)
        return False

    def reached(self, day: Day) -> bool:
        """Whether ``day`` is on or before the as-of date (a window or period has opened)."""
        if day <= self.as_of:
            return True
        self.until = min(self.until, day)
        return False

    def lapsed_before(self, due: Day) -> bool:
        """Whether supervision had ended, by the as-of date, before ``due``."""
        if self.end >= due:
            return False
        if self.ended:
            return True
        self.until = min(self.until, self.end)
        return False

    @property
    def custody_periods(self) -> list[Period]:
        """The custody periods up to the horizon (``CaseState.custody_periods``); one still open ends there, so
        while supervision runs they change with the as-of date."""
        self.in_custody_now()
        return self.state.custody_periods

    def in_custody_now(self) -> bool:
        """Whether a custody period is still open at the horizon."""
        found = self.state.in_custody_at_horizon
        if found and not self.ended:
            self.until = min(self.until, self.as_of + 1)
        return found

    def read_track(self, track: Track, last: Day) -> Day:
        """The last day of a track that can be read up to ``last``: the horizon, if that comes first. A change the
        track makes on a set day (not an event's) after the horizon is read once the as-of date reaches it."""
        if last <= self.horizon:
            return last
        if not self.ended:
            i = bisect.bisect_right(track.days, self.horizon)
            if i < len(track.days) and track.days[i] <= last:
                self.until = min(self.until, track.days[i])
        return self.horizon

    # --- events -----------------------------------------------------------------------------------------------

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
        if matcher.arranged:
            found = self._arranged(matcher)
        elif matcher.answered:
            found = self._answered(matcher)
        elif len(matcher.types) == 1:
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
        self._reads[id(matcher)] = matcher.reads
        return found

    def about(self, matcher: "Matcher", event_id: str) -> Matched:
        """The events a matcher selects that name ``event_id`` as what they are about."""
        index = self._about.get(id(matcher))
        if index is None:
            matched = self.events(matcher)
            groups: dict[str, list[int]] = {}
            for i, e in enumerate(matched.events):
                about = e.get("about")
                if about is not None:
                    groups.setdefault(about, []).append(i)
            index = self._about[id(matcher)] = {
                k: Matched([matched.days[i] for i in v], [matched.events[i] for i in v],
                           None if matched.cited is None else [matched.cited[i] for i in v])
                for k, v in groups.items()}
        return index.get(event_id, _NONE)

    def _arranged(self, matcher: "Matcher") -> Matched:
        """Appointments as arranged: on the day they were for, whatever their outcome, known from the day they
        were arranged (or, with no arranged date, from the day itself) — so one arranged for next week counts
        already."""
        key, accepted = matcher.key, matcher.accepted
        pairs = [(e.date.toordinal(), e) for t in matcher.types for e in self.timeline.of_type(t)
                 if (e.get("arranged_date") or e.date).toordinal() <= self.horizon
                 and (key is None or key(e) in accepted)]
        pairs.sort(key=lambda p: (p[0], p[1].id))
        return Matched([d for d, _ in pairs], [e for _, e in pairs])

    def _answered(self, matcher: "Matcher") -> Matched:
        """Enquiry requests that were answered, on the day of the answer. An answer is a later enquiry with the
        same agency and topic that has been received: the one that names the request (``about``) if any does,
        otherwise the first received on or after the request that names no other request."""
        key, accepted = matcher.key, matcher.accepted
        enquiries = [e for e in self.of_type("enquiry").events]
        answers = [e for e in enquiries if e.get("status") == "response_received"]
        found = []
        for request in enquiries:
            if request.get("status") != "requested" or (key is not None and key(request) not in accepted):
                continue
            same = [a for a in answers if a.get("agency") == request.get("agency")
                    and a.get("topic") == request.get("topic") and a.date >= request.date]
            answer = next((a for a in same if a.get("about") == request.id), None) or \
                next((a for a in same if a.get("about") is None), None)
            if answer is not None:
                found.append((answer.date.toordinal(), request, answer))
        found.sort(key=lambda f: (f[0], f[1].id))
        return Matched([d for d, _, _ in found], [r for _, r, _ in found], [(r, a) for _, r, a in found])


_NONE = Matched([], [])
