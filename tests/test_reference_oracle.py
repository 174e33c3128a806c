"""The engine against a naive day-by-day reference (tests/reference.py), one obligation template at a time.

Hypothesis draws a small rule of one template (random figures, units, look-backs, occurrence, strictly_before),
writes it as YAML, loads it with ``load_rulebook``, draws a small case whose events are the rule's trigger,
its expected event (and look-alikes the matcher must refuse) biased to land on due dates, the day after, the
look-back's edge and the as-of date, and checks that the engine's instances (state and due date, and for
deadline and response the days late, overdue or left) are the reference's, and the rule's verdict the worst of
them.

Covered: deadline (occurrence first / each, calendar or working days, optional look-back), response (each
trigger), precedence (with or without strictly_before and a look-back), recurrence (first_within / every,
calendar days), cadence (max_gap and windows, calendar days), before_end (calendar or working days).

Not covered: applies_when and unknown verdicts, in_force, by_rosh, nth triggers, pause_in_custody, an actual end_date for recurrence, cadence and before_end (deadline, response and
precedence do draw one, on or before the as-of date: lapsed obligations), days counts other than for deadline
and response, and evidence.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ppcompliance as pp

from conftest import examples
from reference import deadline_days, reference_states, step

SETTINGS = settings(max_examples=examples(150))

TRIGGER = {"event": "sentence_plan"}
EXPECT = {"event": "appointment", "where": {"outcome": "attended"}}
_counter = itertools.count()
BANK_HOLIDAYS = tuple(sorted(holidays.country_holidays("GB", subdiv="ENG", years=range(2023, 2026))))


# --- rules --------------------------------------------------------------------------------------------------


def _duration(units: tuple[str, ...], low: int, high: int) -> st.SearchStrategy[dict]:
    return st.builds(lambda u, n: {u: n}, st.sampled_from(units), st.integers(low, high))


def _days_of(duration: dict) -> int:
    ((unit, n),) = duration.items()
    return {"days": n, "weeks": 7 * n, "working_days": n}[unit]


@st.composite
def deadline_specs(draw) -> dict:
    within = draw(st.one_of(_duration(("days",), 0, 15), _duration(("working_days",), 1, 12),
                            _duration(("weeks",), 1, 3)))
    spec = {"trigger": {**TRIGGER, "occurrence": draw(st.sampled_from(("first", "each")))}, "expect": EXPECT,
            "within": within}
    if draw(st.booleans()):
        spec["look_back"] = draw(_duration(("days", "working_days"), 1, 10))
    return spec


@st.composite
def response_specs(draw) -> dict:
    return {"trigger": TRIGGER, "respond": EXPECT,
            "within": draw(_duration(("days", "working_days"), 1, 10))}


@st.composite
def precedence_specs(draw) -> dict:
    spec = {"trigger": {**TRIGGER, "occurrence": draw(st.sampled_from(("first", "each")))}, "expect": EXPECT}
    if draw(st.booleans()):
        spec["look_back"] = draw(_duration(("days", "working_days"), 1, 20))
    if draw(st.booleans()):
        spec["strictly_before"] = draw(st.booleans())
    return spec


@st.composite
def recurrence_specs(draw) -> dict:
    return {"qualifying": EXPECT, "first_within": draw(_duration(("days",), 1, 30)),
            "every": draw(st.one_of(_duration(("days",), 1, 30), _duration(("weeks",), 1, 4)))}


@st.composite
def cadence_specs(draw) -> dict:
    spec = {"qualifying": EXPECT}
    kinds = draw(st.sampled_from([("max_gap",), ("windows",), ("max_gap", "windows")]))
    if "max_gap" in kinds:
        spec["max_gap"] = draw(_duration(("days",), 1, 30))
    if "windows" in kinds:
        spec["at_least"] = draw(st.integers(1, 3))
        spec["per"] = draw(st.one_of(_duration(("days",), 1, 30), _duration(("weeks",), 1, 4)))
    return spec


@st.composite
def before_end_specs(draw) -> dict:
    unit = draw(st.sampled_from(("days", "working_days")))
    last = draw(st.integers(2, 30))
    spec = {"qualifying": EXPECT, "within_last": {unit: last}}
    if draw(st.booleans()):
        spec["at_least_before"] = {unit: draw(st.integers(0, last - 1))}
    return spec


def load(tmp_path, template: str, spec: dict) -> pp.Rulebook:
    rule = {"id": "REF-01", "title": "Reference rule", "area": "oversight", "stage": "review",
            "severity": "low", "basis": {"citation": "Reference test rule", "illustrative": True},
            template: spec}
    path = tmp_path / f"ref-{next(_counter)}.yaml"
    # JSON is YAML: flow style, no tags.
    path.write_text("rules:\n  - " + json.dumps(rule) + "\n", encoding="utf-8")
    return pp.load_rulebook(path)


# --- timelines ----------------------------------------------------------------------------------------------


def _figures(spec: dict) -> list[dict]:
    """The rule's own durations: events are drawn at and just past them."""
    keys = ("within", "look_back", "first_within", "every", "max_gap", "within_last", "at_least_before")
    return [spec[k] for k in keys if k in spec]


def _offset(anchor: date, figures: list[dict]) -> st.SearchStrategy[date]:
    edges = [st.sampled_from((-1, 0, 1, 2)).map(lambda k: anchor + timedelta(days=k)),
             st.integers(-40, 60).map(lambda k: anchor + timedelta(days=k))]
    for figure in figures:
        edges.append(st.builds(lambda d, k, f=figure: step(anchor, f, d) + timedelta(days=k),
                               st.sampled_from((1, -1)), st.sampled_from((0, 0, 1, -1, 2))))
    return st.one_of(edges)


@st.composite
def timelines_for(draw, template: str, spec: dict) -> tuple[dict, date]:
    # Often just before a bank holiday (Christmas, Easter, a coronation), where working days skip most.
    start = draw(st.one_of(
        st.dates(date(2023, 1, 1), date(2025, 12, 31)),
        st.builds(lambda h, k: h - timedelta(days=k), st.sampled_from(BANK_HOLIDAYS), st.integers(0, 20)),
    ))
    # Cadence and recurrence clocks stop at the expected end: often let it fall among the events and due dates.
    shortest = 90 if template in ("cadence", "recurrence") else 120
    expected_end = start + timedelta(days=draw(st.integers(shortest, 500)))
    case = {"id": "REF", "supervision_type": "community_order", "start_date": start.isoformat(),
            "expected_end_date": expected_end.isoformat()}
    figures = _figures(spec)
    if template == "before_end":
        anchors = [expected_end, step(expected_end, spec["within_last"], -1)]
        if "at_least_before" in spec:
            anchors.append(step(expected_end, spec["at_least_before"], -1))
    else:
        anchors = [start]
    drafted = []
    if template in ("deadline", "response", "precedence") and draw(st.integers(0, 4)):
        first = draw(_offset(start, figures))
        drafted.append({"type": "sentence_plan", "date": max(first, start)})
        anchors.append(max(first, start))
    elif template == "before_end" and draw(st.booleans()):
        # Late: between the window's close and the end.
        close = step(expected_end, spec.get("at_least_before", {"days": 0}), -1)
        late = close + timedelta(days=draw(st.integers(1, max((expected_end - close).days, 1))))
        drafted.append({"type": "appointment", "date": late, "mode": "office", "outcome": "attended"})
    for _ in range(draw(st.integers(0, 8))):
        day = draw(_offset(draw(st.sampled_from(anchors)), figures))
        kind = draw(st.sampled_from(("trigger", "expected", "expected", "expected", "other")))
        if kind == "trigger":
            if template in ("deadline", "response", "precedence"):
                day = max(day, start)
            drafted.append({"type": "sentence_plan", "date": day})
        elif kind == "expected":
            drafted.append({"type": "appointment", "date": day, "mode": "office", "outcome": "attended"})
        else:
            drafted.append(draw(st.sampled_from((
                {"type": "appointment", "date": day, "mode": "phone", "outcome": "failed_acceptable"},
                {"type": "risk_review", "date": day}))))
        anchors.append(day)
    if template == "before_end":
        # Nothing after the expected end: the reference does not decide what such an event would mean.
        drafted = [e for e in drafted if e["date"] <= expected_end]
        as_of = draw(_offset(draw(st.sampled_from(anchors)), figures))
        as_of = max(as_of, start)
    else:
        # Triggers are on or after the start; keep the as-of date (and so every due date) well before the
        # expected end, where the docs say nothing about a case still open past it.
        days = [e["date"] for e in drafted] + [start]
        as_of = draw(st.one_of(
            st.sampled_from(days).flatmap(lambda d: _offset(d, figures)),
            st.integers(0, 200).map(lambda k: start + timedelta(days=k)),
        ))
        as_of = min(max(as_of, start), start + timedelta(days=100))
        drafted = [e for e in drafted if e["date"] <= start + timedelta(days=110)]
    if template in ("deadline", "response", "precedence") and draw(st.integers(0, 3)) == 0:
        # Supervision ended (early) on or before the as-of date: often on or next to a due date or an event.
        end = draw(st.one_of(st.sampled_from(anchors).flatmap(lambda d: _offset(d, figures)),
                             st.integers(0, 100).map(lambda k: start + timedelta(days=k))))
        end = min(max(end, start), as_of)
        case["end_date"] = end.isoformat()
    events = [{"id": f"E{i:02d}", **e, "date": e["date"].isoformat()} for i, e in enumerate(drafted)]
    return {"case": case, "events": events}, as_of


# --- the comparison -----------------------------------------------------------------------------------------


def engine_states(rulebook: pp.Rulebook, timeline: dict, as_of: date) -> list[tuple]:
    report = pp.evaluate(rulebook, pp.timeline_from_data(timeline, "<generated>"), as_of)
    (verdict,) = report.verdicts
    # A rule with no instance at all is listed as one not_applicable placeholder (reason no_trigger).
    instances = [i for i in verdict.instances if i.reason != "no_trigger"]
    return verdict.state, sorted((i.state, i.due) for i in instances)


WORST_FIRST = ("missed", "late", "unknown", "pending", "compliant", "not_applicable")


def worst(states: list[tuple]) -> str:
    """The rule's verdict: the worst of its instances, not_applicable with none."""
    found = {state for state, _ in states}
    return next((s for s in WORST_FIRST if s in found), "not_applicable")


def compare(tmp_path, template: str, spec: dict, timeline: dict, as_of: date) -> None:
    rulebook = load(tmp_path, template, spec)
    instances = sorted(reference_states(template, spec, timeline, as_of))
    expected = (worst(instances), instances)
    got = engine_states(rulebook, timeline, as_of)
    assert got == expected, (
        f"\nrule {template}: {json.dumps(spec)}\nas of {as_of}\ntimeline {json.dumps(timeline)}"
        f"\nengine    {got}\nreference {expected}"
    )
    if template in ("deadline", "response"):
        # Days late, overdue or left, in the unit of `within` (docs/day-counting.md, point 5).
        occurrence = "first" if template == "deadline" else "each"
        want = sorted(deadline_days(timeline, spec, as_of, default_occurrence=occurrence), key=_by_days)
        report = pp.evaluate(rulebook, pp.timeline_from_data(timeline, "<generated>"), as_of)
        have = sorted(((i.state, i.due, i.days) for i in report.verdicts[0].instances if i.reason != "no_trigger"),
                      key=_by_days)
        assert have == want, (
            f"\nrule {template}: {json.dumps(spec)}\nas of {as_of}\ntimeline {json.dumps(timeline)}"
            f"\nengine    {have}\nreference {want}"
        )


def _by_days(instance: tuple) -> tuple:
    state, due, days = instance
    return state, due, days is None, days or 0


SPECS = {
    "deadline": deadline_specs(),
    "response": response_specs(),
    "precedence": precedence_specs(),
    "recurrence": recurrence_specs(),
    "cadence": cadence_specs(),
    "before_end": before_end_specs(),
}


def _cases(template: str):
    return SPECS[template].flatmap(lambda spec: st.tuples(st.just(spec), timelines_for(template, spec)))


@pytest.mark.parametrize("template", sorted(SPECS))
def test_engine_matches_reference(tmp_path, template):
    @SETTINGS
    @given(drawn=_cases(template))
    def check(drawn):
        spec, (timeline, as_of) = drawn
        compare(tmp_path, template, spec, timeline, as_of)

    check()


# Found by a rare draw, kept for ever: the next due date of a clock falls after the expected end (the period's
# end), where nothing falls due; one on the end itself is listed.
CLOCK_AT_THE_END = [
    ("cadence", {"qualifying": EXPECT, "max_gap": {"days": 30}}, 95, 120, 100),
    ("cadence", {"qualifying": EXPECT, "max_gap": {"days": 25}}, 95, 120, 100),
    ("recurrence", {"qualifying": EXPECT, "first_within": {"days": 10}, "every": {"days": 30}}, 95, 120, 100),
    ("recurrence", {"qualifying": EXPECT, "first_within": {"days": 10}, "every": {"days": 30}}, 95, 120, 130),
]


@pytest.mark.parametrize("template, spec, event_day, end_day, as_of_day", CLOCK_AT_THE_END)
def test_a_clock_stops_at_the_expected_end(tmp_path, template, spec, event_day, end_day, as_of_day):
    start = date(2024, 1, 1)
    timeline = {"case": {"id": "REF", "supervision_type": "community_order", "start_date": start.isoformat(),
                         "expected_end_date": (start + timedelta(days=end_day)).isoformat()},
                "events": [{"id": "E1", "type": "appointment", "date": (start + timedelta(days=event_day)).isoformat(),
                            "mode": "office", "outcome": "attended"}]}
    compare(tmp_path, template, spec, timeline, start + timedelta(days=as_of_day))
