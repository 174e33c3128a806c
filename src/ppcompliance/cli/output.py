"""Where a command writes: standard output, or a file that is replaced only when the run succeeded.

``-o FILE`` is written to a temporary file beside it and renamed into place at the end, so a failed start, a
rejected input, Ctrl-C or a crash never truncates or half-writes last week's report. Where a partial result is
still worth having (per-case JSON Lines after Ctrl-C), it is kept under a name that says so
(``report.partial.jsonl``) and the old file is left alone.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from types import TracebackType
from typing import IO, Any


class OutputError(Exception):
    """The output file cannot be written (the message says why)."""


def partial_name(path: Path) -> Path:
    """``report.jsonl`` -> ``report.partial.jsonl``."""
    return path.with_name(f"{path.stem}.partial{path.suffix}")


class Output:
    """A destination for a command's result. Use as a context manager; call ``commit()`` when the run
    succeeded. Leaving without committing throws the temporary file away (or keeps it as partial)."""

    def __init__(self, path: Path | None, binary: bool = False) -> None:
        self.path = path
        self.binary = binary
        self.stream: IO[Any] | None = None
        self._temp: str | None = None
        self.committed = False
        self.kept_partial: Path | None = None

    def open(self) -> IO[Any]:
        """Open the destination: standard output, or a temporary file beside the target."""
        if self.path is None:
            self.stream = sys.stdout.buffer if self.binary else sys.stdout
            return self.stream
        folder = self.path.parent if str(self.path.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"cannot write {self.path}: the folder {folder} does not exist")
        if self.path.is_dir():
            raise OutputError(f"cannot write {self.path}: it is a folder")
        if self.path.exists() and not self.path.is_file():
            # A device or a pipe (/dev/null, a FIFO): written to directly, never replaced.
            try:
                self.stream = open(self.path, "wb" if self.binary else "w",
                                   encoding=None if self.binary else "utf-8")
            except OSError as exc:
                raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None
            return self.stream
        try:
            handle, self._temp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"cannot write {self.path}: {exc.strerror or exc}") from None
        self.stream = os.fdopen(handle, "wb" if self.binary else "w", encoding=None if self.binary else "utf-8",
                                newline=None if self.binary else "")
        return self.stream

    def __enter__(self) -> "Output":
        self.open()
        return self

    def write(self, data: Any) -> None:
        """Write text (or bytes, for a binary output)."""
        assert self.stream is not None
        self.stream.write(data)

    def commit(self) -> None:
        """The run succeeded: put the file in place (atomically, with the usual permissions)."""
        if self.path is None or self._temp is None:
            if self.stream is not None:
                self.stream.flush()
                if self.path is not None:
                    self.stream.close()
            self.committed = True
            return
        assert self.stream is not None
        self.stream.flush()
        os.fsync(self.stream.fileno())
        self.stream.close()
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self._temp, 0o666 & ~umask)
        os.replace(self._temp, self.path)
        self._temp = None
        self.committed = True

    def keep_partial(self) -> Path | None:
        """The run was interrupted but what was written is whole and useful: keep it under a partial name."""
        if self.path is None or self._temp is None:
            return None
        assert self.stream is not None
        self.stream.close()
        target = partial_name(self.path)
        os.replace(self._temp, target)
        self._temp = None
        self.kept_partial = target
        return target

    def abandon(self) -> None:
        """The run failed: throw the temporary file away; the old file, if any, is untouched."""
        if self._temp is None and self.path is not None and self.stream is not None and not self.stream.closed:
            self.stream.close()  # a device or pipe written to directly
        if self._temp is not None:
            try:
                if self.stream is not None:
                    self.stream.close()
            finally:
                try:
                    os.unlink(self._temp)
                except OSError:
                    pass
                self._temp = None

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if not self.committed:
            self.abandon()
