"""The obligation templates: one class per YAML keyword, each holding every stage of what it means (compile,
evaluate, explain, describe, lint and its schema fragment), registered here. Adding a template is one module
and one line below (docs/architecture.md has the recipe)."""

from __future__ import annotations

from typing import Mapping

from .base import ExplainContext, Finding, Template
from .before_end import BeforeEnd
from .cadence import Cadence
from .deadline import Deadline
from .end_recorded import EndRecorded
from .precedence import Precedence
from .recording import Recording
from .recurrence import Recurrence
from .response import Response

#: Every template, by its YAML keyword, in the order the rule schema lists them.
TEMPLATES: Mapping[str, type[Template]] = {
    template.keyword: template
    for template in (Deadline, Precedence, Cadence, Recurrence, BeforeEnd, Response, Recording, EndRecorded)
}

__all__ = ["TEMPLATES", "Template", "ExplainContext", "Finding", "Deadline", "Precedence", "Cadence", "Recurrence",
           "BeforeEnd", "Response", "Recording", "EndRecorded"]
