"""Reading the tables of an extract, row by row: CSV (the standard library) or Parquet (pyarrow, imported only
when a Parquet file is read).

A table is opened with the columns the mapping needs; one that lacks a column, or (Parquet) holds one of a type
that cannot be read as text, a number or a date, is refused before any row is read. Rows are then streamed:
a CSV file line by line, a Parquet file a batch of rows at a time, so memory does not grow with the table.
Each row carries its place for diagnostics: the line in a CSV file (the header is line 1), the row number in a
Parquet file (the first row is 1).
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from typing import Any, Iterator, Mapping

from ..errors import ANALYTICS, Diagnostic, InputError

PARQUET_SUFFIXES = (".parquet", ".pq")
PARQUET_BATCH = 8192  # rows decoded at a time


class TableError(InputError):
    """A table could not be read: missing, unreadable, or without a column the mapping names."""


@dataclass(frozen=True)
class Row:
    """One row of a table: where it is (line or row number) and its cells by column name."""

    line: int
    cells: Mapping[str, Any]
    problem: str = ""  # why the row cannot be read at all (a CSV row with too few or too many cells)


def is_parquet(path: str | os.PathLike[str]) -> bool:
    """Whether a table is read as Parquet (by its name; anything else is read as CSV)."""
    return os.fspath(path).lower().endswith(PARQUET_SUFFIXES)


class Table:
    """A table of an extract, opened and checked: ``rows()`` streams its rows once."""

    def __init__(self, path: str | os.PathLike[str], needed: Mapping[str, str]):
        """Open ``path``; ``needed`` names each column the mapping reads and what it holds (``text``, ``date`` or
        ``value``). Raises TableError (table-unreadable, table-column) before any row is read."""
        self.source = os.fspath(path)
        self.needed = dict(needed)
        self.parquet = is_parquet(path)
        if not os.path.exists(self.source):
            raise _error(self.source, "table-unreadable", "no such file")
        if os.path.isdir(self.source):
            raise _error(self.source, "table-unreadable", "this is a folder, not a table")
        self._reader = _ParquetRows(self.source, self.needed) if self.parquet else _CsvRows(self.source, self.needed)

    def rows(self) -> Iterator[Row]:
        """The rows, in the order of the file. Raises TableError if the file breaks off unreadably."""
        return self._reader.rows()


def _error(source: str, code: str, message: str, line: int = 0) -> TableError:
    return TableError([Diagnostic(source, line, code=code, message=message)])


def _missing(source: str, needed: Mapping[str, str], present: list[str], line: int) -> None:
    absent = [c for c in needed if c not in present]
    if absent:
        from ..engine.conditions.suggest import suggest

        raise TableError([Diagnostic(source, line, code="table-column",
                                     message=f"no column {name!r} (the mapping reads it){suggest(name, present)}")
                          for name in absent])


class _CsvRows:
    def __init__(self, source: str, needed: Mapping[str, str]):
        self.source = source
        self.needed = needed
        try:
            with open(source, encoding="utf-8-sig", newline="") as handle:
                header = next(csv.reader(handle), None)
        except UnicodeDecodeError as exc:
            raise _error(source, "table-unreadable", f"not UTF-8 text (byte {exc.start})", 1) from None
        except csv.Error as exc:
            raise _error(source, "table-unreadable", f"not CSV ({exc})", 1) from None
        except OSError as exc:
            raise _error(source, "table-unreadable", exc.strerror or str(exc)) from None
        if not header:
            raise _error(source, "table-unreadable", "the file is empty: a CSV table starts with a header row", 1)
        self.header = [h.strip() for h in header]
        doubled = sorted({h for h in self.header if self.header.count(h) > 1 and h in needed})
        if doubled:
            raise _error(source, "table-column", f"the column {doubled[0]!r} is in the header more than once", 1)
        _missing(source, needed, self.header, 1)
        self.index = {name: self.header.index(name) for name in needed}

    def rows(self) -> Iterator[Row]:
        width = len(self.header)
        line = 1
        try:
            with open(self.source, encoding="utf-8-sig", newline="") as handle:
                reader = csv.reader(handle)
                next(reader, None)
                for record in reader:
                    line = reader.line_num
                    if not record:
                        continue  # a blank line
                    if len(record) != width:
                        # Reported by the importer with the case's other problems.
                        yield Row(line, {}, f"{len(record)} cells where the header has {width}")
                        continue
                    yield Row(line, {name: record[i] for name, i in self.index.items()})
        except UnicodeDecodeError as exc:
            raise _error(self.source, "table-unreadable", f"not UTF-8 text (byte {exc.start})", line + 1) from None
        except csv.Error as exc:
            raise _error(self.source, "table-unreadable", f"not CSV ({exc})", line + 1) from None


# What each kind of column may be, by Arrow type.
_TEXT = ("string", "large_string", "integer", "dictionary")
_KINDS = {"text": _TEXT, "date": ("date", "timestamp", "string", "large_string", "dictionary"),
          "value": (*_TEXT, "boolean")}


def _arrow_kind(kind: Any) -> str:
    import pyarrow.types as t  # type: ignore[import-untyped, unused-ignore]

    for name, test in (("string", t.is_string), ("large_string", t.is_large_string), ("integer", t.is_integer),
                       ("boolean", t.is_boolean), ("date", t.is_date), ("timestamp", t.is_timestamp)):
        if test(kind):
            return name
    if t.is_dictionary(kind) and (t.is_string(kind.value_type) or t.is_large_string(kind.value_type)):
        return "dictionary"
    return "other"


class _ParquetRows:
    def __init__(self, source: str, needed: Mapping[str, str]):
        self.source = source
        self.needed = needed
        try:
            import pyarrow.parquet as pq  # type: ignore[import-untyped, unused-ignore]
        except ImportError:
            raise _error(source, "table-unreadable", f"reading Parquet needs {ANALYTICS}") from None
        try:
            self.file = pq.ParquetFile(source)
        except Exception as exc:  # noqa: BLE001 - pyarrow's errors for a broken file are of several kinds
            raise _error(source, "table-unreadable", f"not a Parquet file ({type(exc).__name__}: "
                                                     f"{str(exc)[:200]})") from None
        schema = self.file.schema_arrow
        present = list(schema.names)
        _missing(source, needed, present, 0)
        wrong = []
        for name, kind in needed.items():
            found = _arrow_kind(schema.field(name).type)
            if found not in _KINDS[kind]:
                wanted = {"text": "text or whole numbers", "date": "dates or text",
                          "value": "text, whole numbers or true/false"}[kind]
                wrong.append(Diagnostic(source, code="table-column",
                                        message=f"the column {name!r} is of type {schema.field(name).type}; the "
                                                f"mapping reads {wanted} from it"))
        if wrong:
            raise TableError(wrong)

    def rows(self) -> Iterator[Row]:
        number = 0
        try:
            for batch in self.file.iter_batches(batch_size=PARQUET_BATCH, columns=list(self.needed)):
                for cells in batch.to_pylist():
                    number += 1
                    yield Row(number, cells)
        except Exception as exc:  # noqa: BLE001 - a corrupt page, of whatever kind pyarrow says
            raise _error(self.source, "table-unreadable", f"cannot read beyond row {number} "
                                                          f"({type(exc).__name__}: {str(exc)[:200]})", number + 1) \
                from None
