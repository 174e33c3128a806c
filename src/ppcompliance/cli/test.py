"""``ppcheck test``: the rule tests written as data beside the rules, with coverage."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Optional

import typer

from .. import words
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic
from .app import app
from .common import EXIT_FINDINGS, EXIT_INPUT, fail, load_rules, report_errors, write_whole


if TYPE_CHECKING:
    from ..policy.tests import Outcome


class TestFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


@app.command("test")
def test_rules(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files with their *.tests.yaml, or one "
                                           "rule file [default: the bundled rulebook].", show_default=False,
                                           metavar="RULES"),
    rule: Optional[list[str]] = typer.Option(None, "--rule", help="Run only this rule's tests (repeatable).",
                                             show_default=False, metavar="ID"),
    fmt: TestFormat = typer.Option(TestFormat.text, "--format", "-f",
                                   help="text, json, or github (GitHub Actions annotations for failures)."),
    junit: Optional[Path] = typer.Option(None, "--junit", help="Also write the results as JUnit XML to this file.",
                                         show_default=False),
    min_coverage: float = typer.Option(0.0, "--min-coverage", min=0, max=100, metavar="PERCENT",
                                       help="Fail (exit 1) if fewer than this percentage of rules are tested."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every test, not only the failures."),
) -> None:
    """Run the rule tests (*.tests.yaml beside the rules) and report rule coverage.

    Exit status: 0 all pass (and coverage is at least --min-coverage); 1 a test failed or coverage is too low;
    2 the rules or tests could not be read.
    """
    from .._resources import default_rules_dir
    from ..policy.tests import TEST_SUFFIX, Coverage, junit_xml, load_tests, run_test, test_files

    if rules is not None and rules.name.endswith(TEST_SUFFIX):
        beside = rules.with_name(rules.name[: -len(TEST_SUFFIX)] + ".yaml")
        fail(f"{rules} is a file of rule tests: give the rule file it tests ({beside}) or the rules folder, and "
             f"ppcheck test finds the tests beside it")
    rulebook = load_rules(rules)
    root = rules if rules is not None else default_rules_dir()
    tests, problems = load_tests(test_files(root))
    if problems:
        report_errors(problems, checked="no tests were run")
        raise typer.Exit(EXIT_INPUT)
    if rule:
        unknown = sorted(set(rule) - set(rulebook.by_id))
        if unknown:
            fail(f"no rule {', '.join(unknown)} in the rulebook")
        tests = [t for t in tests if t.rule_id in rule]
    if not tests:
        fail(f"no tests under {root}" + (f" for {', '.join(rule)}" if rule else ""))
    outcomes = [run_test(rulebook, t) for t in tests]
    coverage = Coverage()
    for outcome in outcomes:
        coverage.observe(outcome)
    figures = coverage.report(rulebook if not rule else _only(rulebook, rule))
    failed = [o for o in outcomes if not o.passed]
    if fmt is TestFormat.json:
        sys.stdout.write(json.dumps({
            "tests": len(outcomes), "passed": len(outcomes) - len(failed), "failed": len(failed),
            "failures": [{"rule_id": o.test.rule_id, "name": o.test.name, "file": o.test.file, "line": o.test.line,
                          "problems": [o.error] if o.error else list(o.differences), "the_rule_says": o.sentence}
                         for o in failed],
            "coverage": figures}, indent=2, ensure_ascii=False) + "\n")
    elif fmt is TestFormat.github:
        from ..report.diagnostics import github_annotations

        sys.stdout.write(github_annotations([
            Diagnostic(o.test.file, o.test.line, 1, code="rule-test-failed",
                       message=f"{o.test.rule_id}: {o.test.name}: " + "; ".join([o.error] if o.error
                                                                                 else o.differences))
            for o in failed]))
    else:
        _text(outcomes, figures, verbose)
    if junit is not None:
        write_whole(junit, junit_xml(outcomes))
    if failed:
        raise typer.Exit(EXIT_FINDINGS)
    if figures["rules"]["percent"] < min_coverage:
        sys.stdout.write(f"Rule coverage {figures['rules']['percent']}% is below the minimum of {min_coverage}%.\n")
        raise typer.Exit(EXIT_FINDINGS)


def _only(rulebook: Rulebook, ids: list[str]) -> Rulebook:
    return Rulebook(tuple(r for r in rulebook.rules if r.id in ids), rulebook.sources)


def _text(outcomes: list[Outcome], figures: dict[str, Any], verbose: bool) -> None:
    out = sys.stdout
    for o in outcomes:
        if o.passed and not verbose:
            continue
        out.write(f"{'ok  ' if o.passed else 'FAIL'} {o.test.rule_id}: {o.test.name}  ({o.test.file}:{o.test.line})\n")
        for line in ([o.error] if o.error else list(o.differences)):
            out.write(f"     {line}\n")
        if not o.passed and o.sentence:
            out.write(f"     the rule says: {o.sentence}\n")
    failed = sum(not o.passed for o in outcomes)
    out.write(f"{words.plural(len(outcomes), 'test')}: {len(outcomes) - failed} passed, {failed} failed.\n")
    r, t, c = figures["rules"], figures["templates"], figures["conditions"]
    out.write(f"Rule coverage: {r['tested']} of {words.plural(r['total'], 'rule')} tested ({r['percent']}%)"
              + (f"; untested: {', '.join(r['untested'])}" if r["untested"] else "") + "\n")
    out.write(f"Templates: {t['tested']} of {t['total']}" + (f"; untested: {', '.join(t['untested'])}"
                                                             if t["untested"] else "") + "\n")
    out.write(f"Conditions seen both holding and not: {c['both_ways']} of {c['total']} ({c['percent']}%)"
              + (f"; only one way: {', '.join(c['one_way'])}" if c["one_way"] else "") + "\n")
    if verbose:
        for rule_id, states in figures["states"].items():
            out.write(f"  {rule_id:<10} {' '.join(s.value for s in states) or '-'}\n")
