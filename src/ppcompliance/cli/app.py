"""The ``ppcheck`` command: the only place that reads the clock, prints, or exits.

``ppcheck TIMELINE`` is short for ``ppcheck check TIMELINE``; other verbs are subcommands of the same program.
Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input errors.
"""

from __future__ import annotations

import io
import json
import os
import sys
import warnings
from datetime import date, timedelta
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .. import __version__
from ..dates import human, parse_date
from ..engine.evaluate import evaluate
from ..errors import Diagnostic, InputError
from ..report.case import report_to_json, report_to_rich
from ..rules import load_rulebook
from ..timeline.load import load_timeline

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
WORKLIST_SHOWN = 200  # worklist rows in a caseload summary (ppcheck due lists them all)
MAX_SHOWN = 20

app = typer.Typer(
    name="ppcheck",
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help=(
        "Check probation case timelines against the public-protection rulebook: one case, or a whole caseload "
        "(JSON Lines, folders, standard input).\n\n"
        "ppcheck PATH... is short for ppcheck check PATH...\n\n"
        "Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input error."
    ),
)


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    html = "html"


def _as_of(value: Optional[str]) -> Optional[str]:
    if value is not None:
        try:
            parse_date(value)
        except ValueError:
            raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2024-06-30") from None
    return value


class Unit(str, Enum):
    region = "region"
    pdu = "pdu"
    team = "team"


def _days(value: str) -> int:
    text = value.strip().lower()
    try:
        if text.endswith("w"):
            return 7 * int(text[:-1])
        return int(text[:-1] if text.endswith("d") else text)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a number of days: use e.g. 14d, 2w or 14") from None


_RULES_OPTION = dict(help="A folder of YAML rule files, or one file [default: the bundled rulebook].",
                     show_default=False)
_AS_OF_HELP = "Judge the cases as seen on this date; later events are ignored [default: today]."


@app.command(no_args_is_help=True)
def check(
    paths: list[str] = typer.Argument(..., help="Timelines: JSON files, JSON Lines files (.jsonl, one case a "
                                      "line), folders of them, or - for JSON Lines on standard input.",
                                      show_default=False, metavar="PATH"),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", **_RULES_OPTION),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=_as_of,
                                        help=_AS_OF_HELP, show_default=False),
    fmt: CheckFormat = typer.Option(None, "--format", "-f", show_default=False,
                                    help="One case: text (default) or json (schemas/verdicts.schema.json). A "
                                    "caseload: text (default), json, csv, markdown or html summaries, or jsonl "
                                    "(one verdict document per case)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard "
                                          "output.", show_default=False),
    by: Optional[Unit] = typer.Option(None, "--by", help="Caseload: break the rates down by region, PDU or team."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Caseload: processes to evaluate with "
                                       "[default: all cores].", show_default=False),
    within: str = typer.Option("14d", "--within", help="Caseload: the worklist holds what is missed and what "
                               "falls due within this many days (14d, 2w)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="One case, text: list every failing check, not "
                                 "only the first per rule."),
) -> None:
    """Check case timelines: for one case, a verdict per rule with its evidence, due date and reason; for a
    caseload, compliance rates per rule, practice area and unit, and the worklist.

    Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input error (in a caseload: a
    case could not be read — it is reported and counted, and the others are still evaluated).
    """
    # The edge is the one place that reads the clock; the evaluator only ever sees a date.
    day = parse_date(as_of) if as_of else date.today()
    from ..caseload.inputs import is_single_case

    if is_single_case(paths) and fmt in (None, CheckFormat.text, CheckFormat.json) and by is None:
        _check_one(Path(paths[0]), rules, day, fmt or CheckFormat.text, output, verbose)
    _check_caseload(paths, rules, day, fmt or CheckFormat.text, output, by, jobs, _days(within))


def _check_one(path: Path, rules: Optional[Path], day: date, fmt: "CheckFormat", output: Optional[Path],
               verbose: bool) -> None:
    try:
        rulebook = load_rulebook(rules)
        case = load_timeline(path)
    except InputError as exc:
        _report_errors(exc.diagnostics)
        raise typer.Exit(EXIT_INPUT)
    report = evaluate(rulebook, case, day)
    if fmt is CheckFormat.json:
        _write(report_to_json(report, rulebook), output)
    elif output is not None:
        from rich.console import Console

        console = Console(record=True, width=100, file=io.StringIO())
        console.print(report_to_rich(report, rulebook, verbose=verbose))
        _write(console.export_text(), output)
    else:
        from rich.console import Console

        Console(highlight=False).print(report_to_rich(report, rulebook, verbose=verbose))
    raise typer.Exit(EXIT_FINDINGS if report.failing else EXIT_OK)


def _run_caseload(paths: list[str], rules: Optional[Path], day: date, by: Optional["Unit"], jobs: Optional[int],
                  within_days: int, on_case=None, worklist_limit: Optional[int] = WORKLIST_SHOWN):
    """Evaluate every case the paths name; returns the rolled-up Caseload. ``on_case`` sees each result."""
    from ..caseload.batch import default_jobs, evaluate_caseload
    from ..caseload.summary import Caseload
    from ..caseload.inputs import items

    rulebook = _load_rules_or_exit(rules)
    caseload = Caseload(rulebook, day, by.value if by else None, within_days, worklist_limit)
    results = evaluate_caseload(rulebook, items(paths), day, jobs=jobs or default_jobs(),
                                within_days=within_days, want_json=on_case is not None)
    with _progress() as tick:
        for result in results:
            accepted = caseload.add(result)
            if on_case is not None:
                on_case(result, accepted, caseload)
            _reached["read"], _reached["at"] = caseload.read, f"{result.source}:{result.line}" if result.line \
                else result.source
            tick()
    return caseload


_reached = {"read": 0, "at": ""}  # how far a caseload run got, for the message if it is interrupted


class _progress:
    """A progress line on standard error when it is a terminal; nothing otherwise."""

    def __enter__(self):
        self.bar = None
        if sys.stderr.isatty():
            from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

            self.bar = Progress(SpinnerColumn(), TextColumn("{task.completed} cases"), TimeElapsedColumn(),
                                transient=True, console=_stderr_console())
            self.bar.start()
            self.task = self.bar.add_task("cases")
        return self._tick

    def _tick(self):
        if self.bar is not None:
            self.bar.advance(self.task)

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()
        return False


def _stderr_console():
    from rich.console import Console

    return Console(stderr=True)


def _check_caseload(paths: list[str], rules: Optional[Path], day: date, fmt: "CheckFormat",
                    output: Optional[Path], by: Optional["Unit"], jobs: Optional[int], within_days: int) -> None:
    stream = _open_output(output)

    def write_record(result, accepted, caseload):
        if accepted:
            stream.write(result.json + "\n")
        else:  # a rejected case is still accounted for in the output
            stream.write(json.dumps({"format": "ppcompliance.rejected/1", "source": result.source,
                                     "line": result.line, "problems": caseload.last_problems},
                                    ensure_ascii=False) + "\n")

    on_case = write_record if fmt is CheckFormat.jsonl else None
    try:
        caseload = _run_caseload(paths, rules, day, by, jobs, within_days, on_case)
        summary = caseload.summary()
        if fmt is not CheckFormat.jsonl:
            stream.write(_render_summary(summary, fmt))
    except BrokenPipeError:
        _quiet_broken_pipe()
    except KeyboardInterrupt:
        where = f" (the last was {_reached['at']})" if _reached["at"] else ""
        written = "the output holds a complete record for each" if fmt is CheckFormat.jsonl else \
            "no summary was written"
        sys.stderr.write(f"ppcheck: interrupted after {_reached['read']} cases{where}; {written}.\n")
        raise typer.Exit(130)
    finally:
        if stream is not sys.stdout:
            stream.close()
    _finish(summary)


def _render_summary(summary: dict, fmt: "CheckFormat") -> str:
    from ..report.caseload import summary_csv, summary_markdown, summary_text

    if fmt is CheckFormat.json:
        return json.dumps(summary, indent=2, ensure_ascii=False) + "\n"
    if fmt is CheckFormat.csv:
        return summary_csv(summary)
    if fmt is CheckFormat.markdown:
        return summary_markdown(summary)
    if fmt is CheckFormat.html:
        from ..report.html import caseload_html

        return caseload_html(summary)
    return summary_text(summary)


def _finish(summary: dict) -> None:
    """Account for every input on standard error, and exit: 2 if a case was rejected, 1 if any is failing."""
    i = summary["inputs"]
    sys.stderr.write(f"ppcheck: {i['read']} cases read: {i['evaluated']} evaluated, {i['rejected']} rejected.\n")
    from ..report.caseload import where

    for r in summary["rejected"][:MAX_SHOWN]:
        sys.stderr.write(f"{where(r)}: {r['code']}: {r['message']}\n")
    if len(summary["rejected"]) > MAX_SHOWN:
        sys.stderr.write(f"... and {len(summary['rejected']) - MAX_SHOWN} more problems.\n")
    if i["rejected"]:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FINDINGS if summary["overall"]["cases_failing"] else EXIT_OK)


def _open_output(output: Optional[Path]):
    if output is None:
        return sys.stdout
    try:
        return open(output, "w", encoding="utf-8")
    except OSError as exc:
        sys.stderr.write(f"ppcheck: cannot write {output}: {exc.strerror or exc}\n")
        raise typer.Exit(EXIT_INPUT)


def _quiet_broken_pipe() -> None:
    # The reader went away (e.g. `ppcheck ... | head`): stop quietly, as Unix tools do.
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    raise typer.Exit(EXIT_OK)


class DueFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"


@app.command(no_args_is_help=True)
def due(
    paths: list[str] = typer.Argument(..., help="Timelines: files, JSON Lines, folders, or - for standard input.",
                                      show_default=False, metavar="PATH"),
    within: str = typer.Option("14d", "--within", help="List what is missed and what falls due within this many "
                               "days (14d, 2w)."),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", **_RULES_OPTION),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=_as_of,
                                        help=_AS_OF_HELP, show_default=False),
    fmt: DueFormat = typer.Option(DueFormat.text, "--format", "-f", help="text, csv or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard "
                                          "output.", show_default=False),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes to evaluate with [default: "
                                       "all cores].", show_default=False),
) -> None:
    """The worklist: every missed action and every action due within the horizon, across the caseload,
    soonest first, with case id, team, rule, due date and what to do.

    Exit status: 0 nothing missed or due; 1 something is; 2 usage or input error (a case that could not be read
    is reported and counted; the others are still listed).
    """
    from ..caseload.summary import worklist_row
    from ..report.caseload import worklist_csv, worklist_lines

    day = parse_date(as_of) if as_of else date.today()
    days = _days(within)
    stream = _open_output(output)
    try:
        caseload = _run_caseload(paths, rules, day, None, jobs, days, worklist_limit=None)
        rows = [worklist_row(r) for r in caseload.worklist()]
        if fmt is DueFormat.csv:
            stream.write(worklist_csv(rows))
        elif fmt is DueFormat.json:
            stream.write(json.dumps({"as_of": day.isoformat(), "within_days": days, "rows": rows}, indent=2,
                                    ensure_ascii=False) + "\n")
        else:
            stream.write(f"{len(rows)} actions missed or due by {human(day + timedelta(days=days))}, "
                         f"soonest first:\n")
            stream.write("\n".join(worklist_lines(rows)) + ("\n" if rows else ""))
    except BrokenPipeError:
        _quiet_broken_pipe()
    finally:
        if stream is not sys.stdout:
            stream.close()
    summary = caseload.summary(worklist_limit=0)
    i = summary["inputs"]
    if i["rejected"]:
        _finish(summary)
    sys.stderr.write(f"ppcheck: {i['read']} cases read: {i['evaluated']} evaluated, 0 rejected.\n")
    raise typer.Exit(EXIT_FINDINGS if rows else EXIT_OK)


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
    from ..policy.lint import lint_rulebook

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
    from ..policy.tests import Coverage, junit_xml, load_tests, run_test, test_files
    from .._resources import default_rules_dir

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
            out.write(f"     the rule says: {o.sentence}\n")
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
    from ..caseload.summary import rate
    from ..policy.diff import compare

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
    from ..policy.doc import rulebook_html, rulebook_markdown

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
def generate(
    cases: int = typer.Option(..., "--cases", "-n", min=0, help="How many cases to generate.", show_default=False),
    seed: int = typer.Option(..., "--seed", "-s", help="The random seed: the same seed and options always give "
                             "the same bytes, on any machine.", show_default=False),
    quality: float = typer.Option(0.7, "--quality", "-q", min=0.0, max=1.0, help="Practice quality from 0 to 1: "
                                  "the probability that each expected action happens, and happens in time."),
    events: Optional[int] = typer.Option(None, "--events", "-e", min=1, help="Aim for about this many events per "
                                         "case on average (longer supervision, more frequent contact) [default: "
                                         "natural counts, about 60 on average].", show_default=False),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file instead of standard "
                                          "output.", show_default=False),
) -> None:
    """Write a synthetic caseload as JSON Lines, one case timeline per line: made-up ids, codes and dates only.

    For demos, tests and benchmarks without real personal data. Each case is written as it is generated, so a
    caseload of any size takes the same memory.
    """
    from ..synthetic.generate import generate_caseload

    try:
        # Bytes, not text, so the output is the same on every platform (no newline translation).
        sink = open(output, "wb") if output is not None else getattr(sys.stdout, "buffer", None)
    except OSError as exc:
        sys.stderr.write(f"ppcheck: cannot write {output}: {exc.strerror or exc}\n")
        raise typer.Exit(EXIT_INPUT)
    write = sink.write if sink is not None else (lambda data: sys.stdout.write(data.decode("utf-8")))
    try:
        for case in generate_caseload(cases, seed, quality, events):
            write(json.dumps(case, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n")
        if sink is not None:
            sink.flush()
    except BrokenPipeError:
        _quiet_broken_pipe()
    finally:
        if output is not None and sink is not None:
            sink.close()


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


SUBCOMMANDS = {"check", "diff", "doc", "due", "generate", "lint", "test", "version"}


def _warn(message, category, filename, lineno, file=None, line=None) -> None:
    sys.stderr.write(f"ppcheck: {message}\n")


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: ``ppcheck FILE ...`` runs ``check``; ``ppcheck VERB ...`` runs that verb."""
    warnings.showwarning = _warn  # a plain line, not a Python warning with a source location
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in SUBCOMMANDS and args[0] not in ("--help", "-h", "--version"):
        args.insert(0, "check")
    if args[:1] == ["--version"]:
        args = ["version"]
    app(args, prog_name="ppcheck")
