"""A small cache of derived *data* (never code), so that a cold ``ppcheck`` on one case starts quickly.

Two things are cached, each as JSON under a name that says exactly what it was made from:

* the England & Wales bank holidays of the tabulated years, by the ``holidays`` package's version (importing
  and asking that package costs about 70 ms; reading the list back, under 1 ms);
* each rule file's parsed and schema-checked contents, by a digest of the file's bytes, the rule schema and
  the reader's own source (so any change to any of them is a miss). Only a file that loaded with no problem is
  kept; compiling it, with all its semantic checks, happens every time.

The cache is in ``$PPCOMPLIANCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/ppcompliance``, else
``~/.cache/ppcompliance``; ``PPCOMPLIANCE_NO_CACHE=1`` turns it off. It is only ever JSON, read with
``json.loads``: a damaged or doctored entry can at worst make a miss, never run anything. Any problem reading
or writing it is ignored: the cache can make a run faster, never make it fail.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def folder() -> Path | None:
    """Where the cache lives, or None when it is turned off."""
    if os.environ.get("PPCOMPLIANCE_NO_CACHE"):
        return None
    chosen = os.environ.get("PPCOMPLIANCE_CACHE_DIR")
    if chosen:
        return Path(chosen)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "ppcompliance"


def read(name: str) -> Any | None:
    """The cached value called ``name``, or None (not cached, turned off, or unreadable)."""
    where = folder()
    if where is None:
        return None
    try:
        return json.loads((where / name).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def write(name: str, value: Any) -> None:
    """Cache ``value`` as ``name`` (atomically; silently not at all if the folder cannot be written)."""
    where = folder()
    if where is None:
        return
    try:
        where.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=f".{name}.", dir=where)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(value, out, separators=(",", ":"))
        os.replace(temp, where / name)
    except (OSError, TypeError, ValueError):
        return
