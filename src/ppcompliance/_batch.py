"""Evaluating a caseload: stream the cases through the engine, on one core or several, results in input order.

Memory stays flat: cases are read lazily and only a bounded number of chunks are in flight at once.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from concurrent.futures import ProcessPoolExecutor
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
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_adopt,
                             initargs=(rulebook,)) as pool:
        in_flight: deque = deque()
        for chunk in chunks:
            in_flight.append(pool.submit(_check_chunk, chunk, as_of, within_days, want_json))
            if len(in_flight) >= 2 * jobs:
                yield from in_flight.popleft().result()
        while in_flight:
            yield from in_flight.popleft().result()


def _adopt(rulebook: Rulebook) -> None:
    global _rulebook
    _rulebook = rulebook


def _chunks(cases: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(cases)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk
