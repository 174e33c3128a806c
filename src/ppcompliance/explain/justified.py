"""Justified deviations in words: why an expectation was deliberately not met, who approved it (by role, never
by name), and the period it excuses. Used by the sentence of a justified instance and by every report that
lists deviations for audit.
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType
from typing import Mapping

from .. import words
from ..dates import human
from ..engine.facts import Evidence

#: A deviation's reason (the timeline's ``reason`` values) as the end of a sentence.
REASONS: Mapping[str, str] = MappingProxyType({
    "in_hospital": "the person was in hospital",
    "reset_exemption": "the case is exempt under the Probation Reset",
    "risk_to_staff": "there was a risk to staff",
    "person_unavailable": "the person was unavailable for an agreed reason",
    "other": "the reason is recorded in the case notes",
})

#: Who approved a deviation (the timeline's ``approved_by`` values), by role.
APPROVERS: Mapping[str, str] = MappingProxyType({
    "senior_probation_officer": "a senior probation officer",
    "head_of_pdu": "the head of the PDU",
    "other_manager": "another manager",
})


def reason(code: str) -> str:
    """A deviation's reason in words: ``in_hospital`` -> ``the person was in hospital``."""
    return REASONS.get(code, words.describe_type(code))


def approver(code: str) -> str:
    """Who approved a deviation, by role: ``head_of_pdu`` -> ``the head of the PDU``."""
    return APPROVERS.get(code, words.describe_type(code))


def period(start: date, end: date) -> str:
    """``from Mon 1 Jan 2024 to Sun 31 Mar 2024``, or ``on Mon 1 Jan 2024`` for a single day."""
    return f"on {human(start)}" if start == end else f"from {human(start)} to {human(end)}"


def excuse(deviation: Evidence) -> str:
    """The deviation as the clause that excuses an instance: ``a deviation (D1) approved by a senior probation
    officer excuses it from Mon 1 Jan 2024 to Sun 31 Mar 2024: the person was in hospital``."""
    return (f"a deviation ({deviation.event_id}) approved by {approver(deviation.get('approved_by'))} excuses it "
            f"{period(deviation.get('period_start'), deviation.get('period_end'))}: "
            f"{reason(deviation.get('reason'))}")
