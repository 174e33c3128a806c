"""A caseload through ppcheck: every input accounted for, rates that add up, the same output on any number of
cores, and the worklist."""

import csv
import io
import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

import ppcompliance as pp
from ppcompliance.caseload.batch import evaluate_caseload
from ppcompliance.caseload.summary import Caseload
from ppcompliance.caseload.inputs import items

from conftest import EXAMPLES

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
    assert f"{faulty}:4 $.events[5].date: timeline-schema" in result.stderr
    assert f"{faulty}:7 $.case.id: caseload-duplicate-case" in result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 7  # one record per input line, in input order
    ids = [json.loads(line)["case"]["id"] for line in _lines()]  # the examples in file-name order
    assert [r.get("case_id") or ("rejected", r["line"]) for r in records] == [
        ids[0], ("rejected", 2), ids[1], ("rejected", 4), ids[2], ids[3], ("rejected", 7)]
    assert [[p["code"] for p in r["problems"]] for r in records if "problems" in r] == [
        ["timeline-json"], ["timeline-schema"], ["caseload-duplicate-case"]]


def test_summary_rates_add_up_to_the_single_case_verdicts(rulebook):
    day = date.fromisoformat(AS_OF)
    caseload = Caseload(rulebook, day, by="team")
    for result in evaluate_caseload(rulebook, items([str(EXAMPLES)]), day):
        assert caseload.add(result)
    summary = caseload.summary()
    reports = [pp.evaluate(rulebook, pp.load_timeline(p), day) for p in sorted(EXAMPLES.glob("*.json"))]
    for rule in summary["rules"]:
        states = [v.state for r in reports for v in r.verdicts if v.rule_id == rule["rule_id"]]
        assert rule["counts"] == {s: states.count(s) for s in pp.STATES}
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
    result = run(str(EXAMPLES), "--as-of", AS_OF, "-f", "jsonl")
    day = date.fromisoformat(AS_OF)
    wanted = [pp.report_to_dict(pp.evaluate(rulebook, pp.load_timeline(p), day), rulebook)
              for p in sorted(EXAMPLES.glob("*.json"))]
    assert [json.loads(line) for line in result.stdout.splitlines()] == wanted
    assert result.returncode == 1  # the examples have missed actions


def test_standard_input_takes_json_lines():
    result = run("-", "--as-of", AS_OF, "-f", "json", stdin="\n".join(_lines()) + "\n")
    summary = json.loads(result.stdout)
    assert summary["inputs"] == {"read": 4, "evaluated": 4, "rejected": 0}


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
    result = run("due", str(EXAMPLES), "--as-of", AS_OF, "--within", "2w", "-f", "json")
    rows = json.loads(result.stdout)["rows"]
    assert rows and [r["due"] for r in rows] == sorted(r["due"] for r in rows)
    assert all(r["state"] == "missed" or r["due"] <= "2024-07-14" for r in rows)
    assert {r["state"] for r in rows} == {"missed", "pending"}
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
    full, bounded = Caseload(rulebook, day), Caseload(rulebook, day, worklist_limit=7)
    for result in evaluate_caseload(rulebook, items([str(path)]), day):
        assert full.add(result) and bounded.add(result)
    assert len(full.worklist()) == full.work_total == bounded.work_total > 7
    assert bounded.worklist() == full.worklist()[:7]
    assert bounded.summary()["worklist"]["total"] == full.work_total
