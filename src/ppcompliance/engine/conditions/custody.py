"""``in_custody``: the person is (or is not) in custody."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState, StateKey
from ..track import Track, kleene_not
from .base import ConditionKind


@dataclass(frozen=True)
class InCustody(ConditionKind):
    """The person is (``value`` true) or is not in custody."""

    value: bool

    keyword: ClassVar[str] = "in_custody"
    state_keys: ClassVar[frozenset[StateKey]] = frozenset({("in_custody",)})
    SCHEMA: ClassVar[Mapping[str, Any]] = {"type": "boolean",
                                           "description": "The person is (true) or is not (false) in custody.",
                                           "examples": [True]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(bool(value))

    def track(self, state: CaseState) -> Track:
        return state.in_custody if self.value else state.in_custody.map(kleene_not)

    def describe(self) -> str:
        return "the person is in custody" if self.value else "the person is not in custody"

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {"in_custody": (False, True)}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return world["in_custody"] is self.value
