"""``ppcheck trend``: the dates a trend takes, and each of its points is exactly what a one-date run gives.

The dates are worked out by hand from the calendar. The equality with one-date runs is a property over
generated caseloads (Hypothesis timelines with cases that start, end, go into custody and change RoSH level
between the dates; and the synthetic generator's caseloads), and a command-line test that compares the trend's
JSON points with separate ``ppcheck --as-of DATE --format json`` runs.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppcompliance.caseload.inputs import Item
from ppcompliance.caseload.summary import Caseload
from ppcompliance.caseload.trend import MAX_POINTS, Trend, TrendOptions, points, trend_case
from ppcompliance.caseload.work import CheckOptions, Selection, check_case
from ppcompliance.synthetic.generate import generate_caseload

from conftest import examples
from strategies import custody, event_fields, iso, risk_assessments, timelines

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
RATE_SECTIONS = ("overall", "areas", "rules", "units")


def run(*args):
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, timeout=300)


# --- the dates -----------------------------------------------------------------------------------------------


def test_month_ends_from_the_first_to_the_last_date():
    found = points(date(2024, 4, 30), date(2025, 3, 31), "month")
    assert len(found) == 12
    assert found[0] == date(2024, 4, 30) and found[-1] == date(2025, 3, 31)
    assert date(2025, 2, 28) in found and date(2024, 2, 29) not in found
    # A first date that is not a month end: the first point is that month's end.
    assert points(date(2024, 1, 15), date(2024, 3, 1), "month") == (date(2024, 1, 31), date(2024, 2, 29))


def test_quarter_ends():
    assert points(date(2024, 1, 15), date(2024, 12, 31), "quarter") == (
        date(2024, 3, 31), date(2024, 6, 30), date(2024, 9, 30), date(2024, 12, 31))
    assert points(date(2024, 4, 1), date(2024, 9, 29), "quarter") == (date(2024, 6, 30),)


def test_weeks_count_on_from_the_first_date():
    assert points(date(2024, 1, 1), date(2024, 1, 15), "week") == (
        date(2024, 1, 1), date(2024, 1, 8), date(2024, 1, 15))
    assert points(date(2024, 1, 1), date(2024, 1, 14), "week") == (date(2024, 1, 1), date(2024, 1, 8))


@pytest.mark.parametrize("first, last, every, says", [
    (date(2025, 1, 1), date(2024, 1, 1), "month", "before the first"),
    (date(2024, 1, 1), date(2024, 1, 30), "month", "no month end"),
    (date(1990, 1, 1), date(2024, 1, 1), "week", "more than"),
    (date(2024, 1, 1), date(2024, 3, 1), "day", "every is one of"),
])
def test_impossible_spans_are_refused(first, last, every, says):
    with pytest.raises(ValueError, match=says):
        points(first, last, every)
    assert MAX_POINTS == 1000


# --- each point is a one-date run ------------------------------------------------------------------------------


def _items(cases: list[dict]) -> list[Item]:
    out = []
    for n, case in enumerate(cases, 1):
        text = json.dumps(case).encode("utf-8")
        out.append(Item("caseload.jsonl", n, text, size=len(text)))
    return out


def _one_date(rulebook, cases, day, by, selection=Selection()):
    caseload = Caseload(rulebook, day, by, selection=selection)
    for item in _items(cases):
        caseload.add(check_case(rulebook, CheckOptions(day, selection=selection), item))
    return caseload.summary().as_dict()


def _trend(rulebook, cases, first, last, every, by, selection=Selection()):
    trend = Trend(rulebook, every, first, last, by, selection)
    options = TrendOptions(trend.points, selection)
    for item in _items(cases):
        trend.add(trend_case(rulebook, options, item))
    return trend.summary()


def _assert_points_are_one_date_runs(rulebook, cases, first, last, every, by, selection=Selection()):
    found = _trend(rulebook, cases, first, last, every, by, selection)
    doc = found.as_dict()
    assert doc["points"] == [d.isoformat() for d in points(first, last, every)]
    for point in doc["series"]:
        alone = _one_date(rulebook, cases, date.fromisoformat(point["as_of"]), by, selection)
        assert {k: point[k] for k in RATE_SECTIONS} == {k: alone[k] for k in RATE_SECTIONS}, point["as_of"]
        assert doc["inputs"] == alone["inputs"] and doc["rejected"] == alone["rejected"]


def _month_end(day: date) -> date:
    following = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return following - timedelta(days=1)


@st.composite
def changing_cases(draw) -> dict:
    """A timeline with, besides whatever else, a spell in custody and RoSH assessments after its start, so that
    custody and RoSH change between month ends, and a span of month ends from before its start to after its
    end (it starts and ends between points)."""
    timeline = draw(timelines(max_events=40))
    case = timeline["case"]
    start = date.fromisoformat(case["start_date"])
    extra = draw(custody(start + timedelta(days=draw(st.integers(20, 120)))))
    extra += draw(risk_assessments(start + timedelta(days=draw(st.integers(0, 60)))))
    extra.append(("risk_assessment", start + timedelta(days=draw(st.integers(61, 300))),
                  draw(event_fields("risk_assessment"))))
    for n, (kind, day, fields) in enumerate(extra):
        timeline["events"].append({"id": f"T{n:02d}", "type": kind, "date": iso(day), **fields})
    return timeline


@settings(max_examples=examples(15))
@given(st.lists(changing_cases(), min_size=1, max_size=4), st.sampled_from((None, "team")),
       st.integers(-2, 2), st.integers(3, 10))
def test_every_point_of_a_trend_is_what_a_run_on_that_date_gives(rulebook, cases, by, lead, months):
    # Case ids made unique except, sometimes, one repeat: a repeated case is rejected at every point alike.
    for n, case in enumerate(cases):
        case["case"]["id"] = f"C{n}"
    if len(cases) > 2:
        cases[-1]["case"]["id"] = "C0"
    start = min(date.fromisoformat(c["case"]["start_date"]) for c in cases)
    first = _month_end(start + timedelta(days=31 * lead))
    last = first + timedelta(days=31 * months)
    _assert_points_are_one_date_runs(rulebook, cases, first, last, "month", by)


@settings(max_examples=examples(5))
@given(st.integers(0, 10_000), st.sampled_from(("week", "month", "quarter")), st.sampled_from((None, "region")))
def test_every_point_of_a_synthetic_caseloads_trend_is_a_one_date_run(rulebook, seed, every, by):
    cases = list(generate_caseload(6, seed))
    first = date(2024, 4, 30)
    last = {"week": date(2024, 7, 31), "month": date(2025, 3, 31), "quarter": date(2025, 12, 31)}[every]
    _assert_points_are_one_date_runs(rulebook, cases, first, last, every, by)


def test_a_selection_and_rejected_cases_are_accounted_for_at_every_point(rulebook):
    cases = list(generate_caseload(8, 11))
    team = cases[0]["case"]["units"]["team"]
    broken = json.loads(json.dumps(cases[3]))
    broken["events"][0]["date"] = "2024-02-30"
    cases[3] = broken
    _assert_points_are_one_date_runs(rulebook, cases, date(2024, 6, 30), date(2024, 12, 31), "quarter", "team",
                                     Selection({"team": frozenset({team})}))
    found = _trend(rulebook, cases, date(2024, 6, 30), date(2024, 12, 31), "quarter", None)
    for summary in found.summaries:
        assert (summary.inputs.read, summary.inputs.evaluated, summary.inputs.rejected) == (8, 7, 1)


# --- the command ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def caseload(tmp_path_factory):
    path = tmp_path_factory.mktemp("trend") / "caseload.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for case in generate_caseload(40, 2024):
            out.write(json.dumps(case) + "\n")
    return path


def test_the_commands_json_points_are_separate_runs(caseload, tmp_path):
    result = run("trend", str(caseload), "--from", "2024-04-30", "--to", "2025-03-31", "--every", "month",
                 "--by", "team", "--format", "json", "--jobs", "2")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["format"] == "ppcompliance.trend/1" and len(doc["series"]) == 12
    assert "40 cases read: 40 evaluated, 0 rejected" in result.stderr
    for point in doc["series"][::3] + doc["series"][-1:]:
        alone = run(str(caseload), "--as-of", point["as_of"], "--by", "team", "--format", "json", "--jobs", "1")
        assert alone.returncode in (0, 1), alone.stderr
        single = json.loads(alone.stdout)
        assert {k: point[k] for k in RATE_SECTIONS} == {k: single[k] for k in RATE_SECTIONS}


def test_the_commands_csv_rows_are_those_of_separate_runs(caseload):
    result = run("trend", str(caseload), "--from", "2024-01-01", "--to", "2024-12-31", "--every", "quarter",
                 "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    alone = list(csv.reader(io.StringIO(run(str(caseload), "--as-of", "2024-09-30", "--format", "csv").stdout)))
    assert rows[0] == alone[0]
    assert [r for r in rows[1:] if r[0] == "2024-09-30"] == alone[1:]
    assert sorted({r[0] for r in rows[1:]}) == ["2024-03-31", "2024-06-30", "2024-09-30", "2024-12-31"]


def test_the_html_page_is_self_contained_with_a_chart_per_area(caseload, tmp_path):
    out = tmp_path / "trend.html"
    result = run("trend", str(caseload), "--from", "2024-04-30", "--to", "2025-03-31", "--by", "region",
                 "--format", "html", "-o", str(out))
    assert result.returncode == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    areas = json.loads(run("trend", str(caseload), "--from", "2025-03-31", "--to", "2025-03-31",
                           "--format", "json").stdout)["series"][0]["areas"]
    regions = {c["case"]["units"]["region"] for c in map(json.loads, caseload.read_text().splitlines())}
    assert page.count('<svg class="trend"') == 1 + len(areas) + len(regions)
    assert "<script" not in page and "http://" not in page and "https://" not in page
    assert "default-src &#39;none&#39;" in page  # the policy, as the page's attribute spells it
    assert all(a["title"].replace("'", "&#39;") in page for a in areas)


def test_the_text_report_gives_each_areas_rate_at_each_date(caseload):
    result = run("trend", str(caseload), "--from", "2024-10-31", "--to", "2024-12-31")
    assert result.returncode == 0, result.stderr
    doc = json.loads(run("trend", str(caseload), "--from", "2024-10-31", "--to", "2024-12-31",
                         "--format", "json").stdout)
    lines = result.stdout.splitlines()
    for point in doc["series"]:
        line = next(x for x in lines if x.startswith(point["as_of"]))
        for area in point["areas"]:
            assert (f"{area['rate']:.1f}%" if area["rate"] is not None else "\u2013") in line


@pytest.mark.parametrize("args, where", [
    (["--from", "2025-03-31", "--to", "2024-04-30"], "'--from' / '--to' / '--every'"),
    (["--from", "2024-02-30", "--to", "2024-04-30"], "'--from'"),
    (["--from", "2024-04-30", "--to", "2025-03-31", "--format", "parquet"], "'--output' / '-o'"),
])
def test_usage_errors_name_the_option_and_exit_2(caseload, args, where):
    result = run("trend", str(caseload), *args)
    assert result.returncode == 2
    assert where in result.stderr and "Traceback" not in result.stderr


def test_a_rejected_case_exits_2_and_the_others_are_still_counted(tmp_path, caseload):
    path = tmp_path / "cases.jsonl"
    path.write_text(caseload.read_text().splitlines()[0] + "\n{not json\n", encoding="utf-8")
    result = run("trend", str(path), "--from", "2024-04-30", "--to", "2024-06-30", "--format", "json")
    assert result.returncode == 2
    doc = json.loads(result.stdout)
    assert doc["inputs"] == {"read": 2, "evaluated": 1, "outside": 0, "rejected": 1}
    assert "timeline-json" in result.stderr
