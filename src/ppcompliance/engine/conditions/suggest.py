"""The "did you mean" of a misspelt name."""

from __future__ import annotations

from typing import Iterable


def suggest(word: str, known: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest known name, or nothing."""
    from difflib import get_close_matches  # only when a message needs a suggestion

    close = get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
