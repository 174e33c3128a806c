"""``ppcheck generate``: a synthetic caseload, for demos, tests and benchmarks without real personal data."""

from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Any, Iterator, Optional

import typer

from ..caseload.inputs import PARQUET_SUFFIXES
from ..errors import ANALYTICS
from .app import app
from .common import OUTPUT_HELP, fail, load_rules, output, quiet_broken_pipe


class TableFormat(str, Enum):
    csv = "csv"
    parquet = "parquet"


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
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help="The rulebook whose figures practice follows "
                                         "[default: the bundled rulebook].", show_default=False),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
    tables: Optional[Path] = typer.Option(None, "--tables", help="Write the caseload as an extract instead: "
                                          "cases, events (contacts), registrations and assessments tables in "
                                          "this folder, with the mapping.yaml that `ppcheck import` reads them "
                                          "with (docs/import.md).", show_default=False),
    table_format: TableFormat = typer.Option(TableFormat.csv, "--table-format", help="With --tables: csv, or "
                                             "parquet (needs the analytics extra)."),
) -> None:
    """Write a synthetic caseload as JSON Lines, one case timeline per line: made-up ids, codes and dates only.
    With -o NAME.parquet, as a Parquet caseload instead (a case a row, its timeline as JSON text in the column
    timeline; needs the analytics extra).

    Practice follows the rulebook's own figures, so a rule change keeps the generator calibrated. Each case is
    written as it is generated, so a caseload of any size takes the same memory.
    """
    from ..synthetic.generate import generate_caseload

    rulebook = load_rules(rules)
    if tables is not None:
        if out is not None:
            fail("--tables and --output are alternatives: give one")
        _tables(generate_caseload(cases, seed, quality, events, rulebook=rulebook), tables, table_format)
        return
    made = generate_caseload(cases, seed, quality, events, rulebook=rulebook)
    if out is not None and out.suffix in PARQUET_SUFFIXES:
        _parquet(made, out)
        return
    # Bytes, not text, so the output is the same on every platform (no newline translation).
    destination = output(out, binary=True)
    try:
        for case in made:
            destination.write(json.dumps(case, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n")
        destination.commit()
    except BrokenPipeError:
        quiet_broken_pipe()
    finally:
        destination.abandon()


def _parquet(caseload: Iterator[dict[str, Any]], out: Path) -> None:
    """The caseload as a Parquet caseload: a case a row, its timeline as JSON text (``-o NAME.parquet``)."""
    from .trend import needs_pyarrow

    needs_pyarrow("writing a Parquet caseload")
    from ..report.parquet import TimelineWriter

    destination = output(out, binary=True)
    try:
        writer = TimelineWriter(destination.stream)  # type: ignore[arg-type]
        for case in caseload:
            writer.add(case["case"]["id"], json.dumps(case, separators=(",", ":"), ensure_ascii=False))
        writer.close()
        destination.commit()
    finally:
        destination.abandon()


def _tables(caseload: Iterator[dict[str, Any]], folder: Path, fmt: TableFormat) -> None:
    """The caseload as an extract: four tables and the mapping, written into ``folder`` (made if need be)."""
    from ..tables.extract import TableWriter, mapping_text, rows

    if fmt is TableFormat.parquet:
        try:
            import pyarrow  # type: ignore[import-untyped, unused-ignore]  # noqa: F401
        except ImportError:
            fail(f"writing Parquet needs {ANALYTICS}")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot write {folder}: {exc.strerror or exc}")
    writer = TableWriter(folder, parquet=fmt is TableFormat.parquet)
    try:
        writer.open()
        for table, row in rows(caseload):
            writer.write(table, row)
        writer.close()
        (folder / "mapping.yaml").write_text(mapping_text(), encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {folder}: {exc.strerror or exc}")
    names = ", ".join(writer.name(t) for t in ("cases", "events", "registrations", "assessments"))
    sys.stderr.write(f"ppcheck: wrote {names} and mapping.yaml in {folder}.\n")
