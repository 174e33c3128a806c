"""Derived, time-varying case state, computed from a timeline's events (never recorded directly).

* RoSH level: from each risk assessment on; unknown (None) before the first.
* Registrations: a code is active from ``registration_added`` until ``registration_removed`` (that day it is off).
* MAPPA category and level: from each ``mappa_level_set``; cleared when the MAPP registration is removed.
* In custody: from ``custody_start`` until ``custody_release`` (the release day is outside custody).
* Tier: from each ``tier_calculation``; unknown before the first.

Only events on or before the horizon (the as-of date, or the end of supervision) are seen.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cached_property

from ._track import Track
from .timeline import Timeline

_ONE_DAY = timedelta(days=1)


class CaseState:
    """The derived state of one case as seen on ``horizon``; each track is built on first use."""

    def __init__(self, timeline: Timeline, horizon: date):
        self.timeline = timeline
        self.horizon = horizon
        self._registrations: dict[str, Track] = {}
        self._conditions: dict = {}

    def _events(self, *types: str):
        found = [e for t in types for e in self.timeline.of_type(t) if e.date <= self.horizon]
        found.sort(key=lambda e: (e.date, e.id))
        return found

    @cached_property
    def rosh(self) -> Track:
        """The RoSH level (low / medium / high / very_high), None before the first risk assessment."""
        return Track.from_changes(None, ((e.date, e.get("rosh")) for e in self._events("risk_assessment")))

    @cached_property
    def tier(self) -> Track:
        """The case tier, None before the first tier calculation."""
        return Track.from_changes(None, ((e.date, e.get("tier")) for e in self._events("tier_calculation")))

    def registration(self, code: str) -> Track:
        """Whether registration ``code`` is active (False before any is added: absence is known)."""
        cache = self._registrations
        if code not in cache:
            changes = [
                (e.date, e.type == "registration_added")
                for e in self._events("registration_added", "registration_removed")
                if e.get("code") == code
            ]
            cache[code] = Track.from_changes(False, changes)
        return cache[code]

    @cached_property
    def mappa(self) -> Track:
        """``(category, level)`` while managed under MAPPA, else None."""
        changes = []
        for e in self._events("mappa_level_set", "registration_removed"):
            if e.type == "mappa_level_set":
                changes.append((e.date, (e.get("category"), e.get("level"))))
            elif e.get("code") == "MAPP":
                changes.append((e.date, None))
        return Track.from_changes(None, changes)

    @cached_property
    def in_custody(self) -> Track:
        """Whether the person is in custody."""
        changes = [(e.date, e.type == "custody_start") for e in self._events("custody_start", "custody_release")]
        return Track.from_changes(False, changes)

    @cached_property
    def custody_periods(self) -> list[tuple[date, date]]:
        """Inclusive custody periods up to the horizon. One still open at the horizon ends there: what the
        timeline does not yet say (the release) is not assumed, so a paused clock restarts the day after."""
        return self.in_custody.periods(True, date.min, self.horizon)

    def condition(self, condition) -> "Track":
        """A condition's track, computed once per case (rules share conditions, and triggers ask often)."""
        found = self._conditions.get(condition)
        if found is None:
            found = self._conditions[condition] = condition.track(self)
        return found
