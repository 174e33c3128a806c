"""What a service worker process does: hold one compiled rulebook and check cases against it.

Evaluation is CPU-bound, so the service never runs it on its event loop: each request's cases go to a pool of
worker processes (``service.pool``), each of which loads the rulebook once when it starts (``start``) and then
answers with JSON text, ready to send. Everything here is a module-level function, so that it can run in a
process started with ``forkserver`` or ``spawn`` (no threads of the service are copied into it).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date

from ..caseload.inputs import Item
from ..caseload.work import CaseResult, CheckOptions, check_chunk
from ..engine.evaluate import evaluate
from ..engine.facts import FAILING, STATES
from ..engine.rulebook import Rulebook
from ..errors import Diagnostic, TimelineError
from ..report.case import compact_record, report_to_dict
from ..rules import load_rulebook
from ..timeline.load import located, parse_timeline

_rulebook: Rulebook | None = None


class RulebookChanged(RuntimeError):
    """The rule files changed between the service loading them and a worker loading them: the worker refuses
    to serve a rulebook other than the one the service announced."""


def start(rules: str | None, fingerprint: str) -> None:
    """Load the rulebook in this worker process, and refuse if it is not the one the service loaded."""
    global _rulebook
    loaded = load_rulebook(rules)
    if loaded.fingerprint != fingerprint:
        raise RulebookChanged(f"the rule files changed while loading: {loaded.fingerprint}, not {fingerprint}")
    _rulebook = loaded


def ready() -> str:
    """The fingerprint this worker serves (a warm-up: it makes the pool start its processes at once)."""
    return _current().fingerprint + f"@{os.getpid()}"


def _current() -> Rulebook:
    assert _rulebook is not None, "the worker was not started"
    return _rulebook


@dataclass(frozen=True)
class Checked:
    """One case checked: the response body (or the problems), and what the decision log records."""

    body: bytes
    problems: tuple[Diagnostic, ...] = ()
    case_id: str = ""
    counts: tuple[int, ...] = ()
    failing: tuple[str, ...] = ()


def check_one(raw: bytes, as_of: date, source: str, detail: str = "full") -> Checked:
    """One timeline checked, as the document ``ppcheck --format json`` writes (``detail="full"``) or as its
    compact record (``"compact"``: verdicts, counts and failing instances, no sentences)."""
    rulebook = _current()
    try:
        timeline = parse_timeline(raw, source)
        try:
            report = evaluate(rulebook, timeline, as_of)
        except TimelineError as exc:
            raise TimelineError(located(exc.diagnostics, raw)) from None
    except TimelineError as exc:
        return Checked(b"", tuple(exc.diagnostics))
    document = report_to_dict(report, rulebook) if detail == "full" else compact_record(report, rulebook)
    counts = report.counts()
    return Checked(json.dumps(document, ensure_ascii=False).encode("utf-8"), (), report.case_id,
                   tuple(counts[s] for s in STATES), tuple(v.rule_id for v in report.verdicts if v.state in FAILING))


def check_items(items: list[Item], options: CheckOptions) -> list[CaseResult]:
    """A chunk of a caseload's cases, as ``ppcheck`` checks them (records, worklist rows, or problems)."""
    return check_chunk(_current(), options, items)
