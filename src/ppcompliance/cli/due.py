"""``ppcheck due``: the worklist alone, across a caseload, by section."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .check import PATHS_HELP, finish, selection, succeeded
from .common import (AS_OF_HELP, EXIT_FINDINGS, EXIT_OK, OUTPUT_HELP, RULES_HELP, Progress, as_of_date, as_of_option,
                     days, interrupted, iterate, load_rules, output, quiet_broken_pipe, unit_option)


class DueFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"


@app.command(no_args_is_help=True)
def due(
    paths: list[str] = typer.Argument(..., help=PATHS_HELP, show_default=False, metavar="PATH..."),
    within: str = typer.Option("14d", "--within", help="Show what falls due within this many days (14d, 2w)."),
    past: bool = typer.Option(False, "--past", help="Also list what was missed and can no longer be done (e.g. a "
                              "pre-sentence enquiry after sentence), with the rule that is now its remedy."),
    include_closed: bool = typer.Option(False, "--include-closed", help="Also list actions on closed cases (by "
                                        "default only open cases: no end date on or before the as-of date)."),
    team: Optional[list[str]] = unit_option("team"),
    pdu: Optional[list[str]] = unit_option("pdu"),
    region: Optional[list[str]] = unit_option("region"),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help=RULES_HELP, show_default=False),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=as_of_option,
                                        help=AS_OF_HELP, show_default=False),
    fmt: DueFormat = typer.Option(DueFormat.text, "--format", "-f", help="text, csv or json."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes to evaluate with [default: "
                                       "all cores].", show_default=False),
) -> None:
    """The worklist for this week: what is overdue and can still be done, then what falls due within the
    window, each soonest first, with case, team, rule, due date and what to do (and, with --past, what was
    missed and can no longer be done).

    Exit status: 0 nothing overdue or due; 1 something is; 2 usage or input error (a case that could not be
    read is reported and counted; the others are still listed); 130 interrupted.
    """
    from ..caseload.batch import default_jobs, ordered_map
    from ..caseload.inputs import STDIN, Stdin, input_size, items
    from ..caseload.summary import Caseload
    from ..caseload.work import CheckOptions, task
    from ..report.caseload import accounts, worklist_csv, worklist_json, worklist_text
    from ..report.worklist import Section

    day = as_of_date(as_of)
    within_days = days(within)
    chosen = selection(team, pdu, region)
    rulebook = load_rules(rules)
    stdin = Stdin() if STDIN in paths else None
    options = CheckOptions(day, within_days, "none", chosen)
    caseload = Caseload(rulebook, day, None, within_days, None, include_closed, chosen)
    sections = (Section.OVERDUE, Section.DUE, Section.PAST) if past else (Section.OVERDUE, Section.DUE)
    destination = output(out)
    progress = Progress(input_size(paths))
    try:
        with progress:
            for result in iterate(ordered_map(task(rulebook, options), items(paths, stdin), jobs or default_jobs())):
                caseload.add(result)
                progress.tick(result.size, f"{result.source}:{result.line}" if result.line else result.source)
        summary = caseload.summary(shown=sys.maxsize)
        if fmt is DueFormat.csv:
            destination.write(worklist_csv(row for s in sections for row in summary.rows(s)))
        elif fmt is DueFormat.json:
            destination.write(worklist_json(summary, sections))
        else:
            destination.write("\n".join(worklist_text(summary, sections)) + "\n")
        if succeeded(summary):
            destination.commit()
    except BrokenPipeError:
        quiet_broken_pipe()
    except KeyboardInterrupt:
        interrupted(progress, "no worklist was written" + (f" ({out} is unchanged)" if out is not None else ""))
    finally:
        destination.abandon()
    if summary.inputs.rejected:
        finish(summary)
    sys.stderr.write(f"ppcheck: {accounts(summary)}.\n")
    shown = sum(summary.worklist.totals[s] for s in sections)
    raise typer.Exit(EXIT_FINDINGS if shown else EXIT_OK)
