"""Reading a caseload: files, folders, JSON Lines and standard input, streamed one case at a time.

Only this module (and the other loaders) read input. Each case is handed on as raw text with where it came
from; parsing and validation happen where the case is evaluated, so a worker process does that work.
"""

from __future__ import annotations

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


@dataclass(frozen=True, slots=True)
class Item:
    """One input case: raw JSON text, where it came from (``line`` is 0 for a whole-file timeline), or why it
    could not be read."""

    source: str
    line: int
    text: bytes | None = None
    problem: Diagnostic | None = None


def is_single_case(paths: list[str]) -> bool:
    """Whether the paths name exactly one whole-file timeline (the single-case report)."""
    if len(paths) != 1 or paths[0] == STDIN:
        return False
    path = Path(paths[0])
    return not path.is_dir() and path.suffix not in LINES_SUFFIXES


def items(paths: Iterable[str], stdin: BinaryIO | None = None) -> Iterator[Item]:
    """Every case named by the paths, in order: files as given, folders' *.json / *.jsonl / *.ndjson files
    (recursively, sorted, hidden folders skipped), and ``-`` for JSON Lines on standard input."""
    for name in paths:
        if name == STDIN:
            yield from _lines(stdin if stdin is not None else sys.stdin.buffer, "<stdin>")
            continue
        path = Path(name)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.suffix in CASE_SUFFIXES and p.is_file()
                           and not any(part.startswith(".") for part in p.relative_to(path).parts))
            for file in found:
                yield from _file(file)
        else:
            yield from _file(path)


def _file(path: Path) -> Iterator[Item]:
    source = str(path)
    try:
        if path.suffix in LINES_SUFFIXES:
            with open(path, "rb") as handle:
                yield from _lines(handle, source)
            return
        size = os.path.getsize(path)
        if size > MAX_TIMELINE_BYTES:
            yield Item(source, 0, problem=Diagnostic(source, code="timeline-too-large",
                                                     message=f"{size} bytes; the limit is {MAX_TIMELINE_BYTES}"))
            return
        yield Item(source, 0, path.read_bytes())
    except FileNotFoundError:
        yield Item(source, 0, problem=Diagnostic(source, code="timeline-not-found", message="no such file"))
    except OSError as exc:
        yield Item(source, 0, problem=Diagnostic(source, code="timeline-unreadable",
                                                 message=exc.strerror or str(exc)))


def _lines(handle: BinaryIO, source: str) -> Iterator[Item]:
    number = 0
    while True:
        line = handle.readline(MAX_TIMELINE_BYTES + 1)
        if not line:
            return
        number += 1
        if len(line) > MAX_TIMELINE_BYTES and not line.endswith(b"\n"):
            # Skip the rest of an over-long line without holding it.
            while line and not line.endswith(b"\n"):
                line = handle.readline(MAX_TIMELINE_BYTES)
            yield Item(source, number, problem=Diagnostic(source, number, 1, code="timeline-too-large",
                                                          message=f"a line over {MAX_TIMELINE_BYTES} bytes"))
            continue
        if line.strip():
            yield Item(source, number, line)
