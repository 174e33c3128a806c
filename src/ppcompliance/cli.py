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


def _as_of(value: Optional[str]) -> date:
    if value is None:
        return date.today()
    try:
        return parse_date(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2024-06-30") from None


@app.command(no_args_is_help=True)
def check(
    timeline: Path = typer.Argument(..., help="A case timeline (JSON; see schemas/timeline.schema.json).",
                                    show_default=False),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help="A folder of YAML rule files, or one file "
                                         "[default: the bundled rulebook].", show_default=False),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD",
                                        help="Judge the case as seen on this date; later events are ignored "
                                             "[default: today].", show_default=False),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="text: a report to read; json: one document "
                               "per case (schemas/verdicts.schema.json)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Text: list every failing check, not only the "
                                 "first per rule."),
) -> None:
    """Check one case timeline: a verdict per rule with its evidence, due date and reason."""
    day = _as_of(as_of)
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


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"ppcheck {__version__}")


def _report_errors(diagnostics: list[Diagnostic]) -> None:
    out = sys.stderr
    total = len(diagnostics)
    out.write(f"ppcheck: {total} problem{'s' if total != 1 else ''} in the input; nothing was checked.\n")
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


SUBCOMMANDS = {"check", "version"}


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: ``ppcheck FILE ...`` runs ``check``; ``ppcheck VERB ...`` runs that verb."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in SUBCOMMANDS and args[0] not in ("--help", "-h", "--version"):
        args.insert(0, "check")
    if args[:1] == ["--version"]:
        args = ["version"]
    app(args, prog_name="ppcheck")
