"""Derived, time-varying case state, computed from a timeline's events (never recorded directly).

* RoSH level: from each risk assessment on; unknown (None) before the first.
* Registrations: a code is active from ``registration_added`` until ``registration_removed`` (that day it is off).
* MAPPA category and level: from each ``mappa_level_set``; cleared when the MAPP registration is removed.
* In custody: from ``custody_start`` until ``custody_release`` (the release day is outside custody).
* Tier: from each ``tier_calculation``; unknown before the first.

Only events on or before the horizon (the as-of date, or the end of supervision) are seen.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Iterable

from ..dates import Day
from .track import Period, Track

if TYPE_CHECKING:
    from ..timeline.model import Event, Timeline
    from .rulebook import Condition


#: The events each kind of state is made from (a condition over that state reads these, and no others).
ROSH_EVENTS = ("risk_assessment",)
TIER_EVENTS = ("tier_calculation",)
REGISTRATION_EVENTS = ("registration_added", "registration_removed")
MAPPA_EVENTS = ("mappa_level_set", "registration_removed")
CUSTODY_EVENTS = ("custody_start", "custody_release")

#: A track of derived state, by key: ``("rosh",)``, ``("tier",)``, ``("mappa",)``, ``("in_custody",)`` or
#: ``("registration", CODE)``; each changes only on the day of an event of its kind.
StateKey = tuple[str, ...]
_STATE_EVENTS = {"rosh": ROSH_EVENTS, "tier": TIER_EVENTS, "mappa": MAPPA_EVENTS, "in_custody": CUSTODY_EVENTS,
                 "registration": REGISTRATION_EVENTS}


def events_of(key: StateKey) -> tuple[str, ...]:
    """The event types a track of derived state is made from."""
    return _STATE_EVENTS[key[0]]


class CaseState:
    """The derived state of one case as seen on ``horizon``; each track is built on first use."""

    def __init__(self, timeline: "Timeline", horizon: Day):
        self.timeline = timeline
        self.horizon = horizon
        self._registrations: dict[str, Track] = {}
        self._conditions: dict[int, Track] = {}  # by the condition's id: it lives as long as its rulebook
        self._reads: dict[int, frozenset[str]] = {}  # the event types each of those conditions reads

    def later(self, horizon: Day, arrived: frozenset[str]) -> "CaseState":
        """The state read to a later horizon, keeping every track that no event of the ``arrived`` types (those
        with an event between the two horizons) can change. What depends on the horizon itself (the custody
        periods, custody open at the horizon) is worked out again."""
        state = CaseState(self.timeline, horizon)
        kept = state.__dict__
        for name, types in _STATE_EVENTS.items():
            if name in self.__dict__ and arrived.isdisjoint(types):  # the tracks built once (not registrations)
                kept[name] = self.__dict__[name]
        if arrived.isdisjoint(REGISTRATION_EVENTS):
            state._registrations = dict(self._registrations)
        state._conditions = {key: track for key, track in self._conditions.items()
                             if arrived.isdisjoint(self._reads[key])}
        state._reads = {key: self._reads[key] for key in state._conditions}
        return state

    def track(self, key: StateKey) -> Track:
        """A track of derived state by its key (``StateKey``)."""
        if key[0] == "registration":
            return self.registration(key[1])
        found: Track = getattr(self, key[0])
        return found

    def _events(self, *types: str) -> list["Event"]:
        horizon = self.horizon
        found = [e for t in types for e in self.timeline.of_type(t) if e.date.toordinal() <= horizon]
        if len(types) > 1:
            found.sort(key=lambda e: (e.date, e.id))
        return found

    @cached_property
    def rosh(self) -> Track:
        """The RoSH level (low / medium / high / very_high), None before the first risk assessment."""
        return Track.from_changes(None, ((e.date.toordinal(), e.get("rosh")) for e in self._events(*ROSH_EVENTS)))

    @cached_property
    def tier(self) -> Track:
        """The case tier, None before the first tier calculation."""
        return Track.from_changes(None, ((e.date.toordinal(), e.get("tier")) for e in self._events(*TIER_EVENTS)))

    def rosh_track(self, backfill: bool) -> Track:
        """The RoSH level; with ``backfill``, days before the first assessment take the first level assessed."""
        return _backfilled(self.rosh) if backfill else self.rosh

    def tier_track(self, backfill: bool) -> Track:
        """The tier; with ``backfill``, days before the first calculation take the first tier calculated."""
        return _backfilled(self.tier) if backfill else self.tier

    def registration(self, code: str) -> Track:
        """Whether registration ``code`` is active (False before any is added: absence is known)."""
        cache = self._registrations
        found = cache.get(code)
        if found is None:
            events = [e for e in self._events(*REGISTRATION_EVENTS) if e.get("code") == code]
            found = cache[code] = _switches(events, "registration_added", False)
        return found

    @cached_property
    def mappa(self) -> Track:
        """``(category, level)`` while managed under MAPPA, else None."""
        changes: list[tuple[Day, object]] = []
        for e in self._events(*MAPPA_EVENTS):
            if e.type == "mappa_level_set":
                changes.append((e.date.toordinal(), (e.get("category"), e.get("level"))))
            elif e.get("code") == "MAPP":
                changes.append((e.date.toordinal(), None))
        return Track.from_changes(None, changes)

    @cached_property
    def in_custody(self) -> Track:
        """Whether the person is in custody."""
        return _switches(self._events(*CUSTODY_EVENTS), "custody_start", False)

    @cached_property
    def in_custody_at_horizon(self) -> bool:
        """Whether a custody period is still open on the last day the timeline is read to."""
        return self.in_custody.at(self.horizon) is True

    @cached_property
    def custody_periods(self) -> list[Period]:
        """Inclusive custody periods up to the horizon. One still open at the horizon ends there: what the
        timeline does not yet say (the release) is not assumed, so a paused clock restarts the day after."""
        return self.in_custody.periods(True, 1, self.horizon)

    def condition(self, condition: "Condition") -> Track:
        """A condition's track, computed once per case (rules share conditions, and triggers ask often)."""
        found = self._conditions.get(id(condition))
        if found is None:
            found = self._conditions[id(condition)] = condition.track(self)
            self._reads[id(condition)] = condition.reads
        return found


def _backfilled(track: Track) -> Track:
    """The track with its unknown start (None before the first value) taken as its first value."""
    if track.initial is not None or not track.values:
        return track
    return Track.from_changes(track.values[0], zip(track.days[1:], track.values[1:]))


def _switches(events: Iterable["Event"], on_type: str, initial: bool) -> Track:
    """On/off state from on and off events in date order. Within one day the events are netted, so that their
    ids (which order same-day events) never decide: more "on" than "off" switches on, more "off" switches off,
    and an equal number (a spell of no days, or one spell ending as the next begins) leaves the state as it was.
    """
    changes: list[tuple[Day, object]] = []
    state = initial
    day_events: dict[Day, list[bool]] = {}
    for e in events:
        day_events.setdefault(e.date.toordinal(), []).append(e.type == on_type)
    for day in sorted(day_events):
        ons = sum(day_events[day])
        offs = len(day_events[day]) - ons
        if ons != offs:
            state = ons > offs
        changes.append((day, state))
    return Track.from_changes(initial, changes)
