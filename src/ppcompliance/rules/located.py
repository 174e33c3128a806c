"""A YAML document's data with where each value was written: what diagnostics point at (file:line:column).

Kept apart from the YAML reader (``rules.yaml``) so that a rulebook read from the cache need not load PyYAML.
"""

from __future__ import annotations

from typing import Any

Path = tuple[Any, ...]  # a JSON-style path: keys and list indexes


class LocatedYaml:
    """A YAML document's data, with the (line, column) of each path, both counted from 1."""

    def __init__(self, data: Any, marks: dict[Path, tuple[int, int]], refused: frozenset[Path] = frozenset(),
                 keys: dict[Path, tuple[int, int]] | None = None):
        self.data = data
        self.marks = marks
        self.refused = refused  # paths whose value was refused (a tag) and already reported
        self.keys = keys or {}  # where each mapping key is written

    def locate_key(self, path: Path) -> tuple[int, int]:
        """The position of the key naming ``path`` (for "this field is wrong"), else as :meth:`locate`."""
        return self.keys.get(tuple(path)) or self.locate(path)

    def locate(self, path: Path) -> tuple[int, int]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (1, 1))
