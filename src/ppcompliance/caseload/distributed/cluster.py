# Parts of the distributed API are not annotated.
# mypy: disallow-untyped-calls=False
"""A caseload evaluated on a Dask cluster: an existing one (its scheduler's address) or a local one of worker
processes, the partitions evaluated by the workers and merged here in input order.

The compiled rulebook goes to each worker once, in a worker plugin (also to a worker that joins or is
restarted later); the tasks name it by its fingerprint. A worker that dies loses nothing: Dask gives its
partitions to another worker, and a partition is a pure function of its input, so doing it again gives the
same part.

This module imports Dask; the rest of the package does not, so ``ppcheck`` without the analytics extra never
pays for it.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections import deque
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator

from distributed import Client, Future, LocalCluster, WorkerPlugin

from ...engine.rulebook import Rule, Rulebook
from ..ids import CaseIds
from .partition import Part, Partition, Planned, Spec, Total, check_partition

CONNECT_TIMEOUT = 10.0  # seconds to reach a scheduler before giving up
IN_FLIGHT = 4  # partitions queued per worker thread


class SchedulerUnreachable(OSError):
    """The scheduler could not be reached (or a local cluster could not be started) in time."""

    def __init__(self, address: str, why: str) -> None:
        super().__init__(f"{address}: {why}")
        self.address = address
        self.why = why


# Rulebooks set up on this worker process by the plugin, by fingerprint.
_RULEBOOKS: dict[str, Rulebook] = {}


@dataclass(frozen=True)
class _Shipped:
    """A compiled rulebook as it travels: its rules and sources (the Rulebook itself holds a mapping proxy,
    which does not pickle) and the fingerprint it must have on arrival."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...]
    fingerprint: str

    def rulebook(self) -> Rulebook:
        rulebook = Rulebook(self.rules, self.sources)
        if rulebook.fingerprint != self.fingerprint:
            raise RuntimeError(f"the rulebook arrived as {rulebook.fingerprint}, not {self.fingerprint}")
        return rulebook


class RulebookPlugin(WorkerPlugin):
    """Sets the compiled rulebook up once on each worker, under its fingerprint."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.shipped = _Shipped(rulebook.rules, rulebook.sources, rulebook.fingerprint)
        self.name = f"ppcompliance-rulebook-{rulebook.fingerprint}"

    def setup(self, worker: Any) -> None:
        _RULEBOOKS[self.shipped.fingerprint] = self.shipped.rulebook()

    def teardown(self, worker: Any) -> None:
        _RULEBOOKS.pop(self.shipped.fingerprint, None)


def evaluate(fingerprint: str, spec: Spec, partition: Partition, earlier: CaseIds | None = None) -> Part:
    """The task: one partition, with the rulebook the plugin set up on this worker."""
    return check_partition(_RULEBOOKS[fingerprint], spec, partition, earlier)


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None,
            timeout: float = CONNECT_TIMEOUT) -> Iterator[Client]:
    """A client of the scheduler at ``scheduler``, or of a local cluster of ``workers`` processes (one thread
    each), closed (and the local cluster stopped) on leaving. SchedulerUnreachable if it cannot be reached
    within ``timeout`` seconds."""
    quiet = logging.getLogger("distributed")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # a restarted worker is Dask's business; the run says what it needs to
    try:
        with contextlib.ExitStack() as stack:
            if scheduler is None:
                address = f"local:{workers}"
                try:
                    cluster = stack.enter_context(LocalCluster(
                        n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None,
                        # No dashboard; the scheduler's own HTTP routes on a free port (not 8787, which another
                        # cluster may hold: Dask would warn).
                        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"}, silence_logs=logging.ERROR))
                except Exception as exc:  # noqa: BLE001 - any failure to start is reported the same way
                    raise SchedulerUnreachable(address, f"the local cluster did not start ({exc})") from None
                target: Any = cluster
            else:
                address = target = scheduler
                _probe(scheduler, timeout)
            client = stack.enter_context(_client(target, address, timeout))
            yield client
    finally:
        quiet.setLevel(level)


def _probe(address: str, timeout: float) -> None:
    """Knock at a TCP scheduler's port before a client is made, so that a malformed address, an unknown host or
    a refused connection is told at once and in plain words."""
    from distributed.comm.addressing import get_address_host_port, parse_address

    try:
        protocol, _ = parse_address(address)
        if protocol not in ("tcp", "tls"):
            return  # other transports are left to the client
        host, port = get_address_host_port(address)
        socket.create_connection((host, port), timeout=timeout).close()
    except ValueError as exc:
        raise SchedulerUnreachable(address, f"not a scheduler address ({exc}); use e.g. tcp://host:8786") from None
    except OSError as exc:
        why = "no answer" if isinstance(exc, TimeoutError) else (exc.strerror or str(exc))
        raise SchedulerUnreachable(address, f"no scheduler answered within {timeout:g} s ({why})") from None


def _client(target: Any, address: str, timeout: float) -> Client:
    """A client, made within ``timeout`` (and a little): a server that accepts the connection and never answers
    would otherwise keep the client waiting for ever. The attempt is made in a thread that is left behind (it
    does not keep the process alive) if it does not finish in time."""
    made: list[Client] = []
    failed: list[BaseException] = []

    def attempt() -> None:
        try:
            made.append(Client(target, timeout=timeout, set_as_default=False))
        except Exception as exc:  # noqa: BLE001 - refused, timed out, not a scheduler: all unreachable
            _abandon(exc)
            failed.append(exc)

    thread = threading.Thread(target=attempt, name="ppcompliance-connect", daemon=True)
    thread.start()
    thread.join(timeout + 2)
    if made:
        return made[0]
    if failed:
        raise SchedulerUnreachable(address, _why(failed[0], timeout))
    raise SchedulerUnreachable(address, f"no scheduler answered within {timeout:g} s (a connection was accepted, "
                                        f"but nothing answered on it)")


def _abandon(exc: BaseException) -> None:
    """Close the client that failed to start (found in the traceback), so that it does not try again, and print a
    traceback, when the interpreter collects it."""
    tb = exc.__traceback__
    while tb is not None:
        client = tb.tb_frame.f_locals.get("self")
        if isinstance(client, Client):
            with contextlib.suppress(Exception):
                client.close(timeout=1)
            client.status = "closed"
            with contextlib.suppress(Exception):
                client._loop_runner.stop()
            return
        tb = tb.tb_next


def _why(exc: BaseException, timeout: float) -> str:
    text = str(exc).splitlines()[0] if str(exc) else ""
    if isinstance(exc, (TimeoutError, OSError)):
        return f"no scheduler answered within {timeout:g} s ({text or type(exc).__name__})"
    return f"what answers there is not a Dask scheduler ({type(exc).__name__}{': ' + text if text else ''})"


def threads(client: Client) -> int:
    """How many tasks the cluster runs at once."""
    counts: dict[str, int] = client.nthreads()
    return max(sum(counts.values()), 1)


Task = Callable[..., Part]  # (fingerprint, spec, partition, earlier=None) -> Part, as ``evaluate``


def run(client: Client, rulebook: Rulebook, spec: Spec, planned: Iterable[Planned],
        task: Task = evaluate) -> Iterator[tuple[Part, Total]]:
    """Evaluate the partitions on the cluster and merge them in input order: yields each part as it is merged,
    with the total so far. At most a few partitions per worker thread are in flight, so memory stays flat.
    ``task`` is ``evaluate`` or a function that does what it does (a test's, that fails once)."""
    plugin = RulebookPlugin(rulebook)
    client.register_plugin(plugin, name=plugin.name)
    total = Total(rulebook, spec)
    fingerprint = rulebook.fingerprint
    window = IN_FLIGHT * threads(client)
    flight: deque[tuple[Planned, Future[Part]]] = deque()
    try:
        for item in planned:
            flight.append((item, client.submit(task, fingerprint, spec, item.partition, pure=False)))
            while len(flight) >= window:
                yield _next(client, task, total, fingerprint, spec, flight)
        while flight:
            yield _next(client, task, total, fingerprint, spec, flight)
    finally:
        for _, future in flight:
            future.cancel()
        with contextlib.suppress(Exception):
            client.unregister_worker_plugin(plugin.name)


def _next(client: Client, task: Task, total: Total, fingerprint: str, spec: Spec,
          flight: deque[tuple[Planned, Future[Part]]]) -> tuple[Part, Total]:
    item, future = flight.popleft()
    part: Part = future.result()
    future.release()
    if not total.add(part):
        # It read a case id an earlier partition read: evaluate it again knowing them, as a single run would.
        again = client.submit(task, fingerprint, spec, item.partition, total.caseload.seen, pure=False)
        part = again.result()
        again.release()
        if not total.add(part):
            raise AssertionError("a partition evaluated knowing the earlier ids still repeats one")
    return part, total
