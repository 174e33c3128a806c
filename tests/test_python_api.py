"""The Python API as an embedding program meets it: the generated reference is current, the documented example
runs, arguments of the wrong kind are refused up front with what was expected, and ``check_caseload`` gives what
``ppcheck`` gives for the same caseload."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

import ppcompliance as pp
from ppcompliance.apidoc import api_reference

from conftest import EXAMPLES, ROOT

AS_OF = date(2024, 6, 30)
PPCHECK = str(Path(sys.executable).with_name("ppcheck"))


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, timeout=300)


def test_the_api_reference_is_current():
    written = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    assert written == api_reference(), "docs/api.md is stale: python -m ppcompliance.apidoc > docs/api.md"


def test_every_public_name_is_in_the_reference_with_its_docstring():
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in pp.__all__:
        assert f"### `{name}" in text, name
        value = getattr(pp, name)
        if callable(value) and not isinstance(value, type):
            assert value.__doc__, f"{name} has no docstring"


def test_the_documented_example_runs(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    code = re.search(r"```python\n(.*?)```", (ROOT / "docs" / "python-api.md").read_text(encoding="utf-8"),
                     re.S).group(1)
    exec(compile(code, "docs/python-api.md", "exec"), {})
    first = capsys.readouterr().out.splitlines()[0]
    assert re.fullmatch(r"missed \d+", first), first


@pytest.mark.parametrize("as_of, said", [
    ("2024-06-30", "evaluate() needs the as-of date as a datetime.date (e.g. date(2024, 6, 30)), not str "
                   "'2024-06-30'"),
    (datetime(2024, 6, 30, 9), "evaluate() needs the as-of date as a datetime.date (e.g. date(2024, 6, 30)), not "
                               "datetime datetime.datetime(2024, 6, 30, 9, 0)"),
])
def test_evaluate_refuses_an_as_of_that_is_not_a_date(as_of, said):
    rulebook = pp.load_rulebook()
    timeline = pp.load_timeline(EXAMPLES / "well-managed-high-rosh.json")
    with pytest.raises(TypeError) as caught:
        pp.evaluate(rulebook, timeline, as_of)
    assert str(caught.value) == said


def test_evaluate_refuses_swapped_arguments():
    rulebook = pp.load_rulebook()
    timeline = pp.load_timeline(EXAMPLES / "well-managed-high-rosh.json")
    with pytest.raises(TypeError) as caught:
        pp.evaluate(timeline, rulebook, AS_OF)
    assert str(caught.value) == "evaluate() needs a Rulebook first (from load_rulebook), not Timeline"


@pytest.mark.parametrize("kwargs, error, said", [
    ({"as_of": "2024-06-30"}, TypeError, "check_caseload() needs the as-of date as a datetime.date "
                                         "(e.g. date(2024, 6, 30)), not str '2024-06-30'"),
    ({"jobs": 0}, TypeError, "check_caseload() needs jobs as a whole number of processes, at least 1, not 0"),
    ({"by": "office"}, ValueError, "by is one of region, pdu, team, not 'office'"),
    ({"units": {"team": "T1"}}, TypeError, "units['team'] is a list of ids, not the string 'T1'"),
    ({"within_days": -1}, ValueError, "within_days is a number of days, 0 or more, not -1"),
])
def test_check_caseload_refuses_arguments_of_the_wrong_kind(kwargs, error, said):
    arguments = {"as_of": AS_OF, **kwargs}
    with pytest.raises(error) as caught:
        pp.check_caseload(pp.load_rulebook(), [EXAMPLES], **arguments)
    assert str(caught.value) == said


def test_check_caseload_gives_what_ppcheck_gives(tmp_path):
    rulebook = pp.load_rulebook()
    summary = pp.check_caseload(rulebook, [EXAMPLES], AS_OF, jobs=2, by="team")
    cli = json.loads(run(str(EXAMPLES), "--as-of", AS_OF.isoformat(), "--format", "json", "--by", "team").stdout)
    assert json.loads(json.dumps(summary.as_dict())) == cli


def test_check_caseload_takes_json_data_and_counts_a_bad_case_apart():
    rulebook = pp.load_rulebook()
    good = json.loads((EXAMPLES / "well-managed-high-rosh.json").read_text(encoding="utf-8"))
    summary = pp.check_caseload(rulebook, [good, {"case": {"id": "X9"}}], AS_OF)
    assert (summary.inputs.read, summary.inputs.evaluated, summary.inputs.rejected) == (2, 1, 1)
    assert ("<timeline 2>", "timeline-schema", "missing required field 'events'") in [
        (p.file, p.code, p.message) for p in summary.rejected]
    alone = pp.evaluate(rulebook, pp.timeline_from_data(good), AS_OF)
    assert summary.cases_failing == int(alone.failing)
    assert summary.produced_by == pp.produced_by(rulebook) == {"engine": pp.__version__,
                                                               "rulebook": rulebook.fingerprint}
