"""``ppcheck import``: extracts (tables of cases, contacts, registrations, assessments) to case timelines."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from .. import words
from ..errors import Diagnostic, InputError
from .app import app
from .common import EXIT_INPUT, EXIT_OK, MAX_SHOWN, OUTPUT_HELP, excerpt, output, quiet_broken_pipe, write_whole

if TYPE_CHECKING:
    from ..tables import Tally

TABLE_HELP = "A CSV file, or Parquet (.parquet, needs the analytics extra), sorted by case id."


@app.command(name="import", no_args_is_help=True)
def import_(
    mapping: Path = typer.Option(..., "--mapping", "-m", help="The mapping file (YAML; docs/import.md).",
                                 show_default=False),
    cases: Path = typer.Option(..., "--cases", help="The cases table: one row per case. " + TABLE_HELP,
                               show_default=False),
    events: Path = typer.Option(..., "--events", help="The contacts table: one row per contact or event. "
                                + TABLE_HELP, show_default=False),
    registrations: Optional[Path] = typer.Option(None, "--registrations", help="The registrations table: one row "
                                                 "per registration. " + TABLE_HELP, show_default=False),
    assessments: Optional[Path] = typer.Option(None, "--assessments", help="The assessments table: one row per "
                                               "risk assessment. " + TABLE_HELP, show_default=False),
    strict: bool = typer.Option(False, "--strict", help="Any code the mapping does not map (or ignore) is an "
                                "error, and the output is not written."),
    report: Optional[Path] = typer.Option(None, "--report", help="Also write what was read, written, ignored, "
                                          "unmapped and refused as JSON to this file.", show_default=False),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
) -> None:
    """Import extracts as case timelines (JSON Lines, one case a line), mapping source codes to the timeline's
    vocabulary through a mapping file. Each table must be sorted by case id: they are read together in one
    pass, one case at a time.

    Codes not in the mapping are counted and listed on standard error. A row that cannot be read is reported
    with its file and line and its case is not written; the other cases go on, and are kept in
    NAME.partial.jsonl while the output file is left as it was. Exit status: 0 imported; 2 a problem (the mapping,
    a table, a row, or with --strict an unmapped code).
    """
    from ..caseload.inputs import PARQUET_SUFFIXES
    from ..tables import MappingError, TableError, Tally, import_tables, load_mapping, open_tables

    if out is not None and out.suffix in PARQUET_SUFFIXES:
        raise typer.BadParameter("import writes JSON Lines, one case a line: give -o NAME.jsonl (every verb "
                                 "that reads a caseload reads it, on Dask too)", param_hint="'--output' / '-o'")
    try:
        found = load_mapping(mapping)
        tables = open_tables(found, str(cases), str(events), _name(registrations), _name(assessments))
    except (MappingError, TableError) as exc:
        _problems(exc.diagnostics, "nothing was imported")
        raise typer.Exit(EXIT_INPUT)
    tally = Tally()
    destination = output(out, binary=True)
    try:
        try:
            for case in import_tables(found, tables, tally):
                destination.write(json.dumps(case.document, separators=(",", ":"), ensure_ascii=False)
                                  .encode("utf-8") + b"\n")
        except InputError as exc:  # a table out of order or broken off: the import cannot go on
            _problems(exc.diagnostics + tally.problems, "the import stopped there"
                      + (f"; {out} was left as it was" if out is not None else ""))
            raise typer.Exit(EXIT_INPUT)
        unmapped = tally.unmapped_diagnostics() if strict else []
        kept = None
        if not tally.problem_count and not unmapped:
            destination.commit()
        elif out is not None and not unmapped and tally.cases_written:
            kept = destination.keep_partial()
    except BrokenPipeError:
        quiet_broken_pipe()
    finally:
        destination.abandon()
    _summary(tally, out, kept, strict)
    if report is not None:
        write_whole(report, json.dumps(tally.as_dict(), indent=2, ensure_ascii=False) + "\n")
    raise typer.Exit(EXIT_INPUT if tally.problem_count or unmapped else EXIT_OK)


def _name(path: Optional[Path]) -> Optional[str]:
    return None if path is None else str(path)


def _problems(diagnostics: list[Diagnostic], outcome: str) -> None:
    """Each problem (up to a screenful) on standard error, a mapping-file problem with its line and a caret."""
    shown = sorted(diagnostics, key=Diagnostic.sort_key)
    sys.stderr.write(f"ppcheck: {words.plural(len(shown), 'problem')}; {outcome}.\n")
    for d in shown[:MAX_SHOWN]:
        sys.stderr.write(f"{d}\n")
        sys.stderr.write(excerpt(d))
    if len(shown) > MAX_SHOWN:
        sys.stderr.write(f"... and {len(shown) - MAX_SHOWN} more.\n")


def _summary(tally: "Tally", out: Optional[Path], kept: Optional[Path], strict: bool) -> None:
    """Account for every case and row on standard error."""
    err = sys.stderr
    where = f" to {out}" if out is not None and kept is None and not (tally.problem_count or
                                                                        (strict and tally.unmapped)) else ""
    err.write(f"ppcheck: imported {tally.cases_written:,} of {words.plural(tally.cases_read, 'case')} "
              f"({words.plural(tally.events_written, 'event')}){where}"
              + (f"; {tally.cases_refused:,} refused" if tally.cases_refused else "") + ".\n")
    if tally.unmapped:
        total = sum(u.count for u in tally.unmapped.values())
        verdict = "errors (--strict)" if strict else "their rows were not imported"
        err.write(f"ppcheck: {words.plural(len(tally.unmapped), 'value')} not in the mapping, in "
                  f"{words.plural(total, 'row')}; {verdict}:\n")
        for (file, column, value), u in sorted(tally.unmapped.items(), key=lambda item: -item[1].count)[:MAX_SHOWN]:
            shown = repr(value) if value else "(empty)"
            err.write(f"  {file}:{u.line}: table-unmapped: {column} {shown}: {words.plural(u.count, 'row')}\n")
        if len(tally.unmapped) > MAX_SHOWN:
            err.write(f"  ... and {len(tally.unmapped) - MAX_SHOWN} more.\n")
    if tally.ignored:
        listed = ", ".join(f"{code} ({n:,})" for (_, code), n in sorted(tally.ignored.items()))
        err.write(f"ppcheck: ignored as the mapping says: {listed}.\n")
    if tally.problem_count:
        _problems(tally.problems, f"{words.plural(tally.cases_refused, 'case')} not written")
        if tally.problem_count > len(tally.problems):
            err.write(f"(only the first {len(tally.problems)} of {tally.problem_count:,} problems were kept)\n")
    if kept is not None:
        err.write(f"ppcheck: the {tally.cases_written:,} cases imported are in {kept}; {out} was left as it "
                  f"was.\n")
    elif out is not None and (tally.problem_count or (strict and tally.unmapped)):
        err.write(f"ppcheck: {out} was left as it was.\n")
