"""The compiled rulebook: frozen rules, each with its applicability condition and one obligation.

Built once by the rule loader (``load_rulebook``) and reused for every timeline; nothing here reads files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Mapping

from . import _dates
from ._track import Track, kleene_all, kleene_any, kleene_not
from ._vocabulary import REGISTRATIONS, ROSH_LEVELS, describe_type

if TYPE_CHECKING:
    from ._state import CaseState
    from .timeline import Event, Timeline


# --- durations --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    """A number of calendar or working days (weeks are compiled to calendar days)."""

    days: int
    working: bool = False

    @property
    def unit(self) -> str:
        """``working day(s)`` or ``day(s)``, agreeing with the number."""
        return unit(self.days, self.working)

    def __str__(self) -> str:
        return f"{self.days} {self.unit}"

    def after(self, day: date, paused: list[tuple[date, date]] | None = None) -> date:
        """The last day of the period starting at ``day`` (day 0), skipping ``paused`` days."""
        if paused:
            return _dates.add_days_pausing(day, self.days, working=self.working, paused=paused)
        return _dates.add_days(day, self.days, working=self.working)

    def before(self, day: date) -> date:
        """The first day of the period ending at ``day``."""
        return _dates.subtract_days(day, self.days, working=self.working)

    def count(self, earlier: date, later: date) -> int:
        """How many of this duration's units ``later`` is after ``earlier``."""
        return _dates.days_between(earlier, later, working=self.working)


def unit(n: int, working: bool) -> str:
    """The unit word for ``n`` days."""
    word = "working day" if working else "day"
    return word if n == 1 else word + "s"


# --- event matchers ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matcher:
    """Which events count: one of ``types``, with every ``where`` field taking one of its values."""

    types: tuple[str, ...]
    where: tuple[tuple[str, frozenset], ...] = ()
    label: str = ""

    def matches(self, event: "Event") -> bool:
        """True if ``event`` is of one of the types and meets every field condition."""
        if event.type not in self.types:
            return False
        return all(event.get(name) in allowed for name, allowed in self.where)

    def events(self, timeline: "Timeline", horizon: date) -> list["Event"]:
        """The matching events on or before ``horizon``, in (date, id) order."""
        found = [e for t in self.types for e in timeline.of_type(t) if e.date <= horizon and self.matches(e)]
        if len(self.types) > 1:
            found.sort(key=lambda e: (e.date, e.id))
        return found

    def describe(self) -> str:
        """The label a rule gave, or one made from the types and fields (with its article)."""
        if self.label:
            return self.label
        kinds = " or ".join(describe_type(t) for t in self.types)
        text = ("an " if kinds[0] in "aeiou" else "a ") + kinds
        if self.where:
            parts = [
                f"{name.replace('_', ' ')} " + " or ".join(describe_type(str(v)) for v in sorted(vals, key=str))
                for name, vals in self.where
            ]
            text += " (" + "; ".join(parts) + ")"
        return text


# --- conditions -------------------------------------------------------------------------------------------


class Condition:
    """A condition over case facts and derived state, true / false / unknown on each day."""

    def track(self, state: "CaseState") -> Track:
        """The condition's truth over time: True, False, or None (the timeline does not say)."""
        raise NotImplementedError

    def describe(self) -> str:
        """The condition in plain English."""
        raise NotImplementedError

    def unknowns(self, state: "CaseState", day: date) -> list[str]:
        """What the timeline would need to say for the condition to be known on ``day``."""
        return []


@dataclass(frozen=True)
class Always(Condition):
    """The condition of a rule that applies to every case."""

    def track(self, state):
        return Track.constant(True)

    def describe(self):
        return "every case"


@dataclass(frozen=True)
class All(Condition):
    """Every one of the conditions holds."""

    conditions: tuple[Condition, ...]

    def track(self, state):
        return Track.combine([c.track(state) for c in self.conditions], kleene_all)

    def describe(self):
        return " and ".join(_grouped(c) for c in self.conditions)

    def unknowns(self, state, day):
        return [u for c in self.conditions for u in c.unknowns(state, day)]


@dataclass(frozen=True)
class Any(Condition):
    """At least one of the conditions holds."""

    conditions: tuple[Condition, ...]

    def track(self, state):
        return Track.combine([c.track(state) for c in self.conditions], kleene_any)

    def describe(self):
        return " or ".join(_grouped(c) for c in self.conditions)

    def unknowns(self, state, day):
        return [u for c in self.conditions for u in c.unknowns(state, day)]


@dataclass(frozen=True)
class Not(Condition):
    """The condition does not hold."""

    condition: Condition

    def track(self, state):
        return self.condition.track(state).map(kleene_not)

    def describe(self):
        return f"not ({self.condition.describe()})"

    def unknowns(self, state, day):
        return self.condition.unknowns(state, day)


def _grouped(c: Condition) -> str:
    return f"({c.describe()})" if isinstance(c, (All, Any)) and len(c.conditions) > 1 else c.describe()


def _either(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True)
class SupervisionType(Condition):
    """The case is supervised under one of these types (a fact that does not change)."""

    types: frozenset[str]

    def track(self, state):
        return Track.constant(state.timeline.case.supervision_type in self.types)

    def describe(self):
        return "the case is a " + _either(sorted(describe_type(t) for t in self.types))


@dataclass(frozen=True)
class Rosh(Condition):
    """The current RoSH level is one of ``levels``; unknown before the first risk assessment."""

    levels: frozenset[str]

    def track(self, state):
        return state.rosh.map(lambda level: None if level is None else level in self.levels)

    def describe(self):
        ordered = [describe_type(level) for level in ROSH_LEVELS if level in self.levels]
        return "RoSH is " + _either(ordered)

    def unknowns(self, state, day):
        if state.rosh.at(day) is None:
            return [f"the RoSH level (no risk assessment recorded on or before {_dates.human(day)})"]
        return []


@dataclass(frozen=True)
class Registration(Condition):
    """At least one of the registrations is active."""

    codes: tuple[str, ...]

    def track(self, state):
        tracks = [state.registration(code) for code in self.codes]
        return tracks[0] if len(tracks) == 1 else Track.combine(tracks, kleene_any)

    def describe(self):
        names = [f"{REGISTRATIONS.get(code, code)} ({code})" for code in self.codes]
        return "a " + _either(names) + " registration is active"


@dataclass(frozen=True)
class Mappa(Condition):
    """Managed under MAPPA, optionally at one of ``levels`` and in one of ``categories``."""

    levels: frozenset[int] | None = None
    categories: frozenset[int] | None = None

    def track(self, state):
        def holds(value):
            if value is None:
                return False
            category, level = value
            return (self.levels is None or level in self.levels) and (
                self.categories is None or category in self.categories
            )

        return state.mappa.map(holds)

    def describe(self):
        text = "the case is managed under MAPPA"
        if self.categories is not None:
            text += " in category " + _either([str(c) for c in sorted(self.categories)])
        if self.levels is not None:
            text += (" and" if self.categories is not None else "") + " at level " + _either(
                [str(v) for v in sorted(self.levels)]
            )
        return text


@dataclass(frozen=True)
class InCustody(Condition):
    """The person is (or is not) in custody."""

    value: bool

    def track(self, state):
        return state.in_custody if self.value else state.in_custody.map(kleene_not)

    def describe(self):
        return "the person is in custody" if self.value else "the person is not in custody"


@dataclass(frozen=True)
class Elapsed(Condition):
    """At least ``percent`` of the supervision period (start to expected end) has passed.

    The day it starts to hold is the start plus that share of the period's days, rounded up.
    """

    percent: int

    def first_day(self, start: date, end: date) -> date:
        """The first day on which the condition holds."""
        total = (end - start).days
        return start + timedelta(days=-(-total * self.percent // 100))

    def track(self, state):
        case = state.timeline.case
        return Track.from_changes(False, [(self.first_day(case.start_date, case.expected_end_date), True)])

    def describe(self):
        return f"at least {self.percent}% of the supervision period has passed"


@dataclass(frozen=True)
class Tier(Condition):
    """The current case tier is one of ``tiers``; unknown before the first tier calculation."""

    tiers: frozenset[str]

    def track(self, state):
        return state.tier.map(lambda tier: None if tier is None else tier in self.tiers)

    def describe(self):
        return "the tier is " + _either(sorted(self.tiers))

    def unknowns(self, state, day):
        if state.tier.at(day) is None:
            return [f"the tier (no tier calculation recorded on or before {_dates.human(day)})"]
        return []


# --- obligations: one per template, named like the YAML keyword -------------------------------------------


@dataclass(frozen=True)
class Trigger:
    """The event an obligation counts from: its first occurrence, or each one.

    ``nth`` / ``nth_within`` make only repeat occurrences count (e.g. the second failure within 12 months).
    """

    matcher: Matcher
    occurrence: str = "each"
    nth: int = 1
    nth_within: Duration | None = None


@dataclass(frozen=True)
class Deadline:
    """After the trigger, the expected event within ``within`` (accepting one up to ``look_back`` before it)."""

    trigger: Trigger
    expect: Matcher
    within: Duration
    look_back: Duration | None = None
    pause_in_custody: bool = False


@dataclass(frozen=True)
class Precedence:
    """The expected event must happen before (``strictly_before``) or by the trigger's day."""

    trigger: Trigger
    expect: Matcher
    look_back: Duration | None = None
    strictly_before: bool = False


@dataclass(frozen=True)
class Cadence:
    """While the rule applies: at least ``at_least`` events in every ``per`` window, and/or no gap over ``max_gap``."""

    qualifying: Matcher
    at_least: int | None = None
    per: Duration | None = None
    max_gap: Duration | None = None
    pause_in_custody: bool = False


@dataclass(frozen=True)
class Recurrence:
    """While the rule applies: the first event within ``first_within``, then one at least ``every`` days."""

    qualifying: Matcher
    every: Duration
    first_within: Duration
    pause_in_custody: bool = False


@dataclass(frozen=True)
class BeforeEnd:
    """An event in the last ``within_last`` before supervision ends, at least ``at_least_before`` before the end."""

    qualifying: Matcher
    within_last: Duration
    at_least_before: Duration = Duration(0)


@dataclass(frozen=True)
class Response:
    """Each trigger event must be followed by a response within ``within``."""

    trigger: Trigger
    respond: Matcher
    within: Duration
    pause_in_custody: bool = False


Obligation = Deadline | Precedence | Cadence | Recurrence | BeforeEnd | Response

TEMPLATE_OF: dict[type, str] = {
    Deadline: "deadline",
    Precedence: "precedence",
    Cadence: "cadence",
    Recurrence: "recurrence",
    BeforeEnd: "before_end",
    Response: "response",
}


# --- rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """Why a rule exists: the citation, a link where one exists, and whether its figure is illustrative."""

    citation: str
    illustrative: bool
    link: str | None = None
    note: str | None = None

    def as_dict(self) -> dict:
        """The basis as JSON-ready data."""
        out: dict = {"citation": self.citation, "illustrative": self.illustrative}
        if self.link:
            out["link"] = self.link
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Rule:
    """One compiled rule: who it applies to, when it is in force, and its one obligation."""

    id: str
    title: str
    area: str
    stage: str
    severity: str
    basis: Basis
    obligation: Obligation
    applies_when: Condition = Always()
    # Figures that differ by RoSH level, written once (``by_rosh``) and compiled into one obligation per level,
    # highest level first: ((level, obligation), ...). Empty for a rule with one set of figures.
    by_rosh: tuple = ()
    in_force_from: date | None = None
    in_force_until: date | None = None
    description: str = ""
    source: str = field(default="", compare=False)  # where it is written does not change what it means
    file: str = field(default="", compare=False)

    @property
    def line(self) -> int:
        """The line of the rule file on which the rule starts."""
        return int(self.source.rsplit(":", 1)[1]) if ":" in self.source else 0

    @property
    def condition(self) -> Condition:
        """When the rule applies at all: ``applies_when``, and one of its RoSH levels if it has ``by_rosh``."""
        if not self.by_rosh:
            return self.applies_when
        levels = Rosh(frozenset(level for level, _ in self.by_rosh))
        return levels if isinstance(self.applies_when, Always) else All((self.applies_when, levels))

    @property
    def template(self) -> str:
        """The obligation template's keyword: deadline, precedence, cadence, recurrence, before_end, response."""
        return TEMPLATE_OF[type(self.obligation)]

    def in_force(self, day: date) -> bool:
        """Whether the rule is in force on ``day``."""
        return (self.in_force_from is None or self.in_force_from <= day) and (
            self.in_force_until is None or day <= self.in_force_until
        )


@dataclass(frozen=True)
class Rulebook:
    """The compiled, frozen rulebook: rules in id order, and where they came from."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", tuple(sorted(self.rules, key=lambda r: r.id)))
        object.__setattr__(self, "_by_id", {r.id: r for r in self.rules})

    def __len__(self) -> int:
        return len(self.rules)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if there is none)."""
        return self.by_id[rule_id]

    @property
    def by_id(self) -> Mapping[str, Rule]:
        """The rules keyed by id."""
        return self._by_id  # type: ignore[attr-defined]

