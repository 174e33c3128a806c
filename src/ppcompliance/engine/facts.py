"""Verdicts as facts: what the evaluator decides, per obligation instance, per rule and per case.

States, reasons and kinds are string-valued enums, so they compare with and serialise as the strings the JSON
format has always used. Nothing here is a sentence: explanations are made later (``ppcompliance.explain``),
only where someone reads them.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Iterable, Sequence

import msgspec

from ..timeline.model import Case, Event


class State(str, Enum):
    """A verdict. The order is worst first: a rule's verdict is the worst of its instances."""

    MISSED = "missed"
    LATE = "late"
    UNKNOWN = "unknown"
    PENDING = "pending"
    JUSTIFIED = "justified"
    COMPLIANT = "compliant"
    NOT_APPLICABLE = "not_applicable"

    def __str__(self) -> str:
        return self.value


STATES: tuple[State, ...] = tuple(State)
_RANK = {state: i for i, state in enumerate(STATES)}

#: Verdicts that need someone to act; the CLI exits 1 when any rule has one.
FAILING = frozenset({State.MISSED, State.LATE, State.UNKNOWN})
#: Verdicts counted in a compliance rate's denominator.
RESOLVED = (State.COMPLIANT, State.LATE, State.MISSED)


def worst(states: Iterable[State]) -> State:
    """The worst of the given verdict states (``not_applicable`` for none)."""
    return min(states, key=_RANK.__getitem__, default=State.NOT_APPLICABLE)


def rank(state: State) -> int:
    """0 for the worst state, 5 for the mildest."""
    return _RANK[state]


class Reason(str, Enum):
    """Why an instance is not applicable or unknown (empty where its state says it all)."""

    NONE = ""
    NO_TRIGGER = "no_trigger"
    NOT_IN_FORCE = "not_in_force"
    CONDITION = "condition"
    UNKNOWN_STATE = "unknown_state"
    UNKNOWN_STATE_SKIPPED = "unknown_state_skipped"
    LAPSED = "lapsed"
    ENDED_EARLY = "ended_early"
    NOTHING_DUE = "nothing_due"
    NEVER_HELD = "never_held"
    NOT_RECORDED = "not_recorded"  # recording rules: the event carries no recording date

    def __str__(self) -> str:
        return self.value


# Reasons that mean "the timeline does not say whether the rule applies".
UNKNOWN_REASONS = frozenset({Reason.UNKNOWN_STATE, Reason.UNKNOWN_STATE_SKIPPED})


class Kind(str, Enum):
    """What an instance is an instance of."""

    TRIGGER = "trigger"
    WINDOW = "window"
    GAP = "gap"
    OCCURRENCE = "occurrence"
    END = "end"
    PERIOD = "period"

    def __str__(self) -> str:
        return self.value


# Facts are msgspec structs: a case makes hundreds of instances, and a struct is made (or revised) about ten
# times faster than a dataclass. They hold no cycles, so the garbage collector need not track them.

#: An event cited as evidence: the event itself (its ``event_id``, ``type``, ``date`` and fields).
Evidence = Event


class Instance(msgspec.Struct, frozen=True, gc=False):
    """One obligation instance: a trigger, a window or a gap, with its own verdict.

    ``days`` is days late (late), overdue (missed) or left (pending), in calendar or working days
    (``working``). Where the timeline does not say whether the rule applies, ``if_applies`` holds the verdict
    it would have, and ``unknown`` what the timeline does not say (the condition kinds' keywords, e.g. ``rosh``).
    ``window_from`` is ``date.min`` for "any time before".
    """

    state: State
    kind: Kind
    window_from: date | None = None
    window_to: date | None = None
    due: date | None = None
    trigger: Evidence | None = None
    evidence: tuple[Evidence, ...] = ()
    days: int | None = None
    working: bool = False
    count: int | None = None
    required: int | None = None
    reason: Reason = Reason.NONE
    if_applies: State | None = None
    paused_days: int = 0
    unknown: tuple[str, ...] = ()  # with an unknown reason: what the timeline does not say (condition keywords)
    level: str = ""  # for a rule whose figures differ by RoSH level: the level whose figures judged it
    ended: bool = False  # the period it ran in ended before the as-of date: nothing done now can count for it
    #: The due date depends on a custody period still open on the as-of date (it moves when the person is
    #: released).
    provisional: bool = False
    #: The event the trigger's window was anchored on (``since``: e.g. the warning before a second failure).
    anchor_event: Evidence | None = None
    #: For a justified instance: the deviation that excuses it; ``excused`` is the verdict it would have had.
    deviation: Evidence | None = None
    excused: State | None = None

    def revise(self, **changes: object) -> "Instance":
        """A copy with some fields changed."""
        return msgspec.structs.replace(self, **changes)

    @property
    def anchor(self) -> date | None:
        """The day on which the instance's applicability is judged: its trigger's, else its window's first."""
        return self.trigger.date if self.trigger else self.window_from


def deciding(instances: Sequence[Instance], state: State) -> Instance | None:
    """The instance that decides a rule's verdict: the first of the worst (the oldest failure or the soonest
    due), except for a compliant rule, where the latest compliant instance is the most telling evidence."""
    matching = [i for i in instances if i.state == state]
    if not matching:
        return None
    return matching[-1] if state == State.COMPLIANT else matching[0]


class RuleVerdict(msgspec.Struct, frozen=True, gc=False):
    """A rule's verdict on one case: the worst of its instances, which are kept for the explanation."""

    rule_id: str
    state: State
    instances: tuple[Instance, ...]
    next_due: date | None = None

    @property
    def deciding(self) -> Instance | None:
        """The instance the rule's verdict comes from: see :func:`deciding`."""
        return deciding(self.instances, self.state)

    def counts(self) -> dict[State, int]:
        """How many instances have each state."""
        out = dict.fromkeys(STATES, 0)
        for i in self.instances:
            out[i.state] += 1
        return out


class Action(msgspec.Struct, frozen=True, gc=False):
    """Something due next on a case: which rule, which instance, by when, and how many days are left."""

    rule_id: str
    due: date
    days_left: int
    working: bool
    instance: Instance


class CaseReport(msgspec.Struct, frozen=True):
    """Every rule's verdict on one case as of a date, and the next actions (pending, soonest first)."""

    case: Case
    as_of: date
    verdicts: tuple[RuleVerdict, ...]
    next_actions: tuple[Action, ...] = ()

    @property
    def case_id(self) -> str:
        """The case's id."""
        return self.case.id

    @property
    def state(self) -> State:
        """The case's overall verdict: the worst of its rules'."""
        return worst(v.state for v in self.verdicts)

    @property
    def failing(self) -> bool:
        """Whether anything is late, missed or unknown."""
        return any(v.state in FAILING for v in self.verdicts)

    def counts(self, rule_ids: Iterable[str] | None = None) -> dict[State, int]:
        """How many rules have each verdict (every state, zeros included)."""
        wanted = None if rule_ids is None else set(rule_ids)
        out = dict.fromkeys(STATES, 0)
        for v in self.verdicts:
            if wanted is None or v.rule_id in wanted:
                out[v.state] += 1
        return out
