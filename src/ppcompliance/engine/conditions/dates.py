"""``dates``: the day judged falls within a stated period — a policy change dated inside a condition.

A rule's ``in_force`` dates the whole rule; ``dates`` dates one part of its condition, so that one rule can say
"from 7 June 2024 (the Probation Reset), licence cases in their last third are exempt" together with what held
before.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar, Mapping

from ...dates import human
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState
from ..track import Track
from .base import ConditionKind

_DATE = {"$ref": "#/$defs/date"}


@dataclass(frozen=True)
class Dates(ConditionKind):
    """The day judged is on or after ``start`` and on or before ``until`` (either may be open)."""

    start: date | None
    until: date | None

    keyword: ClassVar[str] = "dates"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "minProperties": 1,
        "properties": {"from": {**_DATE, "description": "The first day on which it holds."},
                       "until": {**_DATE, "description": "The last day on which it holds."}},
        "description": "The day judged (a trigger's day, or each day of a period) falls within these dates, both "
                       "included: a policy change dated inside a condition, e.g. {from: 2024-06-07} for the "
                       "Probation Reset.",
        "examples": [{"from": "2024-06-07"}, {"until": "2024-06-06"}]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        start = date.fromisoformat(value["from"]) if "from" in value else None
        until = date.fromisoformat(value["until"]) if "until" in value else None
        if start is not None and until is not None and until < start:
            ctx.problem(path + ("until",), "rule-impossible-window", "the dates end before they start")
        return cls(start, until)

    def track(self, state: CaseState) -> Track:
        changes: list[tuple[int, object]] = []
        if self.start is not None:
            changes.append((self.start.toordinal(), True))
        if self.until is not None:
            changes.append((self.until.toordinal() + 1, False))
        return Track.from_changes(self.start is None, changes)

    def describe(self) -> str:
        if self.start and self.until:
            return f"the day is between {human(self.start)} and {human(self.until)}"
        if self.start:
            return f"the day is on or after {human(self.start)}"
        assert self.until is not None
        return f"the day is on or before {human(self.until)}"

    def describe_negated(self) -> str | None:
        if self.start and self.until:
            return None
        if self.start:
            return f"the day is before {human(self.start)}"
        assert self.until is not None
        return f"the day is after {human(self.until)}"

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {f"dates:{self.start}:{self.until}": (False, True)}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return bool(world[f"dates:{self.start}:{self.until}"])
