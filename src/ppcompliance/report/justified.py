"""Justified deviations as rows for audit: per case, rule and deviation, the period excused, the reason, who
approved it (by role) and how many checks it excused. Never an action: a worklist does not list them; a caseload
summary lists them in a section of their own so that a quality lead can audit them.

Rows are made from a case's report (``justified_rows``); a caseload gathers them (``caseload.summary``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import msgspec

from ..engine.facts import CaseReport, State, worst
from ..explain.justified import approver, reason


class JustifiedRow(msgspec.Struct, frozen=True, order=True, gc=False):
    """One deviation that excused one rule on one case: its period, why, who approved it, and what it excused.

    Rows sort by the period's first day, then case, rule and deviation (the field order).
    """

    period_from: date
    case_id: str
    rule_id: str
    deviation_id: str
    period_to: date
    reason: str  # the timeline's code: in_hospital, reset_exemption, ...
    approved_by: str  # a role: senior_probation_officer, head_of_pdu, other_manager
    checks: int  # how many of the rule's instances it excused
    excused: State  # the worst verdict they would otherwise have had
    units: tuple[str, str, str] = ("", "", "")  # region, PDU, team

    @property
    def team(self) -> str:
        """The case's team id ("" if the timeline names none)."""
        return self.units[2]

    @property
    def reason_words(self) -> str:
        """The reason in words: ``the person was in hospital``."""
        return reason(self.reason)

    @property
    def approver_words(self) -> str:
        """Who approved it, by role, in words: ``a senior probation officer``."""
        return approver(self.approved_by)

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        return {"case_id": self.case_id, "unit": self.team, "rule_id": self.rule_id,
                "deviation_id": self.deviation_id,
                "period": {"from": self.period_from.isoformat(), "to": self.period_to.isoformat()},
                "reason": self.reason, "approved_by": self.approved_by, "checks": self.checks,
                "excused": self.excused.value}


def justified_rows(report: CaseReport, units: tuple[str, str, str] = ("", "", "")) -> list[JustifiedRow]:
    """Every justified deviation of one case: one row per rule and deviation that excused some of its checks."""
    rows = []
    for v in report.verdicts:
        by_deviation: dict[str, list[Any]] = {}
        for i in v.instances:
            if i.state == State.JUSTIFIED and i.deviation is not None:
                by_deviation.setdefault(i.deviation.event_id, []).append(i)
        for deviation_id, excused in by_deviation.items():
            d = excused[0].deviation
            assert d is not None
            rows.append(JustifiedRow(d.get("period_start"), report.case_id, v.rule_id, deviation_id,
                                     d.get("period_end"), d.get("reason"), d.get("approved_by"), len(excused),
                                     worst(i.excused or State.UNKNOWN for i in excused), units))
    return rows
