"""Diagnostics: every problem has a stable code, a location and a message.

Codes never change once published (tests assert them); messages may be reworded. A rule-file location is
``file:line:column``; a timeline location is ``file`` plus a JSON path such as ``$.events[3].date``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The stable codes, with what each means. docs/errors.md lists the same table.
#: How to install what Parquet and Dask need, as the messages that ask for it say.
ANALYTICS = "pip install 'ppcompliance[analytics]'"

CODES: dict[str, str] = {
    # Rule files
    "rules-not-found": "the rules path does not exist or holds no .yaml files",
    "rule-unreadable": "a rule file cannot be read or is not UTF-8",
    "rule-too-large": "a rule file exceeds the size or node limits",
    "rule-yaml-syntax": "a rule file is not well-formed YAML",
    "rule-yaml-tag": "a rule file uses a YAML tag (rule files are data, never objects)",
    "rule-duplicate-key": "a mapping in a rule file repeats a key",
    "rule-schema": "a rule file does not match schemas/rules.schema.json",
    "rule-duplicate-id": "two rules share an id",
    "rule-unknown-event": "a rule names an event type that timelines do not have",
    "rule-unknown-field": "a rule names a field that the event type does not have",
    "rule-unknown-value": "a rule names a value that the field cannot take",
    "rule-unknown-state": "a rule names a registration, RoSH level or other state that does not exist",
    "rule-impossible-window": "a window can never be met or never ends (e.g. look-back longer than allowed)",
    "rule-unknown-rule": "a rule names another rule (its remedy) that is not in the rulebook",
    "rule-option": "an option that has no meaning where it is written (e.g. answered on events that are not enquiries), or two options that contradict each other",
    # Lint (ppcheck lint): the rulebook loads, but something in it is wrong in practice
    "lint-window-too-long": "a window or limit is longer than any supervision could be (over 10 years)",
    "lint-never-applies": "a rule's applies_when can never hold, so the rule never applies",
    "lint-never-holds": "part of a condition can never hold (a dead branch)",
    "lint-overlap": "two rules demand the same thing of the same cases with different figures",
    "lint-basis": "a basis too thin to find its source, or an official figure with no link or note",
    "lint-always-met": "a rule's trigger is itself an expected event, so the rule is met on the trigger's day and can never fail",
    "lint-suppression-unused": "a rule suppresses a lint finding that lint no longer makes (remove the suppression)",
    "rule-test-failed": "a rule test (in a *.tests.yaml file) did not get the verdict it wants",
    # Timelines
    "timeline-not-found": "the timeline file does not exist",
    "timeline-unreadable": "the timeline file cannot be read or is not UTF-8",
    "timeline-too-large": "the timeline exceeds the size limit",
    "timeline-parquet": "a Parquet caseload has no text column named timeline (one case a row, its timeline as JSON)",
    "timeline-json": "the timeline is not valid JSON",
    "timeline-schema": "the timeline does not match schemas/timeline.schema.json",
    "timeline-duplicate-event-id": "two events in one timeline share an id",
    "timeline-dates": "the case dates contradict each other (e.g. end before start)",
    "timeline-event-dates": "an event's own dates contradict each other (recorded before it happened, arranged after the day it was for, a deviation that ends before it starts)",
    "timeline-reference": "an event's about names no other event of the timeline",
    "timeline-deviation": "a deviation names neither a rule nor a practice area",
    "timeline-unknown-rule": "a deviation names a rule that is not in the rulebook the case is checked against",
    # Caseloads
    "caseload-duplicate-case": "a case id was already read earlier in the same caseload",
    "case-internal-error": "the engine failed on one case (a bug to report); the rest of the caseload goes on",
    "scheduler-unreachable": "the Dask scheduler (--scheduler) could not be reached, or the local cluster (--cluster) could not be started, within --connect-timeout",
    # Importing extracts (ppcheck import)
    "mapping-unreadable": "the mapping file cannot be read (missing, not UTF-8, or too large)",
    "mapping-yaml": "the mapping file is not well-formed YAML, uses a YAML tag, or repeats a key",
    "mapping-schema": "the mapping file does not match schemas/mapping.schema.json",
    "mapping-unknown-event": "the mapping names an event type that timelines do not have",
    "mapping-unknown-field": "the mapping names a field that the event type does not have",
    "mapping-unknown-value": "the mapping names a value that the field cannot take",
    "mapping-incomplete": "a code maps to an event type whose required field is neither given nor read from a column",
    "table-unreadable": "a table of the extract cannot be read (missing, not CSV or Parquet, broken off)",
    "table-column": "a table lacks a column the mapping reads, or holds it in a type that cannot be read",
    "table-row": "a row cannot be read (an empty required cell, a bad date, a value of the wrong type); its case is not written",
    "table-order": "a table is not sorted by case id (the tables are merge-joined in one pass)",
    "table-orphan": "a row names a case that the cases table does not have",
    "table-unmapped": "a source code the mapping does not map (an error with --strict; otherwise counted and listed)",
    # Usage
    "usage": "the command line is wrong",
}


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in one input, with its location. Sorts by file, then position."""

    file: str
    line: int = 0
    column: int = 0
    json_path: str = ""
    code: str = ""
    message: str = ""
    subject: str = ""  # what the path points into, by a name a person knows: "event E12"

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unknown diagnostic code {self.code!r}")

    def sort_key(self) -> tuple[object, ...]:
        """File, then line and column, then JSON path with list indexes compared as numbers."""
        parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[\[\].]+", self.json_path) if p)
        return (self.file, self.line, self.column, parts, self.code, self.message)

    @property
    def location(self) -> str:
        """``file:line:column`` for YAML; for JSON the line (and column) where known, the JSON path and what it
        points into (``case.json:12:18 $.events[3].date (event E4)``); or just ``file``."""
        place = self.file
        if self.line:
            place += f":{self.line}" + (f":{self.column}" if self.column else "")
        if self.json_path:
            place += f" {self.json_path}"
        if self.subject:
            place += f" ({self.subject})"
        return place

    def __str__(self) -> str:
        return f"{self.location}: {self.code}: {self.message}"

    def as_dict(self) -> dict[str, object]:
        """The diagnostic as JSON-ready data."""
        out: dict[str, object] = {"file": self.file, "code": self.code, "message": self.message}
        if self.line:
            out["line"], out["column"] = self.line, self.column
        if self.json_path:
            out["json_path"] = self.json_path
        if self.subject:
            out["subject"] = self.subject
        return out


class InputError(ValueError):
    """Input that cannot be used, with every diagnostic found, sorted by location (the first is the best)."""

    def __init__(self, diagnostics: list[Diagnostic]):
        if not diagnostics:
            raise ValueError("an InputError needs at least one diagnostic")
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(str(d) for d in self.diagnostics))

    @property
    def codes(self) -> list[str]:
        """The codes of the diagnostics, in order (what tests assert on)."""
        return [d.code for d in self.diagnostics]


class RuleError(InputError):
    """A rulebook could not be loaded: one or more rule files are broken."""


class TimelineError(InputError):
    """A timeline could not be loaded."""
