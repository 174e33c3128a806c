"""``ppcheck diff``: what a proposed rule change does to a caseload's verdicts and rates."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .. import words
from .app import app
from .check import PATHS_HELP, Unit, selection
from .common import (EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, MAX_SHOWN, OUTPUT_HELP, Progress, as_of_date, as_of_option,
                     interrupted, iterate, load_rules, output, quiet_broken_pipe, unit_option)


class DiffFormat(str, Enum):
    text = "text"
    json = "json"
    markdown = "markdown"
    html = "html"


@app.command(no_args_is_help=True)
def diff(
    old: Path = typer.Argument(..., help="The current rules (a folder or file).", show_default=False, metavar="OLD"),
    new: Path = typer.Argument(..., help="The proposed rules.", show_default=False, metavar="NEW"),
    paths: list[str] = typer.Argument(..., help=PATHS_HELP, show_default=False, metavar="PATH..."),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=as_of_option,
                                        help="Judge the cases as seen on this date [default: today].",
                                        show_default=False),
    fmt: DiffFormat = typer.Option(DiffFormat.text, "--format", "-f",
                                   help="text, json, markdown or html (a sign-off pack)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
    by: Optional[Unit] = typer.Option(None, "--by", help="Also give the rates before and after by region, PDU or "
                                      "team."),
    team: Optional[list[str]] = unit_option("team"),
    pdu: Optional[list[str]] = unit_option("pdu"),
    region: Optional[list[str]] = unit_option("region"),
    show: int = typer.Option(10, "--show", min=0, help="Text: list at most this many case ids per kind of move "
                             "(json, markdown and html list up to 1,000)."),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes to evaluate with [default: "
                                       "all cores].", show_default=False),
) -> None:
    """Show what a proposed rule change does to a caseload: per rule that moves, how many cases' verdicts move
    and how (late -> compliant ...), the rates before and after, and the case ids. The caseload is read as
    ppcheck check reads it; a case that cannot be read is reported and counted, and the rest are compared.

    Exit status: 0 no verdict changes; 1 some verdicts change; 2 usage or input error; 130 interrupted.
    """
    from ..caseload.batch import default_jobs, ordered_map
    from ..caseload.inputs import STDIN, Stdin, input_size, items
    from ..policy.diff import Comparison, diff_json, diff_markdown, diff_text, task
    from ..report.caseload import where

    old_book, new_book = load_rules(old), load_rules(new)
    day = as_of_date(as_of)
    chosen = selection(team, pdu, region)
    stdin = Stdin() if STDIN in paths else None
    comparison = Comparison(old_book, new_book, day, by.value if by else None, chosen)
    destination = output(out)
    progress = Progress(input_size(paths))
    try:
        with progress:
            for result in iterate(ordered_map(task(old_book, new_book, day, chosen), items(paths, stdin),
                                              jobs or default_jobs())):
                comparison.add(result)
                progress.tick(result.size, f"{result.source}:{result.line}" if result.line else result.source)
        if fmt is DiffFormat.json:
            destination.write(diff_json(comparison))
        elif fmt is DiffFormat.markdown:
            destination.write(diff_markdown(comparison, show))
        elif fmt is DiffFormat.html:
            from ..report.html import diff_html

            destination.write(diff_html(comparison))
        else:
            destination.write(diff_text(comparison, show))
        if not (comparison.read and comparison.rejected_cases == comparison.read):
            destination.commit()
    except BrokenPipeError:
        quiet_broken_pipe()
    except KeyboardInterrupt:
        interrupted(progress, "nothing was written" + (f" ({out} is unchanged)" if out is not None else ""))
    finally:
        destination.abandon()
    sys.stderr.write(f"ppcheck: {words.plural(comparison.read, 'case')} read: {comparison.evaluated:,} compared, "
                     + (f"{comparison.outside:,} outside {chosen.describe()}, " if comparison.outside else "")
                     + f"{comparison.rejected_cases:,} rejected.\n")
    for d in comparison.rejected[:MAX_SHOWN]:
        sys.stderr.write(f"{where(d)}: {d.code}: {d.message}\n")
    if comparison.rejected_cases:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FINDINGS if comparison.moved() else EXIT_OK)
