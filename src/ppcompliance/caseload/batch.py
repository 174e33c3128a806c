"""Running a task over a caseload's chunks on one core or several, results in input order.

Memory stays flat: chunks are drawn lazily from the input and only a bounded number are in flight at once.

The worker processes are our own (forked, each with a pipe for work and one for results) rather than a
``concurrent.futures`` pool, so that every way a run can end is under control:

* a normal end tells each worker to stop and waits for it: nothing is left running when the interpreter exits
  (a pool shut down without waiting races the interpreter's exit and can print a traceback);
* Ctrl-C, or a consumer that stops reading, terminates the workers at once;
* a worker that dies (killed, out of memory) loses nothing: the chunks it held are done again in the main
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
from multiprocessing.connection import Connection, wait
from typing import Callable, Generic, Iterable, Iterator, TypeVar

T = TypeVar("T")
R = TypeVar("R")
Task = Callable[[list[T]], list[R]]

CHUNK = 32  # items sent to a worker at a time: large enough to amortise the hand-off, small enough to stream
IN_FLIGHT = 2  # chunks queued per worker, so that a worker never waits for the next one
STOP_WAIT = 5.0  # seconds a terminated worker is given before it is killed


def default_jobs() -> int:
    """All the cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def chunks(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """The items in lists of ``size`` (the last may be shorter)."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def ordered_map(task: Task[T, R], items: Iterable[T], jobs: int = 1) -> Iterator[R]:
    """``task`` over the items in chunks, by ``jobs`` processes (1: in this one), yielding results in order.

    ``task`` must be picklable where processes are spawned rather than forked (a module-level function, or a
    ``functools.partial`` of one); with fork it is simply inherited.
    """
    if jobs <= 1:
        for chunk in chunks(items):
            yield from task(chunk)
        return
    workers = [_Worker(task) for _ in range(jobs)]
    in_flight: deque[tuple[list[T], _Worker[T, R]]] = deque()
    finished = False
    try:
        for chunk in chunks(items):
            worker = _least_busy(workers)
            while worker is not None and not worker.send(chunk):
                _report(worker)
                worker = _least_busy(workers)
            if worker is None:
                # No worker left: evaluate here (what was in flight first, to keep the order).
                yield from _drain(in_flight, task)
                yield from task(chunk)
                continue
            in_flight.append((chunk, worker))
            while in_flight and len(in_flight) >= IN_FLIGHT * sum(w.alive for w in workers):
                yield from _head(in_flight, task)
        yield from _drain(in_flight, task)
        finished = True
    finally:
        for worker in workers:
            worker.close(graceful=finished)


def _least_busy(workers: list["_Worker[T, R]"]) -> "_Worker[T, R] | None":
    alive = [w for w in workers if w.alive]
    return min(alive, key=lambda w: w.pending) if alive else None


def _drain(in_flight: "deque[tuple[list[T], _Worker[T, R]]]", task: Task[T, R]) -> Iterator[R]:
    while in_flight:
        yield from _head(in_flight, task)


def _head(in_flight: "deque[tuple[list[T], _Worker[T, R]]]", task: Task[T, R]) -> list[R]:
    """The oldest chunk's results. A worker answers in the order it was given work, so the oldest chunk's
    answer is the next one from its worker; if that worker died, the chunk is done here instead."""
    chunk, worker = in_flight[0]
    results = worker.receive()
    in_flight.popleft()
    if results is None:
        _report(worker)
        results = task(chunk)
    return results


def _report(worker: "_Worker[T, R]") -> None:
    """Say once that a worker died, and how. The chunks it held are done in this process; the next go to the
    workers still alive."""
    if not worker.reported:
        worker.reported = True
        warnings.warn(f"a worker process stopped ({worker.why()}); the cases it held are evaluated in the "
                      f"main process", RuntimeWarning, stacklevel=3)


class _Worker(Generic[T, R]):
    """One forked worker process: chunks go down one pipe, results come back up another, in order."""

    def __init__(self, task: Task[T, R]) -> None:
        # fork shares what the task holds (the compiled rulebook) with the worker for free; spawn-only
        # platforms pickle it.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        work_out, work_in = context.Pipe(duplex=False)
        results_out, results_in = context.Pipe(duplex=False)
        self.process = context.Process(target=_serve, args=(work_out, results_in, task), daemon=True)
        self.process.start()
        work_out.close()
        results_in.close()
        self.work: Connection = work_in
        self.results: Connection = results_out
        self.pending = 0
        self.alive = True
        self.reported = False

    def send(self, chunk: list[T]) -> bool:
        """Hand a chunk over; False if the worker has died."""
        try:
            self.work.send(chunk)
        except OSError:
            self.alive = False
            return False
        self.pending += 1
        return True

    def receive(self) -> list[R] | None:
        """The next chunk's results, or None if the worker died before sending them."""
        self.pending -= 1
        if not self.alive:
            return None
        while True:
            ready = wait([self.results, self.process.sentinel])
            if self.results in ready:
                try:
                    results: list[R] = self.results.recv()
                    return results
                except (EOFError, OSError):
                    break
            if self.process.sentinel in ready and not self.results.poll():
                break
        self.alive = False
        return None

    def why(self) -> str:
        """How the worker ended, in words."""
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


def _serve(work: Connection, results: Connection, task: Task[T, R]) -> None:
    """A worker's life: do each chunk as it comes, answer in order, stop at None or when the main process goes
    away. Ctrl-C is the main process's to handle (it stops the workers)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # The chunks are read by a thread, so that the main process's send never waits while this process is
    # itself waiting to send results back (two full pipes would wait for each other for ever).
    waiting: queue.SimpleQueue[list[T] | None] = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                chunk = work.recv()
                waiting.put(chunk)
                if chunk is None:
                    return
        except (EOFError, OSError):
            waiting.put(None)

    threading.Thread(target=read, daemon=True).start()
    while (chunk := waiting.get()) is not None:
        try:
            results.send(task(chunk))
        except OSError:
            return
