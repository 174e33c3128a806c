"""Where a value is in a JSON text: the line and column of each JSON path asked for.

Python's ``json`` module forgets positions once it has parsed; a problem in a rejected timeline is worth
locating in the file a person will open, so this walks the text once more, with the same string scanner
``json`` uses, and notes where each wanted path begins. Only rejected timelines pay for it.
"""

from __future__ import annotations

import re
from json import decoder as _decoder
from typing import Any

_WHITESPACE = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = ("true", "false", "null", "NaN", "Infinity", "-Infinity")
scanstring = _decoder.scanstring  # type: ignore[attr-defined]  # json's own string scanner, not in its stubs

Path = tuple[Any, ...]


class _Walker:
    def __init__(self, text: str, wanted: set[Path]) -> None:
        self.text = text
        self.wanted = wanted
        self.deepest = max((len(p) for p in wanted), default=0)
        self.found: dict[Path, int] = {}

    def skip(self, i: int) -> int:
        match = _WHITESPACE.match(self.text, i)
        return match.end() if match else i

    def value(self, i: int, path: Path) -> int:
        """Walk the value starting at ``i`` (after whitespace); returns where it ends."""
        i = self.skip(i)
        if path in self.wanted:
            self.found[path] = i
        char = self.text[i:i + 1]
        if char == "{":
            return self.members(i + 1, path)
        if char == "[":
            return self.items(i + 1, path)
        if char == '"':
            return int(scanstring(self.text, i + 1)[1])
        match = _NUMBER.match(self.text, i)
        if match:
            return match.end()
        for literal in _LITERALS:
            if self.text.startswith(literal, i):
                return i + len(literal)
        raise ValueError(f"not JSON at {i}")

    def members(self, i: int, path: Path) -> int:
        i = self.skip(i)
        if self.text[i:i + 1] == "}":
            return i + 1
        while True:
            i = self.skip(i)
            key, i = scanstring(self.text, i + 1)
            i = self.skip(i) + 1  # the colon
            i = self.value(i, path + (key,)) if len(path) < self.deepest else self.value(i, ("",) * 99)
            i = self.skip(i)
            if self.text[i:i + 1] == ",":
                i += 1
                continue
            return i + 1

    def items(self, i: int, path: Path) -> int:
        i = self.skip(i)
        if self.text[i:i + 1] == "]":
            return i + 1
        index = 0
        while True:
            i = self.value(i, path + (index,)) if len(path) < self.deepest else self.value(i, ("",) * 99)
            index += 1
            i = self.skip(i)
            if self.text[i:i + 1] == ",":
                i += 1
                continue
            return i + 1


def positions(text: str, paths: set[Path]) -> dict[Path, tuple[int, int]]:
    """The (line, column) of each of ``paths`` found in ``text`` (counted from 1; a path not in the text, or a
    text that is not JSON, is simply left out)."""
    walker = _Walker(text, set(paths))
    try:
        walker.value(0, ())
    except (ValueError, IndexError):
        pass
    out = {}
    for path, offset in walker.found.items():
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        out[path] = (line, column)
    return out
