"""Parquet exports for analysts: a caseload's verdicts (one row per case and rule), its instances (one row per
case, rule and instance), and a trend's points (one row per date and measure), as typed long tables; and a
caseload itself (one row per case, its timeline as JSON text), as ``ppcheck`` reads one.

Dates are ``date32``, counts and days integers, rates ``float64``, and the columns that repeat a few values
(units, rule ids, areas, verdicts) dictionary-encoded strings. The tables are written in row groups of
``ROW_GROUP`` rows as the cases stream in, so memory stays flat however large the caseload. The verdict and
instance rows are made from the per-case records of ``--format jsonl`` (``--detail compact`` or ``full``), so
a Parquet file says what those records say. docs/caseload.md lists every column.

pyarrow is imported here, and this module is imported only when a Parquet file is asked for (the
``[analytics]`` extra): ``ppcheck`` never pays for it otherwise. Pure but for the stream it is given.
"""

from __future__ import annotations

from datetime import date
from typing import IO, Any, Iterable, Mapping

import pyarrow as pa  # type: ignore[import-untyped]
import pyarrow.parquet as pq  # type: ignore[import-untyped]

from ..engine.facts import STATES, FAILING, State
from ..timeline.load import TIMELINE_COLUMN

ROW_GROUP = 65_536
#: The name of the instances file beside a verdicts file: ``verdicts.parquet`` -> ``verdicts.instances.parquet``.
INSTANCES_INFIX = ".instances"

_TEXT = pa.string()
_CODE = pa.dictionary(pa.int32(), pa.string())  # a column of few distinct values
_DAYS_KEYS = ("days_late", "days_overdue", "days_left")
_FAILING = frozenset(s.value for s in FAILING)

#: One row per case and rule.
VERDICTS = pa.schema([
    ("case_id", _TEXT), ("region", _CODE), ("pdu", _CODE), ("team", _CODE),
    ("rule_id", _CODE), ("area", _CODE), ("stage", _CODE), ("severity", _CODE),
    ("as_of", pa.date32()), ("verdict", _CODE), ("due", pa.date32()), ("days", pa.int32()), ("day_unit", _CODE),
    ("next_due", pa.date32()),
    *((f"n_{s.value}", pa.int32()) for s in STATES),
])

#: One row per case, rule and instance (``--detail full``).
INSTANCES = pa.schema([
    ("case_id", _TEXT), ("region", _CODE), ("pdu", _CODE), ("team", _CODE),
    ("rule_id", _CODE), ("area", _CODE), ("as_of", pa.date32()), ("instance", pa.int32()),
    ("verdict", _CODE), ("kind", _CODE), ("window_from", pa.date32()), ("window_to", pa.date32()),
    ("due", pa.date32()), ("trigger_id", _TEXT), ("trigger_date", pa.date32()),
    ("evidence_ids", pa.list_(pa.string())), ("days", pa.int32()), ("days_kind", _CODE), ("day_unit", _CODE),
    ("count", pa.int32()), ("required", pa.int32()), ("reason", _CODE), ("if_applies", _CODE),
    ("excused", _CODE), ("deviation_id", _TEXT), ("provisional", pa.bool_()),
])

#: One row per date and measure: overall, each area, each rule, and each unit (overall and by area).
TREND = pa.schema([
    ("as_of", pa.date32()), ("scope", _CODE), ("unit", _CODE), ("id", _CODE), ("title", _CODE),
    ("rate", pa.float64()), ("resolved", pa.int64()), ("cases", pa.int64()),
    *((s.value, pa.int64()) for s in STATES),
])


def instances_name(name: str) -> str:
    """The instances file's name beside a verdicts file: ``out/v.parquet`` -> ``out/v.instances.parquet``."""
    stem, dot, suffix = name.rpartition(".")
    if not dot or "/" in suffix:
        return name + INSTANCES_INFIX + ".parquet"
    return f"{stem}{INSTANCES_INFIX}.{suffix}"


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


class _Table:
    """Rows gathered column by column and written a row group at a time."""

    def __init__(self, schema: pa.Schema, stream: IO[bytes], group: int = ROW_GROUP) -> None:
        self.schema = schema
        self.group = group
        self.columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        self.rows = 0
        self.writer = pq.ParquetWriter(stream, schema, compression="zstd")

    def add(self, row: Mapping[str, Any]) -> None:
        for name, column in self.columns.items():
            column.append(row.get(name))
        self.rows += 1
        if self.rows >= self.group:
            self.flush()

    def flush(self) -> None:
        if self.rows:
            arrays = [pa.array(self.columns[f.name], type=f.type) if not pa.types.is_dictionary(f.type)
                      else pa.array(self.columns[f.name], type=pa.string()).dictionary_encode()
                      for f in self.schema]
            self.writer.write_table(pa.Table.from_arrays(arrays, schema=self.schema))
            for column in self.columns.values():
                column.clear()
            self.rows = 0

    def close(self) -> None:
        self.flush()
        self.writer.close()


#: A Parquet caseload (read by ``ppcheck``): a case a row, its id and its timeline as JSON text.
TIMELINES = pa.schema([("case_id", _TEXT), (TIMELINE_COLUMN, _TEXT)])
#: Cases in each row group of a Parquet caseload written here (the unit a Dask partition takes).
PARQUET_GROUP = 1000


class TimelineWriter:
    """Writes a caseload as Parquet, in row groups of ``PARQUET_GROUP`` cases (the unit a partition on Dask
    takes)."""

    def __init__(self, stream: IO[bytes]) -> None:
        self.table = _Table(TIMELINES, stream, PARQUET_GROUP)

    def add(self, case_id: str, timeline: str) -> None:
        """One case: its id, and its timeline as JSON text."""
        self.table.add({"case_id": case_id, TIMELINE_COLUMN: timeline})

    def close(self) -> None:
        """Write what is left and the file's footer."""
        self.table.close()


class VerdictWriter:
    """Writes the verdicts of a caseload's per-case records (and, given a second stream, their instances)."""

    def __init__(self, rules: Mapping[str, tuple[str, str, str]], verdicts: IO[bytes],
                 instances: IO[bytes] | None = None) -> None:
        """``rules`` maps each rule id to its (area, stage, severity)."""
        self.rules = rules
        self.verdicts = _Table(VERDICTS, verdicts)
        self.instances = _Table(INSTANCES, instances) if instances is not None else None

    def add(self, record: Mapping[str, Any]) -> None:
        """One case's record (``ppcompliance.verdicts.compact/2`` or ``ppcompliance.verdicts/2``)."""
        case = {"case_id": record["case_id"], "as_of": _day(record["as_of"]),
                **{k: record["case"]["units"].get(k) for k in ("region", "pdu", "team")}}
        entries = record["rules"]
        # The compact record keys rules by id; the full one lists them.
        pairs = entries.items() if isinstance(entries, Mapping) else ((e["rule_id"], e) for e in entries)
        for rule_id, entry in pairs:
            area, stage, severity = self.rules.get(rule_id, (entry.get("area"), entry.get("stage"),
                                                             entry.get("severity")))
            listed = entry.get("instances")
            self.verdicts.add({**case, "rule_id": rule_id, "area": area, "stage": stage, "severity": severity,
                               **_verdict(entry, listed)})
            if self.instances is not None and listed is not None:
                for n, i in enumerate(listed):
                    self.instances.add({**case, "rule_id": rule_id, "area": area, "instance": n, **_instance(i)})

    def close(self) -> None:
        """Write what is left and the files' footers."""
        self.verdicts.close()
        if self.instances is not None:
            self.instances.close()


def _days(i: Mapping[str, Any]) -> tuple[int | None, str | None, str | None]:
    for key in _DAYS_KEYS:
        if key in i:
            return i[key], key, i.get("day_unit", "days")
    return None, None, None


def _verdict(entry: Mapping[str, Any], listed: list[Mapping[str, Any]] | None) -> dict[str, Any]:
    """A rule's verdict row: the verdict; for a late, missed or unknown one, the earliest due date among its
    instances with that verdict and their days late or overdue; for a pending one, its next due date; the
    instances per verdict."""
    verdict = entry["verdict"]
    if listed is not None:
        counts = dict.fromkeys((s.value for s in STATES), 0)
        for i in listed:
            counts[i["verdict"]] += 1
        failing = [i for i in listed if i["verdict"] in _FAILING]
    else:
        counts = entry.get("counts") or {verdict: 1}
        failing = entry.get("failing", [])
    due, days, unit = None, None, None
    if verdict in _FAILING:
        dated = [i for i in failing if i["verdict"] == verdict and i.get("due")]
        if dated:
            first = min(dated, key=lambda i: i["due"])
            due = first["due"]
            days, _, unit = _days(first)
    elif verdict == State.PENDING.value:
        due = entry.get("next_due")
    return {"verdict": verdict, "due": _day(due), "days": days, "day_unit": unit,
            "next_due": _day(entry.get("next_due")),
            **{f"n_{s.value}": counts.get(s.value, 0) for s in STATES}}


def _instance(i: Mapping[str, Any]) -> dict[str, Any]:
    window = i.get("window") or {}
    trigger = i.get("trigger")
    days, kind, unit = _days(i)
    deviation = i.get("deviation")
    return {"verdict": i["verdict"], "kind": i["kind"], "window_from": _day(window.get("from")),
            "window_to": _day(window.get("to")), "due": _day(i.get("due")),
            "trigger_id": trigger["event_id"] if trigger else None,
            "trigger_date": _day(trigger["date"]) if trigger else None,
            "evidence_ids": [e["event_id"] for e in i.get("evidence", ())], "days": days, "days_kind": kind,
            "day_unit": unit, "count": i.get("count"), "required": i.get("required"), "reason": i.get("reason"),
            "if_applies": i.get("if_applies"), "excused": i.get("excused"),
            "deviation_id": deviation["event_id"] if deviation else None,
            "provisional": bool(i.get("provisional", False))}


def trend_rows(summaries: Iterable[Any]) -> Iterable[dict[str, Any]]:
    """A trend's rows: per date, overall, each area, each rule, then each unit overall and by area (the rows of
    ``ppcheck trend --format csv``)."""
    for s in summaries:
        def row(scope: str, unit: str | None, ident: str | None, title: str | None, m: Any,
                cases: int | None = None) -> dict[str, Any]:
            return {"as_of": s.as_of, "scope": scope, "unit": unit, "id": ident, "title": title, "rate": m.rate,
                    "resolved": m.applicable, "cases": cases, **{st.value: m.counts.get(st, 0) for st in STATES}}

        yield row("overall", None, None, "all rules", s.overall, s.cases)
        for a in s.areas:
            yield row("area", None, a.area, a.title, a.measure)
        for r in s.rules:
            yield row("rule", None, r.rule_id, r.title, r.measure)
        for u in s.units:
            yield row(s.by, u.unit, None, "all rules", u.overall, u.cases)
            for area, m in u.areas.items():
                yield row(s.by, u.unit, area, area, m)


def write_trend(trend: Any, stream: IO[bytes]) -> None:
    """A trend's points as one Parquet table (``TREND``)."""
    table = _Table(TREND, stream)
    for r in trend_rows(trend.summaries):
        table.add(r)
    table.close()
