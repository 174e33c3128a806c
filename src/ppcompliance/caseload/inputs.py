"""Reading a caseload: files, folders, JSON Lines and standard input, streamed one case at a time.

Only this module (and the other loaders) read input. Each case is handed on as raw text with where it came
from; parsing and validation happen where the case is evaluated, so a worker process does that work.

Standard input holds either one timeline (a JSON document, over one line or many) or a caseload as JSON Lines
(one case a line); ``Stdin`` tells which from the first lines, so ``ppcheck - < case.json`` gives the one-case
report and ``ppcheck - < caseload.jsonl`` the caseload summary.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator

from ..errors import Diagnostic
from ..timeline.load import MAX_TIMELINE_BYTES

LINES_SUFFIXES = (".jsonl", ".ndjson")
CASE_SUFFIXES = (".json",) + LINES_SUFFIXES
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
        yield from _lines_from(self.head, self.stream, "<stdin>")


def is_single_case(paths: list[str], stdin: Stdin | None = None) -> bool:
    """Whether the paths name exactly one whole timeline: one .json file, or standard input holding one."""
    if len(paths) != 1:
        return False
    if paths[0] == STDIN:
        return stdin is not None and stdin.single is not None
    path = Path(paths[0])
    return not path.is_dir() and path.suffix not in LINES_SUFFIXES


def input_size(paths: Iterable[str]) -> int | None:
    """How many bytes the paths hold (None if one is standard input): the total a progress bar counts to."""
    total = 0
    for name in paths:
        if name == STDIN:
            return None
        path = Path(name)
        try:
            if path.is_dir():
                total += sum(p.stat().st_size for p in _folder(path))
            else:
                total += path.stat().st_size
        except OSError:
            continue
    return total


def items(paths: Iterable[str], stdin: Stdin | None = None) -> Iterator[Item]:
    """Every case named by the paths, in order: files as given, folders' *.json / *.jsonl / *.ndjson files
    (recursively, sorted, hidden folders skipped), and ``-`` for standard input."""
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
            for file in _folder(path):
                yield from _file(file)
        else:
            yield from _file(path)


def _folder(path: Path) -> list[Path]:
    return sorted(p for p in path.rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(path).parts))


def _file(path: Path) -> Iterator[Item]:
    source = str(path)
    try:
        if path.suffix in LINES_SUFFIXES:
            with open(path, "rb") as handle:
                yield from _lines_from([], handle, source)
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


def _lines_from(head: list[bytes], handle: BinaryIO, source: str) -> Iterator[Item]:
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
