"""``ppcheck import``: extracts (tables) to timelines through a mapping file, and the synthetic caseload as tables.

Expected values are worked out by hand from the tables and docs/import.md; the round trip compares the
imported timelines with the generated ones as data (the timeline loader sorts events by date and id).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ppcompliance.cli import main
from ppcompliance.tables import Tables, Tally, import_tables, parse_mapping
from ppcompliance.tables.readers import Row
from ppcompliance.timeline.load import timeline_from_data

from conftest import EXAMPLES

EXTRACT = EXAMPLES / "tables"
OLD = "last week's caseload\n"


def ppcheck(capsys, *args):
    """Run ppcheck in this process: (exit status, stdout, stderr)."""
    with pytest.raises(SystemExit) as exited:
        main([str(a) for a in args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "internal error" not in err, err
    return exited.value.code or 0, out, err


@pytest.fixture
def extract(tmp_path):
    """A copy of examples/tables to change, and an output file that already holds something."""
    folder = tmp_path / "extract"
    shutil.copytree(EXTRACT, folder)
    (tmp_path / "caseload.jsonl").write_text(OLD, encoding="utf-8")
    return folder


def run_import(capsys, folder, *extra, tables=("registrations", "assessments"), events="contacts.csv"):
    args = ["import", "-m", folder / "mapping.yaml", "--cases", folder / "cases.csv", "--events", folder / events]
    for name in tables:
        args += [f"--{name}", folder / f"{name}.csv"]
    return ppcheck(capsys, *args, *extra)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


# --- the example extract, imported -------------------------------------------------------------------------------

EXPECTED = [
    {"case": {"id": "X100001", "supervision_type": "community_order", "start_date": "2024-01-08",
              "expected_end_date": "2025-01-07", "units": {"team": "T-NE-03-2"}},
     "events": [
         {"id": "C1001", "type": "sentence", "date": "2024-01-08"},
         {"id": "C1002", "type": "enquiry", "date": "2024-01-09", "agency": "police", "topic": "domestic_abuse",
          "status": "requested"},
         {"id": "C1003", "type": "appointment", "date": "2024-01-11", "mode": "office", "outcome": "attended",
          "ndelius_code": "COAP"},
         # 1004 is a letter (CLTR): ignored, as the mapping says.
         {"id": "R501", "type": "registration_added", "date": "2024-01-12", "code": "ADVP", "ndelius_code": "ADVP"},
         {"id": "C1005", "type": "enquiry", "date": "2024-01-18", "agency": "police", "topic": "domestic_abuse",
          "status": "response_received"},
         # M, H, H, L: the highest is H.
         {"id": "A9001", "type": "risk_assessment", "date": "2024-01-22", "rosh": "high"},
         {"id": "C1006", "type": "appointment", "date": "2024-01-25", "mode": "home_visit",
          "outcome": "failed_unacceptable", "ndelius_code": "CHVS"},
     ]},
    {"case": {"id": "X100002", "supervision_type": "licence", "start_date": "2024-02-01",
              "expected_end_date": "2025-07-31", "units": {"team": "T-NE-01-1"}},
     "events": [
         {"id": "C2001", "type": "licence_release", "date": "2024-02-01"},
         {"id": "R601", "type": "registration_added", "date": "2024-02-01", "code": "MAPP", "ndelius_code": "MAPP"},
         {"id": "C2002", "type": "appointment", "date": "2024-02-02", "mode": "office", "outcome": "attended",
          "ndelius_code": "COAP"},
         # L, M and two empty cells: medium.
         {"id": "A9101", "type": "risk_assessment", "date": "2024-02-05", "rosh": "medium"},
         {"id": "C2003", "type": "management_oversight", "date": "2024-02-20"},
         # No outcome yet: the mapping's default, arranged.
         {"id": "C2004", "type": "appointment", "date": "2024-06-30", "mode": "office", "outcome": "arranged",
          "ndelius_code": "COAP"},
     ]},
]


def test_the_example_extract_imports_as_worked_out_by_hand(capsys, extract, tmp_path):
    target = tmp_path / "caseload.jsonl"
    status, out, err = run_import(capsys, extract, "-o", target)
    assert status == 0, err
    assert out == ""
    assert [json.loads(line) for line in target.read_text(encoding="utf-8").splitlines()] == EXPECTED
    assert "imported 2 of 2 cases (13 events)" in err
    assert "CLTR (1)" in err


def test_the_example_is_a_valid_caseload_for_ppcheck(capsys, extract, tmp_path):
    target = tmp_path / "caseload.jsonl"
    run_import(capsys, extract, "-o", target)
    status, out, err = ppcheck(capsys, target, "--as-of", "2024-06-30", "--format", "json")
    assert status in (0, 1), err
    assert json.loads(out)["inputs"]["read"] == 2


# --- the round trip: generate -> tables -> import -> the same timelines -------------------------------------------


def _timelines(path: Path):
    return [timeline_from_data(json.loads(line), "case") for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_a_generated_caseload_survives_the_round_trip_through_tables(capsys, tmp_path, fmt):
    if fmt == "parquet":
        pytest.importorskip("pyarrow")
    generated, folder, imported = tmp_path / "generated.jsonl", tmp_path / "tables", tmp_path / "imported.jsonl"
    assert ppcheck(capsys, "generate", "-n", 200, "-s", 7, "-o", generated)[0] == 0
    status, _, err = ppcheck(capsys, "generate", "-n", 200, "-s", 7, "--tables", folder, "--table-format", fmt)
    assert status == 0, err
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        ["mapping.yaml", *(f"{t}.{fmt}" for t in ("cases", "events", "registrations", "assessments"))])
    args = ["import", "-m", folder / "mapping.yaml", "--strict", "-o", imported]
    for option, table in (("--cases", "cases"), ("--events", "events"), ("--registrations", "registrations"),
                          ("--assessments", "assessments")):
        args += [option, folder / f"{table}.{fmt}"]
    status, _, err = ppcheck(capsys, *args)
    assert status == 0, err
    before, after = _timelines(generated), _timelines(imported)
    assert len(after) == 200
    assert after == before  # the same cases, the same events with the same fields, compared as data
    assert "CNOT (200)" in err  # one case note a case, ignored as the mapping says


def test_the_tables_use_source_codes_not_the_timelines_names(capsys, tmp_path):
    folder = tmp_path / "tables"
    ppcheck(capsys, "generate", "-n", 20, "-s", 3, "--tables", folder)
    events = (folder / "events.csv").read_text(encoding="utf-8")
    assert "appointment" not in events and "office" not in events and "attended" not in events
    assert ",COAP," in events and "ATTC" in events
    cases = (folder / "cases.csv").read_text(encoding="utf-8")
    assert "community_order" not in cases


# --- the mapping file ---------------------------------------------------------------------------------------------


def test_an_unknown_event_type_in_the_mapping_is_located_with_its_suggestion(capsys, extract, tmp_path):
    mapping = extract / "mapping.yaml"
    replace(mapping, "CMOV: {type: management_oversight}", "CMOV: {type: management_oversigth}")
    line = line_of(mapping, "CMOV:")
    status, out, err = run_import(capsys, extract, "-o", tmp_path / "caseload.jsonl")
    assert status == 2
    # The value is written after "    CMOV: {type: " (17 characters), so at column 18.
    assert f"mapping.yaml:{line}:18: mapping-unknown-event: 'management_oversigth' is not an event type " \
           f"(did you mean 'management_oversight'?)" in err
    assert (tmp_path / "caseload.jsonl").read_text(encoding="utf-8") == OLD


def test_an_unknown_field_and_value_in_the_mapping_are_located(capsys, extract):
    mapping = extract / "mapping.yaml"
    replace(mapping, "CHVS: {type: appointment, mode: home_visit,", "CHVS: {type: appointment, mdoe: home_visit,")
    replace(mapping, "LIC: licence", "LIC: licnce")
    status, _, err = run_import(capsys, extract)
    assert status == 2
    assert f"mapping.yaml:{line_of(mapping, 'CHVS:')}:" in err
    assert "mapping-unknown-field: 'mdoe' is not a field of an appointment event (did you mean 'mode'?)" in err
    assert f"mapping.yaml:{line_of(mapping, 'LIC: licnce')}:10: mapping-unknown-value: 'licnce' is not a " \
           f"supervision type (did you mean 'licence'?)" in err
    # Without mode, the home visit's appointment also lacks a required field.
    assert "mapping-incomplete" in err


def test_a_mapping_that_breaks_its_schema_is_located():
    with pytest.raises(Exception) as raised:
        parse_mapping("mapping: 1\ncases:\n  columns: {id: CRN}\n  supervision_types: {CO: community_order}\n"
                      "events:\n  columns: {case: CRN, id: ID, date: D, code: C}\n  codes: {X: {type: sentence}}\n"
                      "  colour: blue\n", "m.yaml")
    assert raised.value.codes == ["mapping-schema", "mapping-schema"]
    lines = sorted((d.line, d.message) for d in raised.value.diagnostics)
    assert lines[0][0] == 3 and "'expected_end_date'" in lines[0][1]  # the case columns lack the dates
    assert lines[1][0] == 8 and "'colour'" in lines[1][1]


def test_a_yaml_tag_in_the_mapping_is_refused():
    with pytest.raises(Exception) as raised:
        parse_mapping("mapping: !!python/object:os.system 1\n", "m.yaml")
    assert "mapping-yaml" in raised.value.codes


# --- bad tables ---------------------------------------------------------------------------------------------------


def test_a_missing_column_is_located_and_nothing_is_replaced(capsys, extract, tmp_path):
    replace(extract / "contacts.csv", "CRN,CONTACT_ID,CONTACT_DATE,", "CRN,CONTACT_ID,CONTACT_DAY,")
    status, out, err = run_import(capsys, extract, "-o", tmp_path / "caseload.jsonl")
    assert status == 2
    assert "contacts.csv:1: table-column: no column 'CONTACT_DATE' (the mapping reads it) (did you mean " \
           "'CONTACT_DAY'?)" in err
    assert (tmp_path / "caseload.jsonl").read_text(encoding="utf-8") == OLD
    assert not (tmp_path / "caseload.partial.jsonl").exists()


def test_a_bad_date_is_reported_at_its_row_and_the_other_cases_go_on(capsys, extract, tmp_path):
    replace(extract / "contacts.csv", "X100001,1005,18/01/2024", "X100001,1005,18/13/2024")
    status, out, err = run_import(capsys, extract, "-o", tmp_path / "caseload.jsonl", "--report",
                                  tmp_path / "report.json")
    assert status == 2
    # The header is line 1; 1005 is the sixth line.
    assert "contacts.csv:6 (case X100001): table-row: CONTACT_DATE: '18/13/2024' is not a date of the form " \
           "%d/%m/%Y" in err
    assert "imported 1 of 2 cases" in err and "1 refused" in err
    assert (tmp_path / "caseload.jsonl").read_text(encoding="utf-8") == OLD
    kept = [json.loads(line) for line in (tmp_path / "caseload.partial.jsonl").read_text().splitlines()]
    assert kept == [EXPECTED[1]]  # nothing lost: the other case is kept, the refused one is listed
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["cases"] == {"read": 2, "written": 1, "refused": 1}
    assert report["problems"]["shown"][0]["code"] == "table-row" and report["problems"]["shown"][0]["line"] == 6


def test_an_empty_required_cell_and_a_short_row_are_reported(capsys, extract):
    replace(extract / "contacts.csv", "X100002,2003,20/02/2024,CMOV,", "X100002,,20/02/2024,CMOV,")
    replace(extract / "assessments.csv", "X100001,9001,LAYER3,22/01/2024,M,H,H,L", "X100001,9001,LAYER3")
    status, out, err = run_import(capsys, extract)
    assert status == 2
    assert "contacts.csv:10 (case X100002): table-row: CONTACT_ID is empty" in err
    assert "assessments.csv:2: table-row: 3 cells where the header has 8" in err


def test_an_unsorted_table_is_a_located_error(capsys, extract, tmp_path):
    path = extract / "registrations.csv"
    path.write_text("CRN,REGISTRATION_ID,REGISTER_TYPE,REGISTRATION_DATE,DEREGISTRATION_DATE\n"
                    "X100002,601,MAPP,01/02/2024,\nX100001,501,ADVP,12/01/2024,\n", encoding="utf-8")
    status, out, err = run_import(capsys, extract, "-o", tmp_path / "caseload.jsonl")
    assert status == 2
    assert "registrations.csv:3: table-order: CRN 'X100001' comes after 'X100002' (line 2)" in err
    assert (tmp_path / "caseload.jsonl").read_text(encoding="utf-8") == OLD
    assert not (tmp_path / "caseload.partial.jsonl").exists()


def test_a_row_for_a_case_not_in_the_cases_table_is_reported(capsys, extract):
    with (extract / "contacts.csv").open("a", encoding="utf-8") as handle:
        handle.write("X100003,3001,01/03/2024,CMOV,\n")
    status, out, err = run_import(capsys, extract)
    assert status == 2
    assert "contacts.csv:12: table-orphan: CRN 'X100003' is not in the cases table" in err


def test_unmapped_codes_are_counted_and_listed(capsys, extract, tmp_path):
    replace(extract / "contacts.csv", "X100001,1002,09/01/2024,DAPR", "X100001,1002,09/01/2024,ZZZZ")
    replace(extract / "contacts.csv", "X100002,2003,20/02/2024,CMOV", "X100002,2003,20/02/2024,ZZZZ")
    replace(extract / "contacts.csv", "X100001,1003,11/01/2024,COAP,ATTC", "X100001,1003,11/01/2024,COAP,XXXX")
    status, out, err = run_import(capsys, extract, "-o", tmp_path / "caseload.jsonl")
    assert status == 0, err  # not an error without --strict, but never silent
    assert "2 values not in the mapping, in 3 rows" in err
    assert "contacts.csv:3: table-unmapped: CONTACT_TYPE 'ZZZZ': 2 rows" in err
    assert "contacts.csv:4: table-unmapped: OUTCOME 'XXXX': 1 row" in err
    written = [json.loads(line) for line in (tmp_path / "caseload.jsonl").read_text().splitlines()]
    assert [len(case["events"]) for case in written] == [7 - 2, 6 - 1]


def test_strict_makes_an_unmapped_code_an_error_and_writes_nothing(capsys, extract, tmp_path):
    replace(extract / "contacts.csv", "X100002,2003,20/02/2024,CMOV", "X100002,2003,20/02/2024,ZZZZ")
    status, out, err = run_import(capsys, extract, "--strict", "-o", tmp_path / "caseload.jsonl")
    assert status == 2
    assert "contacts.csv:10: table-unmapped: CONTACT_TYPE 'ZZZZ'" in err
    assert (tmp_path / "caseload.jsonl").read_text(encoding="utf-8") == OLD
    assert not (tmp_path / "caseload.partial.jsonl").exists()


def test_a_made_timeline_that_the_loader_refuses_is_placed_at_its_row(capsys, extract):
    # Two contacts with the same id (after the prefix) make one timeline with a duplicate event id.
    replace(extract / "contacts.csv", "X100001,1005,", "X100001,1002,")
    status, out, err = run_import(capsys, extract)
    assert status == 2
    assert "contacts.csv:6 (case X100001, event C1002): timeline-duplicate-event-id" in err


# --- Parquet ------------------------------------------------------------------------------------------------------


def test_a_parquet_table_of_the_wrong_shape_is_a_located_error(capsys, extract, tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.table({"CRN": ["X100001"], "CONTACT_ID": ["1001"], "CONTACT_DATE": [1.5], "CONTACT_TYPE": ["ESEN"],
                      "OUTCOME": [None]}, schema=pa.schema([("CRN", pa.string()), ("CONTACT_ID", pa.string()),
                                                            ("CONTACT_DATE", pa.float64()),
                                                            ("CONTACT_TYPE", pa.string()), ("OUTCOME", pa.string())]))
    pq.write_table(table, extract / "contacts.parquet")
    (extract / "broken.parquet").write_bytes(b"not parquet at all")
    target = tmp_path / "caseload.jsonl"
    status, out, err = run_import(capsys, extract, "-o", target, events="contacts.parquet")
    assert status == 2
    assert "contacts.parquet: table-column: the column 'CONTACT_DATE' is of type double" in err
    status, out, err = run_import(capsys, extract, "-o", target, events="broken.parquet")
    assert status == 2
    assert "broken.parquet: table-unreadable: not a Parquet file" in err
    assert target.read_text(encoding="utf-8") == OLD


# --- memory: one case at a time -----------------------------------------------------------------------------------


class Recorded:
    """A table whose rows say how far it has been read."""

    def __init__(self, source, rows):
        self.source = source
        self._rows = rows
        self.read = 0

    def rows(self):
        for row in self._rows:
            self.read += 1
            yield row


def test_the_importer_holds_one_case_at_a_time():
    mapping = parse_mapping((EXTRACT / "mapping.yaml").read_text(encoding="utf-8"), "mapping.yaml")
    n, per_case = 50, 4
    ids = [f"X{i:06d}" for i in range(n)]
    cases = Recorded("cases.csv", [Row(i + 2, {"CRN": c, "DISPOSAL_TYPE": "CO", "START_DATE": "08/01/2024",
                                               "EXPECTED_END_DATE": "07/01/2025"}) for i, c in enumerate(ids)])
    contacts = Recorded("contacts.csv", [Row(2 + i * per_case + j, {"CRN": c, "CONTACT_ID": str(j),
                                                                     "CONTACT_DATE": "09/01/2024",
                                                                     "CONTACT_TYPE": "CMOV"})
                                         for i, c in enumerate(ids) for j in range(per_case)])
    seen = 0
    for k, case in enumerate(import_tables(mapping, Tables(cases, contacts), Tally())):
        seen += 1
        assert case.id == ids[k]
        # When case k is handed over, no table has been read beyond case k and the first row of case k + 1.
        assert cases.read == k + 1
        assert contacts.read <= (k + 1) * per_case + 1
        assert len(case.document["events"]) == per_case
    assert seen == n


def test_an_output_named_as_parquet_is_a_usage_error_and_nothing_is_written(capsys, extract, tmp_path):
    status, out, err = run_import(capsys, extract, "-o", tmp_path / "caseload.parquet")
    assert status == 2
    assert "import writes JSON Lines, one case a line: give -o NAME.jsonl" in err
    assert not (tmp_path / "caseload.parquet").exists()
