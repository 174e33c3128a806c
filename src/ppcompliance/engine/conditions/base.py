"""What every condition kind has: its YAML keyword, its schema fragment and how it is compiled."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any, ClassVar, Mapping

from ..compiling import CompileContext
from ..rulebook import Condition, Path


class ConditionKind(Condition):
    """A registered condition kind: one YAML keyword, one module (``engine.conditions``)."""

    #: The JSON Schema of the value under the keyword (the rule schema is built from these).
    SCHEMA: ClassVar[Mapping[str, Any]]

    @classmethod
    @abstractmethod
    def compile(cls, value: Any, path: Path, ctx: CompileContext) -> Condition:
        """The compiled condition from its (schema-valid) YAML value; problems go to ``ctx``."""
