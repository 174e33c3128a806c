"""``supervision_elapsed``: a share of the supervision period has passed (the Probation Reset's last third)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ...dates import Day
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState
from ..track import Track
from .base import ConditionKind


@dataclass(frozen=True)
class Elapsed(ConditionKind):
    """At least ``percent`` of the supervision period (start to expected end) has passed.

    The day it starts to hold is the start plus that share of the period's days, rounded up.
    """

    percent: int

    keyword: ClassVar[str] = "supervision_elapsed"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "required": ["at_least_percent"],
        "properties": {"at_least_percent": {"type": "integer", "minimum": 1, "maximum": 100}},
        "description": "At least this share of the supervision period (start to expected end) has passed, e.g. "
                       "67 for the last third (the Probation Reset point).",
        "examples": [{"at_least_percent": 67}]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(value["at_least_percent"])

    def first_day(self, start: Day, end: Day) -> Day:
        """The first day on which the condition holds."""
        return start + -(-(end - start) * self.percent // 100)

    def track(self, state: CaseState) -> Track:
        case = state.timeline.case
        first = self.first_day(case.start_date.toordinal(), case.expected_end_date.toordinal())
        return Track.from_changes(False, [(first, True)])

    def describe(self) -> str:
        return f"at least {self.percent}% of the supervision period has passed"

    def describe_negated(self) -> str:
        return f"less than {self.percent}% of the supervision period has passed"

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {f"elapsed:{self.percent}": (False, True)}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return bool(world[f"elapsed:{self.percent}"])
