"""Evaluating a caseload: stream the cases through the engine, on one core or several, results in input order.

Memory stays flat: cases are read lazily and only a bounded number of chunks are in flight at once.

The worker processes are our own (forked, each with a pipe for work and one for results) rather than a
``concurrent.futures`` pool, so that every way a run can end is under control:

* a normal end tells each worker to stop and waits for it: nothing is left running when the interpreter exits
  (a pool shut down without waiting races the interpreter's exit and can print a traceback);
* Ctrl-C, or a consumer that stops reading, terminates the workers at once;
* a worker that dies (killed, out of memory) loses nothing: the chunks it held are evaluated again in the main
  process and the others go on.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
import queue
import signal
import threading
import warnings
from collections import deque
from datetime import date
from multiprocessing.connection import Connection, wait
from typing import Iterable, Iterator

from ..engine.rulebook import Rulebook
from .inputs import Item
from .summary import CaseResult, check_case

CHUNK = 32  # cases sent to a worker at a time: large enough to amortise the hand-off, small enough to stream
IN_FLIGHT = 2  # chunks queued per worker, so that a worker never waits for the next one
STOP_WAIT = 5.0  # seconds a terminated worker is given before it is killed


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _check_chunk(rulebook: Rulebook, chunk: list[Item], as_of: date, within_days: int,
                 want_json: bool) -> list[CaseResult]:
    return [check_case(rulebook, item, as_of, within_days, want_json) for item in chunk]


def evaluate_caseload(rulebook: Rulebook, cases: Iterable[Item], as_of: date, *, jobs: int = 1,
                      within_days: int = 14, want_json: bool = False) -> Iterator[CaseResult]:
    """Every case's result, in input order, evaluated by ``jobs`` processes (1: in this process)."""
    chunks = _chunks(cases)
    args = (as_of, within_days, want_json)
    if jobs <= 1:
        for chunk in chunks:
            yield from _check_chunk(rulebook, chunk, *args)
        return
    workers = [_Worker(rulebook, args) for _ in range(jobs)]
    in_flight: deque[tuple[list[Item], _Worker]] = deque()
    finished = False
    try:
        for chunk in chunks:
            worker = _least_busy(workers)
            if worker is None or not worker.send(chunk):
                # No worker left: evaluate here (what was in flight first, to keep the order).
                yield from _drain(in_flight, rulebook, args)
                yield from _check_chunk(rulebook, chunk, *args)
                continue
            in_flight.append((chunk, worker))
            while in_flight and len(in_flight) >= IN_FLIGHT * sum(w.alive for w in workers):
                yield from _head(in_flight, rulebook, args)
        yield from _drain(in_flight, rulebook, args)
        finished = True
    finally:
        for worker in workers:
            worker.close(graceful=finished)


def _least_busy(workers: list["_Worker"]) -> "_Worker | None":
    alive = [w for w in workers if w.alive]
    return min(alive, key=lambda w: w.pending) if alive else None


def _drain(in_flight: deque, rulebook: Rulebook, args: tuple) -> Iterator[CaseResult]:
    while in_flight:
        yield from _head(in_flight, rulebook, args)


def _head(in_flight: deque, rulebook: Rulebook, args: tuple) -> list[CaseResult]:
    """The oldest chunk's results. A worker answers in the order it was given work, so the oldest chunk's
    answer is the next one from its worker; if that worker died, the chunk is evaluated here instead."""
    chunk, worker = in_flight[0]
    results = worker.receive()
    in_flight.popleft()
    if results is None:
        if not worker.reported:
            worker.reported = True
            warnings.warn(f"a worker process stopped ({worker.why()}); its cases are evaluated in the main "
                          f"process", RuntimeWarning, stacklevel=2)
        results = _check_chunk(rulebook, chunk, *args)
    return results


class _Worker:
    """One forked worker process: chunks go down one pipe, results come back up another, in order."""

    def __init__(self, rulebook: Rulebook, args: tuple) -> None:
        # fork shares the compiled rulebook with the worker for free; spawn-only platforms pickle it.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        work_out, work_in = context.Pipe(duplex=False)
        results_out, results_in = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(work_out, results_in, rulebook, args), daemon=True)
        self.process.start()
        work_out.close()
        results_in.close()
        self.work: Connection = work_in
        self.results: Connection = results_out
        self.pending = 0
        self.alive = True
        self.reported = False

    def send(self, chunk: list[Item]) -> bool:
        """Hand a chunk over; False if the worker has died."""
        try:
            self.work.send(chunk)
        except (BrokenPipeError, ConnectionResetError, OSError):
            self.alive = False
            return False
        self.pending += 1
        return True

    def receive(self) -> list[CaseResult] | None:
        """The next chunk's results, or None if the worker died before sending them."""
        self.pending -= 1
        if not self.alive:
            return None
        while True:
            ready = wait([self.results, self.process.sentinel])
            if self.results in ready:
                try:
                    return self.results.recv()
                except (EOFError, OSError):
                    break
            if self.process.sentinel in ready and not self.results.poll():
                break
        self.alive = False
        return None

    def why(self) -> str:
        self.process.join(timeout=STOP_WAIT)
        code = self.process.exitcode
        if code is not None and code < 0:
            try:
                return f"killed by {signal.Signals(-code).name}"
            except ValueError:
                return f"killed by signal {-code}"
        return f"exit status {code}"

    def close(self, graceful: bool) -> None:
        """Stop the worker: after its work (graceful), or at once."""
        if graceful and self.alive:
            try:
                self.work.send(None)
            except OSError:
                pass
            self.process.join(timeout=STOP_WAIT)
        if self.process.is_alive():
            self.process.terminate()
            self.process.join(timeout=STOP_WAIT)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.work.close()
        self.results.close()
        self.process.close()


def _serve(work: Connection, results: Connection, rulebook: Rulebook, args: tuple) -> None:
    """A worker's life: evaluate each chunk as it comes, answer in order, stop at None or when the main
    process goes away. Ctrl-C is the main process's to handle (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The chunks are read by a thread, so that the main process's send never waits while this process is
    # itself waiting to send results back (two full pipes would wait for each other for ever).
    chunks: queue.SimpleQueue = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                chunk = work.recv()
                chunks.put(chunk)
                if chunk is None:
                    return
        except (EOFError, OSError):
            chunks.put(None)

    threading.Thread(target=read, daemon=True).start()
    while (chunk := chunks.get()) is not None:
        try:
            results.send(_check_chunk(rulebook, chunk, *args))
        except (BrokenPipeError, OSError):
            return


def _chunks(cases: Iterable[Item]) -> Iterator[list[Item]]:
    iterator = iter(cases)
    while chunk := list(itertools.islice(iterator, CHUNK)):
        yield chunk
