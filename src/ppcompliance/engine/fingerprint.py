"""A rulebook's fingerprint: a digest of what its rules mean, so that a report can be matched to the rules that
were signed off.

The digest is taken over the compiled rules, not the files: it does not change with file order, formatting,
comments, where a rule is written, or how a figure is spelled ({weeks: 2} and {days: 14} are one figure), and
it changes when anything a rule means changes — a figure, an event, a condition, a label a sentence uses, a
basis. Lint suppressions are not meaning and are left out.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date
from enum import Enum
from typing import Any, Mapping

#: How many hexadecimal digits of the SHA-256 digest a fingerprint shows (64 bits: enough to tell rulebooks
#: apart, short enough to read out).
DIGITS = 16


def fingerprint(rules: Any) -> str:
    """The fingerprint of a rulebook (or of any compiled rules): ``sha256:`` and 16 hexadecimal digits."""
    text = json.dumps(_canonical(rules), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:DIGITS]


def _canonical(value: Any) -> Any:
    """The value as plain JSON data that two equal values share: dataclasses by their compared fields, sets in
    a fixed order."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {"": type(value).__name__}
        for f in dataclasses.fields(value):
            if f.init and f.compare:
                out[f.name] = _canonical(getattr(value, f.name))
        return out
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (frozenset, set)):
        return sorted((_canonical(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, (tuple, list)):
        return [_canonical(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    return value
