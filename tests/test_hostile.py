"""Hostile and broken input: every one ends in a clear error with a location and exit status 2 (1 for lint
findings), or in a correct verdict — never a traceback, a hang, or a memory blow-up. Rule files are data: no
YAML tag can construct an object or run code."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
SECONDS = 60  # far above what any of these takes; a hang fails the test instead of the run

GOOD = {
    "case": {"id": "H1", "supervision_type": "community_order", "start_date": "2024-01-08",
             "expected_end_date": "2025-01-07"},
    "events": [{"id": "E1", "type": "sentence", "date": "2024-01-08"},
               {"id": "E2", "type": "appointment", "date": "2024-01-10", "mode": "office", "outcome": "attended"}],
}


def _with(path: list, value) -> bytes:
    data = json.loads(json.dumps(GOOD))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return json.dumps(data).encode()


def _deep(n: int) -> bytes:
    return b"[" * n + b"]" * n


TIMELINES = {
    "truncated": (json.dumps(GOOD).encode()[:60], "timeline-json"),
    "trailing comma": (b'{"case": {}, "events": [],}', "timeline-json"),
    "not an object": (b"[1, 2, 3]", "timeline-schema"),
    "case is a list": (_with(["case"], []), "timeline-schema"),
    "events is an object": (_with(["events"], {"a": 1}), "timeline-schema"),
    "date is a number": (_with(["events", 1, "date"], 20240110), "timeline-schema"),
    "id is null": (_with(["events", 0, "id"], None), "timeline-schema"),
    "huge number": (_with(["events", 1, "mode"], 10 ** 400), "timeline-schema"),
    "30 February": (_with(["case", "start_date"], "2024-02-30"), "timeline-schema"),
    "year 0": (_with(["events", 0, "date"], "0000-01-08"), "timeline-schema"),
    "not UTF-8": (b'{"case": "\xff\xfe"}', "timeline-unreadable"),
    "deeply nested": (_deep(200_000), "timeline-json"),
    "10 MB string": (_with(["case", "id"], "X" * 10_000_000), "timeline-schema"),
    "duplicate event ids": (_with(["events", 1, "id"], "E1"), "timeline-duplicate-event-id"),
    "a name field": (_with(["case", "name"], "A Person"), "timeline-schema"),
    "100,001 events": (_with(["events"], [GOOD["events"][0]] * 100_001), "timeline-too-large"),
    "100,000 broken events": (_with(["events"], [{"id": f"B{i}", "type": "appointment", "date": "2024-01-10"}
                                                 for i in range(100_000)]), "timeline-schema"),
}


def _run(*args) -> tuple[subprocess.CompletedProcess, float]:
    start = time.perf_counter()
    result = subprocess.run([PPCHECK, *args], capture_output=True, timeout=SECONDS)
    return result, time.perf_counter() - start


@pytest.mark.parametrize("name", list(TIMELINES))
def test_broken_timelines_give_a_located_error_and_status_2(tmp_path, name):
    raw, code = TIMELINES[name]
    path = tmp_path / "case.json"
    path.write_bytes(raw)
    result, _ = _run(str(path), "--as-of", "2024-06-30")
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert "Traceback" not in err and f": {code}:" in err
    assert str(path) in err
    assert len(err.splitlines()) <= 45  # one screen, however many problems


def test_broken_lines_in_a_caseload_are_each_reported_and_the_rest_evaluated(tmp_path):
    path = tmp_path / "cases.jsonl"
    good = json.dumps(GOOD)
    lines = [good.replace('"H1"', f'"H{i}"') for i in range(3)]
    hostile = [raw.replace(b"\n", b" ") for raw, _ in TIMELINES.values() if len(raw) < 1_000_000]
    path.write_bytes(b"\n".join([lines[0].encode(), *hostile, lines[1].encode(), lines[2].encode()]) + b"\n")
    result, _ = _run(str(path), "--as-of", "2024-06-30", "-f", "json")
    summary = json.loads(result.stdout)
    assert result.returncode == 2
    assert summary["inputs"] == {"read": 3 + len(hostile), "evaluated": 3, "outside": 0, "rejected": len(hostile)}
    assert "Traceback" not in result.stderr.decode("utf-8", "replace")


def test_events_before_the_start_and_100000_events_are_evaluated(tmp_path):
    data = json.loads(json.dumps(GOOD))
    data["events"].append({"id": "P1", "type": "enquiry", "date": "2023-12-20", "agency": "police",
                           "topic": "domestic_abuse", "status": "requested"})
    data["events"].append({"id": "P2", "type": "enquiry", "date": "2023-12-22", "agency": "police",
                           "topic": "domestic_abuse", "status": "response_received"})
    data["events"] += [{"id": f"A{i}", "type": "appointment", "date": f"2024-0{1 + i % 6}-1{i % 10}",
                        "mode": "office", "outcome": "attended"} for i in range(99_996)]
    path = tmp_path / "big.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result, seconds = _run(str(path), "--as-of", "2024-06-30", "-f", "json")
    assert result.returncode in (0, 1), result.stderr
    report = json.loads(result.stdout)
    enq01 = next(r for r in report["rules"] if r["rule_id"] == "ENQ-01")
    # ENQ-01 wants the police enquiry answered before sentence: the request and the answer, both before the start.
    assert enq01["verdict"] == "compliant" and [e["event_id"] for e in enq01["evidence"]] == ["P1", "P2"]


RULE = """\
rules:
  - id: H-01
    title: {title}
    area: activity
    stage: induction
    severity: high
    basis: {{citation: a citation long enough, illustrative: true}}
    deadline:
      trigger: {{event: sentence}}
      expect: {{event: appointment}}
      within: {{working_days: 5}}
"""


def _bomb() -> str:
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 10):
        text += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    return text


RULE_FILES = {
    "alias bomb": (_bomb(), 2, "rule-too-large"),
    "python object": ('rules: !!python/object/apply:os.system ["touch {marker}"]\n', 1, "rule-yaml-tag"),
    "python name": ("rules:\n  - !!python/name:os.system\n", 1, "rule-yaml-tag"),
    "custom tag": (RULE.format(title="!custom x"), 1, "rule-yaml-tag"),
    "duplicate keys": (RULE.format(title="A").replace("severity: high", "severity: high\n    severity: low"), 1,
                       "rule-duplicate-key"),
    "tabs": (RULE.format(title="A").replace("    stage", "\tstage"), 1, "rule-yaml-syntax"),
    "10,000-character title": (RULE.format(title="x" * 10_000), 1, "rule-schema"),
    "pathological id": (RULE.format(title="A").replace("H-01", "A" + "-A" * 5_000 + "!"), 1, "rule-schema"),
    "over 1 MiB": ("# " + "x" * (1024 * 1024) + "\n" + RULE.format(title="A"), 2, "rule-too-large"),
    "not UTF-8": (None, 2, "rule-unreadable"),
}


@pytest.mark.parametrize("name", list(RULE_FILES))
def test_hostile_rule_files_are_refused_as_data(tmp_path, name):
    text, status, code = RULE_FILES[name]
    marker = tmp_path / "constructed"
    path = tmp_path / "rules.yaml"
    if text is None:
        path.write_bytes(b"rules:\n  - id: \xff\xfe\n")
    else:
        path.write_text(text.replace("{marker}", str(marker)), encoding="utf-8")
    result, seconds = _run("lint", str(path))
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == status, err
    assert "Traceback" not in err and f": {code}:" in err
    assert not marker.exists()  # no tag ever constructs an object or runs code
    assert seconds < SECONDS
