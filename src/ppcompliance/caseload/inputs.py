"""Reading a caseload: files, folders, JSON Lines and standard input, streamed one case at a time.

Only this module (and the other loaders) read input. Each case is handed on as raw text with where it came
from; parsing and validation happen where the case is evaluated, so a worker process does that work.

Standard input holds either one timeline (a JSON document, over one line or many) or a caseload as JSON Lines
(one case a line); ``Stdin`` tells which from the first lines, so ``ppcheck - < case.json`` gives the one-case
report and ``ppcheck - < caseload.jsonl`` the caseload summary.

A Parquet caseload (``.parquet``; pyarrow, from the analytics extra, imported only when one is read) holds a
case a row, its timeline as JSON text in a column named ``timeline`` (other columns are not read), and is read
a row group at a time, so memory does not grow with the file. A case's ``line`` is its row number (the first
row is 1), as in a JSON Lines file.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from ..errors import ANALYTICS, Diagnostic
from ..timeline.load import MAX_TIMELINE_BYTES, TIMELINE_COLUMN

LINES_SUFFIXES = (".jsonl", ".ndjson")
PARQUET_SUFFIXES = (".parquet",)
CASE_SUFFIXES = (".json",) + LINES_SUFFIXES + PARQUET_SUFFIXES
PARQUET_BATCH = 256  # timelines decoded from Parquet at a time
STDIN = "-"
STDIN_TIMELINE = "<stdin>"


@dataclass(frozen=True, slots=True)
class Item:
    """One input case: raw JSON text, where it came from (``line`` is 0 for a whole-file timeline), or why it
    could not be read. ``size`` is how many bytes of the input it took (for progress)."""

    source: str
    line: int
    text: bytes | None = None
    problem: Diagnostic | None = None
    size: int = 0


class Stdin:
    """Standard input, looked at once: one timeline, or JSON Lines (whose first lines are kept for reading)."""

    def __init__(self, stream: BinaryIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdin.buffer
        self.head: list[bytes] = []  # every line read while looking (blank ones too, so line numbers hold)
        self.single: bytes | None = None
        self._sniff()

    def _sniff(self) -> None:
        first = self._next_line()
        if first is None:
            self.single = b""  # empty: reported as an empty timeline
            return
        try:
            json.loads(first)
        except ValueError:
            # Not a whole document on its own line: one timeline written over several lines (or broken).
            self.single = b"".join(self.head) + self.stream.read(MAX_TIMELINE_BYTES)
            return
        if self._next_line() is None:
            self.single = b"".join(self.head)

    def _next_line(self) -> bytes | None:
        while True:
            line = self.stream.readline(MAX_TIMELINE_BYTES + 1)
            if not line:
                return None
            self.head.append(line)
            if line.strip():
                return line

    def lines(self) -> Iterator[Item]:
        """The cases, one a line (JSON Lines)."""
        yield from lines_from(self.head, self.stream, "<stdin>")


def is_single_case(paths: list[str], stdin: Stdin | None = None) -> bool:
    """Whether the paths name exactly one whole timeline: one .json file, or standard input holding one."""
    if len(paths) != 1:
        return False
    if paths[0] == STDIN:
        return stdin is not None and stdin.single is not None
    path = Path(paths[0])
    return not path.is_dir() and path.suffix not in LINES_SUFFIXES + PARQUET_SUFFIXES


def input_size(paths: Iterable[str]) -> int | None:
    """How many bytes the paths hold (None if one is standard input): the total a progress bar counts to."""
    total = 0
    for name in paths:
        if name == STDIN:
            return None
        path = Path(name)
        try:
            if path.is_dir():
                total += sum(p.stat().st_size for p in case_files(path))
            else:
                total += path.stat().st_size
        except OSError:
            continue
    return total


def items(paths: Iterable[str], stdin: Stdin | None = None) -> Iterator[Item]:
    """Every case named by the paths, in order: files as given, folders' *.json / *.jsonl / *.ndjson / *.parquet
    files (recursively, sorted, hidden folders skipped), and ``-`` for standard input."""
    for name in paths:
        if name == STDIN:
            source = stdin if stdin is not None else Stdin()
            if source.single is not None:
                yield Item(STDIN_TIMELINE, 0, source.single, size=len(source.single))
            else:
                yield from source.lines()
            continue
        path = Path(name)
        if path.is_dir():
            for file in case_files(path):
                yield from _file(file)
        else:
            yield from _file(path)


def case_files(path: Path) -> list[Path]:
    """The caseload files in a folder, recursively, in name order (hidden folders skipped)."""
    return sorted(p for p in path.rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def _file(path: Path) -> Iterator[Item]:
    source = str(path)
    if path.suffix in PARQUET_SUFFIXES:
        yield from parquet_items(path)
        return
    try:
        if path.suffix in LINES_SUFFIXES:
            with open(path, "rb") as handle:
                yield from lines_from([], handle, source)
            return
        size = os.path.getsize(path)
        if size > MAX_TIMELINE_BYTES:
            yield Item(source, 0, problem=Diagnostic(source, code="timeline-too-large",
                                                     message=f"{size} bytes; the limit is {MAX_TIMELINE_BYTES}"),
                       size=size)
            return
        yield Item(source, 0, path.read_bytes(), size=size)
    except FileNotFoundError:
        yield Item(source, 0, problem=Diagnostic(source, code="timeline-not-found", message="no such file"))
    except IsADirectoryError:
        yield Item(source, 0, problem=Diagnostic(source, code="timeline-unreadable",
                                                 message="this is a folder, not a timeline file"))
    except OSError as exc:
        yield Item(source, 0, problem=Diagnostic(source, code="timeline-unreadable",
                                                 message=exc.strerror or str(exc)))


def lines_from(head: list[bytes], handle: BinaryIO, source: str) -> Iterator[Item]:
    """The cases of JSON Lines, one a line (``head``: lines already read), each with its line number; a line
    over the size limit is skipped without being held, and reported."""
    number = 0
    pending = iter(head)
    while True:
        line = next(pending, None) or handle.readline(MAX_TIMELINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_TIMELINE_BYTES and not line.endswith(b"\n"):
            # Skip the rest of an over-long line without holding it.
            size = len(line)
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_TIMELINE_BYTES)
                size += len(line)
            yield Item(source, number, problem=Diagnostic(source, number, 1, code="timeline-too-large",
                                                          message=f"a line over {MAX_TIMELINE_BYTES} bytes"),
                       size=size)
            continue
        if line.strip():
            yield Item(source, number, line, size=len(line))


# --- Parquet caseloads ---------------------------------------------------------------------------------------------


class ParquetCaseload:
    """A Parquet caseload, opened and checked: its row groups, and how many rows and bytes each holds. A file
    that cannot be opened as one is ``problem`` (an item to report in its place)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.source = os.fspath(path)
        self.problem: Item | None = None
        self.file: Any = None
        self.rows: list[int] = []  # rows in each row group
        self.total = 0
        self.size = 0
        try:
            import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            self._refuse("timeline-unreadable", f"reading a Parquet caseload needs pyarrow: {ANALYTICS}")
            return
        if not os.path.exists(self.source):
            self._refuse("timeline-not-found", "no such file")
            return
        try:
            self.file = pq.ParquetFile(self.source)
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a broken file are of several kinds
            self._refuse("timeline-unreadable", f"not a Parquet file ({type(exc).__name__}: {str(exc)[:200]})")
            return
        schema = self.file.schema_arrow
        names = list(schema.names)
        if TIMELINE_COLUMN not in names:
            from ..engine.conditions.suggest import suggest

            self._refuse("timeline-parquet", f"no column {TIMELINE_COLUMN!r}{suggest(TIMELINE_COLUMN, names)}; a "
                                             f"Parquet caseload holds a case a row, its timeline as JSON text in a "
                                             f"column named {TIMELINE_COLUMN!r}; this file's columns: "
                                             f"{', '.join(names[:12]) or 'none'}")
            return
        kind = schema.field(TIMELINE_COLUMN).type
        import pyarrow.types as t  # type: ignore[import-untyped, unused-ignore]

        if not any(test(kind) for test in (t.is_string, t.is_large_string, t.is_binary, t.is_large_binary)):
            self._refuse("timeline-parquet", f"the column {TIMELINE_COLUMN!r} is of type {kind}; it holds each "
                                             f"case's timeline as JSON text (string or binary)")
            return
        meta = self.file.metadata
        self.rows = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
        self.total = sum(self.rows)
        self.size = os.path.getsize(self.source)

    def _refuse(self, code: str, message: str) -> None:
        self.problem = Item(self.source, 0, problem=Diagnostic(self.source, code=code, message=message))

    def share(self, first_row: int, count: int) -> int:
        """The bytes of the file counted for ``count`` rows from ``first_row`` (the file's size shared out by
        row, so that the rows of a whole file add up to its size, for progress)."""
        if not self.total:
            return 0
        before = first_row - 1
        return self.size * (before + count) // self.total - self.size * before // self.total

    def items(self, groups: range | None = None) -> Iterator[Item]:
        """The cases of the row groups (every one by default), in order, each with its row number."""
        if self.problem is not None:
            yield self.problem
            return
        chosen = range(len(self.rows)) if groups is None else groups
        row = sum(self.rows[:chosen.start]) if len(chosen) else 0
        for group in chosen:
            end = row + self.rows[group]
            for value in self._values(group):
                if isinstance(value, Exception):
                    # A corrupt page: the rest of the row group is reported as one problem, and reading goes on.
                    yield Item(self.source, row + 1, problem=Diagnostic(
                        self.source, row + 1, code="timeline-unreadable",
                        message=f"cannot read rows {row + 1} to {end} ({type(value).__name__}: "
                                f"{str(value)[:200]})"), size=self.share(row + 1, end - row))
                    row = end
                    break
                row += 1
                size = self.share(row, 1)
                if value is None:
                    yield Item(self.source, row, problem=Diagnostic(
                        self.source, row, code="timeline-json", message="the row's timeline is empty (null)"),
                        size=size)
                    continue
                text = value.encode("utf-8") if isinstance(value, str) else bytes(value)
                if len(text) > MAX_TIMELINE_BYTES:
                    yield Item(self.source, row, problem=Diagnostic(
                        self.source, row, code="timeline-too-large",
                        message=f"{len(text)} bytes; the limit is {MAX_TIMELINE_BYTES}"), size=size)
                    continue
                yield Item(self.source, row, text, size=size)

    def _values(self, group: int) -> Iterator[Any]:
        """The timelines of a row group, a batch at a time; an exception, as the last value, if one cannot be
        read."""
        try:
            for batch in self.file.iter_batches(batch_size=PARQUET_BATCH, row_groups=[group],
                                                columns=[TIMELINE_COLUMN]):
                yield from batch.column(0).to_pylist()
        except Exception as exc:  # noqa: BLE001 - a corrupt page, of whatever kind pyarrow says
            yield exc


def parquet_items(path: str | os.PathLike[str], groups: range | None = None) -> Iterator[Item]:
    """The cases of a Parquet caseload (of some of its row groups), or the one problem that stops it."""
    yield from ParquetCaseload(path).items(groups)
