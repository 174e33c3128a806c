"""Loading: bad timelines and rule files give every problem, located, with a stable code; good ones load."""

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ppcompliance as pp
from ppcompliance.rules.load import parse_rules

from conftest import EXAMPLES, RULES

GOOD_CASE = {
    "case": {"id": "X1", "supervision_type": "community_order", "start_date": "2024-01-08",
             "expected_end_date": "2025-01-07"},
    "events": [{"id": "E1", "type": "sentence", "date": "2024-01-08"}],
}


def _codes_and_paths(exc):
    return [(d.code, d.json_path) for d in exc.value.diagnostics]


def test_the_default_rulebook_loads_and_covers_every_template_area_and_stage(rulebook):
    assert {r.template for r in rulebook.rules} == {
        "deadline", "precedence", "cadence", "recurrence", "before_end", "response", "end_recorded"}
    assert {r.area for r in rulebook.rules} == set(pp.vocabulary.PRACTICE_AREAS)
    assert {r.stage for r in rulebook.rules} == set(pp.vocabulary.STAGES)
    assert all(r.source.split(":")[0] in {p.name for p in RULES.glob("*.yaml")} for r in rulebook.rules)


def test_load_rulebook_without_a_path_finds_the_bundled_rules(rulebook):
    assert [r.id for r in pp.load_rulebook().rules] == [r.id for r in rulebook.rules]


def test_a_valid_timeline_loads_with_events_sorted():
    data = json.loads(json.dumps(GOOD_CASE))
    data["events"].insert(0, {"id": "E0", "type": "allocation", "date": "2024-01-09"})
    timeline = pp.timeline_from_data(data)
    assert [e.id for e in timeline.events] == ["E1", "E0"]
    assert timeline.case.end == timeline.case.expected_end_date


def test_timeline_schema_problems_are_all_reported_sorted_by_json_path():
    data = json.loads(json.dumps(GOOD_CASE))
    data["case"]["start_date"] = "2024-02-30"
    data["events"] += [{"id": f"E{i}", "type": "appointment", "date": "2024-01-10", "mode": "office"}
                       for i in range(2, 12)]
    data["events"].append({"id": "E2", "type": "sentence", "date": "2024-01-08", "name": "somebody"})
    with pytest.raises(pp.TimelineError) as exc:
        pp.timeline_from_data(data, "case.json")
    found = _codes_and_paths(exc)
    assert found[0] == ("timeline-schema", "$.case.start_date")
    assert found[1:11] == [("timeline-schema", f"$.events[{i}]") for i in range(1, 11)]  # missing 'outcome'
    assert ("timeline-duplicate-event-id", "$.events[11].id") in found
    assert ("timeline-schema", "$.events[11]") in found  # the unexpected 'name' field
    assert all(d.file == "case.json" for d in exc.value.diagnostics)


@pytest.mark.parametrize(
    "raw, code, where",
    [
        (b'{"case": {"id": ', "timeline-json", (1, 17)),
        (b"\xff\xfe{}", "timeline-unreadable", None),
        (b"[" * 100000 + b"]" * 100000, "timeline-json", None),
        (b"[]", "timeline-schema", None),
    ],
)
def test_unusable_json_is_one_clear_error(raw, code, where):
    with pytest.raises(pp.TimelineError) as exc:
        pp.parse_timeline(raw, "t.json")
    assert exc.value.codes == [code]
    if where:
        d = exc.value.diagnostics[0]
        assert (d.line, d.column) == where


def test_case_dates_that_contradict_each_other():
    data = json.loads(json.dumps(GOOD_CASE))
    data["case"]["expected_end_date"] = "2023-01-01"
    data["case"]["end_date"] = "2023-06-01"
    with pytest.raises(pp.TimelineError) as exc:
        pp.timeline_from_data(data, "t.json")
    assert _codes_and_paths(exc) == [("timeline-dates", "$.case.end_date"),
                                     ("timeline-dates", "$.case.expected_end_date")]


def test_missing_timeline_file(tmp_path):
    with pytest.raises(pp.TimelineError) as exc:
        pp.load_timeline(tmp_path / "nope.json")
    assert exc.value.codes == ["timeline-not-found"]
    with pytest.raises(pp.TimelineError) as exc:
        pp.load_timeline(tmp_path)
    assert exc.value.codes == ["timeline-unreadable"]


RULE = """\
rules:
  - id: T-01
    title: A rule
    area: activity
    stage: induction
    severity: high
    basis: {citation: a test, illustrative: true}
    deadline:
      trigger: {event: sentence}
      expect: {event: appointment}
      within: {working_days: 5}
"""


def _problems(text):
    rules, problems = parse_rules(textwrap.dedent(text), "r.yaml")
    return [(p.line, p.column, p.code) for p in problems]


def test_a_good_rule_compiles():
    rules, problems = parse_rules(RULE, "r.yaml")
    assert problems == [] and [r.id for r in rules] == ["T-01"]
    assert rules[0].source == "r.yaml:2"


def test_every_problem_in_a_broken_file_is_reported_at_once_sorted_by_line():
    text = """\
    rules:
      - id: T-01
        title: Missing basis, unknown event, unknown field and value
        area: enquiries
        stage: court
        severity: high
        precedence:
          trigger: {event: sentense}
          expect:
            event: enquiry
            where: {agency: polce, colour: red}
      - id: T-02
        title: Unknown template
        area: enquiries
        stage: court
        severity: high
        basis: {citation: x, illustrative: true}
        deadlin: {}
      - id: T-03
        title: Bad indentation
        area: enquiries
         stage: court
    """
    assert _problems(text) == [
        (2, 5, "rule-schema"),           # T-01 has no basis
        (8, 24, "rule-unknown-event"),   # sentense
        (11, 25, "rule-unknown-value"),  # polce
        (11, 32, "rule-unknown-field"),  # colour
        (12, 5, "rule-schema"),          # T-02: no obligation template
        (18, 5, "rule-schema"),          # T-02: unexpected 'deadlin'
        (22, 11, "rule-yaml-syntax"),    # T-03: the indentation
    ]


@pytest.mark.parametrize(
    "change, wanted",
    [
        (("within: {working_days: 5}", "within: {working_days: 5}\n      look_back: {days: 3}\n      look_back: {days: 4}"),
         [(13, 7, "rule-duplicate-key")]),
        (("title: A rule", "title: !!python/object/apply:os.system ['true']"), [(3, 12, "rule-yaml-tag")]),
        (("title: A rule", "title: !custom x"), [(3, 12, "rule-yaml-tag")]),
        (("severity: high", "severity: high\n\tdescription: tab"), [(7, 1, "rule-yaml-syntax")]),
        (("{event: appointment}", "{event: appointment, where: {mode: [office, skype]}}"),
         [(10, 44, "rule-unknown-value")]),
        (("{event: sentence}", "{event: registration_added, where: {code: ADVQ}}"), []),  # timelines may carry any code
        (("deadline:", "applies_when: {registration: ADVQ}\n    deadline:"), [(8, 34, "rule-unknown-state")]),
        (("within: {working_days: 5}", "within: {days: -1}"), [(11, 22, "rule-schema")]),
        (("severity: high", "severity: urgent"), [(6, 15, "rule-schema")]),
        (("id: T-01", "id: t 01"), [(2, 9, "rule-schema")]),
    ],
)
def test_single_problems_have_their_code_and_position(change, wanted):
    # A wrong plain value is located where it is written; a wrong list or mapping at its key.
    old, new = change
    assert old in RULE
    assert _problems(RULE.replace(old, new, 1)) == wanted


def test_impossible_windows():
    before_end = RULE.replace(
        "    deadline:\n      trigger: {event: sentence}\n      expect: {event: appointment}\n"
        "      within: {working_days: 5}\n",
        "    before_end:\n      qualifying: {event: pre_termination_review}\n      within_last: {weeks: 4}\n"
        "      at_least_before: {weeks: 4}\n")
    assert _problems(before_end) == [(11, 7, "rule-impossible-window")]
    cadence = RULE.replace(
        "    deadline:\n      trigger: {event: sentence}\n      expect: {event: appointment}\n"
        "      within: {working_days: 5}\n",
        "    cadence:\n      qualifying: {event: appointment}\n      at_least: 1\n      per: {days: 0}\n")
    assert _problems(cadence) == [(11, 7, "rule-impossible-window")]
    in_force = RULE.replace("    deadline:", "    in_force: {from: 2024-01-01, until: 2023-01-01}\n    deadline:")
    assert _problems(in_force) == [(8, 41, "rule-impossible-window")]


def test_an_alias_bomb_is_refused_without_expanding_it():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        bomb += f"{chr(97 + i)}: &{chr(97 + i)} [" + ", ".join([f"*{chr(96 + i)}"] * 10) + "]\n"
    assert _problems(bomb)[0][2] == "rule-too-large"


def test_duplicate_rule_ids_across_files(tmp_path):
    (tmp_path / "a.yaml").write_text(RULE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(RULE, encoding="utf-8")
    with pytest.raises(pp.RuleError) as exc:
        pp.load_rulebook(tmp_path)
    (d,) = exc.value.diagnostics
    assert (d.code, d.file, d.line) == ("rule-duplicate-id", str(tmp_path / "b.yaml"), 2)
    assert "a.yaml:2" in d.message


def test_rules_not_found(tmp_path):
    with pytest.raises(pp.RuleError) as exc:
        pp.load_rulebook(tmp_path / "missing")
    assert exc.value.codes == ["rules-not-found"]
    with pytest.raises(pp.RuleError) as exc:
        pp.load_rulebook(tmp_path)  # exists, but holds no rule files
    assert exc.value.codes == ["rules-not-found"]


def test_a_rulebook_is_reused_across_timelines(rulebook):
    for example in sorted(EXAMPLES.glob("*.json")):
        report = pp.evaluate(rulebook, pp.load_timeline(example), pp.load_timeline(example).case.start_date)
        assert len(report.verdicts) == len(rulebook.rules)


# --- the cache of derived data -------------------------------------------------------------------------------


def _fresh_process(code: str, cache: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PPCOMPLIANCE_CACHE_DIR": str(cache), **env}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environment, timeout=120)


LOAD = ("import sys, ppcompliance as pp; book = pp.load_rulebook(sys.argv[1] if len(sys.argv) > 1 else None); "
        "print(len(book.rules), 'yaml' in sys.modules, 'jsonschema' in sys.modules)")


def test_a_rulebook_read_from_the_cache_is_the_same_and_skips_the_parsers(tmp_path):
    cache = tmp_path / "cache"
    first = _fresh_process(LOAD, cache)
    again = _fresh_process(LOAD, cache)
    assert first.stdout.split()[1:] == ["True", "True"]  # read and checked
    assert again.stdout.split()[1:] == ["False", "False"]  # from the cache: neither parser loaded
    assert first.stdout.split()[0] == again.stdout.split()[0] == str(len(pp.load_rulebook(RULES).rules))
    described = "import ppcompliance as pp; book = pp.load_rulebook(); print(repr(book.rules), [r.source for r in book.rules])"
    parsed = _fresh_process(described, tmp_path / "unused", PPCOMPLIANCE_NO_CACHE="1", PYTHONHASHSEED="0").stdout
    cached = _fresh_process(described, cache, PYTHONHASHSEED="0").stdout  # (sets print in hash order)
    assert parsed and cached == parsed  # the same rules, with the same lines cited, either way


def test_a_changed_rule_file_is_read_again_and_a_broken_one_never_cached(tmp_path):
    cache = tmp_path / "cache"
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    _fresh_process(LOAD.replace("sys.argv[1] if len(sys.argv) > 1 else None", f"{str(rules)!r}"), cache)
    activity = rules / "activity.yaml"
    activity.write_text(activity.read_text(encoding="utf-8").replace("within: {working_days: 5}",
                                                                     "within: {working_dayz: 5}", 1), encoding="utf-8")
    with pytest.raises(pp.RuleError) as caught:
        pp.load_rulebook(rules)
    assert caught.value.codes == ["rule-schema"]
    code = f"import ppcompliance as pp\ntry:\n    pp.load_rulebook({str(rules)!r})\nexcept pp.RuleError as e:\n    print(e.codes)"
    assert _fresh_process(code, cache).stdout.strip() == "['rule-schema']"
    assert _fresh_process(code, cache).stdout.strip() == "['rule-schema']"  # and again: never cached


def test_a_damaged_cache_is_a_miss_and_the_cache_can_be_turned_off(tmp_path):
    cache = tmp_path / "cache"
    _fresh_process(LOAD, cache)
    for entry in cache.iterdir():
        entry.write_text('{"data": "not the rules"', encoding="utf-8")
    damaged = _fresh_process(LOAD, cache)
    assert damaged.returncode == 0 and damaged.stdout.split()[1:] == ["True", "True"]
    off = _fresh_process(LOAD, tmp_path / "off", PPCOMPLIANCE_NO_CACHE="1")
    assert off.returncode == 0 and not (tmp_path / "off").exists()
