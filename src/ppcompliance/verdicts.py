"""Verdicts: what the evaluator decides, per obligation instance, per rule, per practice area and per case."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .timeline import Case

# Worst first. A rule's verdict is the worst of its instances; a case's and an area's, the worst of their rules.
STATES = ("missed", "late", "unknown", "pending", "compliant", "not_applicable")
_RANK = {state: i for i, state in enumerate(STATES)}

# Verdicts that need someone to act; the CLI exits 1 when any rule has one.
FAILING = frozenset({"missed", "late", "unknown"})


def worst(states) -> str:
    """The worst of the given verdict states (``not_applicable`` for none)."""
    return min(states, key=_RANK.__getitem__, default="not_applicable")


@dataclass(frozen=True, slots=True)
class Evidence:
    """An event cited as evidence."""

    event_id: str
    type: str
    date: date


@dataclass(frozen=True)
class Instance:
    """One obligation instance: a trigger, a window or a gap, with its own verdict and explanation.

    ``days`` is days late (late), overdue (missed) or left (pending), in ``unit``s (calendar or working days).
    Where the timeline does not say whether the rule applies, ``if_applies`` holds the verdict it would have.
    """

    state: str
    kind: str
    window_from: date | None = None
    window_to: date | None = None
    due: date | None = None
    trigger: Evidence | None = None
    evidence: tuple[Evidence, ...] = ()
    days: int | None = None
    working: bool = False
    count: int | None = None
    required: int | None = None
    reason: str = ""
    if_applies: str = ""
    paused_days: int = 0
    sentence: str = ""
    would_have_met: str = ""


def revise(instance: Instance, **changes) -> Instance:
    """A copy of ``instance`` with some fields changed: ``dataclasses.replace`` without its per-call field
    introspection, which dominated evaluation (an instance is revised once or twice as it is explained)."""
    new = object.__new__(Instance)
    new.__dict__.update(instance.__dict__)
    new.__dict__.update(changes)
    return new


@dataclass(frozen=True)
class RuleVerdict:
    """A rule's verdict on one case: the worst of its instances, which are kept for the explanation."""

    rule_id: str
    state: str
    instances: tuple[Instance, ...]
    sentence: str
    would_have_met: str = ""
    next_due: date | None = None
    not_checked: str = ""

    @property
    def deciding(self) -> Instance | None:
        """The instance the rule's verdict comes from: see :func:`deciding`."""
        return deciding(self.instances, self.state)


def deciding(instances, state: str) -> Instance | None:
    """The instance that decides a rule's verdict: the first of the worst (the oldest failure or the soonest
    due), except for a compliant rule, where the latest compliant instance is the most telling evidence."""
    matching = [i for i in instances if i.state == state]
    if not matching:
        return None
    return matching[-1] if state == "compliant" else matching[0]


@dataclass(frozen=True)
class Action:
    """Something due next on a case: what, by when, and under which rule."""

    rule_id: str
    due: date
    days_left: int
    working: bool
    text: str


@dataclass(frozen=True)
class CaseReport:
    """Every rule's verdict on one case as of a date, with rollups per practice area and the next actions."""

    case: Case
    as_of: date
    verdicts: tuple[RuleVerdict, ...]
    next_actions: tuple[Action, ...] = field(default=())

    @property
    def case_id(self) -> str:
        """The case's id."""
        return self.case.id

    @property
    def state(self) -> str:
        """The case's overall verdict: the worst of its rules'."""
        return worst(v.state for v in self.verdicts)

    @property
    def failing(self) -> bool:
        """Whether anything is late, missed or unknown."""
        return any(v.state in FAILING for v in self.verdicts)

    def counts(self, rule_ids=None) -> dict[str, int]:
        """How many rules have each verdict (all six states, zeros included)."""
        out = dict.fromkeys(STATES, 0)
        for v in self.verdicts:
            if rule_ids is None or v.rule_id in rule_ids:
                out[v.state] += 1
        return out
