"""The case ids a caseload run has read, to reject a repeated one, in about 8 bytes a case.

A national caseload is a quarter of a million cases; a Python set of the ids' text (or even of 64-bit ints)
costs 60 to 100 bytes a case and made the run's memory grow with the caseload. Here each id is a 64-bit digest
(BLAKE2b: two different ids collide with odds of about 1 in 10^8 across a million cases), kept in a sorted
array, with the latest few thousand in a small set that is merged into the array when it fills.
"""

from __future__ import annotations

import hashlib
from array import array
from bisect import bisect_left
from typing import Iterable

from ..errors import Diagnostic

PENDING = 16_384  # digests held in the set before they are merged into the sorted array


def digest(case_id: str) -> int:
    """A 64-bit digest of a case id."""
    return int.from_bytes(hashlib.blake2b(case_id.encode("utf-8"), digest_size=8).digest(), "big")


class CaseIds:
    """A set of case ids that grows by about 8 bytes an id."""

    __slots__ = ("_sorted", "_pending")

    def __init__(self) -> None:
        self._sorted = array("Q")
        self._pending: set[int] = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._pending)

    def __contains__(self, case_id: object) -> bool:
        return isinstance(case_id, str) and self._has(digest(case_id))

    def add(self, case_id: str) -> bool:
        """Add an id; False if it was already there."""
        key = digest(case_id)
        if self._has(key):
            return False
        self._pending.add(key)
        if len(self._pending) >= PENDING:
            self._merge(sorted(self._pending))
            self._pending = set()
        return True

    def update(self, other: "CaseIds") -> None:
        """Add every id of another part of the same caseload."""
        self._merge(sorted(self._pending | other._pending))
        self._pending = set()
        self._merge(other._sorted)

    def _has(self, key: int) -> bool:
        if key in self._pending:
            return True
        found = self._sorted
        at = bisect_left(found, key)
        return at < len(found) and found[at] == key

    def _merge(self, keys: Iterable[int]) -> None:
        """Merge keys, in ascending order, into the sorted array in C-speed slices: never a list of every id."""
        old, new, start = self._sorted, array("Q"), 0
        for key in keys:
            at = bisect_left(old, key, start)
            if at < len(old) and old[at] == key:
                continue
            new.extend(old[start:at])
            new.append(key)
            start = at
        new.extend(old[start:])
        self._sorted = new


def repeated(source: str, line: int, case_id: str) -> Diagnostic:
    """The problem of a case whose id was already read."""
    return Diagnostic(source, line, 0, "$.case.id", "caseload-duplicate-case",
                      f"case id {case_id!r} was already read earlier in this caseload; the first one read is kept")
