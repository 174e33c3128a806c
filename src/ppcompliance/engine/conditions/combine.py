"""``all``, ``any`` and ``not``: conditions made of conditions (three-valued, Kleene logic)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar, Iterator, Mapping

from ...dates import Day
from ..compiling import CompileContext
from ..rulebook import Condition, Path
from ..state import CaseState
from ..track import Track, kleene_all, kleene_any, kleene_not
from .base import ConditionKind

_LIST = {"type": "array", "minItems": 1, "maxItems": 50, "items": {"$ref": "#/$defs/condition"}}


def _grouped(c: Condition) -> str:
    nested = isinstance(c, (All, AnyOf)) and len(c.conditions) > 1
    return f"({c.describe()})" if nested else c.describe()


def _merged(parts: list[dict[str, tuple[object, ...]]]) -> dict[str, tuple[object, ...]]:
    out: dict[str, tuple[object, ...]] = {}
    for p in parts:
        out.update(p)
    return out


@dataclass(frozen=True)
class All(ConditionKind):
    """Every one of the conditions holds."""

    conditions: tuple[Condition, ...]

    keyword: ClassVar[str] = "all"
    SCHEMA: ClassVar[Mapping[str, Any]] = {**_LIST, "description": "Every one holds.",
                                           "examples": [[{"rosh": {"at_least": "high"}}, {"registration": "ADVP"}]]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(tuple(ctx.condition(c, path + (i,)) for i, c in enumerate(value)))

    def track(self, state: CaseState) -> Track:
        return Track.combine([state.condition(c) for c in self.conditions], kleene_all)

    def describe(self) -> str:
        return " and ".join(_grouped(c) for c in self.conditions)

    def unknowns(self, state: CaseState, day: Day) -> list[str]:
        return [u for c in self.conditions for u in c.unknowns(state, day)]

    def parts(self) -> Iterator[Condition]:
        return iter(self.conditions)

    def backfilled(self) -> Condition:
        return replace(self, conditions=tuple(c.backfilled() for c in self.conditions))

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return _merged([c.dimensions() for c in self.conditions])

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return all(c.holds_in(world) for c in self.conditions)


@dataclass(frozen=True)
class AnyOf(ConditionKind):
    """At least one of the conditions holds."""

    conditions: tuple[Condition, ...]

    keyword: ClassVar[str] = "any"
    SCHEMA: ClassVar[Mapping[str, Any]] = {**_LIST, "description": "At least one holds.",
                                           "examples": [[{"mappa": {}}, {"rosh": {"in": ["very_high"]}}]]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(tuple(ctx.condition(c, path + (i,)) for i, c in enumerate(value)))

    def track(self, state: CaseState) -> Track:
        return Track.combine([state.condition(c) for c in self.conditions], kleene_any)

    def describe(self) -> str:
        return " or ".join(_grouped(c) for c in self.conditions)

    def unknowns(self, state: CaseState, day: Day) -> list[str]:
        return [u for c in self.conditions for u in c.unknowns(state, day)]

    def parts(self) -> Iterator[Condition]:
        return iter(self.conditions)

    def backfilled(self) -> Condition:
        return replace(self, conditions=tuple(c.backfilled() for c in self.conditions))

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return _merged([c.dimensions() for c in self.conditions])

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return any(c.holds_in(world) for c in self.conditions)


@dataclass(frozen=True)
class Not(ConditionKind):
    """The condition does not hold."""

    condition: Condition

    keyword: ClassVar[str] = "not"
    SCHEMA: ClassVar[Mapping[str, Any]] = {"$ref": "#/$defs/condition", "description": "It does not hold.",
                                           "examples": [{"in_custody": True}]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        return cls(ctx.condition(value, path))

    def track(self, state: CaseState) -> Track:
        return state.condition(self.condition).map(kleene_not)

    def describe(self) -> str:
        return self.condition.describe_negated() or f"not ({self.condition.describe()})"

    def unknowns(self, state: CaseState, day: Day) -> list[str]:
        return self.condition.unknowns(state, day)

    def parts(self) -> Iterator[Condition]:
        return iter((self.condition,))

    def backfilled(self) -> Condition:
        return replace(self, condition=self.condition.backfilled())

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return self.condition.dimensions()

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return not self.condition.holds_in(world)
