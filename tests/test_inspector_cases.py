"""Inspector cases: supervised cases from public review narratives, judged by hand, checked against the default
rulebook.

Every file under tests/inspector/ is one case, ``NN-short-name.yaml``. It is built from a public narrative - an
HM Inspectorate of Probation serious further offence review, a coroner's report, a domestic homicide review, a
MAPPA case study - or, where no public narrative has the feature wanted, constructed from the policy text, and
says which. Each expected verdict was worked out by hand from the rule's description and basis in rules/*.yaml
(what the policy expects, as an inspector reading the file would judge it) and from docs/day-counting.md, and
written before the engine was run on the case::

    source: >-                    # the report, its date and its address; or "constructed: ..." and from what
      ...
    narrative: >-                 # a few sentences paraphrasing the facts used, and which dates were chosen
      ...
    timeline:                     # the JSON timeline (schemas/timeline.schema.json), written as YAML; ids only
      case: {id: INSP-01, supervision_type: ..., start_date: ..., expected_end_date: ...}
      events:
        - {id: E01, type: sentence, date: 2021-06-15}
    as_of: 2021-09-18
    judged:                       # rule id -> the rule's expected verdict, for every rule judged (at least 6)
      ENQ-01: missed              # the short form: the verdict only
      ENQ-03:
        verdict: missed           # compliant, late, missed, pending, unknown, not_applicable or justified
        due: 2021-07-13           # optional: the due date of the instance that decides the rule's verdict
        why: ...                  # what the inspector would say
        xfail_reason: ...         # optional: the rule or engine is known to disagree with the policy, and why
    revised:                      # optional: expectations changed after the engine's first run, and why
      - {rule: ..., old: ..., new: ..., why: ...}

``due`` is compared with the due date of the instance the rule's verdict comes from (``RuleVerdict.deciding``:
the first instance with the worst state, or the latest compliant one); it is given only where that instance is
unambiguous. Rules not named under ``judged`` are not checked.

A case is one test: every mismatch of its judged (rule, verdict, due) pairs is reported at once. A pair marked
``xfail_reason`` is left out of it and checked by its own test, which is expected to fail (strictly: when the
rulebook comes to agree with the policy, that test fails and the mark must be removed).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import ppcompliance as pp
from ppcompliance.schemas import validator

CASES = Path(__file__).resolve().parent / "inspector"
FILES = sorted(CASES.glob("*.yaml"))
VERDICTS = {"compliant", "late", "missed", "pending", "unknown", "not_applicable", "justified"}
KEYS = {"verdict", "due", "why", "xfail_reason"}
MIN_JUDGED = 6


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _json_dates(value: object) -> object:
    """The timeline as JSON data: YAML reads 2024-01-08 as a date, the timeline format wants the string."""
    if isinstance(value, dict):
        return {k: _json_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_dates(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _judged(case: dict) -> dict[str, dict]:
    """Rule id -> {verdict, due?, why?, xfail_reason?}, the short form expanded."""
    out = {}
    for rule_id, want in case["judged"].items():
        out[rule_id] = {"verdict": want} if isinstance(want, str) else dict(want)
    return out


def _report(rulebook: pp.Rulebook, case: dict) -> dict[str, pp.RuleVerdict]:
    timeline = pp.timeline_from_data(_json_dates(case["timeline"]))
    report = pp.evaluate(rulebook, timeline, case["as_of"])
    return {v.rule_id: v for v in report.verdicts}


def _mismatch(rule_id: str, want: dict, got: pp.RuleVerdict | None) -> str | None:
    """What differs between a judged pair and the engine's verdict, or None."""
    if got is None:
        return f"{rule_id}: not in the report"
    problems = []
    if str(got.state) != want["verdict"]:
        problems.append(f"verdict {got.state}, judged {want['verdict']}")
    if "due" in want and str(got.state) == want["verdict"]:
        deciding = got.deciding
        due = deciding.due if deciding else None
        if due != want["due"]:
            problems.append(f"due {due}, judged {want['due']}")
    if not problems:
        return None
    return f"{rule_id}: " + "; ".join(problems) + (f" (why judged: {want['why']})" if "why" in want else "")


# --- the files themselves ---------------------------------------------------------------------------------------


def test_there_are_at_least_twelve_cases():
    assert len(FILES) >= 12


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_case_file_is_well_formed(path, rulebook):
    case = _load(path)
    assert set(case) <= {"source", "narrative", "timeline", "as_of", "judged", "revised"}, sorted(case)
    assert isinstance(case["source"], str) and case["source"].strip()
    assert ("http" in case["source"]) or case["source"].startswith("constructed")
    assert isinstance(case["narrative"], str) and case["narrative"].strip()
    assert isinstance(case["as_of"], dt.date)
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator("timeline").iter_errors(_json_dates(case["timeline"]))]
    assert errors == []
    judged = _judged(case)
    assert len(judged) >= MIN_JUDGED
    known = {rule.id for rule in rulebook.rules}
    for rule_id, want in judged.items():
        assert rule_id in known, f"{rule_id} is not a rule of the default rulebook"
        assert set(want) <= KEYS, (rule_id, sorted(want))
        assert want["verdict"] in VERDICTS, (rule_id, want["verdict"])
        assert "due" not in want or isinstance(want["due"], dt.date), rule_id
    for entry in case.get("revised", []):
        assert set(entry) == {"rule", "old", "new", "why"}, entry
        assert entry["rule"] in judged


# --- the verdicts -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_inspector_judgement_agrees_with_the_rulebook(path, rulebook):
    case = _load(path)
    verdicts = _report(rulebook, case)
    mismatches = [m for rule_id, want in _judged(case).items() if "xfail_reason" not in want
                  if (m := _mismatch(rule_id, want, verdicts.get(rule_id)))]
    assert not mismatches, f"{path.name}, as of {case['as_of']}:\n  " + "\n  ".join(mismatches)


def _known_disagreements() -> list:
    params = []
    for path in FILES:
        for rule_id, want in _judged(_load(path)).items():
            if "xfail_reason" in want:
                params.append(pytest.param(path, rule_id, id=f"{path.stem}-{rule_id}",
                                           marks=pytest.mark.xfail(reason=want["xfail_reason"], strict=True)))
    return params or [pytest.param(None, None, id="none", marks=pytest.mark.skip(reason="no known disagreement"))]


@pytest.mark.parametrize("path, rule_id", _known_disagreements())
def test_known_disagreement(path, rule_id, rulebook):
    case = _load(path)
    want = _judged(case)[rule_id]
    mismatch = _mismatch(rule_id, want, _report(rulebook, case).get(rule_id))
    assert mismatch is None, mismatch
