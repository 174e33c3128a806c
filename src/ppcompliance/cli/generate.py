"""``ppcheck generate``: a synthetic caseload, for demos, tests and benchmarks without real personal data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import OUTPUT_HELP, load_rules, output, quiet_broken_pipe


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
) -> None:
    """Write a synthetic caseload as JSON Lines, one case timeline per line: made-up ids, codes and dates only.

    Practice follows the rulebook's own figures, so a rule change keeps the generator calibrated. Each case is
    written as it is generated, so a caseload of any size takes the same memory.
    """
    from ..synthetic.generate import generate_caseload

    rulebook = load_rules(rules)
    # Bytes, not text, so the output is the same on every platform (no newline translation).
    destination = output(out, binary=True)
    try:
        for case in generate_caseload(cases, seed, quality, events, rulebook=rulebook):
            destination.write(json.dumps(case, separators=(",", ":"), ensure_ascii=False).encode("utf-8") + b"\n")
        destination.commit()
    except BrokenPipeError:
        quiet_broken_pipe()
    finally:
        destination.abandon()
