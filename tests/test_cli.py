"""The ppcheck command as a user meets it: exit statuses, reports, and one-screen errors without tracebacks."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ppcompliance.schemas import validator

from conftest import EXAMPLES, RULES

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
EXAMPLE = str(EXAMPLES / "domestic-abuse-missed-enquiries.json")


def run(*args, cwd=None):
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def test_text_report_of_an_example():
    result = run(EXAMPLE, "--as-of", "2024-06-30")
    assert result.returncode == 1, result.stderr  # the case has missed actions
    out = result.stdout
    assert "Case X100001" in out and "as of Sun 30 Jun 2024" in out
    assert "ENQ-01" in out and "MISSED" in out
    assert "would have met this rule" in out
    assert "Next actions due" in out
    assert result.stderr == ""


def test_check_verb_is_the_same_as_the_short_form():
    short = run(EXAMPLE, "--as-of", "2024-06-30", "--format", "json")
    long = run("check", EXAMPLE, "--as-of", "2024-06-30", "--format", "json")
    assert short.returncode == long.returncode == 1
    assert short.stdout == long.stdout


def test_json_report_validates_against_the_published_schema():
    result = run(EXAMPLE, "--as-of", "2024-06-30", "-f", "json", "--rules", str(RULES))
    document = json.loads(result.stdout)
    assert list(validator("verdicts").iter_errors(document)) == []
    assert document["case_id"] == "X100001" and document["as_of"] == "2024-06-30"


def test_exit_zero_when_nothing_is_late_missed_or_unknown(tmp_path):
    # Judged on its first day, a fresh case has nothing overdue yet.
    result = run(EXAMPLE, "--as-of", "2024-01-08")
    assert result.returncode == 0, result.stdout


def _assert_input_error(result, *fragments):
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr
    assert len(result.stderr.splitlines()) <= 40  # one screen


def test_malformed_json(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"case": {"id": "X1",\n  "events": [}', encoding="utf-8")
    _assert_input_error(run(str(bad)), f"{bad}:2:", "timeline-json")


def test_timeline_violating_the_schema(tmp_path):
    bad = tmp_path / "bad.json"
    document = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    document["events"][3]["date"] = "2024-02-30"
    bad.write_text(json.dumps(document), encoding="utf-8")
    _assert_input_error(run(str(bad)), f"{bad} $.events[3].date: timeline-schema")


def test_missing_timeline_file(tmp_path):
    _assert_input_error(run(str(tmp_path / "nope.json")), "timeline-not-found")


def test_unknown_rules_directory(tmp_path):
    _assert_input_error(run(EXAMPLE, "--rules", str(tmp_path / "nowhere")), "rules-not-found")


def test_broken_rule_file_shows_the_line_with_a_caret(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (RULES / "activity.yaml").read_text(encoding="utf-8").replace("event: sentence,", "event: sentense,", 1)
    (rules / "activity.yaml").write_text(text, encoding="utf-8")
    line = next(i for i, l in enumerate(text.splitlines(), 1) if "sentense" in l)
    result = run(EXAMPLE, "--rules", str(rules))
    _assert_input_error(result, f"activity.yaml:{line}:", "rule-unknown-event", "did you mean 'sentence'?", "^")


@pytest.mark.parametrize("args", [["--as-of", "2024-13-01"], ["--format", "xml"], ["--no-such-option"]])
def test_usage_errors(args):
    result = run(EXAMPLE, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


def test_help_names_the_verbs_and_exit_statuses():
    result = run("--help")
    assert result.returncode == 0
    assert "check" in result.stdout and "Exit status" in result.stdout
    assert run("check", "--help").returncode == 0


def test_version():
    result = run("--version")
    assert result.returncode == 0 and result.stdout.startswith("ppcheck ")
