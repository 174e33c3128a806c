"""What a template or a condition kind sees while it is compiled: the rule loader's compiler, as a protocol.

The loader (``ppcompliance.rules.compile``) implements it; the kinds only call it, so that they know nothing
of files, YAML or how problems are reported.
"""

from __future__ import annotations

from typing import Any, Mapping, Protocol

from .rulebook import Condition, Duration, Matcher, Path, Trigger


class CompileContext(Protocol):
    """Compiles the parts every kind shares, and collects problems with the path they were found at."""

    def problem(self, path: Path, code: str, message: str) -> None:
        """Record a problem (a stable code from ``errors.CODES``) at a path in the rule file."""

    def duration(self, data: Mapping[str, Any], path: Path, roll: bool = False) -> Duration:
        """A ``{days: N}`` / ``{weeks: N}`` / ``{working_days: N}`` / ``{months: N}`` duration; ``roll``: a due
        date it ends on that is not a working day moves to the next working day."""

    def matcher(self, data: Mapping[str, Any], path: Path, about_trigger: bool = False) -> Matcher:
        """An ``{event, where, label}`` matcher (and its options), checked against the event vocabulary;
        ``about_trigger``: whether the place it is written in allows ``about_trigger``."""

    def trigger(self, data: Mapping[str, Any], path: Path, default_occurrence: str) -> Trigger:
        """A matcher with ``occurrence`` / ``nth`` / ``nth_within`` / ``since``."""

    def condition(self, data: Mapping[str, Any], path: Path) -> Condition:
        """A condition (one of the registered kinds)."""
