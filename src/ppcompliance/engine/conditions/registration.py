"""``registration``: a registration (a flag with start and end dates, as nDelius records it) is active."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Mapping

from ... import words
from ...vocabulary import REGISTRATIONS
from ..compiling import CompileContext
from ..rulebook import Condition, Path, registration_name
from ..state import CaseState, StateKey
from ..track import Track, kleene_any
from .base import ConditionKind
from .suggest import suggest


@dataclass(frozen=True)
class Registration(ConditionKind):
    """At least one of the registrations is active."""

    codes: tuple[str, ...]

    keyword: ClassVar[str] = "registration"
    SCHEMA: ClassVar[Mapping[str, Any]] = {
        "oneOf": [{"type": "string"}, {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"type": "string"}}],
        "description": "One of these registrations is active: "
                       + ", ".join(f"{code} ({name})" for code, name in REGISTRATIONS.items()),
        "examples": ["ADVP", ["RCPR", "RCCO"]]}

    @classmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        codes = value if isinstance(value, list) else [value]
        for code in codes:
            if code not in REGISTRATIONS:
                ctx.problem(path, "rule-unknown-state", f"unknown registration {code!r}{suggest(code, REGISTRATIONS)}"
                                                        f" (known: {', '.join(REGISTRATIONS)})")
        return cls(tuple(codes))

    @property
    def state_read(self) -> frozenset[StateKey]:
        return frozenset(("registration", code) for code in self.codes)

    def track(self, state: CaseState) -> Track:
        tracks = [state.registration(code) for code in self.codes]
        return tracks[0] if len(tracks) == 1 else Track.combine(tracks, kleene_any)

    def describe(self) -> str:
        return "a " + words.either([registration_name(code) for code in self.codes]) + " registration is active"

    def describe_negated(self) -> str:
        names = [registration_name(code) for code in self.codes]
        return "no " + (names[0] if len(names) == 1 else ", ".join(names[:-1]) + " nor " + names[-1]) + \
            " registration is active"

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        return {f"registration:{code}": (False, True) for code in self.codes}

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return any(world[f"registration:{code}"] for code in self.codes)
