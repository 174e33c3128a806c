"""The mapping file: which columns of an extract hold what, and which source code is which timeline event.

Read as rule files are (safe YAML, every value located at file:line:column), validated against
``schemas/mapping.schema.json``, then checked against the timeline vocabulary: an event type, a field or a
value the timeline does not have is refused with a "did you mean", so a typo in the mapping can never silently
drop or misfile a contact. docs/import.md describes the format.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, Mapping

from ..engine.conditions.suggest import suggest
from ..errors import Diagnostic, InputError
from ..rules.located import LocatedYaml
from ..schemas import located_problems
from ..vocabulary import COMMON_EVENT_FIELDS, EVENT_TYPES, REQUIRED_FIELDS, ROSH_LEVELS, SUPERVISION_TYPES

MAX_MAPPING_BYTES = 1024 * 1024
ISO_DATES = "%Y-%m-%d"

# Fields every event may carry that a mapping may read from a column (id, type, date and the code are the
# table's own columns; ndelius_code is keep_code).
_SHARED_FIELDS = tuple(f for f in COMMON_EVENT_FIELDS if f not in ("id", "type", "date", "ndelius_code"))
# The codes the YAML reader gives its problems, as the mapping's own.
_YAML_CODES = {"rule-yaml-syntax": "mapping-yaml", "rule-yaml-tag": "mapping-yaml",
               "rule-duplicate-key": "mapping-yaml", "rule-too-large": "mapping-unreadable",
               "rule-schema": "mapping-schema"}


class MappingError(InputError):
    """A mapping file could not be used: every problem in it, each at file:line:column."""


@dataclass(frozen=True)
class FieldSource:
    """A timeline field read from a column: through ``values`` if given, ``default`` for an empty cell."""

    name: str
    column: str
    values: Mapping[str, object] | None = None
    default: object = None


@dataclass(frozen=True)
class EventCode:
    """What one source code is: an event type, fixed values of its fields, and whether the code is kept."""

    type: str
    fixed: Mapping[str, object]
    keep_code: bool = False


@dataclass(frozen=True)
class CaseTable:
    """The cases table: case field -> column, and source code -> supervision type."""

    columns: Mapping[str, str]
    supervision_types: Mapping[str, str]


@dataclass(frozen=True)
class EventTable:
    """The contacts table: its columns, the fields read from other columns, and each code's event."""

    columns: Mapping[str, str]
    codes: Mapping[str, EventCode]
    fields: tuple[FieldSource, ...] = ()
    ignore: frozenset[str] = frozenset()
    id_prefix: str = ""


@dataclass(frozen=True)
class RegistrationTable:
    """The registrations table: one row per registration, each an added (and, if ended, a removed) event."""

    columns: Mapping[str, str]
    codes: Mapping[str, str]
    keep_code: bool = False
    ignore: frozenset[str] = frozenset()
    id_prefix: str = ""


@dataclass(frozen=True)
class AssessmentTable:
    """The assessments table: one risk assessment per row, its RoSH the highest of ``rosh_columns``."""

    columns: Mapping[str, str]
    rosh_columns: tuple[str, ...]
    rosh_values: Mapping[str, str]
    fields: tuple[FieldSource, ...] = ()
    id_prefix: str = ""


@dataclass(frozen=True)
class TableMapping:
    """A whole mapping file, checked: how to read each table of an extract."""

    cases: CaseTable
    events: EventTable
    registrations: RegistrationTable | None = None
    assessments: AssessmentTable | None = None
    date_format: str = ISO_DATES
    source: str = field(default="<mapping>", compare=False)


def load_mapping(path: str | os.PathLike[str]) -> TableMapping:
    """Read and check the mapping file at ``path``; raises MappingError with every problem found."""
    source = os.fspath(path)
    try:
        if os.path.getsize(source) > MAX_MAPPING_BYTES:
            raise MappingError([Diagnostic(source, code="mapping-unreadable",
                                           message=f"larger than {MAX_MAPPING_BYTES} bytes")])
        with open(source, "rb") as handle:
            text = handle.read().decode("utf-8")
    except FileNotFoundError:
        raise MappingError([Diagnostic(source, code="mapping-unreadable", message="no such file")]) from None
    except UnicodeDecodeError as exc:
        raise MappingError([Diagnostic(source, code="mapping-unreadable",
                                       message=f"not UTF-8 text (byte {exc.start})")]) from None
    except OSError as exc:
        raise MappingError([Diagnostic(source, code="mapping-unreadable", message=exc.strerror or str(exc))]) \
            from None
    return parse_mapping(text, source)


def parse_mapping(text: str, source: str = "<mapping>") -> TableMapping:
    """Check a mapping file's text; raises MappingError with every problem found, sorted by line."""
    from ..rules import yaml as reader  # PyYAML only when a mapping is read

    located, problems = reader.load(text, source)
    problems = [_renamed(p) for p in problems]
    if located is None:
        raise MappingError(problems)
    schema_problems, _ = located_problems("mapping", located, source)
    problems += [_renamed(p) for p in schema_problems]
    if problems:
        raise MappingError(problems)
    checker = _Checker(located, source)
    mapping = checker.mapping()
    if checker.problems:
        raise MappingError(checker.problems)
    return mapping


def _a(words: str) -> str:
    return ("an " if words[:1] in "aeiou" else "a ") + words


def _renamed(problem: Diagnostic) -> Diagnostic:
    code = _YAML_CODES.get(problem.code, problem.code)
    return Diagnostic(problem.file, problem.line, problem.column, problem.json_path, code, problem.message)


def _allowed_values(name: str, types: Mapping[str, Mapping[str, tuple[object, ...] | None]]) -> tuple[object, ...] | None:
    """The values ``name`` may take in any event type that has it (None: free text of a pattern somewhere)."""
    found: list[object] = []
    for fields in types.values():
        if name in fields:
            allowed = fields[name]
            if allowed is None:
                return None
            found += [v for v in allowed if v not in found]
    return tuple(found)


class _Checker:
    """Builds the mapping from schema-valid data, collecting every vocabulary problem at its location."""

    def __init__(self, located: LocatedYaml, source: str):
        self.located = located
        self.data: dict[str, Any] = located.data
        self.source = source
        self.problems: list[Diagnostic] = []

    def problem(self, path: tuple[Any, ...], code: str, message: str, key: bool = False) -> None:
        line, column = self.located.locate_key(path) if key else self.located.locate(path)
        self.problems.append(Diagnostic(self.source, line, column, code=code, message=message))

    def mapping(self) -> TableMapping:
        date_format = self.data.get("date_format", ISO_DATES)
        try:
            probe = date(2024, 1, 8)
            if datetime.strptime(probe.strftime(date_format), date_format).date() != probe:
                raise ValueError
        except ValueError:
            self.problem(("date_format",), "mapping-schema",
                         f"{date_format!r} is not a date format that reads back the day it writes (e.g. %Y-%m-%d "
                         f"or %d/%m/%Y)")
        return TableMapping(self.cases(), self.events(), self.registrations(), self.assessments(), date_format,
                            self.source)

    def cases(self) -> CaseTable:
        spec = self.data["cases"]
        types = {}
        for code, value in spec["supervision_types"].items():
            if value not in SUPERVISION_TYPES:
                self.problem(("cases", "supervision_types", code), "mapping-unknown-value",
                             f"{value!r} is not a supervision type{suggest(value, SUPERVISION_TYPES)}")
            types[str(code)] = value
        return CaseTable(MappingProxyType(dict(spec["columns"])), MappingProxyType(types))

    def fields(self, where: tuple[str, ...], spec: Mapping[str, Any],
               types: Mapping[str, Mapping[str, tuple[object, ...] | None]]) -> tuple[FieldSource, ...]:
        known = sorted({f for fields in types.values() for f in fields} | set(_SHARED_FIELDS))
        out = []
        for name, item in spec.items():
            path = (*where, name)
            if name not in known:
                self.problem(path, "mapping-unknown-field",
                             f"{name!r} is not a field of {self.kinds(types)}{suggest(name, known)}", key=True)
                continue
            allowed = _allowed_values(name, types) if name not in _SHARED_FIELDS else None
            values = item.get("values")
            if values is not None and allowed is not None:
                for code, value in values.items():
                    self.value(( *path, "values", code), name, value, allowed)
            if "default" in item and allowed is not None:
                self.value((*path, "default"), name, item["default"], allowed)
            out.append(FieldSource(name, item["column"],
                                   MappingProxyType({str(k): v for k, v in values.items()}) if values is not None
                                   else None, item.get("default")))
        return tuple(out)

    @staticmethod
    def kinds(types: Mapping[str, object]) -> str:
        return "any event type" if len(types) > 1 else _a(f"{next(iter(types))} event")

    def value(self, path: tuple[Any, ...], name: str, value: object, allowed: tuple[object, ...]) -> None:
        if value in allowed and type(value) in {type(v) for v in allowed}:
            return
        shown = ", ".join(str(v).lower() if isinstance(v, bool) else str(v) for v in allowed)
        hint = suggest(value, [str(v) for v in allowed]) if isinstance(value, str) else ""
        self.problem(path, "mapping-unknown-value", f"{value!r} is not a value of {name} (one of: {shown}){hint}")

    def events(self) -> EventTable:
        spec = self.data["events"]
        fields = self.fields(("events", "fields"), spec.get("fields", {}), EVENT_TYPES)
        from_columns = {f.name for f in fields}
        codes: dict[str, EventCode] = {}
        for code, entry in spec["codes"].items():
            path = ("events", "codes", code)
            kind = entry["type"]
            if kind not in EVENT_TYPES:
                self.problem((*path, "type"), "mapping-unknown-event",
                             f"{kind!r} is not an event type{suggest(kind, EVENT_TYPES)}")
                continue
            own = EVENT_TYPES[kind]
            fixed: dict[str, object] = {}
            for name, value in entry.items():
                if name in ("type", "keep_code"):
                    continue
                if name not in own:
                    self.problem((*path, name), "mapping-unknown-field",
                                 f"{name!r} is not a field of {_a(kind)} event{suggest(name, own)}", key=True)
                    continue
                allowed = own[name]
                if allowed is not None:
                    self.value((*path, name), name, value, allowed)
                fixed[name] = value
            for needed in REQUIRED_FIELDS.get(kind, ()):
                if needed not in fixed and needed not in from_columns:
                    self.problem(path, "mapping-incomplete",
                                 f"{code}: a {kind} event needs {needed}: give it here ({needed}: ...) or read it "
                                 f"from a column (events.fields.{needed})", key=True)
            codes[str(code)] = EventCode(kind, MappingProxyType(fixed), bool(entry.get("keep_code", False)))
        ignore = frozenset(str(c) for c in spec.get("ignore", ()))
        self.both(("events",), codes, ignore)
        return EventTable(MappingProxyType(dict(spec["columns"])), MappingProxyType(codes), fields, ignore,
                          spec.get("id_prefix", ""))

    def both(self, where: tuple[str, ...], codes: Mapping[str, object], ignore: frozenset[str]) -> None:
        for index, code in enumerate(self.data[where[0]].get("ignore", ())):
            if str(code) in codes:
                self.problem((*where, "ignore", index), "mapping-schema",
                             f"{code!r} is both mapped (under codes) and ignored: say which")

    def registrations(self) -> RegistrationTable | None:
        spec = self.data.get("registrations")
        if spec is None:
            return None
        ignore = frozenset(str(c) for c in spec.get("ignore", ()))
        codes = {str(k): v for k, v in spec["codes"].items()}
        self.both(("registrations",), codes, ignore)
        return RegistrationTable(MappingProxyType(dict(spec["columns"])), MappingProxyType(codes),
                                 bool(spec.get("keep_code", False)), ignore, spec.get("id_prefix", ""))

    def assessments(self) -> AssessmentTable | None:
        spec = self.data.get("assessments")
        if spec is None:
            return None
        values = {}
        for code, level in spec["rosh"]["values"].items():
            if level not in ROSH_LEVELS:
                self.problem(("assessments", "rosh", "values", code), "mapping-unknown-value",
                             f"{level!r} is not a RoSH level (one of: {', '.join(ROSH_LEVELS)})"
                             f"{suggest(level, ROSH_LEVELS)}")
            values[str(code)] = level
        own = {name: allowed for name, allowed in EVENT_TYPES["risk_assessment"].items() if name != "rosh"}
        fields = self.fields(("assessments", "fields"), spec.get("fields", {}),
                             MappingProxyType({"risk_assessment": MappingProxyType(own)}))
        return AssessmentTable(MappingProxyType(dict(spec["columns"])), tuple(spec["rosh"]["columns"]),
                               MappingProxyType(values), fields, spec.get("id_prefix", ""))
