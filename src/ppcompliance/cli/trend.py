"""``ppcheck trend``: a caseload's compliance rates at each month end (week, quarter) of a span."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Any, NoReturn, Optional

import typer

from .. import words
from ..dates import parse_date
from ..errors import ANALYTICS
from .app import app
from .check import PATHS_HELP, Unit, selection, succeeded
from .common import (EXIT_INPUT, EXIT_OK, MAX_SHOWN, OUTPUT_HELP, RULES_HELP, Progress, date_option, fail, interrupted,
                     iterate, load_rules, output, quiet_broken_pipe, unit_option)



class TrendFormat(str, Enum):
    text = "text"
    csv = "csv"
    json = "json"
    html = "html"
    parquet = "parquet"


class Every(str, Enum):
    week = "week"
    month = "month"
    quarter = "quarter"


_date = date_option("2024-04-30")


def needs_pyarrow(what: str) -> Any:
    """The pyarrow module, or a one-line error (exit status 2) saying how to install it."""
    try:
        import pyarrow  # type: ignore[import-untyped]  # noqa: F401
        import pyarrow.parquet  # type: ignore[import-untyped]  # noqa: F401
    except ImportError:
        fail(f"{what} needs pyarrow: {ANALYTICS}")
    return pyarrow


def parquet_output_required(out: Optional[Path]) -> None:
    """``--format parquet`` writes a file: without ``-o`` it is a usage error, located at the option."""
    if out is None:
        raise typer.BadParameter("--format parquet writes a binary file: give one with -o FILE",
                                 param_hint="'--output' / '-o'")


@app.command(no_args_is_help=True)
def trend(
    paths: list[str] = typer.Argument(..., help=PATHS_HELP, show_default=False, metavar="CASELOAD..."),
    first: str = typer.Option(..., "--from", metavar="YYYY-MM-DD", callback=_date, show_default=False,
                              help="The first date of the span."),
    last: str = typer.Option(..., "--to", metavar="YYYY-MM-DD", callback=_date, show_default=False,
                             help="The last date of the span."),
    every: Every = typer.Option(Every.month, "--every", help="A point at each month end, quarter end, or every 7 "
                                "days from --from (week)."),
    by: Optional[Unit] = typer.Option(None, "--by", help="Also give the rates by region, PDU or team."),
    team: Optional[list[str]] = unit_option("team"),
    pdu: Optional[list[str]] = unit_option("pdu"),
    region: Optional[list[str]] = unit_option("region"),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help=RULES_HELP, show_default=False),
    fmt: TrendFormat = typer.Option(TrendFormat.text, "--format", "-f",
                                    help="text, csv, json, html (line charts) or parquet (needs -o)."),
    units: bool = typer.Option(True, "--units/--no-units", help="html with --by: a chart per unit too."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Processes to evaluate with [default: "
                                       "all cores].", show_default=False),
) -> None:
    """Compliance rates over time: per practice area and rule (and unit, with --by) at each month end (or week,
    or quarter end) from --from to --to. Each case is read once and judged as seen on each date; each date's
    figures are what ppcheck --as-of that date gives.

    Exit status: 0 the trend was written; 2 usage or input error (a case that could not be read is reported and
    counted, and every date leaves it out); 130 interrupted.
    """
    from ..caseload.batch import default_jobs, ordered_map
    from ..caseload.inputs import STDIN, Stdin, input_size, items
    from ..caseload.trend import Trend, TrendOptions, points, task

    if fmt is TrendFormat.parquet:
        parquet_output_required(out)
        needs_pyarrow("--format parquet")
    try:
        points(parse_date(first), parse_date(last), every.value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="'--from' / '--to' / '--every'") from None
    rulebook = load_rules(rules)
    chosen = selection(team, pdu, region)
    result = Trend(rulebook, every.value, parse_date(first), parse_date(last), by.value if by else None, chosen)
    stdin = Stdin() if STDIN in paths else None
    options = TrendOptions(result.points, chosen)
    destination = output(out, binary=fmt is TrendFormat.parquet)
    progress = Progress(input_size(paths))
    try:
        with progress:
            for case in iterate(ordered_map(task(rulebook, options), items(paths, stdin), jobs or default_jobs())):
                result.add(case)
                progress.tick(case.size, f"{case.source}:{case.line}" if case.line else case.source)
        found = result.summary()
        _write(found, fmt, units, destination)
        if succeeded(found.latest):
            destination.commit()
        elif out is not None:
            sys.stderr.write(f"ppcheck: no case could be evaluated, so {out} was left as it was.\n")
    except BrokenPipeError:
        quiet_broken_pipe()
    except KeyboardInterrupt:
        interrupted(progress, "no trend was written" + (f" ({out} is unchanged)" if out is not None else ""))
    finally:
        destination.abandon()
    _finish(found.latest)


def _write(found: Any, fmt: TrendFormat, units: bool, destination: Any) -> None:
    from ..report.trend import trend_csv, trend_html, trend_json, trend_text

    if fmt is TrendFormat.parquet:
        from ..report.parquet import write_trend

        write_trend(found, destination.stream)
    elif fmt is TrendFormat.json:
        destination.write(trend_json(found))
    elif fmt is TrendFormat.csv:
        destination.write(trend_csv(found))
    elif fmt is TrendFormat.html:
        destination.write(trend_html(found, units=units))
    else:
        destination.write(trend_text(found))


def _finish(summary: Any) -> NoReturn:
    """Account for every input on standard error, and exit: 2 if a case was rejected, else 0."""
    from ..report.caseload import accounts, where

    sys.stderr.write(f"ppcheck: {accounts(summary)} (at every date).\n")
    for d in summary.rejected[:MAX_SHOWN]:
        sys.stderr.write(f"{where(d)}: {d.code}: {d.message}\n")
    if len(summary.rejected) > MAX_SHOWN:
        sys.stderr.write(f"... and {words.plural(len(summary.rejected) - MAX_SHOWN, 'more problem')}.\n")
    raise typer.Exit(EXIT_INPUT if summary.inputs.rejected else EXIT_OK)
