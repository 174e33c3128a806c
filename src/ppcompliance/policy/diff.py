"""What a rule change does to a caseload (``ppcheck diff``): per rule, which cases' verdicts move, and how.

Pure: it takes two compiled rulebooks and timelines already loaded, and returns the comparison.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

from ..engine.evaluate import evaluate
from ..engine.rulebook import Rulebook
from ..timeline.model import Timeline

@dataclass
class RuleChange:
    """One rule's verdicts under the old and the new rulebook across the cases."""

    rule_id: str
    status: str  # "changed", "unchanged", "added", "removed"
    old: dict[str, int] = field(default_factory=dict)
    new: dict[str, int] = field(default_factory=dict)
    moves: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    @property
    def moved(self) -> int:
        """How many cases' verdicts changed."""
        return sum(len(cases) for cases in self.moves.values())


def compare(old: Rulebook, new: Rulebook, timelines: Iterable[Timeline], as_of: date) -> list[RuleChange]:
    """Evaluate every timeline under both rulebooks and collect, per rule, the verdicts and the moves."""
    old_ids, new_ids = set(old.by_id), set(new.by_id)
    changes: dict[str, RuleChange] = {}
    for rule_id in sorted(old_ids | new_ids):
        status = "added" if rule_id not in old_ids else "removed" if rule_id not in new_ids else "unchanged"
        if status == "unchanged" and old.by_id[rule_id] != new.by_id[rule_id]:
            status = "changed"
        changes[rule_id] = RuleChange(rule_id, status)
    for timeline in timelines:
        before = {v.rule_id: v.state for v in evaluate(old, timeline, as_of).verdicts}
        after = {v.rule_id: v.state for v in evaluate(new, timeline, as_of).verdicts}
        for rule_id, change in changes.items():
            a, b = before.get(rule_id, "absent"), after.get(rule_id, "absent")
            if a != "absent":
                change.old[a] = change.old.get(a, 0) + 1
            if b != "absent":
                change.new[b] = change.new.get(b, 0) + 1
            if a != b:
                change.moves.setdefault((a, b), []).append(timeline.case.id)
    return list(changes.values())
