"""A caseload through ppcheck: every input accounted for, rates that add up, the same output on any number of
cores, and the worklist."""

import csv
import io
import json
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import ppcompliance as pp
from hypothesis import given, settings
from hypothesis import strategies as st

from ppcompliance.caseload import ids
from ppcompliance.caseload.batch import ordered_map
from ppcompliance.caseload.inputs import items
from ppcompliance.caseload.summary import Caseload
from ppcompliance.caseload.work import CheckOptions, task
from ppcompliance.report.worklist import Section

from conftest import EXAMPLES, examples

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
AS_OF = "2024-06-30"


def run(*args, stdin=None):
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, input=stdin, timeout=300)


def _lines():
    return [json.dumps(json.loads(p.read_text(encoding="utf-8")), separators=(",", ":"))
            for p in sorted(EXAMPLES.glob("*.json"))]


@pytest.fixture()
def faulty(tmp_path):
    """The four examples with a truncated line, a wrong type deep in one event, and a repeated case id."""
    lines = _lines()
    wrong = json.loads(lines[1])
    wrong["case"]["id"] = "X999999"
    wrong["events"][5]["date"] = 20240105
    rows = [lines[0], lines[0][:200], lines[1], json.dumps(wrong), lines[2], lines[3], lines[0]]
    path = tmp_path / "caseload.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_every_input_case_is_accounted_for_and_each_problem_named(faulty, tmp_path):
    out = tmp_path / "out.jsonl"
    result = run(str(faulty), "--as-of", AS_OF, "--format", "jsonl", "-o", str(out), "--jobs", "2")
    assert result.returncode == 2  # some input was rejected; the rest were still evaluated
    assert "Traceback" not in result.stderr
    assert "7 cases read: 4 evaluated, 3 rejected" in result.stderr
    assert f"{faulty}:2: timeline-json" in result.stderr
    wrong_event = json.loads(_lines()[1])["events"][5]["id"]
    assert re.search(rf"{re.escape(str(faulty))}:4:\d+ \$\.events\[5\]\.date \(event {wrong_event}\): timeline-schema",
                     result.stderr), result.stderr
    assert f"{faulty}:7 $.case.id: caseload-duplicate-case" in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7  # one record per input line, in input order
    ids = [json.loads(line)["case"]["id"] for line in _lines()]  # the examples in file-name order
    assert [r.get("case_id") or ("rejected", r["line"]) for r in records] == [
        ids[0], ("rejected", 2), ids[1], ("rejected", 4), ids[2], ids[3], ("rejected", 7)]
    assert [[p["code"] for p in r["problems"]] for r in records if "problems" in r] == [
        ["timeline-json"], ["timeline-schema"], ["caseload-duplicate-case"]]


def evaluated(rulebook, paths, day, **options):
    return ordered_map(task(rulebook, CheckOptions(day, **options)), items(paths))


def test_summary_rates_add_up_to_the_single_case_verdicts(rulebook):
    day = date.fromisoformat(AS_OF)
    caseload = Caseload(rulebook, day, by="team")
    for result in evaluated(rulebook, [str(EXAMPLES)], day):
        assert caseload.add(result)
    summary = caseload.summary().as_dict()
    reports = [pp.evaluate(rulebook, pp.load_timeline(p), day) for p in sorted(EXAMPLES.glob("*.json"))]
    for rule in summary["rules"]:
        states = [v.state for r in reports for v in r.verdicts if v.rule_id == rule["rule_id"]]
        assert rule["counts"] == {s.value: states.count(s) for s in pp.STATES}
        resolved = sum(states.count(s) for s in ("compliant", "late", "missed"))
        assert rule["applicable"] == resolved
        assert rule["rate"] == (None if not resolved else round(100 * states.count("compliant") / resolved, 1))
    overall = summary["overall"]
    assert sum(overall["counts"].values()) == len(reports) * len(rulebook.rules)
    assert overall["cases_failing"] == sum(r.failing for r in reports)
    assert sorted(u["unit"] for u in summary["units"]) == sorted(r.case.units["team"] for r in reports)


def test_the_same_output_on_one_core_and_on_two(faulty):
    one = run(str(faulty), "--as-of", AS_OF, "-f", "jsonl", "--jobs", "1")
    two = run(str(faulty), "--as-of", AS_OF, "-f", "jsonl", "--jobs", "2")
    assert one.stdout == two.stdout and one.stdout.count("\n") == 7


def test_jsonl_records_are_the_single_case_reports(rulebook):
    day = date.fromisoformat(AS_OF)
    reports = [pp.evaluate(rulebook, pp.load_timeline(p), day) for p in sorted(EXAMPLES.glob("*.json"))]
    compact = run(str(EXAMPLES), "--as-of", AS_OF, "-f", "jsonl")
    assert [json.loads(line) for line in compact.stdout.splitlines()] == [pp.compact_record(r, rulebook) for r in reports]
    full = run(str(EXAMPLES), "--as-of", AS_OF, "-f", "jsonl", "--detail", "full")
    assert [json.loads(line) for line in full.stdout.splitlines()] == [pp.report_to_dict(r, rulebook)
                                                                       for r in reports]
    assert compact.returncode == full.returncode == 1  # the examples have missed actions


def test_standard_input_takes_json_lines():
    result = run("-", "--as-of", AS_OF, "-f", "json", stdin="\n".join(_lines()) + "\n")
    summary = json.loads(result.stdout)
    assert summary["inputs"] == {"read": 4, "evaluated": 4, "outside": 0, "rejected": 0}


@pytest.mark.parametrize("fmt", ["text", "json", "csv", "markdown"])
def test_summary_formats(fmt):
    result = run(str(EXAMPLES), "--as-of", AS_OF, "-f", fmt, "--by", "region")
    assert result.returncode == 1 and result.stdout
    if fmt == "json":
        assert json.loads(result.stdout)["by"] == "region"
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout)))
        assert {r["scope"] for r in rows} == {"overall", "area", "rule", "region"}
    if fmt == "text":
        assert "By practice area" in result.stdout and "By region" in result.stdout


def test_worklist_is_soonest_first_and_within_the_horizon():
    result = run("due", str(EXAMPLES), "--as-of", AS_OF, "--within", "2w", "-f", "json", "--past")
    sections = json.loads(result.stdout)["sections"]
    assert list(sections) == ["overdue", "due", "past"]
    for name, section in sections.items():
        rows = section["rows"]
        assert len(rows) == section["total"]
        assert [r["due"] for r in rows] == sorted(r["due"] for r in rows)
        assert all(r["section"] == name for r in rows)
    assert all(r["state"] == "missed" and r["due"] < AS_OF for r in sections["overdue"]["rows"])
    assert all(r["state"] == "pending" and AS_OF <= r["due"] <= "2024-07-14" for r in sections["due"]["rows"])
    assert sections["overdue"]["rows"] and sections["due"]["rows"] and sections["past"]["rows"]
    # A check that had to come before sentence cannot be done now: it is in the past, with its remedy named.
    enq01 = [r for r in sections["past"]["rows"] if r["rule_id"] == "ENQ-01"]
    assert enq01 and all(r["remedy"] == ["ENQ-03"] for r in enq01)
    assert result.returncode == 1


def test_output_to_a_closed_pipe_stops_quietly(tmp_path):
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(_lines() * 50) + "\n", encoding="utf-8")
    command = f"'{PPCHECK}' '{big}' --as-of {AS_OF} -f jsonl --jobs 2 | head -1"
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], capture_output=True, text=True, timeout=300)
    assert result.stdout.count("\n") == 1
    assert "Traceback" not in result.stderr and "Broken pipe" not in result.stderr


def test_a_summary_keeps_only_the_soonest_worklist_rows_but_counts_them_all(rulebook, tmp_path):
    # The summary's worklist is bounded so that its memory does not grow with the caseload.
    day = date.fromisoformat(AS_OF)
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(line.replace('"id":"', f'"id":"C{i}-', 1) for i in range(5) for line in _lines())
                    + "\n", encoding="utf-8")
    full, bounded = Caseload(rulebook, day, worklist_limit=None), Caseload(rulebook, day, worklist_limit=7)
    for result in evaluated(rulebook, [str(path)], day):
        assert full.add(result) and bounded.add(result)
    for section in Section:
        rows = full.worklist.rows(section)
        assert len(rows) == full.worklist.totals[section] == bounded.worklist.totals[section]
        assert bounded.worklist.rows(section) == rows[:7]
    assert full.worklist.totals[Section.OVERDUE] > 7


def test_a_caseload_summed_in_parts_is_the_caseload_summed_whole(rulebook, tmp_path):
    day = date.fromisoformat(AS_OF)
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(line.replace('"id":"', f'"id":"C{i}-', 1) for i in range(5) for line in _lines())
                    + "\n", encoding="utf-8")
    results = list(evaluated(rulebook, [str(path)], day))
    whole = Caseload(rulebook, day, by="team", worklist_limit=9)
    first, second = Caseload(rulebook, day, by="team", worklist_limit=9), Caseload(rulebook, day, by="team",
                                                                                  worklist_limit=9)
    for n, result in enumerate(results):
        whole.add(result)
        (first if n % 3 else second).add(result)
    first.merge(second)
    assert first.summary().as_dict() == whole.summary().as_dict()


# --- a worklist a team can act on ---------------------------------------------------------------------------


def _teams():
    return {json.loads(line)["case"]["units"]["team"]: json.loads(line)["case"]["id"] for line in _lines()}


def test_filters_pick_the_cases_of_a_team_and_account_for_the_rest():
    teams = _teams()
    team, case_id = sorted(teams.items())[0]
    result = run(str(EXAMPLES), "--as-of", AS_OF, "-f", "json", "--team", team)
    summary = json.loads(result.stdout)
    assert summary["inputs"] == {"read": 4, "evaluated": 1, "outside": 3, "rejected": 0}
    assert summary["selection"] == {"team": [team]}
    assert f"ppcheck: 4 cases read: 1 evaluated, 3 outside team {team}, 0 rejected." in result.stderr
    due = json.loads(run("due", str(EXAMPLES), "--as-of", AS_OF, "-f", "json", "--team", team).stdout)
    assert {r["case_id"] for s in due["sections"].values() for r in s["rows"]} == {case_id}


def test_only_open_cases_are_in_the_worklist_unless_asked(tmp_path):
    closed = json.loads(_lines()[1])
    closed["case"]["id"] = "CLOSED-1"
    closed["case"]["end_date"] = "2024-06-01"
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(closed) + "\n", encoding="utf-8")
    open_only = json.loads(run("due", str(path), "--as-of", AS_OF, "-f", "json").stdout)
    assert open_only["closed_left_out"] > 0
    assert all(s["rows"] == [] for s in open_only["sections"].values())
    both = json.loads(run("due", str(path), "--as-of", AS_OF, "-f", "json", "--include-closed").stdout)
    rows = [r for s in both["sections"].values() for r in s["rows"]]
    assert rows and all(r["case_id"] == "CLOSED-1" and r["closed"] for r in rows)
    assert len(rows) == open_only["closed_left_out"]


def test_the_text_summary_shows_what_to_do_this_week_not_the_oldest_misses():
    text = run(str(EXAMPLES), "--as-of", AS_OF).stdout
    worklist = text[text.index("Worklist as of"):]
    assert "\nOverdue and still to do: " in worklist and "\nDue soon: " in worklist
    assert "Missed and no longer possible" not in worklist
    assert "can no longer be done (ppcheck due --past lists them)." in worklist
    overdue = worklist[worklist.index("Overdue and still to do"):worklist.index("Due soon")]
    soon = worklist[worklist.index("Due soon"):]
    assert " overdue " in overdue and " left " not in overdue
    assert " left " in soon and " overdue " not in soon


def test_no_traceback_over_repeated_caseload_runs(tmp_path):
    # A shutdown race used to print a traceback at exit in some runs; benchmarks/tracebacks.py runs 100.
    path = tmp_path / "cases.jsonl"
    subprocess.run([PPCHECK, "generate", "--cases", "200", "--seed", "9", "-o", str(path)], check=True)
    commands = [[str(path), "--as-of", AS_OF, "--jobs", "2"],
                [str(path), "--as-of", AS_OF, "--jobs", "2", "-f", "jsonl", "-o", str(tmp_path / "out.jsonl")],
                ["due", str(path), "--as-of", AS_OF, "--jobs", "2"]]
    for _ in range(4):
        for args in commands:
            result = run(*args)
            assert result.returncode in (0, 1), result.stderr
            assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, result.stderr


# --- the ids of the cases read: a compact set -----------------------------------------------------------------


@settings(max_examples=examples(200))
@given(st.lists(st.text(min_size=1, max_size=4), max_size=60), st.lists(st.text(min_size=1, max_size=4), max_size=30))
def test_case_ids_behave_as_a_set_of_ids(first, second):
    # With room for three ids before a merge, the sorted array and the pending set are both exercised.
    pending, ids.PENDING = ids.PENDING, 3
    try:
        mine, theirs, plain = ids.CaseIds(), ids.CaseIds(), set()
        for case_id in first:
            assert mine.add(case_id) is (case_id not in plain)
            plain.add(case_id)
            assert case_id in mine and len(mine) == len(plain)
        for case_id in second:
            theirs.add(case_id)
        mine.update(theirs)
        assert len(mine) == len(plain | set(second))
        assert all(case_id in mine for case_id in plain | set(second))
        assert [x for x in ("", "zzzzz", "unseen") if x in mine] == []
    finally:
        ids.PENDING = pending


def test_case_ids_grow_by_about_eight_bytes_an_id():
    import tracemalloc

    tracemalloc.start()
    found = ids.CaseIds()
    before = tracemalloc.get_traced_memory()[0]
    for n in range(100_000):
        found.add(f"X{n:07d}")
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    assert len(found) == 100_000
    assert grown < 100_000 * 8 + ids.PENDING * 80, grown  # a set of ints would be ~6 MB here
