"""What the verbs share: exit statuses, options, loading the rules, reporting problems, progress, output."""

from __future__ import annotations

import io
import os
import signal
import sys
import threading
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any, Callable, Iterator, NoReturn, Optional

import typer

from .. import words
from ..dates import parse_date
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic, InputError
from .output import Output, OutputError

EXIT_OK, EXIT_FINDINGS, EXIT_INPUT = 0, 1, 2
EXIT_INTERRUPTED = 130
EXIT_BUG = 70  # EX_SOFTWARE: the program failed, not the input
MAX_SHOWN = 20  # problems listed on standard error before "... and N more"

RULES_HELP = "A folder of YAML rule files, or one file [default: the bundled rulebook]."
AS_OF_HELP = "Judge the cases as seen on this date; later events are ignored [default: today]."
OUTPUT_HELP = "Write to this file instead of standard output. It is replaced only when the run succeeds."


def unit_option(kind: str, prefix: str = "") -> Any:
    """``--team``, ``--pdu`` or ``--region`` (repeatable): only the cases of those units. ``prefix`` heads the
    help (``Caseload: `` where the verb also checks one case)."""
    named = {"team": "team", "pdu": "probation delivery unit", "region": "region"}[kind]
    only = f"{prefix}only" if prefix else "Only"
    return typer.Option(None, f"--{kind}", help=f"{only} cases of this {named} (repeatable).", show_default=False)


def fail(message: str, status: int = EXIT_INPUT) -> NoReturn:
    """Say what is wrong on standard error and exit."""
    sys.stderr.write(f"ppcheck: {message}\n")
    raise typer.Exit(status)


def date_option(example: str) -> Callable[[Optional[str]], Optional[str]]:
    """A typer callback that checks a YYYY-MM-DD option value, its message showing ``example``."""
    def check(value: Optional[str]) -> Optional[str]:
        if value is not None:
            try:
                parse_date(value)
            except ValueError:
                raise typer.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. {example}") from None
        return value
    return check


#: Check an ``--as-of`` value (typer callback).
as_of_option = date_option("2024-06-30")


def as_of_date(value: Optional[str]) -> date:
    """The as-of date: the one given, or today (the CLI is the one place that reads the clock)."""
    return parse_date(value) if value else date.today()


def days(value: str) -> int:
    """``14d``, ``2w`` or ``14`` as a number of days."""
    text = value.strip().lower()
    try:
        n = 7 * int(text[:-1]) if text.endswith("w") else int(text[:-1] if text.endswith("d") else text)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a number of days: use e.g. 14d, 2w or 14") from None
    if n < 0:
        raise typer.BadParameter(f"{value!r} is negative: use e.g. 14d, 2w or 14")
    return n


def load_rules(rules: Optional[Path]) -> Rulebook:
    """The rulebook, or a located report of every problem in it and exit status 2."""
    from ..rules import load_rulebook

    try:
        return load_rulebook(rules)
    except InputError as exc:
        report_errors(exc.diagnostics)
        raise typer.Exit(EXIT_INPUT)


def report_errors(diagnostics: list[Diagnostic], checked: str = "nothing was checked") -> None:
    """Every problem (up to a screenful) on standard error, each with the offending rule-file line."""
    out = sys.stderr
    total = len(diagnostics)
    out.write(f"ppcheck: {words.plural(total, 'problem')}; {checked}.\n")
    for d in diagnostics[:MAX_SHOWN]:
        out.write(f"{d}\n")
        out.write(excerpt(d))
    if total > MAX_SHOWN:
        out.write(f"... and {total - MAX_SHOWN} more.\n")


def excerpt(d: Diagnostic) -> str:
    """The offending line of a rule file with a caret under the column (lark-style)."""
    if not d.line or not d.file.endswith((".yaml", ".yml")):
        return ""
    try:
        with open(d.file, encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if number == d.line:
                    text = line.rstrip("\n")[:160]
                    return f"    {text}\n    {' ' * (max(d.column, 1) - 1)}^\n"
    except (OSError, UnicodeDecodeError):
        return ""
    return ""


def output(path: Optional[Path], binary: bool = False) -> Output:
    """An opened output (standard output, or a temporary file beside ``path``), or exit status 2."""
    found = Output(path, binary)
    try:
        found.open()
    except OutputError as exc:
        fail(str(exc))
    return found


def write_whole(path: Optional[Path], text: str) -> None:
    """Write a finished text to standard output or to ``path`` (replacing it only once all is written)."""
    destination = output(path)
    try:
        destination.write(text)
        destination.commit()
    except BrokenPipeError:
        quiet_broken_pipe()
    finally:
        destination.abandon()


def quiet_broken_pipe() -> NoReturn:
    """The reader went away (e.g. ``ppcheck ... | head``): stop quietly, as Unix tools do."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
    raise typer.Exit(EXIT_OK)


def plain(renderable: Any, width: int = 100) -> str:
    """A rich renderable as plain text for a file or a pipe: no colour and no trailing spaces."""
    from rich.console import Console

    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, soft_wrap=False)
    console.print(renderable)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"


def show(renderable: Any) -> None:
    """A rich renderable on standard output: in colour on a terminal, as plain text otherwise."""
    if sys.stdout.isatty():
        from rich.console import Console

        Console(highlight=False).print(renderable)
    else:
        sys.stdout.write(plain(renderable))


class Progress:
    """A progress line on standard error when it is a terminal (nothing otherwise): cases done, bytes read of
    the input's size where it is known, the rate and the time left."""

    def __init__(self, total_bytes: int | None) -> None:
        self.total = total_bytes
        self.bar: Any = None
        self.cases = 0
        self.bytes = 0
        self.started = time.monotonic()
        self.at = ""  # where the run got to, for the message if it is interrupted

    def __enter__(self) -> "Progress":
        if sys.stderr.isatty():
            from rich.console import Console
            from rich.progress import (BarColumn, DownloadColumn, Progress as Bar, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            columns: list[Any] = [SpinnerColumn(), TextColumn("{task.fields[cases]} cases"),
                                  TextColumn("{task.fields[rate]}")]
            if self.total:
                columns += [BarColumn(), DownloadColumn(), TimeElapsedColumn(), TextColumn("left"),
                            TimeRemainingColumn()]
            else:
                columns += [TimeElapsedColumn()]
            self.bar = Bar(*columns, transient=True, console=Console(stderr=True), refresh_per_second=4)
            self.bar.start()
            self.task = self.bar.add_task("cases", total=self.total or None, cases="0", rate="")
        return self

    def tick(self, size: int, at: str) -> None:
        """One more case, of ``size`` bytes of input, read at ``at``."""
        self.cases += 1
        self.bytes += size
        self.at = at
        if self.bar is not None and (self.cases % 16 == 0 or self.cases < 16):
            elapsed = max(time.monotonic() - self.started, 1e-6)
            self.bar.update(self.task, completed=self.bytes, cases=f"{self.cases:,}",
                            rate=f"{self.cases / elapsed:,.0f} cases/s")

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def interrupted(progress: Progress, kept: str) -> NoReturn:
    """Say how far a caseload run got before Ctrl-C, and what was kept; exit 130."""
    where = f" (the last was {progress.at})" if progress.at else ""
    sys.stderr.write(f"ppcheck: interrupted after {words.plural(progress.cases, 'case')}{where}; {kept}.\n")
    raise typer.Exit(EXIT_INTERRUPTED)


@contextmanager
def uninterrupted() -> Iterator[None]:
    """Ctrl-C during the block waits until it is done, then interrupts as usual: so that a case is counted,
    written and shown together or not at all (the count in "interrupted after N cases" is then the number of
    records kept)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught:
        raise KeyboardInterrupt


def iterate(results: Iterator[Any]) -> Iterator[Any]:
    """The results, closing the source (and so stopping its workers) however the loop ends."""
    try:
        yield from results
    finally:
        close = getattr(results, "close", None)
        if close is not None:
            close()
