"""The ``ppcheck`` command: the only place that reads the clock, prints, or exits.

``ppcheck TIMELINE`` is short for ``ppcheck check TIMELINE``; other verbs are subcommands of the same program.
Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input errors.
"""

from __future__ import annotations

import sys
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from . import __version__
from ._dates import parse_date
from ._evaluate import evaluate
from ._load_rules import load_rulebook
from ._load_timeline import load_timeline
from ._render import report_to_json, report_to_rich
from .errors import Diagnostic, InputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
MAX_SHOWN = 20

app = typer.Typer(
    name="ppcheck",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help=(
        "Check probation case timelines against the public-protection rulebook.\n\n"
        "ppcheck TIMELINE is short for ppcheck check TIMELINE.\n\n"
        "Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input error."
    ),
)


class Format(str, Enum):
    text = "text"
    json = "json"


def _as_of(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            parse_date(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2024-06-30") from None
    return value


@app.command(no_args_is_help=True)
def check(
    timeline: Path = typer.Argument(..., help="A case timeline (JSON; see schemas/timeline.schema.json).",
                                    show_default=False, metavar="TIMELINE"),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help="A folder of YAML rule files, or one file "
                                         "[default: the bundled rulebook].", show_default=False),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=_as_of,
                                        help="Judge the case as seen on this date; later events are ignored "
                                             "[default: today].", show_default=False),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text: a report to read; json: one document "
                               "per case (schemas/verdicts.schema.json)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Text: list every failing check, not only the "
                                 "first per rule."),
) -> None:
    """Check one case timeline: a verdict per rule with its evidence, due date and reason."""
    # The edge is the one place that reads the clock; the evaluator only ever sees a date.
    day = parse_date(as_of) if as_of else date.today()
    try:
        rulebook = load_rulebook(rules)
        case = load_timeline(timeline)
    except InputError as exc:
        _report_errors(exc.diagnostics)
        raise typer.Exit(EXIT_INPUT)
    report = evaluate(rulebook, case, day)
    if fmt is Format.json:
        sys.stdout.write(report_to_json(report, rulebook))
    else:
        from rich.console import Console

        Console(highlight=False).print(report_to_rich(report, rulebook, verbose=verbose))
    raise typer.Exit(EXIT_FINDINGS if report.failing else EXIT_OK)


# Diagnostics that mean the rules could not be read at all (lint exits 2 for these, 1 for any other problem).
_UNREADABLE = {"rules-not-found", "rule-unreadable", "rule-too-large"}


@app.command()
def lint(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files, or one file [default: the "
                                           "bundled rulebook].", show_default=False, metavar="RULES"),
) -> None:
    """Check rule files: every problem at once, sorted, with file:line:column and a stable code.

    Exit status: 0 clean; 1 problems found; 2 the rules could not be read.
    """
    from ._lint import lint_rulebook

    try:
        rulebook = load_rulebook(rules)
    except InputError as exc:
        _report_errors(exc.diagnostics, checked="the rules have problems")
        raise typer.Exit(EXIT_INPUT if any(d.code in _UNREADABLE for d in exc.diagnostics) else EXIT_FINDINGS)
    findings = lint_rulebook(rulebook)
    if findings:
        _report_errors(findings, checked="the rules load, but lint found problems")
        raise typer.Exit(EXIT_FINDINGS)
    files = len(rulebook.sources)
    sys.stdout.write(f"{len(rulebook.rules)} rules in {files} file{'s' if files != 1 else ''}: no problems found.\n")


@app.command("test")
def test_rules(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files with their *.tests.yaml "
                                           "[default: the bundled rulebook].", show_default=False, metavar="RULES"),
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
    from ._rule_tests import Coverage, junit_xml, load_tests, run_test, test_files
    from ._resources import default_rules_dir

    rulebook = _load_rules_or_exit(rules)
    root = rules if rules is not None else default_rules_dir()
    tests, problems = load_tests(test_files(root))
    if problems:
        _report_errors(problems, checked="no tests were run")
        raise typer.Exit(EXIT_INPUT)
    if not tests:
        sys.stderr.write(f"ppcheck: no *.tests.yaml files with tests under {root}.\n")
        raise typer.Exit(EXIT_INPUT)
    outcomes = [run_test(rulebook, t) for t in tests]
    coverage = Coverage()
    for outcome in outcomes:
        coverage.observe(outcome)
    out = sys.stdout
    for o in outcomes:
        if o.passed and not verbose:
            continue
        out.write(f"{'ok  ' if o.passed else 'FAIL'} {o.test.rule_id}: {o.test.name}  ({o.test.file}:{o.test.line})\n")
        for line in ([o.error] if o.error else list(o.differences)):
            out.write(f"     {line}\n")
        if not o.passed and o.verdict is not None:
            out.write(f"     the rule says: {o.verdict.sentence}\n")
    failed = sum(not o.passed for o in outcomes)
    out.write(f"{len(outcomes)} tests: {len(outcomes) - failed} passed, {failed} failed.\n")
    figures = coverage.report(rulebook)
    r, t, c = figures["rules"], figures["templates"], figures["conditions"]
    out.write(f"Rule coverage: {r['tested']} of {r['total']} rules tested ({r['percent']}%)"
              + (f"; untested: {', '.join(r['untested'])}" if r["untested"] else "") + "\n")
    out.write(f"Templates: {t['tested']} of {t['total']}" + (f"; untested: {', '.join(t['untested'])}"
                                                             if t["untested"] else "") + "\n")
    out.write(f"Conditions seen both holding and not: {c['both_ways']} of {c['total']} ({c['percent']}%)"
              + (f"; only one way: {', '.join(c['one_way'])}" if c["one_way"] else "") + "\n")
    if verbose:
        for rule_id, states in figures["states"].items():
            out.write(f"  {rule_id:<10} {' '.join(states) or '-'}\n")
    if junit is not None:
        _write(junit_xml(outcomes), junit)
    if failed:
        raise typer.Exit(EXIT_FINDINGS)
    if r["percent"] < min_coverage:
        out.write(f"Rule coverage {r['percent']}% is below the minimum of {min_coverage}%.\n")
        raise typer.Exit(EXIT_FINDINGS)


@app.command()
def diff(
    old: Path = typer.Argument(..., help="The current rules (a folder or file).", show_default=False, metavar="OLD"),
    new: Path = typer.Argument(..., help="The proposed rules.", show_default=False, metavar="NEW"),
    timelines: list[Path] = typer.Argument(..., help="Timelines to compare on: files, or folders of *.json.",
                                           show_default=False, metavar="TIMELINES"),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=_as_of,
                                        help="Judge the cases as seen on this date [default: today].",
                                        show_default=False),
    show: int = typer.Option(10, "--show", min=0, help="List at most this many case ids per kind of move."),
) -> None:
    """Show what a proposed rule change does to a caseload: per rule, which cases' verdicts move.

    Exit status: 0 no verdict changes; 1 some verdicts change; 2 usage or input error.
    """
    from ._diff import compare, rate

    old_book, new_book = _load_rules_or_exit(old), _load_rules_or_exit(new)
    day = parse_date(as_of) if as_of else date.today()
    files = [f for t in timelines for f in (sorted(t.glob("*.json")) if t.is_dir() else [t])]
    if not files:
        sys.stderr.write(f"ppcheck: no timelines (*.json) in {', '.join(str(t) for t in timelines)}.\n")
        raise typer.Exit(EXIT_INPUT)
    loaded, problems = [], []
    for file in files:
        try:
            loaded.append(load_timeline(file))
        except InputError as exc:
            problems += exc.diagnostics
    if problems:
        _report_errors(problems, checked=f"{len(problems)} timeline problems; nothing was compared")
        raise typer.Exit(EXIT_INPUT)
    changes = compare(old_book, new_book, loaded, day)
    out = sys.stdout
    out.write(f"{len(loaded)} cases as of {day.isoformat()}; {len(old_book.rules)} rules before, "
              f"{len(new_book.rules)} after.\n")
    moved_any = False
    for change in changes:
        if change.status == "unchanged" and not change.moves:
            continue
        moved_any = moved_any or bool(change.moves)
        before, after = rate(change.old), rate(change.new)
        rates = f"compliance {'-' if before is None else f'{before}%'} -> {'-' if after is None else f'{after}%'}"
        out.write(f"\n{change.rule_id} ({change.status}): {change.moved} of {len(loaded)} cases change; {rates}\n")
        for (a, b), cases in sorted(change.moves.items()):
            more = [f"... ({len(cases) - show} more)"] if len(cases) > show else []
            listed = ", ".join(cases[:show] + more)
            out.write(f"  {a} -> {b}: {len(cases)}  {listed}\n")
    if not moved_any:
        out.write("No case's verdict changes.\n")
    raise typer.Exit(EXIT_FINDINGS if moved_any else EXIT_OK)


class DocFormat(str, Enum):
    markdown = "markdown"
    html = "html"


@app.command()
def doc(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files, or one file [default: the "
                                           "bundled rulebook].", show_default=False, metavar="RULES"),
    fmt: DocFormat = typer.Option(DocFormat.markdown, "--format", "-f", help="markdown, or html (one "
                                  "self-contained page)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard "
                                          "output.", show_default=False),
) -> None:
    """Write the plain-English rulebook: per practice area and stage, each rule as a sentence with its basis."""
    from ._doc import rulebook_html, rulebook_markdown

    rulebook = _load_rules_or_exit(rules)
    text = (rulebook_html if fmt is DocFormat.html else rulebook_markdown)(rulebook)
    _write(text, output)


def _load_rules_or_exit(rules: Optional[Path]):
    try:
        return load_rulebook(rules)
    except InputError as exc:
        _report_errors(exc.diagnostics)
        raise typer.Exit(EXIT_INPUT)


def _write(text: str, output: Optional[Path]) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"ppcheck: cannot write {output}: {exc.strerror or exc}\n")
        raise typer.Exit(EXIT_INPUT)


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"ppcheck {__version__}")


def _report_errors(diagnostics: list[Diagnostic], checked: str = "nothing was checked") -> None:
    out = sys.stderr
    total = len(diagnostics)
    out.write(f"ppcheck: {total} problem{'s' if total != 1 else ''}; {checked}.\n")
    for d in diagnostics[:MAX_SHOWN]:
        out.write(f"{d}\n")
        excerpt = _excerpt(d)
        if excerpt:
            out.write(excerpt)
    if total > MAX_SHOWN:
        out.write(f"... and {total - MAX_SHOWN} more.\n")


def _excerpt(d: Diagnostic) -> str:
    """The offending line of a rule file with a caret under the column (lark-style)."""
    if not d.line or not d.file.endswith((".yaml", ".yml")):
        return ""
    try:
        with open(d.file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if number == d.line:
                    text = line.rstrip("\n")[:160]
                    return f"    {text}\n    {' ' * (max(d.column, 1) - 1)}^\n"
    except (OSError, UnicodeDecodeError):
        return ""
    return ""


SUBCOMMANDS = {"check", "diff", "doc", "lint", "test", "version"}


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: ``ppcheck FILE ...`` runs ``check``; ``ppcheck VERB ...`` runs that verb."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in SUBCOMMANDS and args[0] not in ("--help", "-h", "--version"):
        args.insert(0, "check")
    if args[:1] == ["--version"]:
        args = ["version"]
    app(args, prog_name="ppcheck")
