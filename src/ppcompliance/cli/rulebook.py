"""``ppcheck rulebook``: facts about a rulebook as a whole (its fingerprint)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import load_rules

rulebook_app = typer.Typer(name="rulebook", help="Facts about a rulebook as a whole.", no_args_is_help=True,
                           rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]})
app.add_typer(rulebook_app)


@rulebook_app.command()
def fingerprint(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files, or one file [default: the "
                                           "bundled rulebook].", show_default=False, metavar="RULES"),
) -> None:
    """Print the rulebook's fingerprint: a digest of what its rules mean (not of their files' order or
    formatting), which every report and service response names, so a report can be matched to the rules signed
    off.

    Exit status: 0 printed; 2 the rules cannot be read.
    """
    typer.echo(load_rules(rules).fingerprint)
