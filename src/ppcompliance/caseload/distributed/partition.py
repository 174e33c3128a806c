"""A caseload in partitions: planned in input order, each read and evaluated on its own into a ``Part``, the
parts merged in order into the summary (and the records) a single run gives.

Nothing here knows about Dask or Spark: a partition is plain data, ``check_partition`` is a plain function of
(rulebook, spec, partition), and a ``Part`` pickles. The cluster module runs them on Dask; a Spark job calls
``check_items`` from ``mapPartitions`` (docs/scale-out.md).

Exactness: a partition's part is what a single run's ``Caseload`` holds after those cases, so the merged parts
are the single run's, with one exception that ``Total`` mends: a case id read in an earlier partition. A single
run rejects the later case; a partition cannot know, so ``Total`` notices the shared id and has the partition
evaluated again knowing the earlier ids (``earlier``), which rejects it exactly as a single run does.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator, Union

import msgspec

from ...engine.rulebook import Rulebook
from ..ids import CaseIds, repeated
from ..inputs import (LINES_SUFFIXES, PARQUET_SUFFIXES, STDIN, Item, ParquetCaseload, Stdin, case_files, lines_from,
                      items as read_items)
from ..summary import WORKLIST_SHOWN, Caseload
from ..work import CheckOptions, check_case, rejected_record

BLOCK = 8 * 1024 * 1024  # bytes read at a time while finding line boundaries
MIN_PARTITION = 256 * 1024
MAX_PARTITION = 64 * 1024 * 1024
ITEMS_PER_PARTITION = 256  # whole-file timelines (or standard input's cases) in one partition


@dataclass(frozen=True)
class Spec:
    """How every partition of one run is checked and counted: the options of ``ppcheck check``."""

    options: CheckOptions
    by: str | None = None
    include_closed: bool = False
    worklist_limit: int | None = WORKLIST_SHOWN

    @property
    def records(self) -> bool:
        """Whether each case's JSON Lines record is kept (``--format jsonl``)."""
        return self.options.detail != "none"

    def caseload(self, rulebook: Rulebook) -> Caseload:
        """An empty caseload counted the way this run counts."""
        o = self.options
        return Caseload(rulebook, o.as_of, self.by, o.within_days, self.worklist_limit, self.include_closed,
                        o.selection)


@dataclass(frozen=True)
class Lines:
    """Lines of a JSON Lines file: bytes ``start`` to ``end`` (both on line boundaries); ``first`` is the line
    number of the first."""

    path: str
    start: int
    end: int
    first: int


@dataclass(frozen=True)
class Rows:
    """Row groups ``start`` to ``stop`` (not included) of a Parquet caseload."""

    path: str
    start: int
    stop: int


@dataclass(frozen=True)
class Files:
    """Whole files, each one timeline (or a file that cannot be read, which is reported like a local run does)."""

    paths: tuple[str, ...]


@dataclass(frozen=True)
class Cases:
    """Cases already read (standard input), carried in the partition itself."""

    items: tuple[Item, ...]


Partition = Union[Lines, Rows, Files, Cases]


@dataclass(frozen=True)
class Planned:
    """A partition and its place in the input (parts merge in this order)."""

    index: int
    partition: Partition
    size: int  # bytes of input, for progress


# --- planning ---------------------------------------------------------------------------------------------------


def partition_size(total: int | None, workers: int) -> int:
    """Bytes per partition: about 16 a worker, so that a worker that finishes early finds more to do, within
    bounds that keep each task's overhead small and its result modest."""
    if not total:
        return MAX_PARTITION
    return max(MIN_PARTITION, min(MAX_PARTITION, total // (16 * max(workers, 1))))


def plan(paths: Iterable[str], target: int, stdin: Stdin | None = None) -> Iterator[Planned]:
    """The partitions of the inputs, in input order, the way ``caseload.inputs.items`` reads them: JSON Lines
    files in byte ranges on line boundaries, Parquet caseloads in runs of whole row groups, other files (and a
    Parquet file that cannot be read, reported as a single run reports it) in groups of whole files, folders
    file by file, standard input in groups of cases. Planning reads JSON Lines files once to find and count line
    boundaries (at disk speed), and a Parquet file's footer; the partitions are read again where they are
    evaluated."""
    index = 0
    whole: list[str] = []
    sizes = 0

    def flush() -> Iterator[Planned]:
        nonlocal index, whole, sizes
        if whole:
            yield Planned(index, Files(tuple(whole)), sizes)
            index += 1
            whole, sizes = [], 0

    for name in paths:
        if name == STDIN:
            yield from flush()
            for chunk in _chunks(read_items([STDIN], stdin)):
                yield Planned(index, Cases(tuple(chunk)), sum(i.size for i in chunk))
                index += 1
            continue
        path = Path(name)
        files = case_files(path) if path.is_dir() else [path]
        for file in files:
            size = _size(file)
            if file.suffix in LINES_SUFFIXES and size is not None:
                yield from flush()
                for start, end, first in line_ranges(file, target):
                    yield Planned(index, Lines(str(file), start, end, first), end - start)
                    index += 1
                continue
            parquet = ParquetCaseload(file) if file.suffix in PARQUET_SUFFIXES else None
            if parquet is not None and parquet.problem is None:
                yield from flush()
                for start, stop, size in row_group_ranges(parquet, target):
                    yield Planned(index, Rows(str(file), start, stop), size)
                    index += 1
                continue
            whole.append(str(file))
            sizes += size or 0
            if len(whole) >= ITEMS_PER_PARTITION or sizes >= target:
                yield from flush()
    yield from flush()


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size if path.is_file() else None
    except OSError:
        return None


def _chunks(found: Iterable[Item]) -> Iterator[list[Item]]:
    chunk: list[Item] = []
    for item in found:
        chunk.append(item)
        if len(chunk) >= ITEMS_PER_PARTITION:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def row_group_ranges(parquet: ParquetCaseload, target: int) -> Iterator[tuple[int, int, int]]:
    """(first row group, row group after the last, bytes) of runs of whole row groups of about ``target``
    bytes of the file (a row group is not split: it is the unit Parquet is read in)."""
    start, size, row = 0, 0, 1
    for group, rows in enumerate(parquet.rows):
        size += parquet.share(row, rows)
        row += rows
        if size >= target:
            yield start, group + 1, size
            start, size = group + 1, 0
    if start < len(parquet.rows):
        yield start, len(parquet.rows), size


def line_ranges(path: str | os.PathLike[str], target: int) -> Iterator[tuple[int, int, int]]:
    """(start, end, first line number) of ranges of about ``target`` bytes, each ending where a line starts."""
    with open(path, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        start, first = 0, 1
        while start < size:
            end = size
            if start + target < size:
                handle.seek(start + target - 1)
                # To the end of the line holding the byte before the nominal end, in bounded reads.
                while (piece := handle.readline(BLOCK)) and not piece.endswith(b"\n"):
                    pass
                end = handle.tell()
            handle.seek(start)
            newlines, left = 0, end - start
            while left > 0:
                block = handle.read(min(BLOCK, left))
                if not block:
                    break
                newlines += block.count(b"\n")
                left -= len(block)
            yield start, end, first
            start, first = end, first + newlines


# --- reading and evaluating one partition ----------------------------------------------------------------------


class _Range:
    """A file read from ``start`` to ``end`` only (``readline`` as a file's)."""

    def __init__(self, handle: BinaryIO, end: int) -> None:
        self.handle = handle
        self.end = end

    def readline(self, limit: int = -1) -> bytes:
        left = self.end - self.handle.tell()
        if left <= 0:
            return b""
        return self.handle.readline(left if limit < 0 else min(limit, left))

    def read(self, limit: int = -1) -> bytes:
        left = self.end - self.handle.tell()
        return self.handle.read(left if limit < 0 else min(limit, max(left, 0)))


def partition_items(partition: Partition) -> Iterator[Item]:
    """The cases of a partition, each as ``caseload.inputs.items`` gives it in a single run."""
    if isinstance(partition, Cases):
        yield from partition.items
    elif isinstance(partition, Files):
        yield from read_items(partition.paths)
    elif isinstance(partition, Rows):
        parquet = ParquetCaseload(partition.path)
        if parquet.problem is None:
            yield from parquet.items(range(partition.start, partition.stop))
        elif partition.start == 0:
            # Gone (or changed) since it was planned: reported once, as a single run reports it.
            yield parquet.problem
    else:
        try:
            handle = open(partition.path, "rb")
        except OSError:
            # Gone since it was planned: reported once, as a single run reports a file it cannot open.
            if partition.start == 0:
                yield from read_items([partition.path])
            return
        with handle:
            handle.seek(partition.start)
            shift = partition.first - 1
            for item in lines_from([], _Range(handle, partition.end), partition.path):  # type: ignore[arg-type]
                yield _shifted(item, shift) if shift else item


def _shifted(item: Item, lines: int) -> Item:
    problem = item.problem
    if problem is not None and problem.line:
        problem = replace(problem, line=problem.line + lines)
    return replace(item, line=item.line + lines, problem=problem)


@dataclass
class Part:
    """What one partition adds to a caseload: the state of its ``Caseload`` (without the rulebook), its JSON
    Lines records in order if they were asked for, and the case ids it read (to find one read twice)."""

    state: dict[str, Any]
    records: str = ""
    ids: list[str] = field(default_factory=list)
    cases: int = 0
    size: int = 0
    last: str = ""  # where its last case was read (file:line), for progress and interruption

    def caseload(self, rulebook: Rulebook, spec: Spec) -> Caseload:
        """The part as a caseload of this rulebook."""
        caseload = spec.caseload(rulebook)
        vars(caseload).update(self.state)
        return caseload


_NOT_SHIPPED = ("rulebook", "rules")  # the worker has them already; the rulebook does not pickle


def check_items(rulebook: Rulebook, spec: Spec, found: Iterable[Item], earlier: CaseIds | None = None) -> Part:
    """Evaluate cases and count them as a single run counts them (``ppcheck check``'s loop), into a ``Part``.

    ``earlier``: the ids read before these cases, so that a repeated one is rejected as a single run rejects it.
    """
    caseload = spec.caseload(rulebook)
    records: list[str] = []
    ids: list[str] = []
    cases = size = 0
    last = ""
    for item in found:
        result = check_case(rulebook, spec.options, item)
        if earlier is not None and not result.problems and result.case_id is not None \
                and result.case_id in earlier:
            result = msgspec.structs.replace(result, problems=(repeated(result.source, result.line,
                                                                        result.case_id),))
        accepted = caseload.add(result)
        if not caseload.last_problems and result.case_id is not None:
            ids.append(result.case_id)  # what the caseload's ``seen`` now holds
        if spec.records and (accepted or caseload.last_problems):
            # As ``ppcheck check`` writes them: a rejected case is still accounted for, with its own problems.
            records.append(str(result.record) if accepted else rejected_record(result, caseload.last_problems))
        cases += 1
        size += result.size
        last = f"{result.source}:{result.line}" if result.line else result.source
    state = {k: v for k, v in vars(caseload).items() if k not in _NOT_SHIPPED}
    return Part(state, "".join(r + "\n" for r in records), ids, cases, size, last)


def check_partition(rulebook: Rulebook, spec: Spec, partition: Partition, earlier: CaseIds | None = None) -> Part:
    """Read and evaluate one partition (what a worker does)."""
    return check_items(rulebook, spec, partition_items(partition), earlier)


# --- merging -----------------------------------------------------------------------------------------------------


class Total:
    """The parts of a caseload merged in input order into one ``Caseload``.

    ``add`` refuses (False) a part that read a case id an earlier part read: it must be evaluated again with
    ``earlier`` = ``self.caseload.seen``, and that part added instead.
    """

    def __init__(self, rulebook: Rulebook, spec: Spec) -> None:
        self.rulebook = rulebook
        self.spec = spec
        self.caseload = spec.caseload(rulebook)

    def repeats(self, part: Part) -> bool:
        """Whether the part read a case id that an earlier part read."""
        return any(case_id in self.caseload.seen for case_id in part.ids)

    def add(self, part: Part) -> bool:
        """Merge the next part; False (and nothing merged) if it repeats an earlier part's case id."""
        if self.repeats(part):
            return False
        self.caseload.merge(part.caseload(self.rulebook, self.spec))
        return True


def merge_all(rulebook: Rulebook, spec: Spec, parts: Iterable[Part],
              again: Callable[[int, CaseIds], Part]) -> Caseload:
    """The parts (in input order) merged into one caseload; ``again(i, earlier)`` evaluates the i-th partition
    again knowing the earlier ids, for a part that repeats one."""
    total = Total(rulebook, spec)
    for i, part in enumerate(parts):
        if not total.add(part):
            redone = again(i, total.caseload.seen)
            if not total.add(redone):
                raise AssertionError("a partition evaluated knowing the earlier ids still repeats one")
    return total.caseload

