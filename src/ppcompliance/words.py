"""Small pieces of English shared by everything that writes sentences (explanations, the rulebook, reports)."""

from __future__ import annotations

from typing import Sequence


def capital(text: str) -> str:
    """The text with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


def bare(label: str) -> str:
    """A label without its leading article: ``a sentence plan`` -> ``sentence plan``."""
    for article in ("a ", "an ", "the "):
        if label.startswith(article):
            return label[len(article):]
    return label


def article(words: str) -> str:
    """``a`` or ``an`` before ``words``."""
    return "an" if words[:1].lower() in "aeiou" else "a"


def either(words: Sequence[str]) -> str:
    """``a``, ``a or b``, ``a, b or c``."""
    words = list(words)
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 case``, ``2 cases``, ``1,500 cases`` (``many`` for an irregular plural)."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def unit(n: int, working: bool) -> str:
    """The unit word for ``n`` days: ``day``, ``days``, ``working day``, ``working days``."""
    word = "working day" if working else "day"
    return word if n == 1 else word + "s"


def days(n: int, working: bool) -> str:
    """``3 working days``, ``1 day``."""
    return f"{n} {unit(n, working)}"


def ordinal(n: int) -> str:
    """``second``, ``third``, ..., ``12th``."""
    return {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth"}.get(n, f"{n}th")


# Event types and values whose words are not their names with spaces.
_NAMED = {"rosh_increased": "RoSH increase", "rosh_decreased": "RoSH decrease",
          "mappa_level_increased": "MAPPA level increase", "mappa_referral": "MAPPA referral",
          "mappa_level_set": "MAPPA level set", "mappa_meeting": "MAPPA meeting", "marac_referral": "MARAC referral",
          "police_call_out": "police call-out"}


def describe_type(event_type: str) -> str:
    """An event type or code as words: ``risk_management_plan`` -> ``risk management plan``,
    ``rosh_increased`` -> ``RoSH increase``."""
    return _NAMED.get(event_type) or event_type.replace("_", " ")
