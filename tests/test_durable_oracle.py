"""Differential test against an independent Rete engine: durable-rules, in a child process.

Covers the templates durable-rules can express as joins: deadline (first or each trigger, calendar days),
response, and precedence (no look-back). Hypothesis generates timelines with events on the due dates, the day
after and the as-of date; every obligation instance's verdict must agree. The naive day-by-day reference
(tests/reference.py) covers the rest: working days, look-backs, recurrence, cadence gaps and before-end.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st

import ppcompliance as pp

from conftest import examples

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


class OracleCrashed(AssertionError):
    """durable-rules crashed twice on one request: a harness problem (the oracle was asked something outside
    what it survives, or a new crash), never a disagreement with the engine."""


class Oracle:
    """One durable-rules child process per rule (durable_oracle.py says why), restarted when it crashes."""

    def __init__(self) -> None:
        self.processes: dict[str, subprocess.Popen] = {}
        self.sessions = itertools.count(1)
        self.crashes: list[str] = []  # what the children said as they died, for the record

    def _once(self, key: str, request: dict) -> dict | None:
        process = self.processes.get(key)
        if process is None:
            process = self.processes[key] = subprocess.Popen(
                [sys.executable, str(ORACLE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True)
        try:
            process.stdin.write(json.dumps(request) + "\n")
            process.stdin.flush()
            line = process.stdout.readline()
        except OSError:  # a broken pipe: it died before reading
            line = ""
        if line:
            return json.loads(line)
        process.kill()
        _, err = process.communicate(timeout=30)
        self.crashes.append(f"exit {process.returncode}: {err.strip()[-300:]}")
        del self.processes[key]
        return None

    def ask(self, rule: dict, events: list[dict], as_of: int) -> dict:
        """The joins of one rule over the events; if the process crashes, a new one is asked once more."""
        request = {"rules": [rule], "case": next(self.sessions), "as_of": as_of, "events": events}
        for _ in range(2):
            answer = self._once(rule["id"], request)
            if answer is not None:
                return answer[rule["id"]]
        raise OracleCrashed(f"durable-rules crashed twice on one request ({self.crashes[-1]}): a harness problem, "
                            f"not a disagreement with the engine\nrequest: {json.dumps(request)}")

    def close(self) -> None:
        for process in self.processes.values():
            process.stdin.close()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def oracle():
    found = Oracle()
    yield found
    found.close()


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


def disagreements(rulebook, oracle, case) -> list:
    """Every (rule, the engine's instances, the oracle's) where the two differ on this case."""
    events, as_of = case
    timeline = pp.timeline_from_data({
        "case": {"id": "O1", "supervision_type": "community_order", "start_date": START.isoformat(),
                 "expected_end_date": (START + dt.timedelta(days=364)).isoformat()},
        "events": events,
    })
    report = pp.evaluate(rulebook, timeline, as_of)
    visible = [e for e in events if dt.date.fromisoformat(e["date"]) <= as_of]
    facts = [{"id": e["id"], "type": e["type"], "day": dt.date.fromisoformat(e["date"]).toordinal()} for e in visible]
    out = []
    for rule in RULES:
        verdict = next(v for v in report.verdicts if v.rule_id == rule["id"])
        ours = [(i.trigger.event_id, i.state) for i in verdict.instances if i.trigger is not None]
        theirs = _wanted(rule, oracle.ask(rule, facts, as_of.toordinal()), visible, as_of)
        if ours != theirs:
            out.append((rule["id"], ours, theirs))
    return out


@settings(max_examples=examples(300))
@given(case=cases())
def test_the_engine_agrees_with_durable_rules(rulebook, oracle, case):
    assert disagreements(rulebook, oracle, case) == [], case


def test_a_planted_bug_is_caught(tmp_path, oracle):
    """An engine whose sentence-plan deadline is one day longer than the rule the oracle is given."""
    path = tmp_path / "planted.yaml"
    planted = [dict(r, within=r["within"] + 1) if r["id"] == "OR-01" else r for r in RULES]
    path.write_text("rules:\n" + "".join(_yaml_rule(r) for r in planted), encoding="utf-8")
    wrong = pp.load_rulebook(path)
    found = find(cases(), lambda case: bool(disagreements(wrong, oracle, case)),
                 settings=settings(max_examples=examples(300)))
    assert [rule_id for rule_id, _, _ in disagreements(wrong, oracle, found)] == ["OR-01"]


def test_a_crashed_oracle_is_restarted_and_asked_again(oracle):
    rule = RULES[0]
    assert oracle._once(rule["id"], {"crash": True}) is None  # it dies as durable-rules does (SIGSEGV) ...
    assert oracle.crashes[-1].startswith("exit -11")
    day = START.toordinal()
    answer = oracle.ask(rule, [{"id": "T", "type": "sentence", "day": day},
                               {"id": "E", "type": "sentence_plan", "day": day + 3}], day + 30)
    assert answer == {"T": [True, False]}  # ... and a new process answers


def test_two_crashes_on_one_request_fail_as_a_harness_problem(oracle, monkeypatch):
    asked, once = [], oracle._once

    def crashes(key, request):
        asked.append(request)
        return once(key, {"crash": True})

    monkeypatch.setattr(oracle, "_once", crashes)
    with pytest.raises(OracleCrashed, match="crashed twice on one request"):
        oracle.ask(RULES[0], [], START.toordinal())
    assert len(asked) == 2  # asked once more, and no more
