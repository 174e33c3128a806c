"""Parquet exports: typed columns, verdicts worked out by hand, the same facts as the JSON Lines records and the
CSV trend, the instances file beside the verdicts, and the usage errors."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from ppcompliance.report.parquet import instances_name  # noqa: E402
from ppcompliance.synthetic.generate import generate_caseload  # noqa: E402

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
CODE = pa.dictionary(pa.int32(), pa.string())


def run(*args):
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, timeout=300)


def _case(case_id: str, events: list[dict]) -> dict:
    return {"case": {"id": case_id, "supervision_type": "community_order", "start_date": "2024-01-08",
                     "expected_end_date": "2025-01-07",
                     "units": {"region": "R-1", "pdu": "PDU-1", "team": "T-1"}},
            "events": [{"id": "E1", "type": "sentence", "date": "2024-01-08"}, *events]}


@pytest.fixture()
def two_cases(tmp_path):
    # Sentenced Monday 8 January 2024. ACT-01 wants an appointment in person within 5 working days: by Monday
    # 15 January (9, 10, 11, 12, 15 January). A1's is on Wednesday 17 January: late by 2 working days (16, 17).
    # A2 has none: missed; as of Friday 1 March it is 34 working days overdue (12 from 16 to 31 January, 21 in
    # February, and 1 March; no bank holiday in between).
    path = tmp_path / "cases.jsonl"
    late = _case("A1", [{"id": "E2", "type": "appointment", "date": "2024-01-17", "mode": "office",
                         "outcome": "attended"}])
    missed = _case("A2", [])
    path.write_text(json.dumps(late) + "\n" + json.dumps(missed) + "\n", encoding="utf-8")
    return path


def test_the_verdicts_table_has_typed_columns_and_the_verdicts_worked_out_by_hand(two_cases, tmp_path):
    out = tmp_path / "verdicts.parquet"
    result = run(str(two_cases), "--as-of", "2024-03-01", "--format", "parquet", "-o", str(out))
    assert result.returncode == 1, result.stderr  # something is late or missed
    table = pq.read_table(out)
    schema = table.schema
    assert schema.field("as_of").type == pa.date32() and schema.field("due").type == pa.date32()
    assert schema.field("days").type == pa.int32() and schema.field("n_late").type == pa.int32()
    assert schema.field("case_id").type == pa.string()
    assert all(schema.field(name).type == CODE for name in ("region", "pdu", "team", "rule_id", "area", "verdict"))
    rows = {(r["case_id"], r["rule_id"]): r for r in table.to_pylist()}
    assert len(rows) == table.num_rows == 2 * len({r for _, r in rows})
    a1, a2 = rows[("A1", "ACT-01")], rows[("A2", "ACT-01")]
    assert (a1["verdict"], a1["due"], a1["days"], a1["day_unit"]) == ("late", date(2024, 1, 15), 2, "working_days")
    assert (a2["verdict"], a2["due"], a2["days"], a2["day_unit"]) == ("missed", date(2024, 1, 15), 34,
                                                                      "working_days")
    assert (a1["n_late"], a1["n_compliant"], a2["n_missed"]) == (1, 0, 1)
    assert (a1["area"], a1["stage"], a1["team"], a1["as_of"]) == ("activity", "induction", "T-1", date(2024, 3, 1))


def test_the_verdicts_say_what_the_json_lines_records_say(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(c) + "\n" for c in generate_caseload(25, 5)), encoding="utf-8")
    out = tmp_path / "v.parquet"
    assert run(str(cases), "--as-of", "2025-03-31", "--format", "parquet", "-o", str(out)).returncode in (0, 1)
    records = [json.loads(line) for line in run(str(cases), "--as-of", "2025-03-31", "--format", "jsonl")
               .stdout.splitlines()]
    table = pq.read_table(out).to_pylist()
    assert len(table) == sum(len(r["rules"]) for r in records)
    by_key = {(r["case_id"], r["rule_id"]): r for r in table}
    for record in records:
        for rule_id, entry in record["rules"].items():
            row = by_key[(record["case_id"], rule_id)]
            assert row["verdict"] == entry["verdict"]
            assert row["next_due"] == (date.fromisoformat(entry["next_due"]) if "next_due" in entry else None)
            counts = entry.get("counts", {entry["verdict"]: 1})
            assert sum(row[k] for k in row if k.startswith("n_")) == sum(counts.values())


def test_detail_full_writes_the_instances_beside_the_verdicts(two_cases, tmp_path):
    out = tmp_path / "v.parquet"
    result = run(str(two_cases), "--as-of", "2024-03-01", "--format", "parquet", "--detail", "full", "-o", str(out))
    assert result.returncode == 1, result.stderr
    assert instances_name(str(out)) == str(tmp_path / "v.instances.parquet")
    instances = pq.read_table(tmp_path / "v.instances.parquet")
    assert instances.schema.field("evidence_ids").type == pa.list_(pa.string())
    rows = [r for r in instances.to_pylist() if r["rule_id"] == "ACT-01"]
    assert [(r["case_id"], r["verdict"], r["trigger_id"], r["due"], r["evidence_ids"]) for r in rows] == [
        ("A1", "late", "E1", date(2024, 1, 15), ["E2"]), ("A2", "missed", "E1", date(2024, 1, 15), [])]
    verdicts = pq.read_table(out).to_pylist()
    assert sum(r["n_late"] + r["n_missed"] + r["n_compliant"] + r["n_pending"] + r["n_unknown"] + r["n_justified"]
               + r["n_not_applicable"] for r in verdicts) == instances.num_rows


def test_instances_file_names():
    assert instances_name("out/verdicts.parquet") == "out/verdicts.instances.parquet"
    assert instances_name("verdicts") == "verdicts.instances.parquet"


def test_the_trend_table_holds_the_csv_rows_typed(tmp_path):
    cases = tmp_path / "cases.jsonl"
    cases.write_text("".join(json.dumps(c) + "\n" for c in generate_caseload(20, 9)), encoding="utf-8")
    out = tmp_path / "trend.parquet"
    span = ["--from", "2024-04-30", "--to", "2024-09-30", "--by", "pdu"]
    assert run("trend", str(cases), *span, "--format", "parquet", "-o", str(out)).returncode == 0
    table = pq.read_table(out)
    assert table.schema.field("as_of").type == pa.date32() and table.schema.field("rate").type == pa.float64()
    assert table.schema.field("compliant").type == pa.int64()
    rows = list(csv.DictReader(io.StringIO(run("trend", str(cases), *span, "--format", "csv").stdout)))
    assert table.num_rows == len(rows)
    for got, want in zip(table.to_pylist(), rows):
        assert got["as_of"].isoformat() == want["as_of"] and got["scope"] == want["scope"]
        assert (got["unit"] or "") == want["unit"] and (got["id"] or "") == want["id"]
        assert ("" if got["rate"] is None else str(got["rate"])) == want["rate"]
        assert got["resolved"] == int(want["resolved"]) and got["missed"] == int(want["missed"])


def test_parquet_needs_an_output_file(two_cases):
    result = run(str(two_cases), "--format", "parquet")
    assert result.returncode == 2
    assert "'--output' / '-o'" in result.stderr and "Traceback" not in result.stderr


def test_a_failed_run_leaves_the_old_file(two_cases, tmp_path):
    # every case rejected: nothing replaces the old file, and no temporary file is left behind
    out = tmp_path / "v.parquet"
    out.write_bytes(b"last week's")
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{not json\n", encoding="utf-8")
    result = run(str(bad), "--format", "parquet", "-o", str(out))
    assert result.returncode == 2
    assert out.read_bytes() == b"last week's"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.jsonl", "cases.jsonl", "v.parquet"]  # no temporary


# --- Parquet caseloads: timelines read from Parquet ----------------------------------------------------------------


def test_a_generated_parquet_caseload_gives_what_its_json_lines_gives(tmp_path):
    lines, table = tmp_path / "cases.jsonl", tmp_path / "cases.parquet"
    for path in (lines, table):
        made = run("generate", "--cases", "1200", "--seed", "8", "-o", str(path))
        assert made.returncode == 0, made.stderr
    read = pq.ParquetFile(table)
    assert read.schema_arrow == pa.schema([("case_id", pa.string()), ("timeline", pa.string())])
    # Row groups of 1,000 cases: the unit a partition on Dask takes.
    assert [read.metadata.row_group(g).num_rows for g in range(read.metadata.num_row_groups)] == [1000, 200]
    rows = pq.read_table(table).to_pylist()
    assert [json.loads(r["timeline"]) for r in rows] == [json.loads(line) for line in lines.read_text().splitlines()]
    assert [r["case_id"] for r in rows] == [json.loads(r["timeline"])["case"]["id"] for r in rows]
    for args in (["--as-of", "2025-03-31", "--format", "jsonl"], ["--as-of", "2025-03-31", "--format", "json"],
                 ["--as-of", "2025-03-31", "--format", "csv", "--by", "region"]):
        from_lines, from_table = run(str(lines), *args), run(str(table), *args)
        assert from_table.returncode == from_lines.returncode == 1  # missed actions, no rejected case
        assert from_table.stdout == from_lines.stdout
        assert from_table.stderr == from_lines.stderr == "ppcheck: 1,200 cases read: 1,200 evaluated, 0 rejected.\n"
    trend = ["--from", "2024-10-31", "--to", "2025-01-31", "--format", "json"]
    assert run("trend", str(table), *trend).stdout == run("trend", str(lines), *trend).stdout


def _parquet(path, columns: dict) -> str:
    pq.write_table(pa.table(columns), path)
    return str(path)


def test_parquet_caseloads_that_cannot_be_read_are_located_coded_errors_and_the_rest_is_evaluated(tmp_path):
    good = json.dumps(_case("G1", []))
    bad = {
        _parquet(tmp_path / "named.parquet", {"case_id": ["X"], "timelines": [good]}):
            "timeline-parquet: no column 'timeline' (did you mean 'timelines'?); a Parquet caseload holds a case "
            "a row, its timeline as JSON text in a column named 'timeline'; this file's columns: case_id, timelines",
        _parquet(tmp_path / "typed.parquet", {"timeline": [1, 2]}):
            "timeline-parquet: the column 'timeline' is of type int64; it holds each case's timeline as JSON text "
            "(string or binary)",
        str(tmp_path / "missing.parquet"): "timeline-not-found: no such file",
    }
    (tmp_path / "text.parquet").write_text("case_id,timeline\n", encoding="utf-8")
    bad[str(tmp_path / "text.parquet")] = "timeline-unreadable: not a Parquet file (ArrowInvalid: "
    rows = _parquet(tmp_path / "rows.parquet", {"timeline": [good, None, "{not json"]})
    for path, says in bad.items():
        result = run(path, rows, "--as-of", "2024-03-01", "--format", "json")
        assert result.returncode == 2, result.stderr
        assert result.stderr.startswith("ppcheck: 4 cases read: 1 evaluated, 3 rejected.\n"), result.stderr
        assert f"\n{path}: {says}" in result.stderr
        # Each bad row of the readable file is named by its row number, and its first row is evaluated.
        assert f"\n{rows}:2: timeline-json: the row's timeline is empty (null)" in result.stderr
        assert f"\n{rows}:3:2: timeline-json: " in result.stderr
        assert json.loads(result.stdout)["inputs"]["evaluated"] == 1
        assert "Traceback" not in result.stderr


def test_a_folder_is_read_with_its_parquet_caseloads_and_one_parquet_file_is_a_caseload(tmp_path):
    folder = tmp_path / "caseload"
    folder.mkdir()
    _parquet(folder / "b.parquet", {"timeline": [json.dumps(_case("B1", [])), json.dumps(_case("B2", []))]})
    (folder / "a.jsonl").write_text(json.dumps(_case("A1", [])) + "\n", encoding="utf-8")
    result = run(str(folder), "--as-of", "2024-03-01", "--format", "jsonl")
    assert [json.loads(line)["case_id"] for line in result.stdout.splitlines()] == ["A1", "B1", "B2"]
    one = run(str(folder / "b.parquet"), "--as-of", "2024-03-01")
    assert one.stderr == "ppcheck: 2 cases read: 2 evaluated, 0 rejected.\n"  # the caseload summary, not one case


def test_without_pyarrow_a_parquet_caseload_is_one_located_error_saying_what_to_install(tmp_path):
    path = _parquet(tmp_path / "cases.parquet", {"timeline": [json.dumps(_case("A1", []))]})
    script = ("import sys; sys.modules['pyarrow'] = sys.modules['pyarrow.parquet'] = None\n"
              "from ppcompliance.caseload.inputs import items\n"
              "print([(i.source, i.line, str(i.problem)) for i in items([sys.argv[1]])])")
    found = subprocess.run([sys.executable, "-c", script, path], capture_output=True, text=True, timeout=60)
    assert found.stdout.strip() == repr([(path, 0, f"{path}: timeline-unreadable: reading a Parquet caseload "
                                                     "needs pyarrow: pip install 'ppcompliance[analytics]'")])
