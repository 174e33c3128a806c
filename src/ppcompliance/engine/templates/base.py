"""What every obligation template implements, stage by stage.

A template is one class in one module of this package, registered in ``templates/__init__.py``. Its stages:

* ``SCHEMA`` — its fragment of the rule schema (``rules.schema_build`` assembles the published schema from it);
* ``compile`` — schema-valid YAML to the frozen obligation (semantic problems go to the compile context);
* ``evaluate`` — the instances on one case, as facts (``Obligation.evaluate``);
* ``explain`` / ``would_have_met`` — the sentence for an instance and what would have met the rule;
* ``describe`` — the obligation in plain English for the rulebook (``ppcheck doc``);
* ``lint`` — checks only this template can make; ``durations`` / ``signature`` / ``figures`` feed the
  general ones.

tests/test_templates.py proves every registered template implements every stage.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Mapping

from ... import words
from ...dates import human
from ...timeline.model import Case
from ..compiling import CompileContext
from ..facts import Evidence, Instance, State
from ..rulebook import Matcher, Obligation, Path, Rule, Trigger


@dataclass(frozen=True)
class ExplainContext:
    """What a sentence may mention beyond the instance: the case, how far the timeline was read, and the titles
    of the rulebook's rules (to name a remedy)."""

    case: Case
    horizon: date
    titles: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Finding:
    """A lint finding a template makes about one of its rules: a code from ``errors.CODES`` and a message."""

    code: str
    message: str


class Template(Obligation):
    """An obligation template: every stage of it in one class."""

    #: Its fragment of the rule schema: the ``$defs`` entry under its keyword.
    SCHEMA: ClassVar[Mapping[str, Any]]

    @classmethod
    @abstractmethod
    def compile(cls, data: Mapping[str, Any], path: Path, ctx: CompileContext) -> "Template":
        """The obligation from its schema-valid YAML; semantic problems are reported to ``ctx``."""

    @abstractmethod
    def explain(self, instance: Instance, ctx: ExplainContext) -> str:
        """The sentence for an instance whose verdict needs no reason (compliant, late, missed, pending)."""

    @abstractmethod
    def would_have_met(self, instance: Instance) -> str:
        """For a late or missed instance: what would have met the rule."""

    @abstractmethod
    def describe(self) -> str:
        """The obligation as one sentence for the rulebook."""

    @abstractmethod
    def lint(self, rule: Rule) -> list[Finding]:
        """Problems only this template can see in a rule that loads (empty if there are none)."""

    @property
    def pause_in_custody(self) -> bool:
        """Whether days (or periods) in custody do not count (``custody: pause``)."""
        return getattr(self, "custody", "run") == "pause"

    def actionable(self, instance: Instance) -> bool:
        """Whether a missed instance can still be done: done now, would it count (if late)? Not once the period
        it ran in has ended (the rule stopped applying, or its RoSH level changed and a new clock began), nor
        where the template says so (a window that is over, something due before an event that has happened)."""
        return not instance.ended

    def too_late(self, instance: Instance) -> str:
        """Why a missed instance that is not actionable can no longer be done, as a clause: ``the time in which
        it counted ended on Mon 4 Mar 2024``."""
        return "the time in which it counted has ended"


# --- phrases the templates share ------------------------------------------------------------------------------


#: An event recorded this many days or more after it happened is cited with its recording date.
LATE_RECORDING_DAYS = 7


def cite(instance: Instance) -> str:
    """The evidence as ``Thu 18 Jan 2024 (E05), ...``; an event recorded long after it happened says so
    (``(E05, recorded Mon 5 Feb 2024)``), and an answered enquiry names its request and its answer."""
    return ", ".join(cite_event(e) for e in instance.evidence)


def cite_event(e: Evidence) -> str:
    """One event as evidence: ``Thu 18 Jan 2024 (E05)``."""
    recorded = e.get("recorded_date")
    late = f", recorded {human(recorded)}" if recorded and (recorded - e.date).days >= LATE_RECORDING_DAYS else ""
    return f"{human(e.date)} ({e.event_id}{late})"


def overdue(i: Instance) -> str:
    """``3 working days overdue``; or, with 0 days, that its period ended on the due date (the days overdue stop
    there): supervision, or the time in which the rule applied (or could not be told to apply)."""
    if i.days == 0:
        return "the period it was due in ended on its due date" if i.ended else "supervision ended on its due date"
    return f"{words.days(i.days or 0, i.working)} overdue"


def left(i: Instance) -> str:
    """``5 days left``, or ``due today``."""
    return "due today" if i.days == 0 else f"{words.days(i.days or 0, i.working)} left"


#: Schema fragments the templates share.
CUSTODY_SCHEMA: Mapping[str, Any] = {
    "enum": ["run", "pause", "before_release"],
    "description": "What time in custody does to the clock: run (the default: it keeps running), pause (days in "
                   "custody do not count; while a custody period is still open the due date is provisional), or "
                   "before_release (what is owed is owed before the person is released: if they are in custody on "
                   "the trigger's day or go into custody before the due date, it is due by their last day in "
                   "custody, if that is later).",
}
PERIODIC_CUSTODY_SCHEMA: Mapping[str, Any] = {
    "enum": ["run", "pause"],
    "description": "What time in custody does: run (the default: it is checked like any other time) or pause "
                   "(periods in custody are not checked).",
}
PAUSE_SHORT_SCHEMA: Mapping[str, Any] = {"type": "boolean", "description": "true is short for custody: pause."}
NON_WORKING_SCHEMA: Mapping[str, Any] = {
    "enum": ["keep", "next_working_day"],
    "description": "A due date that falls on a weekend or an England & Wales bank holiday: keep it (the default), "
                   "or move it to the next working day (the usual legal convention for calendar-day limits).",
}


def custody_of(data: Mapping[str, Any], path: Path, ctx: CompileContext, allowed: tuple[str, ...]) -> str:
    """The rule's custody choice, from ``custody`` or its short form ``pause_in_custody: true``."""
    if "custody" in data and "pause_in_custody" in data:
        ctx.problem(path + ("pause_in_custody",), "rule-option",
                    "give custody or pause_in_custody (its short form), not both")
    chosen = data.get("custody", "pause" if data.get("pause_in_custody") else "run")
    return chosen if chosen in allowed else "run"


def rolls(data: Mapping[str, Any]) -> bool:
    """Whether due dates on non-working days move to the next working day."""
    return data.get("due_on_non_working_day") == "next_working_day"


def paused(custody: str) -> str:
    """What a rule says of custody, for the rulebook."""
    return {"pause": " (time in custody does not count)",
            "before_release": " (or, if the person is still in custody then, by their last day in custody)"
            }.get(custody, "")


def asides(*parts: str) -> str:
    """Several parenthesised remarks (`` (a)``, `` (b)``) as one: `` (a; b)``; empty ones left out."""
    said = [p.strip()[1:-1] for p in parts if p.strip()]
    return f" ({'; '.join(said)})" if said else ""


def rolled(roll: bool) -> str:
    """What a rule says of due dates on non-working days, for the rulebook."""
    return " (a due date on a weekend or bank holiday moves to the next working day)" if roll else ""


def zero_length(ctx: CompileContext, path: Path, what: str, message: str, days: int) -> None:
    """Report a window of 0 days, which can never be met or never ends."""
    if days == 0:
        ctx.problem(path + (what,), "rule-impossible-window", message)


def counterfactual(expected: str, i: Instance, opens_early: bool) -> str:
    """What would have met the rule: the expected event by the due date, or within a window stated whole."""
    if opens_early:
        return f"{words.capital(expected)} between {human(i.window_from)} and {human(i.due)} would have met this rule."
    return f"{words.capital(expected)} by {human(i.due)} would have met this rule."


def trigger_signature(trigger: "Trigger") -> tuple[object, ...]:
    """A trigger's part of a signature: what it matches and which occurrences count."""
    since = (*trigger.since.signature(), trigger.since_for) if trigger.since is not None else ()
    return (*trigger.matcher.signature(), trigger.occurrence, trigger.nth, *since)


def self_satisfying(trigger: "Trigger", expected: "Matcher", strictly_before: bool = False) -> list[Finding]:
    """A rule whose trigger event is itself an expected event is met by the trigger, every time: never failed."""
    t, e = trigger.matcher, expected
    if strictly_before or not set(t.types) <= set(e.types):
        return []
    constraints = dict(t.where)
    if all(name in constraints and constraints[name] <= allowed for name, allowed in e.where):
        return [Finding("lint-always-met", f"every {words.bare(t.describe())} is itself {e.describe()}, so the "
                                           f"trigger meets the rule on its own day and it can never fail")]
    return []


def chain_sentence(expected: str, i: Instance) -> str:
    """The sentence of one link of a clock (a cadence gap or a recurrence)."""
    Expected = words.capital(expected)
    due = human(i.due)
    if i.state == State.COMPLIANT:
        return f"{Expected} was recorded on {cite(i)}; it was due by {due}."
    if i.state == State.LATE:
        return f"{Expected} was recorded on {cite(i)}, {words.days(i.days or 0, i.working)} after it was due on {due}."
    if i.state == State.MISSED:
        return f"{Expected} was due by {due} (counting from {human(i.window_from)}) and has not been recorded: " \
               f"{overdue(i)}."
    return f"{Expected} is due by {due}: {left(i)}."
