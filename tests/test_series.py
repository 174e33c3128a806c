"""``engine.series``: a rule's verdict state at a series of as-of dates, with work shared between them, is at every
date exactly what ``evaluate`` gives on that date.

The series evaluates a rule again only when an event it reads arrives or a comparison it made with the as-of
date would come out otherwise; everything here holds it to a fresh ``evaluate`` at each date, day by day where
verdicts turn:

* every hand-worked rule test's timeline (the default rulebook's and the rule-language v2 tests', which hold
  the edge cases: months, custody pauses and waits, arranged and answered events, recording dates,
  ``applies_within`` with dated conditions, deviations), on every day from before its first event to after its
  as-of date;
* generated timelines (Hypothesis) at irregular dates, with custody and RoSH changes between them;
* synthetic caseloads at every few days over two years;

and checks that every event type a rule is seen to read is among those it declares (``Rule.reads``), since a
type left out would let the series keep a verdict the event changes.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ppcompliance.engine import series
from ppcompliance.engine.evaluate import evaluate, rule_state, rule_verdict
from ppcompliance.engine.series import states_over
from ppcompliance.engine.view import CaseView
from ppcompliance.errors import TimelineError
from ppcompliance.policy.tests import load_tests, test_files as rule_test_files
from ppcompliance.rules import load_rulebook
from ppcompliance.synthetic.generate import generate_caseload
from ppcompliance.timeline.load import timeline_from_data
from ppcompliance.timeline.model import Timeline

from conftest import examples
from strategies import custody, event_fields, iso, mappa, registration, risk_assessments, timelines

ROOT = Path(__file__).resolve().parents[1]
V2 = ROOT / "tests" / "rulebooks" / "v2"
STATES = ROOT / "tests" / "rulebooks" / "series"


@pytest.fixture(scope="module")
def states_rulebook():
    return load_rulebook(STATES)


def _evaluated(rulebook, timeline, days, only=None):
    return [tuple(v.state for v in evaluate(rulebook, timeline, day, only).verdicts) for day in days]


def _assert_same(rulebook, timeline, days, only=None):
    found = states_over(rulebook, timeline, days, only)
    wanted = _evaluated(rulebook, timeline, days, only)
    ids = only or [rule.id for rule in rulebook.rules]
    for day, got, want in zip(days, found, wanted):
        assert got == want, (timeline.case.id, day, [(i, g, w) for i, g, w in zip(ids, got, want) if g != w])


# --- the hand-worked rule tests' timelines, day by day ------------------------------------------------------------


def _span(test) -> list[date]:
    """Every day from 20 days before the test's first event (or its case's start) to 40 days after its as-of
    date and its case's end, whichever is later."""
    case = test.timeline["case"]
    known = [date.fromisoformat(e["date"]) for e in test.timeline["events"]]
    known += [date.fromisoformat(case["start_date"])]
    last = max([test.as_of, date.fromisoformat(case.get("end_date") or case["expected_end_date"])])
    first = min(known) - timedelta(days=20)
    return [first + timedelta(days=k) for k in range((last - first).days + 41)]


@pytest.mark.parametrize("rules", [ROOT / "rules", V2], ids=["default", "v2"])
def test_each_rule_tests_timeline_gets_at_every_day_what_evaluate_gives(rules):
    rulebook = load_rulebook(rules)
    tests, problems = load_tests(rule_test_files(rules))
    assert not problems and len(tests) > 50
    for test in tests:
        timeline = timeline_from_data(test.timeline, f"{test.file}:{test.line}")
        _assert_same(rulebook, timeline, _span(test), only=(test.rule_id,))


# --- generated timelines --------------------------------------------------------------------------------------------


@st.composite
def timelines_changing(draw) -> dict:
    """A timeline with a spell in custody and RoSH assessments after its start, besides whatever else."""
    timeline = draw(timelines(max_events=40))
    start = date.fromisoformat(timeline["case"]["start_date"])
    extra = draw(custody(start + timedelta(days=draw(st.integers(0, 200)))))
    extra += draw(risk_assessments(start + timedelta(days=draw(st.integers(-30, 200)))))
    extra.append(("risk_assessment", start + timedelta(days=draw(st.integers(61, 400))),
                  draw(event_fields("risk_assessment"))))
    return _with(timeline, extra, "T")


def _with(timeline: dict, extra: list, prefix: str) -> dict:
    for n, (kind, day, fields) in enumerate(extra):
        timeline["events"].append({"id": f"{prefix}{n:02d}", "type": kind, "date": iso(day), **fields})
    return timeline


def _dates(timeline: Timeline, lead: int, steps: list[int]) -> list[date]:
    """A date ``lead`` days from the start, then one after each step."""
    days = [timeline.case.start_date + timedelta(days=lead)]
    for step in steps:
        days.append(days[-1] + timedelta(days=step))
    return days


@settings(max_examples=examples(40), deadline=None)
@given(timelines_changing(), st.integers(-60, 200), st.lists(st.integers(1, 45), min_size=1, max_size=30))
def test_generated_timelines_get_at_each_date_what_evaluate_gives(rulebook, data, lead, steps):
    timeline = timeline_from_data(data, "generated")
    _assert_same(rulebook, timeline, _dates(timeline, lead, steps))


@st.composite
def timelines_of_every_state(draw) -> dict:
    """A changing timeline with tier calculations, MAPPA management and registrations added as well."""
    timeline = draw(timelines_changing())
    start = date.fromisoformat(timeline["case"]["start_date"])
    extra = [("tier_calculation", start + timedelta(days=draw(st.integers(-20, 300))),
              draw(event_fields("tier_calculation"))) for _ in range(draw(st.integers(0, 3)))]
    extra += draw(mappa(start + timedelta(days=draw(st.integers(0, 200)))))
    extra += draw(registration(start + timedelta(days=draw(st.integers(0, 200)))))
    return _with(timeline, extra, "S")


@settings(max_examples=examples(60), deadline=None)
@given(timelines_of_every_state(), st.integers(-60, 200), st.lists(st.integers(1, 30), min_size=1, max_size=40))
def test_rules_reading_every_kind_of_state_get_what_evaluate_gives(states_rulebook, data, lead, steps):
    # Custody, tier, MAPPA, registrations, RoSH and the share of supervision elapsed, each read by a rule of
    # tests/rulebooks/series, changing between the dates.
    timeline = timeline_from_data(data, "generated")
    _assert_same(states_rulebook, timeline, _dates(timeline, lead, steps))


@pytest.mark.parametrize("seed", [3, 2024])
def test_synthetic_cases_get_every_third_day_what_evaluate_gives(rulebook, seed):
    days = [date(2023, 9, 1) + timedelta(days=3 * k) for k in range(245)]  # to the end of 2025
    for data in generate_caseload(8, seed):
        _assert_same(rulebook, timeline_from_data(data, "synthetic"), days)


# --- what a rule reads --------------------------------------------------------------------------------------------


def _types_read(monkeypatch, rule, timeline: Timeline, day: date) -> set[str]:
    """The event types ``rule`` reads of the timeline on ``day``, evaluated alone on a fresh view."""
    read: set[str] = set()
    of_type = Timeline.of_type

    def recording(self, event_type):
        read.add(event_type)
        return of_type(self, event_type)

    with monkeypatch.context() as patched:
        patched.setattr(Timeline, "of_type", recording)
        rule_verdict(rule, CaseView(timeline, day))
    return read


@pytest.mark.parametrize("rules", [ROOT / "rules", V2, STATES], ids=["default", "v2", "states"])
def test_every_type_a_rule_reads_is_one_it_declares(monkeypatch, rules):
    rulebook = load_rulebook(rules)
    tests = [t for folder in (ROOT / "rules", V2) for t in load_tests(rule_test_files(folder))[0]]
    cases = [timeline_from_data(t.timeline, "test") for t in tests[::3]]
    cases += [timeline_from_data(data, "synthetic") for data in generate_caseload(20, 7)]
    seen: set[str] = set()
    for timeline in cases:
        for day in (timeline.case.start_date + timedelta(days=40), timeline.case.end + timedelta(days=30)):
            for rule in rulebook.rules:
                read = _types_read(monkeypatch, rule, timeline, day)
                assert read <= rule.reads, (rule.id, sorted(read - rule.reads))
                seen |= read
    # The check had something to see: conditions' state, custody, deviations and matchers' types were read.
    assert {"risk_assessment", "custody_start", "deviation", "appointment"} <= seen


def test_a_rule_declares_its_conditions_its_matchers_custody_and_deviations(rulebook):
    act02 = rulebook.rule("ACT-02")  # contact in person by RoSH level, paused in custody, with exemptions
    assert {"appointment", "risk_assessment", "custody_start", "custody_release", "mappa_level_set",
            "registration_added", "registration_removed", "deviation"} <= act02.reads
    assert "appointment" not in act02.reads_whole  # read through its matcher: attended in-person contacts only
    assert rulebook.rule("CON-07").reads >= {"termination", "deviation"}  # the end recorded


# --- sharing the work --------------------------------------------------------------------------------------------


def test_a_case_that_ended_before_the_dates_is_evaluated_once(rulebook, monkeypatch):
    data = list(generate_caseload(40, 5))
    timeline = next(t for t in (timeline_from_data(d, "synthetic") for d in data) if t.case.end < date(2025, 6, 1))
    evaluated = []
    rule_state = series.rule_state

    def counting(rule, view):
        evaluated.append((rule.id, view.as_of_date))
        return rule_state(rule, view)

    monkeypatch.setattr(series, "rule_state", counting)
    days = [date(2025, 6, 30) + timedelta(days=30 * k) for k in range(12)]
    found = states_over(rulebook, timeline, days)
    # Nothing after the end of supervision is seen, and every due date has passed: the first date's verdicts
    # stand.
    assert len(evaluated) == len(rulebook.rules) and {d for _, d in evaluated} == {days[0]}
    assert found == _evaluated(rulebook, timeline, days)


def test_an_event_arriving_evaluates_again_only_the_rules_that_select_it(rulebook, monkeypatch):
    day = date(2024, 3, 1)
    data = {"case": {"id": "X1", "supervision_type": "licence", "start_date": "2024-01-08",
                     "expected_end_date": "2026-01-07"},
            "events": [{"id": "E1", "type": "risk_assessment", "date": "2024-01-10", "rosh": "medium"},
                       {"id": "E2", "type": "victim_contact", "date": "2024-03-10", "kind": "safety_work"}]}
    timeline = timeline_from_data(data, "x")
    evaluated = []
    rule_state = series.rule_state
    monkeypatch.setattr(series, "rule_state", lambda rule, view: evaluated.append((rule.id, view.as_of)) or
                        rule_state(rule, view))
    states_over(rulebook, timeline, [day, day + timedelta(days=10)])
    again = {rule_id for rule_id, as_of in evaluated if as_of == (day + timedelta(days=10)).toordinal()}
    # VIC-03 counts safety work with a victim: evaluated again. VIC-01 and VIC-02 read victim contact too, but
    # only scheme offers, and none of their dates came: kept. A few others are evaluated again because a date
    # they compare with came (a contact window opening), and the rest are kept.
    assert {"VIC-01", "VIC-02", "VIC-03"} <= {rule.id for rule in rulebook.rules if "victim_contact" in rule.reads}
    assert "VIC-03" in again and not {"VIC-01", "VIC-02"} & again
    assert 0 < len(again) < len(rulebook.rules) // 2


# --- arguments ----------------------------------------------------------------------------------------------------


def test_dates_out_of_order_or_repeated_are_refused(rulebook):
    timeline = timeline_from_data(next(generate_caseload(1, 1)), "x")
    for days in ([date(2024, 2, 1), date(2024, 1, 1)], [date(2024, 1, 1), date(2024, 1, 1)]):
        with pytest.raises(ValueError, match="ascending order, each once"):
            states_over(rulebook, timeline, days)
    with pytest.raises(TypeError, match="as-of date as a datetime.date"):
        states_over(rulebook, timeline, ["2024-01-01"])  # type: ignore[list-item]


def test_a_deviation_naming_no_rule_is_refused_as_evaluate_refuses_it(rulebook):
    data = next(generate_caseload(1, 2))
    data["events"].append({"id": "D1", "type": "deviation", "date": "2024-05-01", "rule": "ACT-99",
                           "period_start": "2024-05-01", "period_end": "2024-06-01", "reason": "in_hospital",
                           "approved_by": "senior_probation_officer"})
    timeline = timeline_from_data(data, "x")
    with pytest.raises(TimelineError) as refused:
        states_over(rulebook, timeline, [date(2024, 6, 30)])
    with pytest.raises(TimelineError) as also:
        evaluate(rulebook, timeline, date(2024, 6, 30))
    assert [d.code for d in refused.value.diagnostics] == [d.code for d in also.value.diagnostics] == \
        ["timeline-unknown-rule"]


def test_rule_state_is_the_verdicts_state(rulebook):
    for data in generate_caseload(5, 9):
        timeline = timeline_from_data(data, "x")
        view = CaseView(timeline, date(2025, 1, 31))
        for rule in rulebook.rules:
            assert rule_state(rule, view) == rule_verdict(rule, view).state


# --- a reading only a written rule shows -------------------------------------------------------------------------

RULE_HEAD = """
  - id: {id}
    title: {title}
    area: enquiries
    stage: induction
    severity: high
    basis: {{citation: Test rule, illustrative: true}}
"""


def _one_rule(tmp_path, rule_id, title, body):
    (tmp_path / "rules.yaml").write_text("rules:" + RULE_HEAD.format(id=rule_id, title=title) + body)
    return load_rulebook(tmp_path)


def _case(events):
    return timeline_from_data({
        "case": {"id": "C1", "supervision_type": "community_order", "start_date": "2024-01-01",
                 "expected_end_date": "2024-12-31"},
        "events": [{"id": f"E{n}", **e} for n, e in enumerate(events, 1)]}, "x")


def test_a_dated_condition_read_over_a_window_is_read_again_as_the_horizon_reaches_its_date(tmp_path):
    # The rule applies to an allocation if, on any day from it to 30 days after, the day is on or after 7 June
    # (as far as the timeline has been read). Allocated on 1 June: on 3 June no such day has been read (not
    # applicable); on 10 June 7 June has (a review is due by 31 July: pending). No event comes between.
    rulebook = _one_rule(tmp_path, "T-WITHIN", "A review after allocation, from 7 June", """\
    applies_when: {dates: {from: 2024-06-07}}
    applies_within: {days: 30}
    deadline:
      trigger: {event: allocation}
      expect: {event: risk_review}
      within: {days: 60}
""")
    timeline = _case([{"type": "allocation", "date": "2024-06-01"}])
    days = [date(2024, 6, 3), date(2024, 6, 10)]
    assert [s for (s,) in states_over(rulebook, timeline, days)] == ["not_applicable", "pending"]
    assert states_over(rulebook, timeline, days) == _evaluated(rulebook, timeline, days)

