"""Rule tests as data (``ppcheck test``): load ``*.tests.yaml`` beside the rules, run them, measure coverage.

Each test is a small case, its events, an as-of date and the verdict wanted from one rule. Running a test is
evaluating that rule alone; coverage observes the verdicts from outside (the evaluator knows nothing of it):
which rules were tested, which templates, which verdict states each rule produced, and whether each
condition was seen both holding and not holding.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from ..engine.evaluate import evaluate
from ..engine.facts import STATES, Reason, RuleVerdict
from ..engine.rulebook import Always, Rulebook
from ..errors import Diagnostic, TimelineError
from ..explain import explain_rule
from ..explain.sentences import context
from ..rules import yaml as _yaml
from ..schemas import located_problems
from ..timeline.load import timeline_from_data

TEST_SUFFIX = ".tests.yaml"


@dataclass(frozen=True)
class RuleTest:
    """One test: the rule, a name, the timeline data, the as-of date and what is wanted."""

    rule_id: str
    name: str
    timeline: dict[str, Any]
    as_of: _dt.date
    want: dict[str, Any]
    file: str
    line: int
    lines: dict[str, int] = field(default_factory=dict)  # JSON path in the timeline -> line of the test file


@dataclass(frozen=True)
class Outcome:
    """A test's result: passed, or the differences between wanted and actual."""

    test: RuleTest
    verdict: RuleVerdict | None
    differences: tuple[str, ...] = ()
    error: str = ""
    sentence: str = ""  # what the rule says of the test's case

    @property
    def passed(self) -> bool:
        """Whether the rule gave what was wanted."""
        return not self.differences and not self.error


def test_files(rules: Path) -> list[Path]:
    """The rule-test files for a rules folder (skipping hidden folders, as rule loading does), or for one rule
    file the ``<name>.tests.yaml`` beside it."""
    if not rules.is_dir():
        beside = rules.with_name(rules.name.rsplit(".", 1)[0] + TEST_SUFFIX)
        return [beside] if beside.is_file() else []
    return sorted(p for p in rules.rglob(f"*{TEST_SUFFIX}") if p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(rules).parts))


def load_tests(files: list[Path]) -> tuple[list[RuleTest], list[Diagnostic]]:
    """Read and validate test files: (tests, problems), problems located by file:line:column."""
    tests, problems = [], []
    for file in files:
        source = str(file)
        try:
            text = file.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Diagnostic(source, code="rule-unreadable", message=str(exc)))
            continue
        located, found = _yaml.load(text, source)
        problems += found
        if located is None:
            continue
        schema_problems, _ = located_problems("rule-tests", located, source)
        if schema_problems:
            problems += schema_problems
            continue
        for i, item in enumerate(located.data["tests"]):
            lines = {f"$.events[{n}]" + (f".{k}" if k else ""): located.locate(("tests", i, "events", n) + ((k,) if k else ()))[0]
                     for n, event in enumerate(item["events"]) for k in ("", *event)}
            lines.update({f"$.case.{k}": located.locate(("tests", i, "case", k))[0] for k in item.get("case", {})})
            tests.append(_test(item, source, located.locate(("tests", i))[0], lines))
    return tests, problems


def _valid_date(text: object) -> bool:
    try:
        _dt.date.fromisoformat(str(text))
    except ValueError:
        return False
    return isinstance(text, str) and len(text) == 10


def _test(item: dict[str, Any], source: str, line: int, lines: dict[str, int] | None = None) -> RuleTest:
    events = []
    for n, event in enumerate(item["events"], 1):
        event = dict(event)
        event.setdefault("id", f"E{n}")
        events.append({"id": event.pop("id"), **event})
    case = dict(item.get("case", {}))
    # The case's dates, where the test does not give them, come from its events' (valid) dates, so that a
    # mistyped event date is reported as the event's, not as a case date nobody wrote.
    dates = sorted(e["date"] for e in events if _valid_date(e.get("date")))
    start = case.get("start_date") or (dates[0] if dates else item["as_of"])
    if "expected_end_date" not in case:
        try:
            end = _dt.date.fromisoformat(start) + _dt.timedelta(days=364)
            case["expected_end_date"] = end.isoformat()
        except ValueError:
            case["expected_end_date"] = start
    timeline = {
        "case": {"id": case.get("id", "TEST"), "supervision_type": case.get("supervision_type", "community_order"),
                 "start_date": start, "expected_end_date": case["expected_end_date"],
                 **({"end_date": case["end_date"]} if "end_date" in case else {})},
        "events": events,
    }
    want = item["want"] if isinstance(item["want"], dict) else {"verdict": item["want"]}
    return RuleTest(item["rule"], item["name"], timeline, _dt.date.fromisoformat(item["as_of"]), want, source, line,
                    lines or {})


def run_test(rulebook: Rulebook, test: RuleTest) -> Outcome:
    """Evaluate the test's rule alone on its case and compare with what is wanted."""
    rule = rulebook.by_id.get(test.rule_id)
    if rule is None:
        return Outcome(test, None, error=f"no rule {test.rule_id!r} in the rulebook")
    try:
        timeline = timeline_from_data(test.timeline, f"{test.file}:{test.line}")
    except TimelineError as exc:
        return Outcome(test, None, error="the test's case is not a valid timeline: " +
                       "; ".join(_where(test, d) + d.message for d in exc.diagnostics))
    try:
        (verdict,) = evaluate(rulebook, timeline, test.as_of, only=(rule.id,)).verdicts
    except TimelineError as exc:
        return Outcome(test, None, error="the test's case cannot be checked: " +
                       "; ".join(_where(test, d) + d.message for d in exc.diagnostics))
    sentence = explain_rule(rule, verdict, context(timeline.case, test.as_of)).sentence
    return Outcome(test, verdict, tuple(_differences(test.want, verdict)), sentence=sentence)


def _differences(want: dict[str, Any], verdict: RuleVerdict) -> list[str]:
    deciding = verdict.deciding
    actual = {
        "verdict": verdict.state.value,
        "due": deciding.due.isoformat() if deciding and deciding.due else None,
        "days": deciding.days if deciding else None,
        "evidence": [e.event_id for e in deciding.evidence] if deciding else [],
        "reason": deciding.reason.value if deciding else "",
        "instances": [i.state.value for i in verdict.instances],
    }
    return [f"{key}: wanted {wanted!r}, got {actual[key]!r}" for key, wanted in want.items() if actual[key] != wanted]


# --- coverage (an observer of outcomes) -------------------------------------------------------------------


@dataclass
class Coverage:
    """What the tests exercised: per rule, the verdict states seen and whether its condition held / did not."""

    rules: dict[str, set[str]] = field(default_factory=dict)
    held: dict[str, set[bool]] = field(default_factory=dict)

    def observe(self, outcome: Outcome) -> None:
        """Record what one passing test exercised."""
        if outcome.verdict is None or not outcome.passed:
            return
        v = outcome.verdict
        self.rules.setdefault(v.rule_id, set()).update(i.state for i in v.instances)
        for i in v.instances:
            if i.reason in (Reason.CONDITION, Reason.NEVER_HELD):
                self.held.setdefault(v.rule_id, set()).add(False)
            elif i.reason not in (Reason.NO_TRIGGER, Reason.NOT_IN_FORCE):
                self.held.setdefault(v.rule_id, set()).add(True)

    def report(self, rulebook: Rulebook) -> dict[str, Any]:
        """Coverage figures: rules, templates, conditions and verdict states exercised."""
        ids = [r.id for r in rulebook.rules]
        tested = [i for i in ids if i in self.rules]
        conditional = [r.id for r in rulebook.rules if not isinstance(r.applies_when, Always)]
        both = [i for i in conditional if self.held.get(i) == {True, False}]
        templates = sorted({r.template for r in rulebook.rules})
        templates_tested = sorted({r.template for r in rulebook.rules if r.id in self.rules})
        return {
            "rules": {"total": len(ids), "tested": len(tested), "untested": [i for i in ids if i not in self.rules],
                      "percent": _percent(len(tested), len(ids))},
            "templates": {"total": len(templates), "tested": len(templates_tested),
                          "untested": sorted(set(templates) - set(templates_tested))},
            "conditions": {"total": len(conditional), "both_ways": len(both),
                           "one_way": [i for i in conditional if i not in both],
                           "percent": _percent(len(both), len(conditional))},
            "states": {i: [s for s in STATES if s in self.rules.get(i, set())] for i in ids},
        }


def _percent(part: int, whole: int) -> float:
    return 100.0 if whole == 0 else round(100.0 * part / whole, 1)


def junit_xml(outcomes: list[Outcome]) -> str:
    """The outcomes as JUnit XML, one test case per rule test, grouped by file."""
    by_file: dict[str, list[Outcome]] = {}
    for o in outcomes:
        by_file.setdefault(o.test.file, []).append(o)
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             f'<testsuites tests="{len(outcomes)}" failures="{sum(not o.passed for o in outcomes)}">']
    for file, group in by_file.items():
        failed = sum(not o.passed for o in group)
        lines.append(f'  <testsuite name={quoteattr(file)} tests="{len(group)}" failures="{failed}">')
        for o in group:
            name = quoteattr(f"{o.test.rule_id}: {o.test.name}")
            lines.append(f'    <testcase classname={quoteattr(o.test.rule_id)} name={name} '
                         f'file={quoteattr(file)} line="{o.test.line}">')
            if not o.passed:
                text = o.error or "; ".join(o.differences)
                lines.append(f'      <failure message={quoteattr(text)}>{escape(_detail(o))}</failure>')
            lines.append("    </testcase>")
        lines.append("  </testsuite>")
    lines.append("</testsuites>")
    return "\n".join(lines) + "\n"


def _detail(o: Outcome) -> str:
    text = o.error or "\n".join(o.differences)
    if o.sentence:
        text += f"\n{o.sentence}"
    return text


def _where(test: RuleTest, d: Diagnostic) -> str:
    """Where in the test file a problem of its timeline is: the line, and the event by its id."""
    path = d.json_path
    while path and path not in test.lines:
        path = path.rsplit(".", 1)[0] if "." in path[2:] else ""
    line = test.lines.get(path)
    index = d.json_path.split("]")[0].split("[")[-1] if d.json_path.startswith("$.events[") else None
    event = test.timeline["events"][int(index)]["id"] if index is not None and index.isdigit() else None
    parts = [f"line {line}" if line else "", f"event {event}" if event else d.json_path]
    return ", ".join(p for p in parts if p) + ": "
