"""The ``ppcheck`` program: one Typer app, one module per verb (``cli/check.py``, ``cli/due.py`` ...).

``ppcheck PATH...`` is short for ``ppcheck check PATH...``. Exit status: 0 nothing late, missed or unknown;
1 something is; 2 usage or input errors; 130 interrupted.
"""

from __future__ import annotations

import sys
import warnings
from typing import Optional

import typer

from .._version import __version__

app = typer.Typer(
    name="ppcheck",
    no_args_is_help=True,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    help=(
        "Check probation case timelines against the public-protection rulebook: one case, or a whole caseload "
        "(JSON Lines, folders, standard input).\n\n"
        "ppcheck PATH... is short for ppcheck check PATH...\n\n"
        "Exit status: 0 nothing late, missed or unknown; 1 something is; 2 usage or input error; 130 "
        "interrupted."
    ),
)


# Each verb registers itself on the app, in the order help lists them.
from . import check, due, diff, lint, test, doc, generate, serve, rulebook, trend  # noqa: E402,F401,I001


@app.command()
def version() -> None:
    """Print the version."""
    typer.echo(f"ppcheck {__version__}")


SUBCOMMANDS = {"check", "diff", "doc", "due", "generate", "lint", "test", "version", "serve", "rulebook", "trend", "import"}
_ROOT_OPTIONS = {"--help", "-h", "--version", "--install-completion", "--show-completion"}


def _warn(message: Warning | str, category: type[Warning], filename: str, lineno: int, file: object = None,
          line: Optional[str] = None) -> None:
    sys.stderr.write(f"ppcheck: {message}\n")


def main(argv: Optional[list[str]] = None) -> None:
    """Entry point: ``ppcheck FILE ...`` runs ``check``; ``ppcheck VERB ...`` runs that verb."""
    warnings.showwarning = _warn  # a plain line, not a Python warning with a source location
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] not in SUBCOMMANDS and args[0] not in _ROOT_OPTIONS:
        args.insert(0, "check")
    if args[:1] == ["--version"]:
        args = ["version"]
    try:
        app(args, prog_name="ppcheck")
    except Exception as exc:  # noqa: BLE001 - a bug: one line that says so, never a traceback
        from .common import EXIT_BUG

        sys.stderr.write(f"ppcheck: internal error ({type(exc).__name__}: {exc}). This is a bug in ppcheck, not "
                         f"in your input: please report it with the command you ran.\n")
        sys.exit(EXIT_BUG)
