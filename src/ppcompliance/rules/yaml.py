"""Safe YAML reading that remembers where every value came from (line and column) for diagnostics.

Rule files are data: only plain scalars, lists and mappings are accepted. Any tag that could construct an
object (``!!python/object``, custom ``!tags``, ``!!binary``, ``!!set``) is an error, duplicate keys are an
error, and alias expansion is bounded so that an "alias bomb" cannot exhaust memory.
"""

from __future__ import annotations

import datetime as _dt

from typing import Any

import yaml

from ..errors import Diagnostic
from .located import LocatedYaml, Path

MAX_NODES = 200_000

# libyaml's parser where PyYAML was built with it (several times faster); both are safe: only composing nodes.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}
_SEQ_TAG = "tag:yaml.org,2002:seq"
_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_MAP_TAG = "tag:yaml.org,2002:map"



class _TooLarge(Exception):
    pass


def load(text: str, source: str) -> tuple[LocatedYaml | None, list[Diagnostic]]:
    """Parse ``text``; returns the located data (None if unusable) and every problem found."""
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        text_ = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, [Diagnostic(source, line, column, code="rule-yaml-syntax", message=text_ or "not valid YAML")]
    except yaml.YAMLError as exc:
        return None, [Diagnostic(source, 1, 1, code="rule-yaml-syntax", message=str(exc))]
    if node is None:
        return LocatedYaml(None, {(): (1, 1)}), []
    builder = _Builder(source)
    try:
        data = builder.build(node, ())
    except _TooLarge:
        return None, [Diagnostic(source, node.start_mark.line + 1, node.start_mark.column + 1,
                                 code="rule-too-large",
                                 message=f"more than {MAX_NODES} values once aliases are expanded")]
    except RecursionError:
        return None, [Diagnostic(source, 1, 1, code="rule-too-large", message="nested too deeply")]
    return LocatedYaml(data, builder.marks, frozenset(builder.refused), builder.keys), builder.problems


class _Builder:
    def __init__(self, source: str):
        self.source = source
        self.marks: dict[Path, tuple[int, int]] = {}
        self.problems: list[Diagnostic] = []
        self.refused: set[Path] = set()
        self.keys: dict[Path, tuple[int, int]] = {}
        self.nodes = 0
        self._constructor = yaml.SafeLoader("")

    def _at(self, node: yaml.Node) -> tuple[int, int]:
        return node.start_mark.line + 1, node.start_mark.column + 1

    def _refuse(self, node: yaml.Node, path: Path) -> None:
        self.refused.add(path)
        self._problem(node, "rule-yaml-tag", f"the tag {node.tag!r} is not allowed: rule files are plain data")

    def _problem(self, node: yaml.Node, code: str, message: str) -> None:
        line, column = self._at(node)
        self.problems.append(Diagnostic(self.source, line, column, code=code, message=message))

    def build(self, node: yaml.Node, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise _TooLarge()
        self.marks.setdefault(path, self._at(node))
        if isinstance(node, yaml.ScalarNode):
            if node.tag not in _SCALAR_TAGS:
                self._refuse(node, path)
                return None
            if node.tag == _TIMESTAMP_TAG:
                # A date stays the text it was written as, so that an impossible one (2024-02-30) is reported by
                # the schema at its line rather than failing to construct.
                return node.value
            return self._constructor.construct_object(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ_TAG:
                self._refuse(node, path)
                return None
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        if node.tag != _MAP_TAG:
            self._refuse(node, path)
            return None
        out: dict[str, Any] = {}
        first_seen: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = self.build(key_node, path + ("<key>",))
            if not isinstance(key, (str, int, bool)) or isinstance(key, bool):
                self._problem(key_node, "rule-schema", "a key must be a plain name")
                continue
            key = str(key)
            if key in first_seen:
                line, _ = first_seen[key]
                self._problem(key_node, "rule-duplicate-key", f"the key {key!r} is repeated (first on line {line})")
                continue
            first_seen[key] = self._at(key_node)
            self.keys[path + (key,)] = self._at(key_node)
            # A plain value is located where it is written; a list or mapping at its key (it starts on a later line).
            where = value_node if isinstance(value_node, yaml.ScalarNode) else key_node
            self.marks[path + (key,)] = self._at(where)
            out[key] = self.build(value_node, path + (key,))
        self.marks.pop(path + ("<key>",), None)
        return out
