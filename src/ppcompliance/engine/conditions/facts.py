"""Conditions on case facts that never change: the supervision type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ...vocabulary import SUPERVISION_TYPES
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState
from ..track import Track
from .base import ConditionKind


#: Each supervision type as a sentence names it ("the case is a licence", "the case is post-sentence
#: supervision").
SUPERVISION_WORDS = {"community_order": "a community order", "suspended_sentence_order": "a suspended sentence order",
                     "licence": "a licence", "post_sentence_supervision": "post-sentence supervision"}


@dataclass(frozen=True)
class SupervisionType(ConditionKind):
    """The case is supervised under one of these types."""

    types: frozenset[str]

    keyword: ClassVar[str] = "supervision_type"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(SUPERVISION_TYPES)},
        "description": "The case is one of these supervision types.",
        "examples": [["community_order", "suspended_sentence_order"]]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(frozenset(value))

    def track(self, state: CaseState) -> Track:
        return Track.constant(state.timeline.case.supervision_type in self.types)

    def describe(self) -> str:
        return "the case is " + words.either([
            SUPERVISION_WORDS.get(t, "a " + t.replace("_", " ")) for t in SUPERVISION_TYPES if t in self.types])

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {"supervision_type": SUPERVISION_TYPES}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return world["supervision_type"] in self.types
