"""A caseload's worklist: the rows of every case (``report.worklist``), by section, each soonest first.

Only open cases are listed unless closed ones are asked for. A summary keeps the soonest rows of each section
in a bounded heap (its memory does not grow with the caseload) and counts them all.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..report.worklist import SECTIONS, Section, WorkItem


class _Latest:
    """A heap entry that puts the latest row on top, so that a bounded heap keeps the soonest rows."""

    __slots__ = ("row",)

    def __init__(self, row: WorkItem):
        self.row = row

    def __lt__(self, other: "_Latest") -> bool:
        return self.row > other.row


@dataclass
class Worklist:
    """The rows of a caseload, by section: all of them (``limit`` None) or the soonest ``limit`` of each."""

    limit: int | None = None
    include_closed: bool = False
    kept: dict[Section, list[Any]] = field(default_factory=lambda: {s: [] for s in SECTIONS})
    totals: dict[Section, int] = field(default_factory=lambda: dict.fromkeys(SECTIONS, 0))
    closed: int = 0  # rows on closed cases, left out

    def add(self, row: WorkItem) -> None:
        """Count one row and keep it if it is among the soonest (closed cases' rows only when asked for)."""
        if row.closed and not self.include_closed:
            self.closed += 1
            return
        self.totals[row.section] += 1
        kept = self.kept[row.section]
        if self.limit is None:
            kept.append(row)
        elif len(kept) < self.limit:
            heapq.heappush(kept, _Latest(row))
        elif self.limit and row < kept[0].row:
            heapq.heapreplace(kept, _Latest(row))

    def extend(self, rows: Iterable[WorkItem]) -> None:
        """Add each row."""
        for row in rows:
            self.add(row)

    def merge(self, other: "Worklist") -> None:
        """Add another worklist's rows and counts (a summary made in parts is the same as one made whole)."""
        for section in SECTIONS:
            for row in other.rows(section):
                self.add(row)
            # The other's rows were counted again above: its totals count those it did not keep as well.
            self.totals[section] += other.totals[section] - len(other.kept[section])
        self.closed += other.closed

    def rows(self, section: Section) -> list[WorkItem]:
        """The rows kept in a section, soonest first."""
        kept = self.kept[section]
        return sorted(kept) if self.limit is None else sorted(entry.row for entry in kept)
