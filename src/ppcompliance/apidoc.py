"""The Python API reference (docs/api.md), generated from the public names' signatures and docstrings.

A test keeps docs/api.md equal to what this writes; after changing a public docstring or signature, write it
again with::

    python -m ppcompliance.apidoc > docs/api.md
"""

from __future__ import annotations

import dataclasses
import enum
import inspect
from typing import Any

import re

import msgspec

import ppcompliance

HEADER = """\
# Python API reference

Generated from the docstrings of the names `ppcompliance` exports (`python -m ppcompliance.apidoc >
docs/api.md`; a test fails when this page is stale). Everything not listed here is internal and may change.
docs/python-api.md shows the API at work and maps each Python attribute to the JSON field it is written as.
"""


def api_reference() -> str:
    """The reference page, as markdown."""
    parts = [HEADER]
    kinds = {"Functions": [], "Types": [], "Constants": []}  # type: dict[str, list[str]]
    for name in sorted(ppcompliance.__all__, key=str.lower):
        value = getattr(ppcompliance, name)
        if inspect.isclass(value):
            kinds["Types"].append(_class(name, value))
        elif callable(value):
            kinds["Functions"].append(_function(name, value))
        else:
            kinds["Constants"].append(f"### `{name}`\n\n`{value!r}`\n")
    for title, entries in kinds.items():
        if entries:
            parts.append(f"## {title}\n")
            parts.extend(entries)
    return "\n".join(parts).rstrip("\n") + "\n"


def _doc(value: Any) -> str:
    return inspect.cleandoc(value.__doc__ or "").strip()


def _signature(value: Any) -> str:
    try:
        text = str(inspect.signature(value))
    except (TypeError, ValueError):
        return "(...)"
    # Annotations are strings (postponed evaluation): show them as written, without the quotes.
    return re.sub(r"""(: |-> )"?'([^']*)'"?""", r"\1\2", text)


def _function(name: str, value: Any) -> str:
    return f"### `{name}{_signature(value)}`\n\n{_doc(value)}\n"


def _class(name: str, value: type) -> str:
    lines = [f"### `{name}`", "", _doc(value), ""]
    if issubclass(value, enum.Enum):
        members = ", ".join(f"`{m.name}` = `{m.value!r}`" for m in value)
        lines += [f"Members: {members}.", ""]
        return "\n".join(lines)
    fields = _fields(value)
    if fields:
        lines += ["| attribute | type |", "|---|---|"]
        lines += [f"| `{field}` | `{kind}` |" for field, kind in fields]
        lines.append("")
    for attribute, member in sorted(vars(value).items()):
        if attribute.startswith("_") or not (_doc(member) or isinstance(member, property)):
            continue
        if isinstance(member, property):
            lines += [f"- `{attribute}` (property): {_doc(member.fget) or ''}".rstrip(), ""]
        elif inspect.isfunction(member) or isinstance(member, (classmethod, staticmethod)):
            function = member.__func__ if isinstance(member, (classmethod, staticmethod)) else member
            lines += [f"- `{attribute}{_signature(function)}`: {_doc(function)}", ""]
    return "\n".join(lines)


def _fields(value: type) -> list[tuple[str, str]]:
    if isinstance(value, type) and issubclass(value, msgspec.Struct):
        hints = inspect.get_annotations(value)
        return [(f, _type_name(hints.get(f, ""))) for f in value.__struct_fields__]
    if dataclasses.is_dataclass(value):
        return [(f.name, _type_name(f.type)) for f in dataclasses.fields(value) if not f.name.startswith("_")]
    return []


def _type_name(kind: object) -> str:
    text = kind if isinstance(kind, str) else getattr(kind, "__name__", repr(kind))
    return str(text).replace("typing.", "").replace("datetime.", "")


if __name__ == "__main__":
    import sys

    sys.stdout.write(api_reference())
