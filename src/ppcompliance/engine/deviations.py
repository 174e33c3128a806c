"""Justified deviations: a manager's record that an expectation was deliberately not met over a period.

A ``deviation`` event names a rule (or a practice area) and the period it excuses, with the reason and who
approved it (by role). An instance of an excused rule that would be late, missed, unknown or pending, and whose
due date falls in the period, is ``justified`` instead: counted apart from compliant, never as a failure, and
never an action. A compliant or not-applicable instance is left as it is, so a deviation can never turn a
verdict into a failing one (docs/rule-language.md, "Justified deviations").
"""

from __future__ import annotations

from datetime import date
from typing import Collection, Sequence

from ..errors import Diagnostic, TimelineError
from ..timeline.model import Event, Timeline
from .conditions.suggest import suggest
from .facts import Instance, State
from .rulebook import Rule

DEVIATION = "deviation"
_EXCUSABLE = frozenset({State.MISSED, State.LATE, State.UNKNOWN, State.PENDING})


def check(known: Collection[str], timeline: Timeline) -> None:
    """Refuse a timeline whose deviations name a rule id not ``known`` (an input error)."""
    problems = []
    for event in timeline.of_type(DEVIATION):
        rule_id = event.get("rule")
        if rule_id is not None and rule_id not in known:

            problems.append(Diagnostic(timeline.source, json_path=timeline.json_path(event.id) + ".rule",
                                       code="timeline-unknown-rule", subject=f"event {event.id}",
                                       message=f"the deviation names rule {rule_id!r}, which is not in the "
                                               f"rulebook{suggest(rule_id, sorted(known))}"))
    if problems:
        raise TimelineError(problems)


def for_rule(rule: Rule, deviations: Sequence[Event]) -> list[Event]:
    """The deviations that excuse this rule (by its id or its practice area)."""
    return [d for d in deviations if d.get("rule") == rule.id or (d.get("rule") is None and d.get("area") == rule.area)]


def justify(instances: Sequence[Instance], deviations: Sequence[Event]) -> list[Instance]:
    """The instances with those a deviation excuses made ``justified``."""
    out = []
    for i in instances:
        day = _judged_on(i)
        excusing = None
        if i.state in _EXCUSABLE and day is not None:
            excusing = next((d for d in deviations if d.get("period_start") <= day <= d.get("period_end")), None)
        out.append(i if excusing is None else i.revise(state=State.JUSTIFIED, deviation=excusing, excused=i.state))
    return out


def _judged_on(i: Instance) -> date | None:
    """The day that decides whether a deviation's period covers an instance: its due date."""
    return i.due or i.window_to or i.anchor
