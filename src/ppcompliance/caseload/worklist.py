"""A caseload's lists: the worklist's rows of every case (``report.worklist``), by section, each soonest first,
and the justified deviations kept for audit (``report.justified``).

Only open cases are listed in the worklist unless closed ones are asked for. A summary keeps the first rows of
each list in a bounded heap (its memory does not grow with the caseload) and counts them all.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Generic, Iterable, Protocol, TypeVar

from ..report.worklist import SECTIONS, Section, WorkItem


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


Row = TypeVar("Row", bound=_Ordered)


class _Latest:
    """A heap entry that puts the latest row on top, so that a bounded heap keeps the first rows."""

    __slots__ = ("row",)

    def __init__(self, row: Any):
        self.row = row

    def __lt__(self, other: "_Latest") -> bool:
        return bool(other.row < self.row)


@dataclass
class Bounded(Generic[Row]):
    """Rows in their own order: all of them (``limit`` None) or the first ``limit``, and how many were added."""

    limit: int | None = None
    kept: list[Any] = field(default_factory=list)
    total: int = 0

    def add(self, row: Row) -> None:
        """Count one row and keep it if it is among the first."""
        self.total += 1
        if self.limit is None:
            self.kept.append(row)
        elif len(self.kept) < self.limit:
            heapq.heappush(self.kept, _Latest(row))
        elif self.limit and row < self.kept[0].row:
            heapq.heapreplace(self.kept, _Latest(row))

    def extend(self, rows: Iterable[Row]) -> None:
        """Add each row."""
        for row in rows:
            self.add(row)

    def merge(self, other: "Bounded[Row]") -> None:
        """Add another list's rows and count (a list made in parts is the same as one made whole)."""
        self.extend(other.rows())
        # The other's rows were counted again above: its total counts those it did not keep as well.
        self.total += other.total - len(other.kept)

    def rows(self) -> list[Row]:
        """The rows kept, first first."""
        return sorted(self.kept) if self.limit is None else sorted(entry.row for entry in self.kept)


def _sections(limit: int | None) -> dict[Section, Bounded[WorkItem]]:
    return {s: Bounded(limit) for s in SECTIONS}


@dataclass
class Worklist:
    """The rows of a caseload, by section: all of them (``limit`` None) or the soonest ``limit`` of each."""

    limit: int | None = None
    include_closed: bool = False
    sections: dict[Section, Bounded[WorkItem]] = field(init=False)
    closed: int = 0  # rows on closed cases, left out

    def __post_init__(self) -> None:
        self.sections = _sections(self.limit)

    @property
    def totals(self) -> dict[Section, int]:
        """How many rows each section has (kept or not)."""
        return {s: kept.total for s, kept in self.sections.items()}

    def add(self, row: WorkItem) -> None:
        """Count one row and keep it if it is among the soonest (closed cases' rows only when asked for)."""
        if row.closed and not self.include_closed:
            self.closed += 1
            return
        self.sections[row.section].add(row)

    def extend(self, rows: Iterable[WorkItem]) -> None:
        """Add each row."""
        for row in rows:
            self.add(row)

    def merge(self, other: "Worklist") -> None:
        """Add another worklist's rows and counts (a summary made in parts is the same as one made whole)."""
        for section in SECTIONS:
            self.sections[section].merge(other.sections[section])
        self.closed += other.closed

    def rows(self, section: Section) -> list[WorkItem]:
        """The rows kept in a section, soonest first."""
        return self.sections[section].rows()
