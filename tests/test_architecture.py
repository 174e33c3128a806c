"""The design holds: every template and condition kind implements every stage, the published rule schema is
the one built from them, imports go one way along the pipeline, and the vocabulary has one source.
"""

from __future__ import annotations

import ast
import inspect
import json
from datetime import date
from pathlib import Path

import pytest

import ppcompliance as pp
from ppcompliance import vocabulary
from ppcompliance.engine.conditions import CONDITIONS
from ppcompliance.engine.facts import Reason, State
from ppcompliance.engine.rulebook import Basis, Rule
from ppcompliance.engine.templates import TEMPLATES, ExplainContext, Template
from ppcompliance.engine.view import CaseView
from ppcompliance.rules.compile import Compiler
from ppcompliance.rules.schema_build import build_rules_schema

from conftest import ROOT, SCHEMAS

PACKAGE = ROOT / "src" / "ppcompliance"

# A case with a little of everything the example rules and conditions read.
TIMELINE = pp.timeline_from_data({
    "case": {"id": "A1", "supervision_type": "community_order", "start_date": "2024-01-08",
             "expected_end_date": "2024-07-07"},
    "events": [
        {"id": "E1", "type": "sentence", "date": "2024-01-08"},
        {"id": "E2", "type": "appointment", "date": "2024-01-20", "mode": "office", "outcome": "attended"},
        {"id": "E3", "type": "risk_assessment", "date": "2024-01-22", "rosh": "high"},
        {"id": "E4", "type": "new_information", "date": "2024-02-01", "kind": "arrest"},
        {"id": "E5", "type": "registration_added", "date": "2024-02-02", "code": "ADVP"},
        {"id": "E6", "type": "management_oversight", "date": "2024-04-01"},
        {"id": "E7", "type": "custody_start", "date": "2024-04-10", "reason": "remand"},
        {"id": "E8", "type": "custody_release", "date": "2024-04-20"},
        {"id": "E9", "type": "tier_calculation", "date": "2024-01-25", "tier": "A2"},
        {"id": "E10", "type": "mappa_level_set", "date": "2024-02-05", "category": 2, "level": 2},
    ],
})
AS_OF_DATES = (date(2024, 1, 9), date(2024, 3, 1), date(2024, 6, 30), date(2024, 9, 1))


def _rule(template: str, obligation: Template) -> Rule:
    return Rule(id="T-01", title="Test rule", area="activity", stage="delivery", severity="low",
                basis=Basis("a basis long enough", True), obligation=obligation)


@pytest.mark.parametrize("keyword", sorted(TEMPLATES))
def test_every_template_implements_every_stage(keyword):
    template = TEMPLATES[keyword]
    assert not inspect.isabstract(template), f"{keyword} leaves a stage unimplemented"
    assert template.keyword == keyword
    assert template.SCHEMA["description"] and template.SCHEMA["examples"]
    for example in template.SCHEMA["examples"]:
        compiler = Compiler()
        obligation = template.compile(example, (keyword,), compiler)
        assert compiler.problems == [], compiler.problems
        rule = _rule(keyword, obligation)
        trigger, expected = obligation.labels()
        assert expected and isinstance(trigger, str)
        assert obligation.describe().endswith(".")
        assert all(isinstance(n, str) and d.days >= 0 for n, d in obligation.durations())
        assert obligation.signature()[0] == keyword
        assert isinstance(obligation.figures(), dict)
        assert isinstance(obligation.lint(rule), list)
        seen = set()
        for as_of in AS_OF_DATES:
            for instance in obligation.evaluate(rule, CaseView(TIMELINE, as_of)):
                seen.add(instance.state)
                if instance.reason:
                    continue
                sentence = obligation.explain(instance, ExplainContext(TIMELINE.case, as_of))
                assert sentence.endswith((".", ")")) and sentence[0].isupper(), sentence
                if instance.state in (State.LATE, State.MISSED):
                    assert obligation.would_have_met(instance).endswith("would have met this rule.")
        assert seen, f"{keyword}: the example rule gave no instance on the test case"


@pytest.mark.parametrize("keyword", list(CONDITIONS))
def test_every_condition_kind_implements_every_stage(keyword):
    kind = CONDITIONS[keyword]
    assert not inspect.isabstract(kind), f"{keyword} leaves a stage unimplemented"
    assert kind.keyword == keyword
    assert kind.SCHEMA["description"] and kind.SCHEMA["examples"]
    for example in kind.SCHEMA["examples"]:
        compiler = Compiler()
        condition = compiler.condition({keyword: example}, ("applies_when",))
        assert compiler.problems == [], compiler.problems
        assert condition.describe()
        view = CaseView(TIMELINE, date(2024, 6, 30))
        track = view.state.condition(condition)
        assert {track.at(day.toordinal()) for day in AS_OF_DATES} <= {True, False, None}
        dims = condition.dimensions()
        world = {name: values[0] for name, values in dims.items()}
        assert condition.holds_in(world) in (True, False)
        for day in AS_OF_DATES:
            for name in condition.unknowns(view.state, day.toordinal()):
                assert CONDITIONS[name].missing(day)


def test_the_published_rule_schema_is_the_one_built_from_the_templates_and_conditions():
    published = json.loads((SCHEMAS / "rules.schema.json").read_text(encoding="utf-8"))
    assert published == build_rules_schema(), (
        "schemas/rules.schema.json is not what the templates and condition kinds define: review the difference "
        "and write it with `python -m ppcompliance.rules.schema_build > schemas/rules.schema.json`")


def test_the_rule_schema_lists_the_timeline_event_types():
    schema = build_rules_schema()
    listed = schema["$defs"]["matcher"]["properties"]["event"]["oneOf"][0]["anyOf"][0]["enum"]
    assert listed == [*vocabulary.EVENT_TYPES, *vocabulary.SYNTHETIC_EVENT_TYPES]


def test_the_timeline_reference_lists_every_event_type_and_field():
    text = (ROOT / "docs" / "timeline.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line for line in text.splitlines()
            if line.startswith("| `") and line.count("|") == 4}
    for event_type, fields in vocabulary.EVENT_TYPES.items():
        assert event_type in rows, f"docs/timeline.md has no row for {event_type}"
        for name, allowed in fields.items():
            assert f"`{name}`" in rows[event_type], (event_type, name)
            for value in allowed or ():
                written = json.dumps(value) if isinstance(value, bool) else value  # as JSON spells it
                assert f"`{written}`" in rows[event_type], (event_type, name, value)


def test_the_reasons_and_states_are_the_published_ones():
    verdicts = json.loads((SCHEMAS / "verdicts.schema.json").read_text(encoding="utf-8"))
    assert verdicts["$defs"]["verdict"]["enum"] == [s.value for s in State]
    text = json.dumps(verdicts)
    for reason in Reason:
        if reason.value:
            assert reason.value in text, f"{reason.value} is not described in the verdicts schema"


# --- imports go one way along the pipeline -------------------------------------------------------------------

# What each part of the package may import (besides itself and the standard library and third parties).
ALLOWED = {
    "errors": set(),
    "_version": set(),
    "words": set(),
    "_resources": set(),
    "_cache": set(),
    "dates": {"_cache"},
    "vocabulary": {"_resources"},
    "schemas": {"_resources", "errors"},
    "timeline": {"errors", "vocabulary", "schemas", "_resources", "dates"},
    "engine": {"timeline", "vocabulary", "dates", "words", "errors"},
    "rules": {"engine", "vocabulary", "schemas", "errors", "_resources", "dates", "_cache"},
    "explain": {"engine", "timeline", "vocabulary", "dates", "words"},
    "report": {"explain", "engine", "timeline", "vocabulary", "dates", "words", "errors", "_resources", "_version"},
    "synthetic": {"engine", "rules", "timeline", "vocabulary", "dates", "words"},
    "caseload": {"report", "explain", "engine", "timeline", "rules", "errors", "vocabulary", "dates", "words"},
    "policy": {"caseload", "report", "explain", "engine", "timeline", "rules", "schemas", "errors", "vocabulary",
               "dates", "words", "_resources", "_version"},
    "apidoc": {"__init__"},
    "tables": {"rules", "engine", "timeline", "schemas", "vocabulary", "errors"},
    "service": {"caseload", "policy", "report", "explain", "engine", "timeline", "rules", "schemas", "errors",
                "vocabulary", "dates", "words", "_resources", "_version"},
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[str]:
    module = "ppcompliance." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts)
    if module.endswith(".__init__"):
        module = module[: -len(".__init__")]
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("ppcompliance"):
                found += [target] if node.module else [f"{target}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("ppcompliance")]
    return found


def test_imports_go_one_way_along_the_pipeline():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = _part("ppcompliance." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
        if here in ("cli", "__init__", "__main__"):
            continue
        for target in _imports(path):
            there = _part(target)
            if there != here and there not in ALLOWED[here]:
                wrong.append(f"{path.relative_to(ROOT)} imports {target}")
    assert wrong == []


def test_only_the_cli_prints_or_exits():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if "cli" in path.relative_to(PACKAGE).parts or path.name in ("schema_build.py", "openapi.py", "apidoc.py"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("print", "exit"):
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} calls {node.func.id}")
            if isinstance(node, ast.Attribute) and node.attr in ("stdout", "stderr", "exit") and \
                    isinstance(node.value, ast.Name) and node.value.id == "sys":
                wrong.append(f"{path.relative_to(ROOT)}:{node.lineno} uses sys.{node.attr}")
    assert wrong == []


def test_every_diagnostic_code_is_documented_with_its_meaning():
    from ppcompliance.errors import CODES

    text = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip().strip("`"): line.split("|")[2].strip()
            for line in text.splitlines() if line.startswith("| `")}
    assert {code: rows.get(code) for code in CODES} == dict(CODES)


def test_the_readme_layout_names_every_part_of_the_package():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme[readme.index("## Layout"):]
    parts = sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert [p for p in parts if f"`{p}`" not in layout] == []
