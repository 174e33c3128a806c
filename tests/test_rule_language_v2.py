"""The rule language's v2 constructs end to end: their rule tests, their bad input, their words, and the
invariants they bring (docs/rule-language.md).

The verdicts of each construct are pinned by the hand-worked rule tests in tests/rulebooks/v2 (run here), and
checked against the naive reference in tests/test_reference_oracle.py. This file covers what those do not:
every way a rule or a timeline can misuse a construct (a located, coded error, never a traceback), the month
arithmetic against an independent implementation, what the explanations and the JSON say, and properties.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ppcompliance as pp
from ppcompliance import dates
from ppcompliance.policy.tests import Coverage, load_tests, run_test
from ppcompliance.policy.tests import test_files as rule_test_files

from conftest import ROOT, examples
from strategies import timelines_with_as_of

V2 = ROOT / "tests" / "rulebooks" / "v2"
PPCHECK = str(Path(sys.executable).with_name("ppcheck"))


def run(*args) -> subprocess.CompletedProcess:
    """Run ppcheck; whatever it is given, it must never show a traceback."""
    result = subprocess.run([PPCHECK, *map(str, args)], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


@pytest.fixture(scope="module")
def v2() -> pp.Rulebook:
    return pp.load_rulebook(V2)


# --- the hand-worked rule tests -----------------------------------------------------------------------------


def test_every_construct_passes_its_hand_worked_rule_tests_at_full_coverage(v2):
    tests, problems = load_tests(rule_test_files(V2))
    assert problems == []
    outcomes = [run_test(v2, t) for t in tests]
    failed = [(o.test.name, o.error or o.differences) for o in outcomes if not o.passed]
    assert failed == []
    coverage = Coverage()
    for outcome in outcomes:
        coverage.observe(outcome)
    assert coverage.report(v2)["rules"]["percent"] == 100.0
    # Each construct's rules show more than one verdict across their tests.
    assert all(len(coverage.rules[rule_id]) >= 2 for rule_id in v2.by_id), coverage.rules


def test_the_test_rulebook_lints_clean_but_for_its_deliberate_overlaps():
    result = run("lint", V2, "--format", "json")
    codes = {f["code"] for f in json.loads(result.stdout)["findings"]}
    assert codes == {"lint-overlap"}, result.stdout


# --- months: the end-of-month rule against an independent implementation ------------------------------------

MONTH_CASES = [  # written from docs/day-counting.md, by hand
    (date(2024, 1, 15), 1, date(2024, 2, 15)),
    (date(2024, 1, 31), 1, date(2024, 2, 29)),
    (date(2025, 1, 31), 1, date(2025, 2, 28)),
    (date(2024, 3, 31), 1, date(2024, 4, 30)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 1, 31), 2, date(2024, 3, 31)),
    (date(2024, 3, 31), -1, date(2024, 2, 29)),
    (date(2024, 12, 31), 2, date(2025, 2, 28)),
]


@pytest.mark.parametrize("day, months, wanted", MONTH_CASES)
def test_months_follow_the_end_of_month_rule(day, months, wanted):
    assert dates.add_months(day.toordinal(), months) == wanted.toordinal()


@settings(max_examples=examples(300))
@given(st.dates(date(1900, 1, 1), date(2200, 12, 31)), st.integers(-240, 240))
def test_months_agree_with_dateutil(day, months):
    # python-dateutil comes with the holidays package (a dependency): an independent month arithmetic.
    from dateutil.relativedelta import relativedelta

    assert date.fromordinal(dates.add_months(day.toordinal(), months)) == day + relativedelta(months=months)


def test_a_month_duration_says_months_and_counts_late_days_in_calendar_days(v2):
    rule = v2.rule("V-MON-1")
    assert rule.obligation.within.span() == "1 month"
    assert "Within 1 month of a sentence" in rule.obligation.describe()


# --- bad rules: a located, coded error for every misuse -------------------------------------------------------

RULE_HEAD = """rules:
  - id: T-1
    title: A test rule
    area: curiosity
    stage: delivery
    severity: low
    basis: {citation: A test of bad input, illustrative: true}
"""

BAD_RULES = {
    "a month count of 0": (
        "    deadline:\n      trigger: {event: sentence}\n      expect: {event: risk_review}\n"
        "      within: {months: 0}\n", "rule-schema", "within: {months: 0}"),
    "a cut-off before the due date": (
        "    response:\n      trigger: {event: new_information}\n      respond: {event: risk_review}\n"
        "      within: {working_days: 10}\n      cut_off: {days: 7}\n", "rule-impossible-window", "cut_off"),
    "arranged on events that are not appointments": (
        "    deadline:\n      trigger: {event: sentence}\n      expect: {event: risk_review, arranged: true}\n"
        "      within: {days: 7}\n", "rule-option", "arranged: true"),
    "answered on events that are not enquiries": (
        "    deadline:\n      trigger: {event: sentence}\n      expect: {event: referral, answered: true}\n"
        "      within: {days: 7}\n", "rule-option", "answered: true"),
    "answered with a status": (
        "    precedence:\n      trigger: {event: sentence}\n      expect:\n        event: enquiry\n"
        "        where: {agency: police, topic: domestic_abuse, status: requested}\n        answered: true\n",
        "rule-option", "status: requested"),
    "about_trigger where there is no trigger": (
        "    cadence:\n      qualifying: {event: appointment, about_trigger: true}\n      max_gap: {days: 14}\n",
        "rule-option", "about_trigger"),
    "applies_within on a periodic rule": (
        "    applies_when: {registration: ADVP}\n    applies_within: {days: 10}\n"
        "    cadence:\n      qualifying: {event: appointment}\n      max_gap: {days: 14}\n",
        "rule-option", "applies_within"),
    "applies_within with no applies_when": (
        "    applies_within: {days: 10}\n    deadline:\n      trigger: {event: sentence}\n"
        "      expect: {event: risk_review}\n      within: {days: 7}\n", "rule-option", "applies_within"),
    "custody and its short form together": (
        "    deadline:\n      trigger: {event: sentence}\n      expect: {event: risk_review}\n"
        "      within: {days: 7}\n      custody: pause\n      pause_in_custody: true\n",
        "rule-option", "pause_in_custody"),
    "nth_within with since": (
        "    response:\n      trigger:\n        event: appointment\n        nth: 2\n        nth_within: {days: 30}\n"
        "        since: {event: warning_letter, within: {months: 12}}\n      respond: {event: breach}\n"
        "      within: {days: 7}\n", "rule-option", "nth_within"),
    "dates that end before they start": (
        "    applies_when: {dates: {from: 2024-06-07, until: 2024-06-01}}\n    deadline:\n"
        "      trigger: {event: sentence}\n      expect: {event: risk_review}\n      within: {days: 7}\n",
        "rule-impossible-window", "until"),
    "due_on_non_working_day on a cadence with no gap": (
        "    cadence:\n      qualifying: {event: appointment}\n      at_least: 1\n      per: {weeks: 2}\n"
        "      due_on_non_working_day: next_working_day\n", "rule-option", "due_on_non_working_day"),
    "a custody choice a periodic rule cannot make": (
        "    cadence:\n      qualifying: {event: appointment}\n      max_gap: {days: 14}\n"
        "      custody: before_release\n", "rule-schema", "custody: before_release"),
    "an unknown when_unknown": (
        "    when_unknown: guess\n    deadline:\n      trigger: {event: sentence}\n"
        "      expect: {event: risk_review}\n      within: {days: 7}\n", "rule-schema", "when_unknown"),
}


@pytest.mark.parametrize("name", sorted(BAD_RULES))
def test_a_misused_construct_is_a_located_coded_error(tmp_path, name):
    body, code, marker = BAD_RULES[name]
    text = RULE_HEAD + body
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    line = next(n for n, row in enumerate(text.splitlines(), 1) if marker in row)
    result = run("lint", path)
    assert result.returncode == 1, result.stdout + result.stderr  # lint: 1 = problems found
    assert f"{path}:{line}:" in result.stdout + result.stderr and f": {code}: " in result.stdout + result.stderr, \
        result.stdout + result.stderr


# --- bad timelines: located, coded, status 2 ---------------------------------------------------------------------


def _timeline(*events: dict, **case: str) -> dict:
    return {"case": {"id": "B1", "supervision_type": "community_order", "start_date": "2024-01-08",
                     "expected_end_date": "2025-01-07", **case}, "events": list(events)}


BAD_TIMELINES = {
    "about names no event": (
        _timeline({"id": "E1", "type": "risk_review", "date": "2024-02-01", "about": "E9"}),
        "timeline-reference", "$.events[0].about"),
    "about names the event itself": (
        _timeline({"id": "E1", "type": "risk_review", "date": "2024-02-01", "about": "E1"}),
        "timeline-reference", "$.events[0].about"),
    "recorded before it happened": (
        _timeline({"id": "E1", "type": "sentence", "date": "2024-01-08"},
                  {"id": "E2", "type": "risk_review", "date": "2024-02-01", "recorded_date": "2024-01-31"}),
        "timeline-event-dates", "$.events[1].recorded_date"),
    "arranged after the day it was for": (
        _timeline({"id": "E1", "type": "appointment", "date": "2024-02-01", "arranged_date": "2024-02-02",
                   "mode": "office", "outcome": "arranged"}),
        "timeline-event-dates", "$.events[0].arranged_date"),
    "a deviation with no reason": (
        _timeline({"id": "D1", "type": "deviation", "date": "2024-02-01", "rule": "V-JUST",
                   "period_start": "2024-01-01", "period_end": "2024-02-01", "approved_by": "head_of_pdu"}),
        "timeline-schema", "$.events[0]"),
    "a deviation naming neither a rule nor an area": (
        _timeline({"id": "D1", "type": "deviation", "date": "2024-02-01", "period_start": "2024-01-01",
                   "period_end": "2024-02-01", "reason": "other", "approved_by": "head_of_pdu"}),
        "timeline-deviation", "$.events[0]"),
    "a deviation ending before it starts": (
        _timeline({"id": "D1", "type": "deviation", "date": "2024-02-01", "area": "activity",
                   "period_start": "2024-02-01", "period_end": "2024-01-01", "reason": "other",
                   "approved_by": "head_of_pdu"}),
        "timeline-event-dates", "$.events[0].period_end"),
    "a deviation naming a rule the rulebook does not have": (
        _timeline({"id": "E1", "type": "sentence", "date": "2024-01-08"},
                  {"id": "D1", "type": "deviation", "date": "2024-02-01", "rule": "V-JSUT",
                   "period_start": "2024-01-01", "period_end": "2024-02-01", "reason": "other",
                   "approved_by": "head_of_pdu"}),
        "timeline-unknown-rule", "$.events[1].rule"),
}


@pytest.mark.parametrize("name", sorted(BAD_TIMELINES))
def test_a_misused_timeline_field_is_a_located_coded_error(tmp_path, name):
    data, code, json_path = BAD_TIMELINES[name]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    result = run(path, "--rules", V2, "--as-of", "2024-06-30")
    assert result.returncode == 2, result.stdout + result.stderr
    assert f": {code}: " in result.stderr and json_path in result.stderr, result.stderr
    assert result.stderr.splitlines()[1].startswith(f"{path}:"), result.stderr  # after the count of problems


def test_an_unknown_rule_in_a_deviation_is_named_with_a_suggestion(tmp_path):
    data, _, _ = BAD_TIMELINES["a deviation naming a rule the rulebook does not have"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    err = run(path, "--rules", V2, "--as-of", "2024-06-30").stderr
    assert "the deviation names rule 'V-JSUT', which is not in the rulebook (did you mean 'V-JUST'?)" in err


def test_in_a_caseload_a_deviation_naming_an_unknown_rule_rejects_that_case_only(tmp_path):
    bad, _, _ = BAD_TIMELINES["a deviation naming a rule the rulebook does not have"]
    good = _timeline({"id": "E1", "type": "sentence", "date": "2024-01-08"})
    good["case"]["id"] = "G1"
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    result = run(path, "--rules", V2, "--as-of", "2024-06-30", "--format", "json")
    assert result.returncode == 2
    assert f"{path}:2:" in result.stderr, result.stderr  # its line and column in the file
    assert "$.events[1].rule (event D1): timeline-unknown-rule:" in result.stderr, result.stderr
    assert json.loads(result.stdout)["inputs"]["evaluated"] == 1


# --- what the reports say ---------------------------------------------------------------------------------------


def _report(v2: pp.Rulebook, data: dict, as_of: date) -> dict:
    report = pp.evaluate(v2, pp.timeline_from_data(data), as_of)
    return json.loads(pp.report_to_json(report, v2))


def _rule(report: dict, rule_id: str) -> dict:
    return next(r for r in report["rules"] if r["rule_id"] == rule_id)


def test_a_provisional_due_date_is_marked_and_said(v2):
    data = _timeline({"id": "S1", "type": "sentence", "date": "2024-01-08"},
                     {"id": "C1", "type": "custody_start", "date": "2024-01-10", "reason": "remand"})
    (instance,) = _rule(_report(v2, data, date(2024, 2, 15)), "V-CUS-P")["instances"]
    assert instance["verdict"] == "pending" and instance["provisional"] is True
    assert instance["sentence"] == (
        "A sentence plan is owed 15 working days after a sentence on Mon 8 Jan 2024 (the clock stopped for 37 days "
        "in custody); the person is in custody, so the due date is provisional: it moves when they are released.")


def test_an_anchored_trigger_names_its_anchor(v2):
    data = _timeline({"id": "W1", "type": "warning_letter", "date": "2024-01-10"},
                     {"id": "F1", "type": "appointment", "date": "2024-03-04", "mode": "office",
                      "outcome": "failed_unacceptable"})
    (instance,) = _rule(_report(v2, data, date(2024, 3, 6)), "V-SINCE")["instances"]
    assert instance["anchor"] == {"event_id": "W1", "type": "warning_letter", "date": "2024-01-10"}
    assert instance["sentence"] == (
        "Breach action is due by Mon 18 Mar 2024, 10 working days after an unacceptable failure on Mon 4 Mar 2024 "
        "(within 12 months of the warning letter on Wed 10 Jan 2024, W1): 8 working days left.")


def test_a_late_response_past_the_cut_off_is_cited_and_does_not_count(v2):
    data = _timeline({"id": "A1", "type": "new_information", "date": "2024-03-04", "kind": "arrest"},
                     {"id": "R1", "type": "risk_review", "date": "2024-04-05", "about": "A1"})
    (instance,) = _rule(_report(v2, data, date(2024, 4, 15)), "V-ABOUT")["instances"]
    assert instance["verdict"] == "missed" and instance["evidence"][0]["event_id"] == "R1"
    assert instance["sentence"] == (
        "A risk review about the arrest was due by Mon 11 Mar 2024, 5 working days after an arrest on Mon 4 Mar "
        "2024; one was recorded on Fri 5 Apr 2024 (R1), after the cut-off on Mon 1 Apr 2024, so it does not count: "
        "23 working days overdue.")


def test_an_unanswered_request_does_not_count_and_the_sentence_says_why(v2):
    data = _timeline({"id": "Q1", "type": "enquiry", "date": "2023-12-01", "agency": "police",
                      "topic": "domestic_abuse", "status": "requested"},
                     {"id": "S1", "type": "sentence", "date": "2024-01-08"})
    (instance,) = _rule(_report(v2, data, date(2024, 2, 1)), "V-ANS")["instances"]
    assert instance["sentence"] == ("The police domestic abuse enquiry should have come before a sentence on Mon 8 "
                                    "Jan 2024, and none is recorded (an enquiry counts once it is answered): 24 days "
                                    "overdue.")


def test_an_event_recorded_long_after_it_happened_is_cited_with_its_recording_date(v2):
    data = _timeline({"id": "S1", "type": "sentence", "date": "2024-01-31"},
                     {"id": "R1", "type": "risk_review", "date": "2024-02-20", "recorded_date": "2024-02-27"})
    (instance,) = _rule(_report(v2, data, date(2024, 3, 31)), "V-MON-1")["instances"]
    assert instance["sentence"] == ("A risk review was recorded on Tue 20 Feb 2024 (R1, recorded Tue 27 Feb 2024), "
                                    "within the 1 month allowed after a sentence on Wed 31 Jan 2024.")


def test_the_rulebook_page_describes_each_construct(v2):
    said = {r.id: r.obligation.describe() for r in v2.rules}
    assert said["V-ROLL-DL"] == ("Each time there is new information: a risk review within 1 week (a due date on a "
                                 "weekend or bank holiday moves to the next working day).")
    assert said["V-CUS-BR"] == ("Each time there is a recall: a risk review within 10 working days (or, if the "
                                "person is still in custody then, by their last day in custody).")
    assert said["V-SINCE"] == ("Each time there is the first unacceptable failure within 12 months after a warning "
                               "letter: breach action within 10 working days.")
    assert said["V-ABOUT"] == ("Each time there is an arrest: a risk review about the arrest within 5 working days; "
                               "after 4 weeks a late one no longer counts.")
    assert said["V-REC"] == "Each appointment recorded within 2 working days of the day it happened."


# --- properties -----------------------------------------------------------------------------------------------------


@settings(max_examples=examples(60))
@given(timelines_with_as_of(), st.data())
def test_a_recording_date_never_changes_when_an_event_happened(data, draw):
    """Adding recording dates (on or after each event's date) changes no verdict of a rulebook without recording
    rules: every rule counts from when things happened."""
    timeline, as_of = data
    rulebook = pp.load_rulebook()
    recorded = json.loads(json.dumps(timeline))
    for event in recorded["events"]:
        if draw.draw(st.booleans()):
            late = draw.draw(st.integers(0, 400))
            event["recorded_date"] = (date.fromisoformat(event["date"]) + timedelta(days=late)).isoformat()
    before = pp.evaluate(rulebook, pp.timeline_from_data(timeline), as_of)
    after = pp.evaluate(rulebook, pp.timeline_from_data(recorded), as_of)
    assert [(v.rule_id, v.state, [(i.state, i.due, i.days) for i in v.instances]) for v in before.verdicts] == \
        [(v.rule_id, v.state, [(i.state, i.due, i.days) for i in v.instances]) for v in after.verdicts]
