"""``tier``: the current case tier, from the latest tier calculation."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Mapping

from ... import words
from ...dates import Date, Day, human
from ...vocabulary import TIERS
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState, StateKey
from ..track import Track
from .base import ConditionKind


@dataclass(frozen=True)
class Tier(ConditionKind):
    """The current case tier is one of ``tiers``; unknown before the first tier calculation."""

    tiers: frozenset[str]
    #: Judge days before the first assessment by the first tier later assessed (``when_unknown: first_assessed``).
    backfill: bool = False

    keyword: ClassVar[str] = "tier"
    state_keys: ClassVar[frozenset[StateKey]] = frozenset({("tier",)})
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(TIERS)},
        "description": "The current tier is one of these. Unknown before the first tier calculation.",
        "examples": [["A3", "A2"]]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(frozenset(value))

    def track(self, state: CaseState) -> Track:
        tiers = self.tiers
        return state.tier_track(self.backfill).map(lambda tier: None if tier is None else tier in tiers)

    def describe(self) -> str:
        return "the tier is " + words.either(sorted(self.tiers))

    def unknowns(self, state: CaseState, day: Day) -> list[str]:
        return [self.keyword] if state.tier_track(self.backfill).at(day) is None else []

    @staticmethod
    def missing(day: Date) -> str:
        return f"the tier (no tier calculation recorded on or before {human(day)})"

    def backfilled(self) -> Condition:
        return replace(self, backfill=True)

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {"tier": TIERS}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return world["tier"] in self.tiers
