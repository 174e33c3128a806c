"""Time-varying values: a value that changes on given days. Three-valued where the truth is not known.

A ``Track`` holds an initial value (for every day before the first change) and the changes in day order.
Conditions over derived state (RoSH high, a registration active, in custody) become tracks of True / False /
None (None: the timeline does not say), combined with Kleene logic. Days are day numbers (``dates.Day``).
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable, Iterable, Sequence

from ..dates import Day

Period = tuple[Day, Day]  # both days included


@dataclass(frozen=True, slots=True)
class Track:
    """A value over time: ``initial`` before the first change, then ``values[k]`` from ``days[k]`` on."""

    initial: object
    days: tuple[Day, ...] = ()
    values: tuple[object, ...] = ()

    @classmethod
    def constant(cls, value: object) -> "Track":
        """A value that never changes."""
        return cls(value)

    @classmethod
    def from_changes(cls, initial: object, changes: Iterable[tuple[Day, object]]) -> "Track":
        """Build from changes in day order; a later change on the same day wins, and repeats are dropped."""
        days: list[Day] = []
        values: list[object] = []
        current = initial
        for day, value in changes:
            if days and days[-1] == day:
                days.pop()
                values.pop()
                current = values[-1] if values else initial
            if value != current:
                days.append(day)
                values.append(value)
                current = value
        return cls(initial, tuple(days), tuple(values))

    @property
    def changes(self) -> tuple[tuple[Day, object], ...]:
        """The (day, value) changes in order."""
        return tuple(zip(self.days, self.values))

    def at(self, day: Day) -> object:
        """The value on ``day``."""
        i = bisect.bisect_right(self.days, day)
        return self.values[i - 1] if i else self.initial

    def any_in(self, first: Day, last: Day) -> object:
        """True if the value is True on some day of [first, last]; otherwise None if it is None on some day;
        otherwise False (Kleene "or" over the days)."""
        values = [self.at(first)]
        i = bisect.bisect_right(self.days, first)
        while i < len(self.days) and self.days[i] <= last:
            values.append(self.values[i])
            i += 1
        return kleene_any(values)

    def map(self, fn: Callable[[object], object]) -> "Track":
        """Apply ``fn`` to every value."""
        if not self.days:
            return Track(fn(self.initial))
        return Track.from_changes(fn(self.initial), zip(self.days, map(fn, self.values)))

    @staticmethod
    def combine(tracks: Sequence["Track"], fn: Callable[[list[object]], object]) -> "Track":
        """A track whose value each day is ``fn`` of the given tracks' values that day."""
        days = sorted({d for t in tracks for d in t.days})
        if not days:
            return Track(fn([t.initial for t in tracks]))
        return Track.from_changes(fn([t.initial for t in tracks]), ((d, fn([t.at(d) for t in tracks])) for d in days))

    def periods(self, value: object, first: Day, last: Day) -> list[Period]:
        """The inclusive periods within [first, last] on which the track equals ``value``."""
        if last < first:
            return []
        if not self.days:
            return [(first, last)] if self.initial == value else []
        out: list[Period] = []
        start = first if self.at(first) == value else None
        for day, v in zip(self.days, self.values):
            if day <= first:
                continue
            if day > last:
                break
            if v == value and start is None:
                start = day
            elif v != value and start is not None:
                out.append((start, day - 1))
                start = None
        if start is not None:
            out.append((start, last))
        return out


def kleene_all(values: list[object]) -> object:
    """True if all are True; False if any is False; otherwise None (unknown)."""
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def kleene_any(values: list[object]) -> object:
    """True if any is True; False if all are False; otherwise None (unknown)."""
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def kleene_not(value: object) -> object:
    """The negation, leaving unknown unknown."""
    return None if value is None else not value
