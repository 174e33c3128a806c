"""Golden cases: every file under tests/cases/ is one test, its id the file's path below that folder.

A case is data, worked out by hand from docs/rule-language.md and docs/day-counting.md (never copied from
the engine's output). There are two kinds.

Verdict cases (every folder but ``rule_errors``)::

    description: One sentence: the boundary tested and why the wanted answer is right.
    rule:                         # one rule, exactly as it appears in a rules file under ``rules:``
      id: T-01
      ...
    timeline:                     # the JSON timeline, written as YAML
      case: {id: C1, supervision_type: community_order, start_date: 2024-01-05, expected_end_date: 2025-01-04}
      events:
        - {id: E1, type: sentence, date: 2024-01-05}
    as_of: 2024-02-01
    want:
      verdict: late               # the rule's verdict
      instances:                  # every instance, in the order the report lists them
        - late: {due: 2024-01-15, days: 1, evidence: [E2]}
        - pending                 # a bare state: only the state is checked
      any_order: true             # optional: the docs fix no order, so compare the instances as a set

Each instance is ``state`` or ``{state: {field: value, ...}}``; only the fields named are checked:

    due         the due date                      days        days late / overdue / left, in the rule's unit
    evidence    the cited event ids, in order     trigger     the trigger event's id
    reason      why not applicable / unknown      kind        trigger, window, gap, occurrence, end, period
    count       qualifying events in a window     required    events the window needs
    from, to    the window's first and last day   if_applies  the verdict if the rule applied (applicability
                                                              unknown)

``evidence: []`` checks that nothing is cited. Leaving ``instances`` out checks only the rule's verdict (for
cases where the docs fix the verdict but not the list of instances).

Rule-error cases (folder ``rule_errors``)::

    description: ...
    rule_file: |                  # the whole text of one rule file
      rules:
        - id: ...
    want_errors:                  # every diagnostic, in the order reported: [line, code]
      - [4, rule-yaml-syntax]

The rule (or rule file) is written to a temporary file and loaded with ``load_rulebook``, so the real loader
is exercised; the timeline is built with ``timeline_from_data``. Every verdict and instance must carry a
sentence, and every late or missed instance must say what would have met the rule.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

import ppcompliance as pp

CASES = Path(__file__).resolve().parent / "cases"
CASE_FILES = sorted(CASES.rglob("*.yaml"))

INSTANCE_FIELDS = ("due", "days", "evidence", "trigger", "reason", "kind", "count", "required", "from", "to",
                   "if_applies")
# What a failure report shows of an instance the case does not describe.
SHOWN_BY_DEFAULT = ("due", "days", "evidence", "reason")
VERDICT_KEYS = {"description", "rule", "timeline", "as_of", "want"}
ERROR_KEYS = {"description", "rule_file", "want_errors"}


def _id(path: Path) -> str:
    return path.relative_to(CASES).as_posix()


def test_there_are_cases() -> None:
    assert len(CASE_FILES) >= 50


@pytest.mark.parametrize("path", CASE_FILES, ids=_id)
def test_case(path: Path, tmp_path: Path) -> None:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(case, dict), f"{_id(path)}: a case is a mapping"
    assert isinstance(case.get("description"), str) and case["description"].strip(), "a case needs a description"
    if path.parent.name == "rule_errors":
        _check_keys(case, ERROR_KEYS, ERROR_KEYS)
        _run_rule_errors(case, tmp_path)
    else:
        _check_keys(case, VERDICT_KEYS, VERDICT_KEYS)
        _run_verdict(case, tmp_path)


def _check_keys(case: dict, allowed: set, required: set) -> None:
    assert not set(case) - allowed, f"unknown keys in the case: {sorted(set(case) - allowed)}"
    assert not required - set(case), f"missing keys in the case: {sorted(required - set(case))}"


# --- rule-file errors -------------------------------------------------------------------------------------


def _run_rule_errors(case: dict, tmp_path: Path) -> None:
    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text(case["rule_file"], encoding="utf-8")
    wanted = [tuple(pair) for pair in case["want_errors"]]
    with pytest.raises(pp.RuleError) as raised:
        pp.load_rulebook(rule_file)
    diagnostics = raised.value.diagnostics
    actual = [(d.line, d.code) for d in diagnostics]
    if actual != wanted:
        shown = "\n".join(f"  {d.line}:{d.column}: {d.code}: {d.message}" for d in diagnostics)
        pytest.fail(
            "rule-file diagnostics differ\n"
            f"wanted: {[list(p) for p in wanted]}\n"
            f"actual: {[list(p) for p in actual]}\n"
            f"reported:\n{shown}"
        )
    for d in diagnostics:
        assert d.file == str(rule_file), f"a diagnostic names the wrong file: {d}"
        assert d.column >= 1, f"a diagnostic has no column: {d}"
        assert d.message, f"a diagnostic has no message: {d}"


# --- verdicts ---------------------------------------------------------------------------------------------


def _run_verdict(case: dict, tmp_path: Path) -> None:
    rule = case["rule"]
    rule_file = tmp_path / "rules.yaml"
    rule_file.write_text(yaml.safe_dump({"rules": [rule]}, sort_keys=False, allow_unicode=True), encoding="utf-8")
    rulebook = pp.load_rulebook(rule_file)
    timeline = pp.timeline_from_data(_as_json(case["timeline"]), "timeline.json")
    as_of = case["as_of"]
    assert isinstance(as_of, dt.date), "as_of must be a YYYY-MM-DD date"
    report = pp.evaluate(rulebook, timeline, as_of)
    (verdict,) = [v for v in report.verdicts if v.rule_id == rule["id"]]

    want = case["want"]
    unknown = set(want) - {"verdict", "instances", "any_order"}
    assert not unknown, f"unknown keys in want: {sorted(unknown)}"
    assert want.get("verdict") in pp.STATES, f"want.verdict must be one of {pp.STATES}"
    wanted = [_parse_wanted(item) for item in want["instances"]] if "instances" in want else None

    problems = []
    if verdict.state != want["verdict"]:
        problems.append(f"verdict: wanted {want['verdict']}, got {verdict.state}")
    if wanted is not None:
        ok = _match_any_order(wanted, verdict.instances) if want.get("any_order") else _match_in_order(
            wanted, verdict.instances)
        if not ok:
            diff = _diff_any_order if want.get("any_order") else _diff
            problems.append("instances differ:\n" + diff(wanted, verdict.instances))
    text = pp.explain(rulebook, report).rules[rule["id"]]
    problems += _explanations(verdict, text)
    if problems:
        pytest.fail("\n".join(problems) + "\n\nthe report's instances:\n" + _describe_all(verdict, text))


def _as_json(value):
    """The timeline as JSON would give it: YAML reads dates as dates, JSON has only strings."""
    if isinstance(value, dict):
        return {str(k): _as_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_json(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _parse_wanted(item) -> tuple[str, dict]:
    if isinstance(item, str):
        state, fields = item, {}
    else:
        assert isinstance(item, dict) and len(item) == 1, f"an instance is a state or {{state: {{...}}}}: {item!r}"
        ((state, fields),) = item.items()
        fields = fields or {}
    assert state in pp.STATES, f"unknown state {state!r}"
    unknown = set(fields) - set(INSTANCE_FIELDS)
    assert not unknown, f"unknown instance fields {sorted(unknown)}; known: {INSTANCE_FIELDS}"
    return state, fields


def _actual(instance: pp.Instance, name: str):
    if name == "evidence":
        return [e.event_id for e in instance.evidence]
    if name == "trigger":
        return instance.trigger.event_id if instance.trigger else None
    if name == "from":
        return instance.window_from
    if name == "to":
        return instance.window_to
    if name in ("reason", "if_applies"):
        return getattr(instance, name) or None
    return getattr(instance, name)


def _matches(wanted: tuple[str, dict], instance: pp.Instance) -> bool:
    state, fields = wanted
    return instance.state == state and all(_actual(instance, k) == v for k, v in fields.items())


def _match_in_order(wanted: list, actual) -> bool:
    return len(wanted) == len(actual) and all(_matches(w, a) for w, a in zip(wanted, actual))


def _match_any_order(wanted: list, actual) -> bool:
    missing, unexpected = _unmatched(wanted, actual)
    return not missing and not unexpected


def _unmatched(wanted: list, actual) -> tuple[list, list]:
    """Wanted instances with no actual one, and actual ones left over (the most specific wanted matched first)."""
    left = list(actual)
    missing = []
    for w in sorted(wanted, key=lambda w: -len(w[1])):
        found = next((a for a in left if _matches(w, a)), None)
        if found is None:
            missing.append(w)
        else:
            left.remove(found)
    return missing, left


# --- readable failures ------------------------------------------------------------------------------------


def _scalar(value) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dt.date):
        return value.isoformat()
    return "null" if value is None else str(value)


def _render(state: str, fields: dict) -> str:
    if not fields:
        return f"- {state}"
    return f"- {state}: {{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in fields.items()) + "}"


def _render_actual(instance: pp.Instance, names) -> str:
    fields = {}
    for name in names:
        value = _actual(instance, name)
        if value not in (None, [], "") or name in ("evidence", "days"):
            fields[name] = value
    return _render(instance.state, fields)


def _diff(wanted: list, actual) -> str:
    lines = []
    for i in range(max(len(wanted), len(actual))):
        w = wanted[i] if i < len(wanted) else None
        a = actual[i] if i < len(actual) else None
        names = list(w[1]) if w else [n for n in SHOWN_BY_DEFAULT if a is not None and _actual(a, n) not in (None, [])]
        w_text = _render(*w) if w else "(none)"
        a_text = _render_actual(a, names) if a is not None else "(none)"
        mark = "  " if (w and a is not None and _matches(w, a)) else "! "
        lines.append(f"{mark}#{i + 1}\n    wanted: {w_text}\n    actual: {a_text}")
    return "\n".join(lines)


def _diff_any_order(wanted: list, actual) -> str:
    missing, unexpected = _unmatched(wanted, actual)
    lines = ["  wanted, not found:"] + [f"    {_render(*w)}" for w in missing] or ["    (none)"]
    names = sorted({k for w in wanted for k in w[1]}, key=INSTANCE_FIELDS.index)
    lines += ["  found, not wanted:"] + ([f"    {_render_actual(a, names)}" for a in unexpected] or ["    (none)"])
    return "\n".join(lines)


def _describe_all(verdict: pp.RuleVerdict, text) -> str:
    out = [f"  verdict {verdict.state}: {text.sentence}"]
    for i, t in zip(verdict.instances, text.instances):
        out.append(f"  {_render_actual(i, INSTANCE_FIELDS)}\n      {t.sentence}"
                   + (f"\n      would have met: {t.would_have_met}" if t.would_have_met else ""))
    return "\n".join(out)


def _explanations(verdict: pp.RuleVerdict, text) -> list[str]:
    problems = []
    if not text.sentence.strip():
        problems.append("the rule's verdict has no sentence")
    for n, (i, t) in enumerate(zip(verdict.instances, text.instances), 1):
        if not t.sentence.strip():
            problems.append(f"instance #{n} ({i.state}) has no sentence")
        if i.state in ("late", "missed") and not t.would_have_met.strip():
            problems.append(f"instance #{n} ({i.state}) does not say what would have met the rule")
    return problems
