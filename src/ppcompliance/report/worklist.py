"""Worklist rows: what a team does this week, in three sections, each soonest first.

* **overdue** — missed, and it can still be done (a late risk review is better than none);
* **due** — pending, falling due within the window (``--within``, 14 days by default);
* **past** — missed, and it can no longer be done: a pre-sentence enquiry after sentence, a week of contact
  that is over. Shown last, or on request, with the rule that is now its remedy where the rule names one.

A justified instance (a deviation a manager approved excuses it) is never a row, in any section: only missed
instances and pending actions are, and justifying one makes it neither. Justified deviations are listed for
audit apart (``report.justified``).

Rows are made from a case's report (``work_items``); a caseload gathers them (``caseload.worklist``).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import Enum
from typing import Any, Mapping

import msgspec

from ..engine.facts import CaseReport, State
from ..engine.rulebook import Rulebook
from ..engine.templates import Template
from ..explain import action_text


class Section(str, Enum):
    """Where a worklist row belongs."""

    OVERDUE = "overdue"
    DUE = "due"
    PAST = "past"

    def __str__(self) -> str:
        return self.value


SECTIONS = tuple(Section)
TITLES = {Section.OVERDUE: "Overdue and still to do", Section.DUE: "Due soon",
          Section.PAST: "Missed and no longer possible"}


class WorkItem(msgspec.Struct, frozen=True, order=True, gc=False):
    """One row: a case's action under one rule, by when, how many days overdue or left, and what to do.

    Rows sort by due date, then case and rule (the field order).
    """

    due: date
    case_id: str
    rule_id: str
    section: Section
    state: State
    days: int
    working: bool
    action: str
    units: tuple[str, str, str] = ("", "", "")  # region, PDU, team
    remedy: tuple[str, ...] = ()
    closed: bool = False

    @property
    def team(self) -> str:
        """The case's team id ("" if the timeline names none)."""
        return self.units[2]

    def as_dict(self) -> dict[str, Any]:
        """The row as JSON-ready data."""
        out: dict[str, Any] = {"section": self.section.value, "case_id": self.case_id, "unit": self.team,
                               "rule_id": self.rule_id, "state": self.state.value, "due": self.due.isoformat(),
                               "days": self.days, "day_unit": "working_days" if self.working else "days",
                               "action": self.action}
        if self.remedy:
            out["remedy"] = list(self.remedy)
        if self.closed:
            out["closed"] = True
        return out


def work_items(rulebook: Rulebook, report: CaseReport, within_days: int,
               units: tuple[str, str, str] = ("", "", "")) -> list[WorkItem]:
    """Every worklist row of one case: missed instances (still to do, or past) and pending ones due within
    ``within_days`` of the as-of date."""
    case = report.case
    closed = case.end_date is not None and case.end_date <= report.as_of
    horizon = report.as_of + timedelta(days=within_days)
    rows = []
    for v in report.verdicts:
        if v.state != State.MISSED:
            continue
        rule = rulebook.by_id[v.rule_id]
        for i in v.instances:
            if i.state != State.MISSED or i.due is None:
                continue
            obligation = rule.obligation
            actionable = obligation.actionable(i) if isinstance(obligation, Template) else True
            section = Section.OVERDUE if actionable else Section.PAST
            rows.append(WorkItem(i.due, case.id, v.rule_id, section, State.MISSED, i.days or 0, i.working,
                                 action_text(rule, i, missed=True), units, () if actionable else rule.remedy,
                                 closed))
    for a in report.next_actions:
        if a.due <= horizon:
            rule = rulebook.by_id[a.rule_id]
            rows.append(WorkItem(a.due, case.id, a.rule_id, Section.DUE, State.PENDING, a.days_left, a.working,
                                 action_text(rule, a.instance), units, (), closed))
    return rows



def work_from_dict(data: Mapping[str, Any]) -> WorkItem:
    """A row from its JSON form (the inverse of ``WorkItem.as_dict``, units apart from the team)."""
    return WorkItem(date.fromisoformat(data["due"]), data["case_id"], data["rule_id"], Section(data["section"]),
                    State(data["state"]), data["days"], data["day_unit"] == "working_days", data["action"],
                    ("", "", data.get("unit", "")), tuple(data.get("remedy", ())), bool(data.get("closed")))
