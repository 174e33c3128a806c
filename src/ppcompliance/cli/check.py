"""``ppcheck check``: one case's report, or a caseload's summary (or per-case records)."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Optional

import typer

from .. import words
from ..caseload.inputs import STDIN, STDIN_TIMELINE, Stdin, input_size, is_single_case, items
from ..caseload.work import Selection
from ..errors import ANALYTICS, InputError, TimelineError
from .app import app
from .common import (AS_OF_HELP, EXIT_FINDINGS, EXIT_INPUT, EXIT_OK, MAX_SHOWN, OUTPUT_HELP, RULES_HELP, Progress,
                     as_of_date, as_of_option, days, fail, interrupted, iterate, load_rules, output, plain,
                     quiet_broken_pipe, report_errors, show, uninterrupted, unit_option, write_whole)


if TYPE_CHECKING:
    from ..caseload.summary import Summary


class CheckFormat(str, Enum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    markdown = "markdown"
    html = "html"
    parquet = "parquet"


class Detail(str, Enum):
    compact = "compact"
    full = "full"


class Unit(str, Enum):
    region = "region"
    pdu = "pdu"
    team = "team"


PATHS_HELP = ("Timelines: JSON files, JSON Lines files (.jsonl, one case a line), Parquet caseloads (.parquet, one "
              "case a row, its timeline as JSON in the column timeline; needs the analytics extra), folders of "
              "them, or - for standard input (one timeline, or JSON Lines).")


def selection(team: Optional[list[str]], pdu: Optional[list[str]], region: Optional[list[str]]) -> Selection:
    """The cases chosen by unit (``--team``, ``--pdu``, ``--region``, each repeatable)."""
    chosen = {kind: frozenset(ids) for kind, ids in (("region", region), ("pdu", pdu), ("team", team)) if ids}
    return Selection(chosen)


@app.command(no_args_is_help=True)
def check(
    paths: list[str] = typer.Argument(..., help=PATHS_HELP, show_default=False, metavar="PATH..."),
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help=RULES_HELP, show_default=False),
    as_of: Optional[str] = typer.Option(None, "--as-of", metavar="YYYY-MM-DD", callback=as_of_option,
                                        help=AS_OF_HELP, show_default=False),
    fmt: Optional[CheckFormat] = typer.Option(
        None, "--format", "-f", show_default=False,
        help="One case: text (default) or json (schemas/verdicts.schema.json). A caseload: text (default), json, "
             "csv, markdown or html summaries, or jsonl (one record per case; see --detail), or parquet (a "
             "table of verdicts; needs -o; with --detail full, its instances too)."),
    detail: Detail = typer.Option(Detail.compact, "--detail",
                                  help="With --format jsonl: compact (each rule's verdict, counts, next due date and "
                                       "failing instances) or full (every instance, with its sentences)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
    by: Optional[Unit] = typer.Option(None, "--by", help="Caseload: break the rates down by region, PDU or team."),
    team: Optional[list[str]] = unit_option("team", "Caseload: "),
    pdu: Optional[list[str]] = unit_option("pdu", "Caseload: "),
    region: Optional[list[str]] = unit_option("region", "Caseload: "),
    jobs: Optional[int] = typer.Option(None, "--jobs", "-j", min=1, help="Caseload: processes to evaluate with "
                                       "[default: all cores].", show_default=False),
    within: str = typer.Option("14d", "--within", help="Caseload: the worklist shows what falls due within this "
                               "many days (14d, 2w)."),
    include_closed: bool = typer.Option(False, "--include-closed", help="Caseload: list actions on closed cases "
                                        "in the worklist too (by default only open cases: no end date on or before "
                                        "the as-of date)."),
    min_cases: int = typer.Option(1, "--min-cases", min=1, help="Caseload, html with --by: hide units with fewer "
                                  "cases than this (the page says how many are hidden)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="One case, text: list every failing check, not "
                                 "only the first few per rule."),
    scheduler: Optional[str] = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                            help="Caseload: evaluate on the Dask cluster whose scheduler is at this "
                                                 "address (tcp://host:8786); docs/scale-out.md."),
    cluster: Optional[str] = typer.Option(None, "--cluster", metavar="local:N", show_default=False,
                                          help="Caseload: evaluate on a Dask cluster of N worker processes started "
                                               "on this machine for the run."),
    connect_timeout: float = typer.Option(10.0, "--connect-timeout", min=0.1, metavar="SECONDS",
                                          help="With --scheduler or --cluster: give up if the cluster cannot be "
                                               "reached in this time."),
) -> None:
    """Check case timelines: for one case, a verdict per rule with its evidence, due date and reason; for a
    caseload, compliance rates per rule, practice area and unit, and the worklist.

    Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input error (in a caseload: a
    case could not be read — it is reported and counted, and the others are still evaluated); 130 interrupted.
    """
    day = as_of_date(as_of)
    stdin = Stdin() if STDIN in paths else None
    chosen = selection(team, pdu, region)
    dask = dask_target(scheduler, cluster, fmt, jobs)  # usage errors before anything is read
    if fmt is CheckFormat.parquet:
        _parquet(paths, stdin, rules, day, detail, out, chosen, jobs)
    if is_single_case(paths, stdin) and fmt in (None, CheckFormat.text, CheckFormat.json) and by is None \
            and not chosen.units:
        _one_case(paths[0], stdin, rules, day, fmt or CheckFormat.text, out, verbose)
    if dask is not None:
        _caseload_on_dask(paths, stdin, rules, day, fmt or CheckFormat.text, detail, out, by, chosen, days(within),
                          include_closed, min_cases, dask, connect_timeout)
    _caseload(paths, stdin, rules, day, fmt or CheckFormat.text, detail, out, by, chosen, jobs, days(within),
              include_closed, min_cases)


def _one_case(path: str, stdin: Optional[Stdin], rules: Optional[Path], day: Any, fmt: CheckFormat,
              out: Optional[Path], verbose: bool) -> NoReturn:
    from ..engine.evaluate import evaluate
    from ..report.case import report_to_json, report_to_rich
    from ..timeline.load import load_timeline, located, parse_timeline

    rulebook = load_rules(rules)
    try:
        if stdin is not None:
            timeline = parse_timeline(stdin.single or b"", STDIN_TIMELINE)
        else:
            timeline = load_timeline(path)
        try:
            report = evaluate(rulebook, timeline, day)
        except TimelineError as exc:  # it names a rule this rulebook does not have: say where
            raw = stdin.single or b"" if stdin is not None else Path(path).read_bytes()
            raise TimelineError(located(exc.diagnostics, raw)) from None
    except InputError as exc:
        report_errors(exc.diagnostics)
        if stdin is not None:
            sys.stderr.write("(standard input was read as one timeline; JSON Lines need one case on each line)\n")
        raise typer.Exit(EXIT_INPUT)
    status = EXIT_FINDINGS if report.failing else EXIT_OK
    if out is None and fmt is CheckFormat.text:
        show(report_to_rich(report, rulebook, verbose=verbose))
        raise typer.Exit(status)
    write_whole(out, report_to_json(report, rulebook) if fmt is CheckFormat.json else
                plain(report_to_rich(report, rulebook, verbose=verbose)))
    raise typer.Exit(status)


def _caseload(paths: list[str], stdin: Optional[Stdin], rules: Optional[Path], day: Any, fmt: CheckFormat,
              detail: Detail, out: Optional[Path], by: Optional[Unit], chosen: Selection, jobs: Optional[int],
              within_days: int, include_closed: bool, min_cases: int) -> NoReturn:
    from ..caseload.batch import default_jobs, ordered_map
    from ..caseload.summary import WORKLIST_SHOWN, Caseload
    from ..caseload.work import CheckOptions, rejected_record, task

    rulebook = load_rules(rules)
    lines = fmt is CheckFormat.jsonl
    options = CheckOptions(day, within_days, detail.value if lines else "none", chosen)
    caseload = Caseload(rulebook, day, by.value if by else None, within_days, WORKLIST_SHOWN, include_closed, chosen)
    destination = output(out)
    results = ordered_map(task(rulebook, options), items(paths, stdin), jobs or default_jobs())
    progress = Progress(input_size(paths))
    try:
        with progress:
            for result in iterate(results):
                with uninterrupted():
                    accepted = caseload.add(result)
                    if lines and (accepted or caseload.last_problems):
                        # A rejected case is still accounted for in the output, with its own problems.
                        record = result.record if accepted else rejected_record(result, caseload.last_problems)
                        destination.write(record + "\n")
                    progress.tick(result.size, _at(result))
        summary = _summary_written(caseload, lines, destination, fmt, min_cases, out)
    except BrokenPipeError:
        quiet_broken_pipe()
    except KeyboardInterrupt:
        _stopped(progress, destination, lines, out)
    finally:
        destination.abandon()
    finish(summary)


def _parquet(paths: list[str], stdin: Optional[Stdin], rules: Optional[Path], day: Any, detail: Detail,
             out: Optional[Path], chosen: Selection, jobs: Optional[int]) -> NoReturn:
    """``--format parquet``: the verdicts of every case evaluated as a Parquet table (and, with ``--detail
    full``, their instances beside it), made from the per-case records of ``--format jsonl``."""
    from .trend import needs_pyarrow, parquet_output_required

    parquet_output_required(out)
    assert out is not None
    needs_pyarrow("--format parquet")
    from ..caseload.batch import default_jobs, ordered_map
    from ..caseload.summary import Caseload
    from ..caseload.work import CheckOptions, task
    from ..report.parquet import VerdictWriter, instances_name

    rulebook = load_rules(rules)
    caseload = Caseload(rulebook, day, None, selection=chosen)
    full = detail is Detail.full
    destinations = [output(out, binary=True)] + ([output(Path(instances_name(str(out))), binary=True)] if full else [])
    streams = [d.stream for d in destinations]
    assert all(s is not None for s in streams)
    writer = VerdictWriter({r.id: (r.area, r.stage, r.severity) for r in rulebook.rules}, streams[0],  # type: ignore[arg-type]
                           streams[1] if full else None)
    results = ordered_map(task(rulebook, CheckOptions(day, 14, detail.value, chosen)), items(paths, stdin),
                          jobs or default_jobs())
    progress = Progress(input_size(paths))
    try:
        with progress:
            for result in iterate(results):
                if caseload.add(result) and result.record is not None:
                    writer.add(json.loads(result.record))
                progress.tick(result.size, _at(result))
        writer.close()
        summary = caseload.summary()
        _commit_if_succeeded(summary, out, *destinations)
    except KeyboardInterrupt:
        interrupted(progress, f"no table was written ({out} is unchanged)")
    finally:
        for destination in destinations:
            destination.abandon()
    finish(summary)


def dask_target(scheduler: Optional[str], cluster: Optional[str], fmt: Optional[CheckFormat],
                jobs: Optional[int]) -> Optional[tuple[Optional[str], int]]:
    """``--scheduler`` / ``--cluster`` as (scheduler address or None, local workers), None for a local run;
    a usage error (exit status 2) if they are given wrongly."""
    if scheduler is None and cluster is None:
        return None
    if scheduler is not None and cluster is not None:
        raise typer.BadParameter("give --scheduler (an existing cluster) or --cluster (a local one), not both",
                                 param_hint="'--cluster'")
    if jobs is not None:
        raise typer.BadParameter("--jobs is for a run on this machine; a Dask run uses the cluster's workers",
                                 param_hint="'--jobs'")
    if fmt is CheckFormat.parquet:
        raise typer.BadParameter("--format parquet is written by a run on this machine; leave out --scheduler "
                                 "and --cluster", param_hint="'--format'")
    workers = 0
    if cluster is not None:
        kind, _, count = cluster.partition(":")
        if kind != "local" or not count.isdigit() or int(count) < 1:
            raise typer.BadParameter(f"{cluster!r}: use local:N, N worker processes (e.g. local:2)",
                                     param_hint="'--cluster'")
        workers = int(count)
    from importlib.util import find_spec

    if find_spec("distributed") is None:
        fail(f"{'--scheduler' if scheduler else '--cluster'} needs Dask: {ANALYTICS}")
    return scheduler, workers


def _caseload_on_dask(paths: list[str], stdin: Optional[Stdin], rules: Optional[Path], day: Any,
                      fmt: CheckFormat, detail: Detail, out: Optional[Path], by: Optional[Unit], chosen: Selection,
                      within_days: int, include_closed: bool, min_cases: int, dask: tuple[Optional[str], int],
                      timeout: float) -> NoReturn:
    """The caseload run on Dask: the same summary or records as ``_caseload``, evaluated by the cluster's
    workers in partitions and merged here in input order."""
    from ..caseload.distributed import Spec, plan
    from ..caseload.distributed.cluster import SchedulerUnreachable, connect, run, threads
    from ..caseload.distributed.partition import partition_size
    from ..caseload.work import CheckOptions
    from ..errors import Diagnostic

    rulebook = load_rules(rules)
    lines = fmt is CheckFormat.jsonl
    spec = Spec(CheckOptions(day, within_days, detail.value if lines else "none", chosen), by.value if by else None,
                include_closed)
    caseload = spec.caseload(rulebook)
    size = input_size(paths)
    destination = output(out)
    progress = Progress(size)
    try:
        with connect(dask[0], dask[1], timeout) as client, progress:
            planned = plan(paths, partition_size(size, threads(client)), stdin)
            for part, total in iterate(run(client, rulebook, spec, planned)):
                with uninterrupted():
                    caseload = total.caseload
                    destination.write(part.records)
                    if part.cases:
                        progress.cases += part.cases - 1
                        progress.tick(part.size, part.last)
        summary = _summary_written(caseload, lines, destination, fmt, min_cases, out)
    except SchedulerUnreachable as exc:
        destination.abandon()
        report_errors([Diagnostic(exc.address, code="scheduler-unreachable", message=exc.why)])
        raise typer.Exit(EXIT_INPUT)
    except BrokenPipeError:
        quiet_broken_pipe()
    except KeyboardInterrupt:
        _stopped(progress, destination, lines, out)
    finally:
        destination.abandon()
    finish(summary)


def _summary_written(caseload: Any, lines: bool, destination: Any, fmt: Any, min_cases: int,
                     out: Optional[Path]) -> Any:
    """The run's summary, written (unless the per-case records were) and put in place if the run succeeded."""
    summary = caseload.summary()
    if not lines:
        destination.write(render(summary, fmt, min_cases))
    _commit_if_succeeded(summary, out, destination)
    return summary


def _commit_if_succeeded(summary: Any, out: Optional[Path], *destinations: Any) -> None:
    """Put the outputs in place if the run succeeded; otherwise leave the old file as it was, and say so."""
    if succeeded(summary):
        for destination in destinations:
            destination.commit()
    elif out is not None:
        sys.stderr.write(f"ppcheck: no case could be evaluated, so {out} was left as it was.\n")


def _stopped(progress: Progress, destination: Any, lines: bool, out: Optional[Path]) -> NoReturn:
    """Ctrl-C during a caseload run: say what was kept (whole records, under a partial name) and what was not."""
    if lines and out is not None:
        kept = destination.keep_partial()
        interrupted(progress, f"the records of the cases read are in {kept} ({out} is unchanged)")
    if lines:
        interrupted(progress, "the output holds a complete record for each")
    interrupted(progress, "no summary was written" + (f" ({out} is unchanged)" if out is not None else ""))


def _at(result: Any) -> str:
    return f"{result.source}:{result.line}" if result.line else result.source


def succeeded(summary: "Summary") -> bool:
    """Whether a caseload run's output replaces the old one: unless every case read was rejected."""
    i = summary.inputs
    return not (i.read and i.rejected == i.read)


def render(summary: "Summary", fmt: CheckFormat, min_cases: int = 1) -> str:
    """A summary in one of the summary formats."""
    from ..report.caseload import summary_csv, summary_markdown, summary_text

    if fmt is CheckFormat.json:
        return json.dumps(summary.as_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt is CheckFormat.csv:
        return summary_csv(summary)
    if fmt is CheckFormat.markdown:
        return summary_markdown(summary)
    if fmt is CheckFormat.html:
        from ..report.html import caseload_html

        return caseload_html(summary, min_cases=min_cases)
    return summary_text(summary)


def finish(summary: "Summary") -> NoReturn:
    """Account for every input on standard error, and exit: 2 if a case was rejected, 1 if any is failing."""
    from ..report.caseload import accounts, where

    sys.stderr.write(f"ppcheck: {accounts(summary)}.\n")
    for d in summary.rejected[:MAX_SHOWN]:
        sys.stderr.write(f"{where(d)}: {d.code}: {d.message}\n")
    if len(summary.rejected) > MAX_SHOWN:
        sys.stderr.write(f"... and {words.plural(len(summary.rejected) - MAX_SHOWN, 'more problem')}.\n")
    if summary.inputs.rejected:
        raise typer.Exit(EXIT_INPUT)
    raise typer.Exit(EXIT_FINDINGS if summary.cases_failing else EXIT_OK)
