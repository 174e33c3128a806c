"""The service's evaluation pool: worker processes holding one rulebook, swapped whole when the rules reload.

Each *generation* is one compiled rulebook and its own pool of worker processes (``service.work``), started with
``forkserver`` (or ``spawn``) so that no thread of the running service is copied. A request takes the current
generation once and uses it throughout, so no response mixes two rulebooks, however long a batch runs. A reload
compiles the new rules and lints them in the service, starts a new pool whose workers load the same rules and
check their fingerprint, and only then makes it current; the old generation finishes what it has in hand and is
then shut down. A rulebook that does not load, fails lint or cannot be started is refused, and the old one goes
on serving.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, TypeVar

from ..engine.rulebook import Rulebook
from ..errors import Diagnostic, RuleError
from ..policy.lint import lint_rulebook
from ..rules import load_rulebook
from . import work

T = TypeVar("T")


class ReloadRefused(Exception):
    """A new rulebook was refused; the old one goes on serving. ``problems`` says why."""

    def __init__(self, problems: list[Diagnostic] | list[str]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass
class Generation:
    """One rulebook and the worker processes that hold it."""

    rulebook: Rulebook
    executor: ProcessPoolExecutor
    number: int
    in_flight: int = 0
    retired: bool = False
    stopped: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    def acquire(self) -> None:
        with self.lock:
            self.in_flight += 1

    def release(self) -> None:
        with self.lock:
            self.in_flight -= 1
            done = self.retired and self.in_flight == 0
        if done:
            self._stop(wait=False)

    def retire(self) -> None:
        with self.lock:
            self.retired = True
            done = self.in_flight == 0
        if done:
            self._stop(wait=False)

    def close(self) -> None:
        """Stop the workers now and wait until they have: the server is stopping. (An executor left to stop on
        its own can still be stopping when the interpreter exits, which then prints a traceback.)"""
        with self.lock:
            self.retired = True
        self._stop(wait=True)

    def _stop(self, wait: bool) -> None:
        with self.lock:
            if self.stopped:
                return
            self.stopped = True
        self.executor.shutdown(wait=wait, cancel_futures=wait)


class Lease:
    """A request's hold on one generation: released once, however the request ends (normally, by an error, by
    a client that hung up before a streamed response began — then when the lease is garbage)."""

    def __init__(self, generation: Generation):
        generation.acquire()
        self.generation = generation
        self._held = True

    def release(self) -> None:
        if self._held:
            self._held = False
            self.generation.release()

    def __enter__(self) -> Generation:
        return self.generation

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __del__(self) -> None:
        self.release()


def _context() -> Any:
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class Pool:
    """The current generation, and how a request runs work in it."""

    def __init__(self, rules: str | None, processes: int):
        self.rules = rules
        self.processes = processes
        self._swap = threading.Lock()
        self._number = 0
        self._generations: list[Generation] = []  # those whose workers may not have stopped yet
        self.current = self._start(self._load())

    def _load(self) -> Rulebook:
        rulebook = load_rulebook(self.rules)
        findings = lint_rulebook(rulebook)
        if findings:
            raise ReloadRefused(findings)
        return rulebook

    def _start(self, rulebook: Rulebook) -> Generation:
        executor = ProcessPoolExecutor(self.processes, mp_context=_context(), initializer=work.start,
                                       initargs=(self.rules, rulebook.fingerprint))
        try:
            # Start every worker now (and see each load the same rules), not on the first request.
            for future in [executor.submit(work.ready) for _ in range(self.processes)]:
                future.result(timeout=120)
        except Exception as exc:
            executor.shutdown(wait=False, cancel_futures=True)
            raise ReloadRefused([f"the workers could not start the rulebook: {type(exc).__name__}: {exc}"]) from None
        self._number += 1
        generation = Generation(rulebook, executor, self._number)
        self._generations = [g for g in self._generations if not g.stopped] + [generation]
        return generation

    def reload(self) -> Rulebook:
        """Compile, lint and start the rules again; swap them in only if all of that worked."""
        with self._swap:
            try:
                rulebook = self._load()
            except RuleError as exc:
                raise ReloadRefused(exc.diagnostics) from None
            fresh = self._start(rulebook)
            old, self.current = self.current, fresh
        old.retire()
        return rulebook

    def take(self) -> "Lease":
        """The generation a request uses from start to end, held until the lease is released."""
        return Lease(self.current)

    async def run(self, generation: Generation, fn: Callable[..., T], *args: Any, timeout: float | None = None) -> T:
        """``fn(*args)`` in one of the generation's worker processes, without blocking the event loop."""
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(generation.executor, fn, *args)
        return await asyncio.wait_for(future, timeout)

    def close(self) -> None:
        """Stop every worker, and wait until they have."""
        for generation in self._generations:
            generation.close()
