"""Importing an extract: the tables, merge-joined by case id in one pass, made into checked timelines.

Every table must be sorted by case id (as text). The cases table leads; each other table is read alongside it,
one case's rows at a time, so the importer holds **one case at a time** whatever the size of the extract — the
order is checked as the rows go by, and a table out of order stops the import at the row that breaks it
(``table-order``). docs/import.md says why this was chosen over partitioning into temporary files.

Nothing is dropped silently: a code the mapping does not map is counted and listed (``Tally.unmapped``); one it
deliberately ignores is counted too; a row that cannot be read (an empty required cell, a bad date, a value of
the wrong type) is reported with its file and line, and its case is not written — a timeline missing an event
could be judged wrongly — while the other cases go on. Each timeline made is validated by the timeline loader
(``timeline_from_data``), so the output is exactly what ``ppcheck`` accepts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, Iterator, Mapping, Protocol

from ..errors import Diagnostic, TimelineError
from ..schemas import schema
from ..timeline.load import timeline_from_data
from ..timeline.model import Timeline
from ..vocabulary import COMMON_EVENT_FIELDS, EVENT_TYPES, ROSH_LEVELS, UNIT_KINDS
from .mapping import FieldSource, TableMapping
from .readers import Row, Table, TableError

MAX_PROBLEMS = 1000  # problems kept for the report; the rest are counted


class Rows(Protocol):
    """A table as the importer reads it: a name for diagnostics, and its rows once, in order."""

    source: str

    def rows(self) -> Iterator[Row]:
        """The rows, in file order."""


@dataclass(frozen=True)
class Tables:
    """The tables of one extract, opened and checked against the mapping."""

    cases: Rows
    events: Rows
    registrations: Rows | None = None
    assessments: Rows | None = None


@dataclass(frozen=True)
class ImportedCase:
    """One case made from the tables: its timeline as JSON-ready data (events in date order), and built."""

    id: str
    document: dict[str, Any]
    timeline: Timeline


@dataclass
class Unmapped:
    """A source value the mapping does not map: how often it was seen, and where first."""

    count: int
    file: str
    line: int


@dataclass
class Tally:
    """What an import read, wrote, ignored, could not map and could not read: every row accounted for."""

    rows: Counter[str] = field(default_factory=Counter)  # rows read, per table file
    cases_read: int = 0
    cases_written: int = 0
    cases_refused: int = 0
    events_written: int = 0
    unmapped: dict[tuple[str, str, str], Unmapped] = field(default_factory=dict)  # (file, column, value)
    ignored: Counter[tuple[str, str]] = field(default_factory=Counter)  # (file, code)
    problems: list[Diagnostic] = field(default_factory=list)  # the first MAX_PROBLEMS
    problem_count: int = 0

    def problem(self, d: Diagnostic) -> None:
        """Count a problem, keeping it if there is room."""
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(d)

    def not_mapped(self, file: str, column: str, value: str, line: int) -> None:
        """Count a value the mapping does not map."""
        key = (file, column, value)
        if key in self.unmapped:
            self.unmapped[key].count += 1
        else:
            self.unmapped[key] = Unmapped(1, file, line)

    def unmapped_diagnostics(self) -> list[Diagnostic]:
        """Each unmapped value once, at the first row it was seen (what ``--strict`` reports as errors)."""
        return [Diagnostic(u.file, u.line, code="table-unmapped",
                           message=f"{column} {_shown(value)} is not in the mapping ({u.count} "
                                   f"row{'s' if u.count != 1 else ''})")
                for (_, column, value), u in sorted(self.unmapped.items())]

    def as_dict(self) -> dict[str, Any]:
        """The tally as JSON-ready data (the import report)."""
        return {
            "cases": {"read": self.cases_read, "written": self.cases_written, "refused": self.cases_refused},
            "events_written": self.events_written,
            "rows": dict(sorted(self.rows.items())),
            "unmapped": [{"file": f, "column": c, "value": v, "count": u.count, "first_line": u.line}
                         for (f, c, v), u in sorted(self.unmapped.items())],
            "ignored": [{"file": f, "code": c, "count": n} for (f, c), n in sorted(self.ignored.items())],
            "problems": {"count": self.problem_count, "shown": [d.as_dict() for d in self.problems]},
        }


def _shown(value: str) -> str:
    return repr(value) if value else "(empty)"


def needed_columns(mapping: TableMapping) -> dict[str, dict[str, str]]:
    """For each table (cases, events, registrations, assessments), the columns the mapping reads and what
    each holds: ``text``, ``date`` or ``value``."""
    dates = _date_fields()

    def reading(columns: Mapping[str, str], fields: tuple[FieldSource, ...] = ()) -> dict[str, str]:
        out = {column: ("date" if name in ("date", "end_date", "start_date", "expected_end_date") else "text")
               for name, column in columns.items()}
        for f in fields:
            out.setdefault(f.column, "date" if f.name in dates else "value")
        return out

    found = {"cases": reading(mapping.cases.columns), "events": reading(mapping.events.columns, mapping.events.fields)}
    if mapping.registrations is not None:
        found["registrations"] = reading(mapping.registrations.columns)
    if mapping.assessments is not None:
        a = mapping.assessments
        found["assessments"] = {**reading(a.columns, a.fields), **{c: "value" for c in a.rosh_columns}}
    return found


def open_tables(mapping: TableMapping, cases: str, events: str, registrations: str | None = None,
                assessments: str | None = None) -> Tables:
    """Open the tables named, each checked for the columns the mapping reads; raises TableError with every
    missing or unreadable column of every table at once."""
    needed = needed_columns(mapping)
    problems: list[Diagnostic] = []
    opened: dict[str, Table | None] = {}
    for name, path in (("cases", cases), ("events", events), ("registrations", registrations),
                       ("assessments", assessments)):
        opened[name] = None
        if path is None:
            continue
        if name not in needed:
            problems.append(Diagnostic(path, code="table-column",
                                       message=f"the mapping has no {name} section to read this table with"))
            continue
        try:
            opened[name] = Table(path, needed[name])
        except TableError as exc:
            problems += exc.diagnostics
    if problems:
        raise TableError(problems)
    assert opened["cases"] is not None and opened["events"] is not None
    return Tables(opened["cases"], opened["events"], opened["registrations"], opened["assessments"])


@lru_cache(maxsize=1)
def _date_fields() -> frozenset[str]:
    """The event fields that hold a date, from the timeline schema."""
    event = schema("timeline")["$defs"]["event"]
    names = {n for n, s in event["properties"].items() if isinstance(s, dict) and s.get("$ref", "").endswith("/date")}
    for branch in event["allOf"]:
        names |= {n for n, s in branch["then"]["properties"].items()
                  if isinstance(s, dict) and s.get("$ref", "").endswith("/date")}
    return frozenset(names - {"date"})


_SHARED = frozenset(f for f in COMMON_EVENT_FIELDS if f not in ("id", "type", "date", "ndelius_code"))
_RANK = {level: i for i, level in enumerate(ROSH_LEVELS)}


class _BadCell(ValueError):
    """A cell that cannot be read: the message says which and why."""


class _Groups:
    """One table read alongside the cases table: the rows of each case in turn, its order checked."""

    def __init__(self, table: Rows, case_column: str, tally: Tally, unkeyed: list[Diagnostic]):
        self.source = table.source
        self.column = case_column
        self.tally = tally
        self.unkeyed = unkeyed
        self.rows = table.rows()
        self.last: tuple[str, int] | None = None
        self.head: Row | None = None
        self.key = ""
        self._advance()

    def _advance(self) -> None:
        for row in self.rows:
            self.tally.rows[self.source] += 1
            key = "" if row.problem else _text(row.cells.get(self.column))
            if not key:
                why = row.problem or f"{self.column} is empty: the row names no case"
                self.unkeyed.append(Diagnostic(self.source, row.line, code="table-row", message=why))
                continue
            if self.last is not None and key < self.last[0]:
                raise TableError([Diagnostic(
                    self.source, row.line, code="table-order",
                    message=f"{self.column} {key!r} comes after {self.last[0]!r} (line {self.last[1]}): each table "
                            f"must be sorted by case id (as text) to be imported in one pass")])
            self.last = (key, row.line)
            self.head, self.key = row, key
            return
        self.head, self.key = None, ""

    def take(self, case_id: str) -> tuple[list[Row], list[Row]]:
        """The rows of ``case_id``, and the rows before them that name a case the cases table does not have."""
        orphans: list[Row] = []
        while self.head is not None and self.key < case_id:
            orphans.append(self.head)
            self._advance()
        rows: list[Row] = []
        while self.head is not None and self.key == case_id:
            rows.append(self.head)
            self._advance()
        return rows, orphans

    def rest(self) -> Iterator[Row]:
        """The rows left once every case was read (each names a case the cases table does not have)."""
        while self.head is not None:
            yield self.head
            self._advance()


def import_tables(mapping: TableMapping, tables: Tables, tally: Tally | None = None) -> Iterator[ImportedCase]:
    """The timelines of an extract, one case at a time in case-id order; what could not be imported is in
    ``tally``. Raises TableError if a table is out of order or breaks off unreadably."""
    tally = tally if tally is not None else Tally()
    builder = _Builder(mapping, tally)
    unkeyed: list[Diagnostic] = []
    others = [(name, _Groups(table, section.columns["case"], tally, unkeyed))
              for name, table, section in (("events", tables.events, mapping.events),
                                           ("registrations", tables.registrations, mapping.registrations),
                                           ("assessments", tables.assessments, mapping.assessments))
              if table is not None and section is not None]
    id_column = mapping.cases.columns["id"]
    source = tables.cases.source
    last: tuple[str, int] | None = None
    for row in tables.cases.rows():
        tally.rows[source] += 1
        case_id = "" if row.problem else _text(row.cells.get(id_column))
        for d in unkeyed:
            tally.problem(d)
        unkeyed.clear()
        if not case_id:
            tally.cases_read += 1
            tally.cases_refused += 1
            tally.problem(Diagnostic(source, row.line, code="table-row",
                                     message=row.problem or f"{id_column} is empty: the row names no case"))
            continue
        if last is not None and case_id <= last[0]:
            if case_id == last[0]:
                tally.problem(Diagnostic(source, row.line, code="caseload-duplicate-case",
                                         message=f"case {case_id!r} is already on line {last[1]}; this row is not "
                                                 f"imported"))
                continue
            raise TableError([Diagnostic(
                source, row.line, code="table-order",
                message=f"{id_column} {case_id!r} comes after {last[0]!r} (line {last[1]}): each table must be "
                        f"sorted by case id (as text) to be imported in one pass")])
        last = (case_id, row.line)
        tally.cases_read += 1
        rows: dict[str, list[Row]] = {}
        for name, groups in others:
            rows[name], orphans = groups.take(case_id)
            for orphan in orphans:
                tally.problem(_orphan(groups, orphan))
        made = builder.case(row, source, case_id, rows, {name: g.source for name, g in others})
        for d in unkeyed:
            tally.problem(d)
        unkeyed.clear()
        if made is None:
            tally.cases_refused += 1
            continue
        tally.cases_written += 1
        tally.events_written += len(made.document["events"])
        yield made
    for _, groups in others:
        for orphan in groups.rest():
            tally.problem(_orphan(groups, orphan))
    for d in unkeyed:
        tally.problem(d)


def _orphan(groups: _Groups, row: Row) -> Diagnostic:
    return Diagnostic(groups.source, row.line, code="table-orphan",
                      message=f"{groups.column} {_text(row.cells.get(groups.column))!r} is not in the cases table")


def _text(cell: Any) -> str:
    """A cell as text: empty for a missing one; a whole number as its digits."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "true" if cell else "false"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


class _Builder:
    """Makes one case's timeline from its rows, reporting each row it cannot read at its file and line."""

    def __init__(self, mapping: TableMapping, tally: Tally):
        self.m = mapping
        self.tally = tally
        self.dates = _date_fields()
        self.problems: list[Diagnostic] = []

    # -- cells

    def date(self, cell: Any, column: str) -> date:
        if isinstance(cell, datetime):
            return cell.date()
        if isinstance(cell, date):
            return cell
        text = _text(cell)
        if not text:
            raise _BadCell(f"{column} is empty")
        try:
            return datetime.strptime(text, self.m.date_format).date()
        except ValueError:
            raise _BadCell(f"{column}: {text!r} is not a date of the form {self.m.date_format}") from None

    def required(self, cells: Mapping[str, Any], column: str) -> str:
        text = _text(cells.get(column))
        if not text:
            raise _BadCell(f"{column} is empty")
        return text

    def value(self, f: FieldSource, cells: Mapping[str, Any], event_type: str, source: str,
              line: int) -> tuple[bool, object]:
        """(found, value) of a field read from a column; raises _BadCell, or returns (False, None) for an
        unmapped value (counted)."""
        cell = cells.get(f.column)
        text = _text(cell)
        if not text:
            return (f.default is not None, f.default)
        if f.values is not None:
            if text not in f.values:
                self.tally.not_mapped(source, f.column, text, line)
                raise _Unmapped()
            return True, f.values[text]
        if f.name in self.dates:
            return True, self.date(cell, f.column).isoformat()
        allowed = EVENT_TYPES.get(event_type, {}).get(f.name) if f.name not in _SHARED else None
        if allowed and all(isinstance(v, bool) for v in allowed):
            if isinstance(cell, bool) or text.lower() in ("true", "false"):
                return True, cell if isinstance(cell, bool) else text.lower() == "true"
            raise _BadCell(f"{f.column}: {text!r} is not true or false")
        if allowed and all(isinstance(v, int) for v in allowed):
            try:
                return True, int(text)
            except ValueError:
                raise _BadCell(f"{f.column}: {text!r} is not a whole number") from None
        return True, text

    # -- a case

    def case(self, row: Row, source: str, case_id: str, rows: Mapping[str, list[Row]],
             sources: Mapping[str, str]) -> ImportedCase | None:
        self.problems = []
        origins: list[tuple[str, int]] = []
        events: list[dict[str, Any]] = []
        case = self.case_fields(row, source, case_id)
        for name, make in (("events", self.contact), ("registrations", self.registration),
                           ("assessments", self.assessment)):
            for r in rows.get(name, ()):
                if r.problem:
                    self.problems.append(Diagnostic(sources[name], r.line, code="table-row", message=r.problem))
                    continue
                try:
                    made = make(r, sources[name])
                except _BadCell as exc:
                    self.problems.append(Diagnostic(sources[name], r.line, code="table-row", message=str(exc)))
                    continue
                except _Unmapped:
                    continue
                events += made
                origins += [(sources[name], r.line)] * len(made)
        if case is None or self.problems:
            for d in self.problems:
                self.tally.problem(Diagnostic(d.file, d.line, d.column, d.json_path, d.code,
                                              d.message, d.subject or f"case {case_id}"))
            return None
        order = sorted(range(len(events)), key=lambda i: (events[i]["date"], events[i]["id"]))
        document = {"case": case, "events": [events[i] for i in order]}
        try:
            timeline = timeline_from_data(document, f"{source}:{row.line}")
        except TimelineError as exc:
            for d in exc.diagnostics:
                self.tally.problem(_placed(d, document, [origins[i] for i in order], source, row.line, case_id))
            return None
        return ImportedCase(case_id, document, timeline)

    def case_fields(self, row: Row, source: str, case_id: str) -> dict[str, Any] | None:
        columns = self.m.cases.columns
        cells = row.cells
        try:
            code = self.required(cells, columns["supervision_type"])
            out: dict[str, Any] = {"id": case_id}
            if code not in self.m.cases.supervision_types:
                self.tally.not_mapped(source, columns["supervision_type"], code, row.line)
                self.problems.append(Diagnostic(
                    source, row.line, code="table-unmapped",
                    message=f"{columns['supervision_type']} {code!r} is not in the mapping (cases.supervision_types),"
                            f" so the case cannot be imported"))
                return None
            out["supervision_type"] = self.m.cases.supervision_types[code]
            for name in ("start_date", "expected_end_date"):
                out[name] = self.date(cells.get(columns[name]), columns[name]).isoformat()
            if "end_date" in columns and _text(cells.get(columns["end_date"])):
                out["end_date"] = self.date(cells.get(columns["end_date"]), columns["end_date"]).isoformat()
            units = {k: _text(cells.get(columns[k])) for k in UNIT_KINDS if k in columns}
            units = {k: v for k, v in units.items() if v}
            if units:
                out["units"] = units
            return out
        except _BadCell as exc:
            self.problems.append(Diagnostic(source, row.line, code="table-row", message=str(exc)))
            return None

    def fields(self, event: dict[str, Any], fields: tuple[FieldSource, ...], cells: Mapping[str, Any],
               source: str, line: int) -> None:
        kind = event["type"]
        own = EVENT_TYPES[kind]
        for f in fields:
            if f.name in event or (f.name not in own and f.name not in _SHARED):
                continue
            found, value = self.value(f, cells, kind, source, line)
            if found:
                event[f.name] = value

    def mapped_code(self, t: Any, row: Row, source: str) -> str | None:
        """The row's source code if the mapping maps it; None (and counted) if it is ignored or not mapped."""
        code: str = self.required(row.cells, t.columns["code"])
        if code in t.ignore:
            self.tally.ignored[(source, code)] += 1
            return None
        if code not in t.codes:
            self.tally.not_mapped(source, t.columns["code"], code, row.line)
            return None
        return code

    def contact(self, row: Row, source: str) -> list[dict[str, Any]]:
        t = self.m.events
        cells = row.cells
        code = self.mapped_code(t, row, source)
        if code is None:
            return []
        entry = t.codes[code]
        event: dict[str, Any] = {"id": t.id_prefix + self.required(cells, t.columns["id"]), "type": entry.type,
                                 "date": self.date(cells.get(t.columns["date"]), t.columns["date"]).isoformat(),
                                 **entry.fixed}
        if entry.keep_code:
            event["ndelius_code"] = code
        self.fields(event, t.fields, cells, source, row.line)
        return [event]

    def registration(self, row: Row, source: str) -> list[dict[str, Any]]:
        t = self.m.registrations
        assert t is not None
        cells = row.cells
        code = self.mapped_code(t, row, source)
        if code is None:
            return []
        ident = t.id_prefix + self.required(cells, t.columns["id"])
        kept = {"ndelius_code": code} if t.keep_code else {}
        added = {"id": ident, "type": "registration_added",
                 "date": self.date(cells.get(t.columns["date"]), t.columns["date"]).isoformat(),
                 "code": t.codes[code], **kept}
        if "end_date" not in t.columns or not _text(cells.get(t.columns["end_date"])):
            return [added]
        end_id = _text(cells.get(t.columns["end_id"])) if "end_id" in t.columns else ""
        removed = {"id": t.id_prefix + end_id if end_id else f"{ident}.end", "type": "registration_removed",
                   "date": self.date(cells.get(t.columns["end_date"]), t.columns["end_date"]).isoformat(),
                   "code": t.codes[code], **kept}
        return [added, removed]

    def assessment(self, row: Row, source: str) -> list[dict[str, Any]]:
        t = self.m.assessments
        assert t is not None
        cells = row.cells
        levels = []
        for column in t.rosh_columns:
            text = _text(cells.get(column))
            if not text:
                continue
            if text not in t.rosh_values:
                self.tally.not_mapped(source, column, text, row.line)
                return []
            levels.append(t.rosh_values[text])
        event: dict[str, Any] = {"id": t.id_prefix + self.required(cells, t.columns["id"]), "type": "risk_assessment",
                                 "date": self.date(cells.get(t.columns["date"]), t.columns["date"]).isoformat()}
        if not levels:
            # An assessment with no RoSH level (e.g. a screening) is not a risk_assessment: counted, not made.
            self.tally.not_mapped(source, " / ".join(t.rosh_columns), "", row.line)
            return []
        event["rosh"] = max(levels, key=_RANK.__getitem__)
        self.fields(event, t.fields, cells, source, row.line)
        return [event]


class _Unmapped(Exception):
    """A value the mapping does not map (already counted): the event is not made."""


def _placed(d: Diagnostic, document: Mapping[str, Any], origins: list[tuple[str, int]], source: str, line: int,
            case_id: str) -> Diagnostic:
    """A problem the timeline loader found in a made timeline, placed at the row it came from."""
    parts = d.json_path.split(".")
    if d.json_path.startswith("$.events[") and "]" in d.json_path:
        index = int(d.json_path[len("$.events["):d.json_path.index("]")])
        file, at = origins[index]
        event_id = document["events"][index]["id"]
        tail = d.json_path[d.json_path.index("]") + 1:].lstrip(".")
        return Diagnostic(file, at, code=d.code, message=f"{tail}: {d.message}" if tail else d.message,
                          subject=f"case {case_id}, event {event_id}")
    tail = parts[-1] if len(parts) > 2 else ""
    return Diagnostic(source, line, code=d.code, message=f"{tail}: {d.message}" if tail else d.message,
                      subject=f"case {case_id}")
