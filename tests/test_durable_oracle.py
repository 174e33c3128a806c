"""Differential test against an independent Rete engine: durable-rules, in a child process.

Covers the templates durable-rules can express as joins: deadline (first or each trigger, calendar days),
response, and precedence (no look-back). Hypothesis generates timelines with events on the due dates, the day
after and the as-of date; every obligation instance's verdict must agree. The naive day-by-day reference
(tests/reference.py) covers the rest: working days, look-backs, recurrence, cadence gaps and before-end.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import ppcompliance as pp

pytest.importorskip("durable.lang", reason="durable-rules is the oracle's engine (installed with '.[test]')")

ORACLE = Path(__file__).with_name("durable_oracle.py")
START = dt.date(2024, 1, 8)

RULES = [
    {"id": "OR-01", "kind": "deadline", "trigger": "sentence", "expect": "sentence_plan", "within": 10, "first": True},
    {"id": "OR-02", "kind": "deadline", "trigger": "referral", "expect": "intervention_start", "within": 21,
     "first": False},
    {"id": "OR-03", "kind": "response", "trigger": "new_information", "expect": "risk_review", "within": 7,
     "first": False},
    {"id": "OR-04", "kind": "precedence", "trigger": "pre_sentence_report", "expect": "risk_assessment",
     "within": 0, "first": True},
]

FIELDS = {"referral": {"service": "accredited_programme"}, "intervention_start": {"service": "accredited_programme"},
          "new_information": {"kind": "arrest"}, "risk_assessment": {"rosh": "medium"}}


def _yaml_rule(r: dict) -> str:
    head = (f"  - id: {r['id']}\n    title: Oracle rule {r['id']}\n    area: activity\n    stage: delivery\n"
            f"    severity: low\n    basis: {{citation: differential test rule, illustrative: true}}\n")
    trigger = f"{{event: {r['trigger']}, occurrence: {'first' if r['first'] else 'each'}}}"
    if r["kind"] == "precedence":
        return head + f"    precedence:\n      trigger: {trigger}\n      expect: {{event: {r['expect']}}}\n"
    if r["kind"] == "response":
        return head + (f"    response:\n      trigger: {{event: {r['trigger']}}}\n      respond: {{event: "
                       f"{r['expect']}}}\n      within: {{days: {r['within']}}}\n")
    return head + (f"    deadline:\n      trigger: {trigger}\n      expect: {{event: {r['expect']}}}\n"
                   f"      within: {{days: {r['within']}}}\n")


@pytest.fixture(scope="module")
def rulebook(tmp_path_factory):
    path = tmp_path_factory.mktemp("oracle") / "rules.yaml"
    path.write_text("rules:\n" + "".join(_yaml_rule(r) for r in RULES), encoding="utf-8")
    return pp.load_rulebook(path)


@pytest.fixture(scope="module")
def oracle():
    process = subprocess.Popen([sys.executable, str(ORACLE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    yield process
    process.stdin.close()
    process.wait(timeout=30)


def _ask(oracle, request: dict) -> dict:
    oracle.stdin.write(json.dumps(request) + "\n")
    oracle.stdin.flush()
    line = oracle.stdout.readline()
    if not line:  # the engine died (it can: BRIEF §6) — that is a failure of the oracle, shown plainly
        raise AssertionError(f"durable-rules stopped: {oracle.stderr.read()[-2000:]}")
    return json.loads(line)


TYPES = sorted({t for r in RULES for t in (r["trigger"], r["expect"])})


@st.composite
def cases(draw):
    """Triggers, expected events placed on their due dates, the day before and the day after (and anywhere),
    and an as-of date that often falls on a due date."""
    events, dues = [], []

    def add(kind: str, day: dt.date) -> None:
        events.append({"id": f"V{len(events)}", "type": kind, "date": day.isoformat(), **FIELDS.get(kind, {})})

    for rule in draw(st.lists(st.sampled_from(RULES), max_size=5)):
        t = START + dt.timedelta(days=draw(st.integers(-3, 40)))
        add(rule["trigger"], t)
        due = t + dt.timedelta(days=rule["within"])
        dues.append(due)
        for _ in range(draw(st.integers(0, 2))):
            delta = draw(st.one_of(st.sampled_from([-1, 0, 1]), st.integers(-30, 40)))
            add(rule["expect"], due + dt.timedelta(days=delta))
    for _ in range(draw(st.integers(0, 4))):  # noise of every kind
        add(draw(st.sampled_from(TYPES)), START + dt.timedelta(days=draw(st.integers(-5, 80))))
    near = [d + dt.timedelta(days=k) for d in dues for k in (-1, 0, 1)]
    as_of = draw(st.sampled_from(near)) if near and draw(st.booleans()) else \
        START + dt.timedelta(days=draw(st.integers(0, 90)))
    return events, max(as_of, START)


def _wanted(rule: dict, answer: dict, events: list[dict], as_of: dt.date) -> list[tuple[str, str]]:
    """Verdicts from the oracle's joins and the documented arithmetic (due = trigger + N, inclusive)."""
    out = []
    by_id = {e["id"]: e for e in events}
    for eid, (in_time, late) in sorted(answer.items(), key=lambda kv: (by_id[kv[0]]["date"], kv[0])):
        due = dt.date.fromisoformat(by_id[eid]["date"]) + dt.timedelta(days=rule["within"])
        state = "compliant" if in_time else "late" if late else "missed" if as_of > due else "pending"
        out.append((eid, state))
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases())
def test_the_engine_agrees_with_durable_rules(rulebook, oracle, case):
    events, as_of = case
    timeline = pp.timeline_from_data({
        "case": {"id": "O1", "supervision_type": "community_order", "start_date": START.isoformat(),
                 "expected_end_date": (START + dt.timedelta(days=364)).isoformat()},
        "events": events,
    })
    report = pp.evaluate(rulebook, timeline, as_of)
    visible = [e for e in events if dt.date.fromisoformat(e["date"]) <= as_of]
    request = {"rules": RULES, "case": 1, "as_of": as_of.toordinal(),
               "events": [{"id": e["id"], "type": e["type"], "day": dt.date.fromisoformat(e["date"]).toordinal()}
                          for e in visible]}
    answer = _ask(oracle, request)
    for rule in RULES:
        verdict = next(v for v in report.verdicts if v.rule_id == rule["id"])
        ours = [(i.trigger.event_id, i.state) for i in verdict.instances if i.trigger is not None]
        assert ours == _wanted(rule, answer[rule["id"]], visible, as_of), (rule["id"], events, as_of)
