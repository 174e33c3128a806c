"""``mappa``: managed under MAPPA (Multi-Agency Public Protection Arrangements), at a level and category."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState, StateKey
from ..track import Track
from .base import ConditionKind

LEVELS = (1, 2, 3)
CATEGORIES = (1, 2, 3, 4)
_STATES: tuple[object, ...] = (None, *((c, lv) for c in CATEGORIES for lv in LEVELS))


@dataclass(frozen=True)
class Mappa(ConditionKind):
    """Managed under MAPPA, optionally at one of ``levels`` and in one of ``categories``."""

    levels: frozenset[int] | None = None
    categories: frozenset[int] | None = None

    keyword: ClassVar[str] = "mappa"
    state_keys: ClassVar[frozenset[StateKey]] = frozenset({("mappa",)})
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "object", "additionalProperties": False,
        "properties": {
            "level": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(LEVELS)}},
            "category": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(CATEGORIES)}}},
        "description": "Managed under MAPPA (optionally only at these levels / in these categories). {} means any "
                       "MAPPA case.",
        "examples": [{}, {"level": [2, 3]}]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        levels, categories = value.get("level"), value.get("category")
        return cls(frozenset(levels) if levels else None, frozenset(categories) if categories else None)

    def _holds(self, value: object) -> bool:
        if not isinstance(value, tuple):
            return False
        category, level = value
        return (self.levels is None or level in self.levels) and (
            self.categories is None or category in self.categories)

    def track(self, state: CaseState) -> Track:
        return state.mappa.map(self._holds)

    def describe(self) -> str:
        text = "the case is managed under MAPPA"
        if self.categories is not None:
            text += " in category " + words.either([str(c) for c in sorted(self.categories)])
        if self.levels is not None:
            text += (" and" if self.categories is not None else "") + " at level " + words.either(
                [str(v) for v in sorted(self.levels)])
        return text

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {"mappa": _STATES}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return self._holds(world["mappa"])
