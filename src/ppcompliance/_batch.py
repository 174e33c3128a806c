"""Evaluating a caseload: stream the cases through the engine, on one core or several, results in input order.

Memory stays flat: cases are read lazily and only a bounded number of chunks are in flight at once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
import warnings
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import date
from typing import Iterable, Iterator

from ._caseload import CaseResult, check_case
from ._inputs import Item
from .rulebook import Rulebook

CHUNK = 32  # cases sent to a worker at a time: large enough to amortise the hand-off, small enough to stream

_rulebook: Rulebook | None = None  # a worker's compiled rulebook, inherited at fork


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _check_chunk(chunk: list[Item], as_of: date, within_days: int, want_json: bool) -> list[CaseResult]:
    assert _rulebook is not None
    return [check_case(_rulebook, item, as_of, within_days, want_json) for item in chunk]


def evaluate_caseload(rulebook: Rulebook, cases: Iterable[Item], as_of: date, *, jobs: int = 1,
                      within_days: int = 14, want_json: bool = False) -> Iterator[CaseResult]:
    """Every case's result, in input order, evaluated by ``jobs`` processes (1: in this process)."""
    global _rulebook
    _rulebook = rulebook
    chunks = _chunks(cases)
    if jobs <= 1:
        for chunk in chunks:
            yield from _check_chunk(chunk, as_of, within_days, want_json)
        return
    # fork shares the compiled rulebook with the workers for free; elsewhere each worker would need to
    # compile it again, which is what spawn-only platforms get.
    context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else None)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_adopt, initargs=(rulebook,))
    in_flight: deque = deque()  # (chunk, future), oldest first
    try:
        for chunk in chunks:
            in_flight.append((chunk, pool.submit(_check_chunk, chunk, as_of, within_days, want_json)))
            if len(in_flight) >= 2 * jobs:
                yield from _collect(in_flight, as_of, within_days, want_json)
        while in_flight:
            yield from _collect(in_flight, as_of, within_days, want_json)
    except BrokenProcessPool:
        # A worker died (killed, out of memory): nothing is lost — the chunks it had, and every case still to
        # come, are evaluated here instead.
        warnings.warn("a worker process stopped; the remaining cases are evaluated in the main process",
                      RuntimeWarning, stacklevel=2)
        for chunk, _ in in_flight:
            yield from _check_chunk(chunk, as_of, within_days, want_json)
        for chunk in chunks:
            yield from _check_chunk(chunk, as_of, within_days, want_json)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _collect(in_flight: deque, as_of: date, within_days: int, want_json: bool) -> list[CaseResult]:
    """The oldest chunk's results (it leaves the queue only once they are in hand)."""
    chunk, future = in_flight[0]
    results = future.result()
    in_flight.popleft()
    return results


def _adopt(rulebook: Rulebook) -> None:
    global _rulebook
    _rulebook = rulebook


def _chunks(cases: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(cases)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk
