"""Time-varying values: a value that changes on given days. Three-valued where the truth is not known.

A ``Track`` holds an initial value (for every day before the first change) and the changes in date order.
Conditions over derived state (RoSH high, a registration active, in custody) become tracks of True / False /
None (None: the timeline does not say), combined with Kleene logic.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Callable, Iterable, Sequence

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Track:
    """A value over time: ``initial`` before the first change, then each ``(day, value)`` from that day on."""

    initial: object
    changes: tuple[tuple[date, object], ...] = ()

    @classmethod
    def constant(cls, value: object) -> "Track":
        """A value that never changes."""
        return cls(value)

    @classmethod
    def from_changes(cls, initial: object, changes: Iterable[tuple[date, object]]) -> "Track":
        """Build from changes in date order; a later change on the same day wins, and repeats are dropped."""
        out: list[tuple[date, object]] = []
        current = initial
        for day, value in changes:
            if out and out[-1][0] == day:
                out.pop()
                current = out[-1][1] if out else initial
            if value != current:
                out.append((day, value))
                current = value
        return cls(initial, tuple(out))

    def at(self, day: date) -> object:
        """The value on ``day``."""
        i = bisect.bisect_right(self.changes, day, key=lambda c: c[0])
        return self.changes[i - 1][1] if i else self.initial

    def map(self, fn: Callable[[object], object]) -> "Track":
        """Apply ``fn`` to every value."""
        return Track.from_changes(fn(self.initial), ((d, fn(v)) for d, v in self.changes))

    @staticmethod
    def combine(tracks: Sequence["Track"], fn: Callable[[list], object]) -> "Track":
        """A track whose value each day is ``fn`` of the given tracks' values that day."""
        days = sorted({d for t in tracks for d, _ in t.changes})
        return Track.from_changes(fn([t.initial for t in tracks]), ((d, fn([t.at(d) for t in tracks])) for d in days))

    def periods(self, value: object, first: date, last: date) -> list[tuple[date, date]]:
        """The inclusive periods within [first, last] on which the track equals ``value``."""
        if last < first:
            return []
        out: list[tuple[date, date]] = []
        start = first if self.at(first) == value else None
        for day, v in self.changes:
            if day <= first:
                continue
            if day > last:
                break
            if v == value and start is None:
                start = day
            elif v != value and start is not None:
                out.append((start, day - ONE_DAY))
                start = None
        if start is not None:
            out.append((start, last))
        return out


def kleene_all(values: list) -> object:
    """True if all are True; False if any is False; otherwise None (unknown)."""
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def kleene_any(values: list) -> object:
    """True if any is True; False if all are False; otherwise None (unknown)."""
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def kleene_not(value: object) -> object:
    """The negation, leaving unknown unknown."""
    return None if value is None else not value
