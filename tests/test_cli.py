"""The ppcheck command as a user meets it: exit statuses, reports, and one-screen errors without tracebacks."""

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from ppcompliance.schemas import validator

from conftest import EXAMPLES, RULES

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
EXAMPLE = str(EXAMPLES / "domestic-abuse-missed-enquiries.json")


def run(*args, cwd=None, stdin=None):
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, cwd=cwd, timeout=120, input=stdin)


def test_text_report_of_an_example():
    result = run(EXAMPLE, "--as-of", "2024-06-30")
    assert result.returncode == 1, result.stderr  # the case has missed actions
    out = result.stdout
    assert "Case X100001" in out and "as of Sun 30 Jun 2024" in out
    assert "ENQ-01" in out and "MISSED" in out
    assert "would have met this rule" in out
    # What to do: overdue work that can still be done first, then what falls due next, then what can no longer
    # be done with the rule that takes over.
    order = [out.index(heading) for heading in ("What to do", "Overdue and still to do", "Due next",
                                                  "Missed and no longer possible")]
    assert order == sorted(order), out
    overdue = out[order[1]:order[2]]
    assert " Tue 23 Jan 2024  109 working days  OVS-03  Management oversight" in overdue, overdue
    past = out[order[3]:]
    # ENQ-01 wants the police answer by the day of sentence (0.2.0); none came, and ENQ-03 takes over.
    assert " Mon 8 Jan 2024   ENQ-01  An answered police domestic abuse enquiry" in past and "ENQ-03" in past, past
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
    # Located at its line and column in the file, and named by the event's id, not only its index.
    _assert_input_error(run(str(bad)), f"{bad}:1:", "$.events[3].date (event E04): timeline-schema")


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


# --- the command line as people expect it ------------------------------------------------------------------

VERBS = ("check", "due", "diff", "lint", "test", "doc", "generate", "version")


@pytest.mark.parametrize("verb", VERBS)
def test_dash_h_is_help_everywhere(verb):
    result = run(verb, "-h")
    assert result.returncode == 0 and result.stdout.startswith("Usage: ppcheck " + verb), result.stderr


ARGUMENT_HELP = {  # each verb's positional arguments, as --help must describe them
    "check": ["PATH...  Timelines: JSON files, JSON Lines files"],
    "due": ["PATH...  Timelines: JSON files, JSON Lines files"],
    "diff": ["OLD      The current rules (a folder or file).", "NEW      The proposed rules.",
             "PATH...  Timelines: JSON files"],
    "lint": ["[RULES]  A folder of YAML rule files, or one file"],
    "test": ["[RULES]  A folder of YAML rule files with their *.tests.yaml"],
    "doc": ["[RULES]  A folder of YAML rule files, or one file"],
}


@pytest.mark.parametrize("verb", sorted(ARGUMENT_HELP))
def test_help_says_what_each_argument_is(verb):
    shown = run(verb, "-h").stdout
    for line in ARGUMENT_HELP[verb]:
        assert "\n  " + line in shown, shown


def test_every_option_and_argument_has_help():
    import typer.main

    from ppcompliance.cli.app import app

    command = typer.main.get_command(app)
    silent = [f"{verb} {param.name}" for verb, sub in command.commands.items() for param in sub.params
              if not param.hidden and not param.help]
    assert silent == []


def test_shell_completion_is_offered():
    assert "--install-completion" in run("--help").stdout


def test_one_timeline_on_standard_input_gives_the_one_case_report():
    pretty = Path(EXAMPLE).read_text(encoding="utf-8")
    for text in (pretty, json.dumps(json.loads(pretty)) + "\n"):
        result = run("-", "--as-of", "2024-06-30", stdin=text)
        assert result.returncode == 1 and result.stdout.startswith("Case X100001  as of Sun 30 Jun 2024"), result
    lines = "".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))) + "\n" for p in sorted(EXAMPLES.glob("*.json")))
    caseload = run("-", "--as-of", "2024-06-30", stdin=lines)
    assert caseload.stdout.startswith("Caseload as of Sun 30 Jun 2024: 4 cases read: 4 evaluated, 0 rejected.")
    broken = run("-", stdin='{"case": \n')
    assert broken.returncode == 2 and "<stdin>:2:1: timeline-json" in broken.stderr
    assert "standard input was read as one timeline" in broken.stderr


def test_verbose_lists_every_failing_check():
    short = run(EXAMPLE, "--as-of", "2024-06-30").stdout
    assert "- ... and 6 more (see --verbose or --format json)" in short
    full = run(EXAMPLE, "--as-of", "2024-06-30", "--verbose").stdout

    def checks(text: str) -> int:
        return sum(text.count(f" - {mark}: ") for mark in ("MISSED", "LATE", "UNKNOWN"))

    assert "... and" not in full
    assert checks(full) == checks(short) + 6


def test_output_to_a_pipe_or_file_has_no_trailing_spaces(tmp_path):
    piped = run(EXAMPLE, "--as-of", "2024-06-30").stdout
    run(EXAMPLE, "--as-of", "2024-06-30", "-o", str(tmp_path / "report.txt"))
    written = (tmp_path / "report.txt").read_text(encoding="utf-8")
    assert piped == written
    assert [line for line in piped.splitlines() if line != line.rstrip()] == []


def test_plurals_are_right_for_one_case(tmp_path):
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))) + "\n", encoding="utf-8")
    result = run(str(one), "--as-of", "2024-06-30")
    assert "ppcheck: 1 case read: 1 evaluated, 0 rejected." in result.stderr
    assert "1 case read" in result.stdout and "of 1 case have" in result.stdout


# --- an output file is replaced only when the run succeeded ----------------------------------------------------


def _kept(path: Path) -> bool:
    return path.read_text(encoding="utf-8") == "last week\n" and not list(path.parent.glob(f".{path.name}.*"))


def test_an_existing_report_survives_a_failed_start(tmp_path):
    report = tmp_path / "report.txt"
    report.write_text("last week\n", encoding="utf-8")
    for args in ([EXAMPLE], [str(EXAMPLES)], ["due", str(EXAMPLES)]):
        result = run(*args, "--rules", str(tmp_path / "nowhere"), "-o", str(report))
        assert result.returncode == 2 and "rules-not-found" in result.stderr
        assert _kept(report), args


def test_an_existing_report_survives_a_rejected_input(tmp_path):
    report = tmp_path / "report.json"
    report.write_text("last week\n", encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert run(str(bad), "-f", "json", "-o", str(report)).returncode == 2
    assert _kept(report)
    every_line_bad = tmp_path / "bad.jsonl"
    every_line_bad.write_text("{not json\n[]\n", encoding="utf-8")
    result = run(str(every_line_bad), "-f", "html", "-o", str(report))
    assert result.returncode == 2 and f"no case could be evaluated, so {report} was left as it was" in result.stderr
    assert _kept(report)


def test_a_run_that_succeeds_replaces_the_report_and_a_device_stays_a_device(tmp_path):
    report = tmp_path / "report.json"
    report.write_text("last week\n", encoding="utf-8")
    assert run(EXAMPLE, "--as-of", "2024-06-30", "-f", "json", "-o", str(report)).returncode == 1
    assert json.loads(report.read_text(encoding="utf-8"))["case_id"] == "X100001"
    assert not list(tmp_path.glob(".report.json.*"))
    assert run("generate", "--cases", "2", "--seed", "1", "-o", os.devnull).returncode == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_the_output_folder_must_exist(tmp_path):
    result = run(EXAMPLE, "-o", str(tmp_path / "no" / "such" / "report.txt"))
    assert result.returncode == 2 and "the folder" in result.stderr and "does not exist" in result.stderr


# --- diagnostics: one message per problem, named as people write it ----------------------------------------------


def test_a_typo_in_a_duration_is_one_message(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    text = (RULES / "activity.yaml").read_text(encoding="utf-8").replace("within: {working_days: 5}",
                                                                         "within: {working_dayz: 5}", 1)
    (rules / "activity.yaml").write_text(text, encoding="utf-8")
    result = run("lint", str(rules))
    problems = [line for line in result.stderr.splitlines() if ": rule-schema: " in line]
    assert problems == [problems[0]] and "unexpected field 'working_dayz'" in problems[0]
    assert "did you mean 'working_days'?" in problems[0]


def test_a_date_written_day_first_is_one_message_naming_the_form(tmp_path):
    bad = tmp_path / "bad.json"
    document = json.loads(Path(EXAMPLE).read_text(encoding="utf-8"))
    document["case"]["start_date"] = "08/01/2024"
    bad.write_text(json.dumps(document, indent=1), encoding="utf-8")
    result = run(str(bad))
    assert result.stderr.count("timeline-schema") == 1
    assert '"08/01/2024" is not a date of the form YYYY-MM-DD (such as 2024-01-08)' in result.stderr


def test_an_empty_file_says_it_is_empty(tmp_path):
    empty = tmp_path / "empty.json"
    empty.write_text("", encoding="utf-8")
    _assert_input_error(run(str(empty)), f"{empty}: timeline-json: the file is empty")


def test_a_rule_tests_file_is_not_the_rules(tmp_path):
    result = run("test", str(RULES / "activity.tests.yaml"))
    assert result.returncode == 2
    assert "is a file of rule tests: give the rule file it tests" in result.stderr
    assert str(RULES / "activity.yaml") in result.stderr


def test_a_bad_event_date_in_a_rule_test_is_the_events(tmp_path):
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "activity.yaml").write_text((RULES / "activity.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    tests = (RULES / "activity.tests.yaml").read_text(encoding="utf-8")
    first = tests.index("{type: sentence, date: ") + len("{type: sentence, date: ")
    (rules / "activity.tests.yaml").write_text(tests[:first] + "2024-02-30" + tests[first + 10:], encoding="utf-8")
    result = run("test", str(rules))
    line = tests[:first].count("\n") + 1
    assert f'line {line}, event E1: "2024-02-30" is not a real calendar date' in result.stdout
    assert "start_date" not in result.stdout


def test_test_runs_one_rules_tests(tmp_path):
    result = run("test", str(RULES), "--rule", "ACT-01", "--rule", "CON-01")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Rule coverage: 2 of 2 rules tested (100.0%)" in result.stdout
    assert run("test", str(RULES), "--rule", "NOPE-01").returncode == 2


def test_an_internal_error_is_one_line_and_status_70_never_a_traceback(monkeypatch, capsys):
    import importlib

    from ppcompliance.cli import main

    engine_evaluate = importlib.import_module("ppcompliance.engine.evaluate")

    def broken(*args, **kwargs):
        raise RuntimeError("a planted bug")

    monkeypatch.setattr(engine_evaluate, "evaluate", broken)
    with pytest.raises(SystemExit) as exit_info:
        main([EXAMPLE, "--as-of", "2024-06-30"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 70
    assert err == ("ppcheck: internal error (RuntimeError: a planted bug). This is a bug in ppcheck, not in your "
                   "input: please report it with the command you ran.\n")
