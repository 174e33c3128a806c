"""``rosh``: the current Risk of Serious Harm level, from the latest risk assessment."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Iterable, Mapping

from ... import words
from ...dates import Date, Day, human
from ...vocabulary import ROSH_LEVELS
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState, StateKey
from ..track import Track
from .base import ConditionKind

_LEVEL = {"enum": list(ROSH_LEVELS)}


@dataclass(frozen=True)
class Rosh(ConditionKind):
    """The current RoSH level is one of ``levels``; unknown before the first risk assessment."""

    levels: frozenset[str]
    #: Judge days before the first assessment by the first level later assessed (``when_unknown: first_assessed``).
    backfill: bool = False

    keyword: ClassVar[str] = "rosh"
    state_keys: ClassVar[frozenset[StateKey]] = frozenset({("rosh",)})
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
        "properties": {"at_least": _LEVEL, "in": {"type": "array", "minItems": 1, "uniqueItems": True,
                                                  "items": _LEVEL}},
        "description": "The current RoSH level (from the latest risk assessment) is at least, or one of, these. "
                       "Unknown before the first risk assessment.",
        "examples": [{"at_least": "high"}, {"in": ["medium", "high"]}]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        if "at_least" in value:
            return cls(frozenset(ROSH_LEVELS[ROSH_LEVELS.index(value["at_least"]):]))
        return cls(frozenset(value["in"]))

    def track(self, state: CaseState) -> Track:
        levels = self.levels
        return state.rosh_track(self.backfill).map(lambda level: None if level is None else level in levels)

    def describe(self) -> str:
        return "RoSH is " + words.either([words.describe_type(level) for level in ROSH_LEVELS if level in self.levels])

    def unknowns(self, state: CaseState, day: Day) -> list[str]:
        return [self.keyword] if state.rosh_track(self.backfill).at(day) is None else []

    @staticmethod
    def missing(day: Date) -> str:
        return f"the RoSH level (no risk assessment recorded on or before {human(day)})"

    def backfilled(self) -> Condition:
        return replace(self, backfill=True)

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {"rosh": ROSH_LEVELS}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return world["rosh"] in self.levels


def rosh_in(levels: Iterable[str]) -> Rosh:
    """The condition "RoSH is one of these levels"."""
    return Rosh(frozenset(levels))
