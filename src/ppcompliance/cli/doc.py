"""``ppcheck doc``: the plain-English rulebook, for a policy board to sign off."""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import OUTPUT_HELP, load_rules, write_whole


class DocFormat(str, Enum):
    markdown = "markdown"
    html = "html"


@app.command()
def doc(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files, or one file [default: the "
                                           "bundled rulebook].", show_default=False, metavar="RULES"),
    fmt: DocFormat = typer.Option(DocFormat.markdown, "--format", "-f", help="markdown, or html (one "
                                  "self-contained page)."),
    out: Optional[Path] = typer.Option(None, "--output", "-o", help=OUTPUT_HELP, show_default=False),
) -> None:
    """Write the plain-English rulebook: per practice area and stage, each rule as a sentence with its basis."""
    from ..policy.doc import rulebook_html, rulebook_markdown

    rulebook = load_rules(rules)
    write_whole(out, (rulebook_html if fmt is DocFormat.html else rulebook_markdown)(rulebook))
