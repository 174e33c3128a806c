"""A case timeline: the case, its dated events, and indexes the evaluator uses. Immutable once built."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Mapping

from ._vocabulary import SUPERVISION_START


@dataclass(frozen=True, slots=True)
class Event:
    """One dated event: an id (cited as evidence), a type, a date and its type-specific fields."""

    id: str
    type: str
    date: date
    fields: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def get(self, name: str) -> object:
        """A type-specific field, or None when the event does not carry it."""
        return self.fields.get(name)


@dataclass(frozen=True, slots=True)
class Case:
    """The supervised case: ids and dates only, no personal details."""

    id: str
    supervision_type: str
    start_date: date
    expected_end_date: date
    end_date: date | None = None
    units: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def end(self) -> date:
        """The day supervision ends: the actual end if it has ended, otherwise the expected end."""
        return self.end_date or self.expected_end_date


@dataclass(frozen=True, slots=True)
class Timeline:
    """A case and its events, sorted by (date, id) whatever order they were recorded in."""

    case: Case
    events: tuple[Event, ...]
    source: str = "<memory>"
    by_type: Mapping[str, tuple[Event, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.events, key=lambda e: (e.date, e.id)))
        object.__setattr__(self, "events", ordered)
        index: dict[str, list[Event]] = {}
        for event in ordered:
            index.setdefault(event.type, []).append(event)
        # The start of supervision is an event rules can count from, though nobody records it as one.
        index[SUPERVISION_START] = [Event("case.start_date", SUPERVISION_START, self.case.start_date)]
        object.__setattr__(self, "by_type", MappingProxyType({k: tuple(v) for k, v in index.items()}))

    def of_type(self, event_type: str) -> tuple[Event, ...]:
        """The events of one type, in date order."""
        return self.by_type.get(event_type, ())
