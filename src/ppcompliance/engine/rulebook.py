"""The compiled rulebook: frozen rules, each with its applicability condition and one obligation.

Built once by the rule loader (``ppcompliance.rules``) and reused for every timeline; nothing here reads
files. What a condition or an obligation *means* lives with its kind (``engine.conditions``,
``engine.templates``); this module holds what every rule has.
"""

from __future__ import annotations

import itertools
import operator
from abc import ABC, abstractmethod
from dataclasses import dataclass, field, fields
from functools import cached_property
from datetime import date
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, ClassVar, Iterator, Mapping, Sequence

from .. import dates, words
from ..vocabulary import REGISTRATIONS

if TYPE_CHECKING:
    from ..timeline.model import Event
    from .facts import Instance
    from .state import CaseState, StateKey
    from .track import Track
    from .view import CaseView

Path = tuple[Any, ...]  # a JSON-style path into a rule file: keys and list indexes


# --- durations --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Duration:
    """A number of calendar days, working days or calendar months (weeks are compiled to calendar days),
    counted on day numbers (docs/day-counting.md).

    ``roll``: a due date this duration ends on that is not a working day moves to the next working day (a
    rule's ``due_on_non_working_day: next_working_day``).
    """

    days: int = 0
    working: bool = False
    months: int = 0
    roll: bool = False

    @property
    def amount(self) -> int:
        """How many of its units: days, working days or months."""
        return self.months or self.days

    @property
    def unit(self) -> str:
        """``working day(s)``, ``day(s)`` or ``month(s)``, agreeing with the number."""
        if self.months:
            return "month" if self.months == 1 else "months"
        return words.unit(self.days, self.working)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"

    def span(self) -> str:
        """The duration as a policy officer writes it: months in months, whole weeks in weeks, otherwise days."""
        if self.months:
            return words.plural(self.months, "month")
        if not self.working and self.days and self.days % 7 == 0:
            return words.plural(self.days // 7, "week")
        return str(self)

    def after(self, day: dates.Day, paused: Sequence[tuple[dates.Day, dates.Day]] | None = None) -> dates.Day:
        """The last day of the period starting at ``day`` (day 0), skipping ``paused`` days; on a working day
        if the duration rolls."""
        if self.months:
            end = dates.add_months(day, self.months)
            if paused:
                end = dates.add_pausing(day, end - day, False, paused)
        elif paused:
            end = dates.add_pausing(day, self.days, self.working, paused)
        else:
            end = dates.add(day, self.days, self.working)
        return dates.next_working(end) if self.roll else end

    def before(self, day: dates.Day) -> dates.Day:
        """The first day of the period ending at ``day``."""
        if self.months:
            return dates.add_months(day, -self.months)
        return dates.sub(day, self.days, self.working)

    def nth_from(self, start: dates.Day, k: int) -> dates.Day:
        """The first day of the k-th consecutive period from ``start`` (k = 0 is ``start``): windows of months
        are counted from the anchor (31 Jan, 29 Feb, 31 Mar ...) so that they never drift."""
        if self.months:
            return dates.add_months(start, k * self.months)
        return dates.add(start, k * self.days, self.working)

    def count(self, earlier: dates.Day, later: dates.Day) -> int:
        """How many days (working days for a working-day duration; calendar days otherwise, months included)
        ``later`` is after ``earlier``."""
        return dates.between(earlier, later, self.working)

    @property
    def calendar_days(self) -> int:
        """About how many calendar days this is (for lint: working days are 7/5 as long, a month 30.4 days)."""
        if self.months:
            return (self.months * 365 + 11) // 12
        return self.days * 7 // 5 if self.working else self.days


# --- event matchers ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Matcher:
    """Which events count: one of ``types``, with every ``where`` field taking one of its values.

    The field conditions are compiled when the matcher is made: one C-level getter for the fields named, and
    the set of value combinations accepted, so that checking an event is one lookup, not a loop over fields.
    """

    types: tuple[str, ...]
    where: tuple[tuple[str, frozenset[object]], ...] = ()
    label: str = ""
    #: Only events that name the trigger they answer (``about``) count (deadline and response expectations).
    about_trigger: bool = False
    #: Appointments count as arranged: on the day they were arranged for, whatever their outcome, and known
    #: from the day they were arranged (``arranged_date``), even if that day is still to come.
    arranged: bool = False
    #: Enquiry requests count only once answered, on the day the answer was received.
    answered: bool = False
    key: Callable[[Any], object] | None = field(default=None, init=False, repr=False, compare=False)
    accepted: frozenset[object] = field(default=frozenset(), init=False, repr=False, compare=False)
    #: The event types the matcher selects from (an answered enquiry: the enquiries that answer it too).
    reads: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "reads", frozenset(self.types + (("enquiry",) if self.answered else ())))
        if self.where:
            names = [name for name, _ in self.where]
            combos = itertools.product(*(sorted(allowed, key=repr) for _, allowed in self.where))
            accepted = frozenset(c[0] for c in combos) if len(names) == 1 else frozenset(combos)
            object.__setattr__(self, "key", operator.attrgetter(*names))
            object.__setattr__(self, "accepted", accepted)

    def matches(self, event: "Event") -> bool:
        """True if ``event`` is of one of the types and meets every field condition."""
        if event.type not in self.types:
            return False
        return self.key is None or self.key(event) in self.accepted

    def describe(self) -> str:
        """The label a rule gave, or one made from the types and fields (with its article)."""
        if self.label:
            return self.label
        kinds = " or ".join(words.describe_type(t) for t in self.types)
        if self.answered:
            kinds = f"answered {kinds}"
        text = f"{words.article(kinds)} {kinds}"
        if self.where:
            parts = [
                f"{name.replace('_', ' ')} "
                + " or ".join(words.describe_type(str(v)) for v in sorted(vals, key=str))
                for name, vals in self.where
            ]
            text += " (" + "; ".join(parts) + ")"
        if self.arranged:
            text += " arranged (attended or not)"
        if self.about_trigger:
            text += " about it"
        return text

    def describe_event(self, event: "Event") -> str:
        """The kind of event that happened, as a sentence names it: the label where the matcher selects one
        kind of event only; otherwise the event's own kind — "an arrest", not "a police call-out, arrest, charge
        or new relationship"."""
        varying = [name for name, allowed in self.where if len(allowed) > 1]
        if len(self.types) == 1 and "kind" not in varying and (self.label or not varying):
            return self.describe()
        if "kind" in varying and event.get("kind") is not None:
            kind = words.describe_type(str(event.get("kind")))
            return f"{words.article(kind)} {kind}"
        what = words.describe_type(event.type)
        text = f"{words.article(what)} {what}"
        shown = [f"{name.replace('_', ' ')} {words.describe_type(str(event.get(name)))}" for name in varying
                 if event.get(name) is not None]
        return text + (f" ({'; '.join(shown)})" if shown else "")

    def signature(self) -> tuple[object, ...]:
        """What the matcher selects, without its label (for comparing rules)."""
        return (self.types, self.where, self.about_trigger, self.arranged, self.answered)


@dataclass(frozen=True, slots=True)
class Trigger:
    """The event an obligation counts from: its first occurrence, or each one.

    ``nth`` / ``nth_within`` make only repeat occurrences count (e.g. the second failure within 12 months).
    """

    matcher: Matcher
    occurrence: str = "each"
    nth: int = 1
    nth_within: Duration | None = None
    #: ``since``: the trigger counts only within ``since_within`` after the most recent ``since`` event before
    #: its day (the enforcement clock runs from the warning); ``occurrence`` and ``nth`` then count from it.
    since: Matcher | None = None
    since_within: Duration | None = None
    #: ``since: {for: ...}``: the period of that length *beginning with* the anchor's day, which ends the day
    #: before the day ``within`` would end on (statute's "12 months beginning with the date of the warning").
    since_for: bool = False

    @property
    def reads(self) -> frozenset[str]:
        """The event types of the trigger and of the anchor it is counted from."""
        return self.matcher.reads | (self.since.reads if self.since is not None else frozenset())

    def since_last_day(self, anchor: dates.Day) -> dates.Day:
        """The last day on which a trigger still counts after an anchor on ``anchor``."""
        assert self.since_within is not None
        last = self.since_within.after(anchor)
        return last - 1 if self.since_for else last

    @property
    def since_span(self) -> str:
        """``within 12 months after`` or ``in the 12 months beginning with``, for sentences."""
        assert self.since_within is not None
        span = self.since_within.span()
        return f"in the {span} beginning with" if self.since_for else f"within {span} after"

    def describe(self) -> str:
        """The trigger as words, saying which occurrence counts where the label does not."""
        label = self.matcher.describe()
        if self.since is not None and self.since_within is not None:
            which = f"the {words.ordinal(self.nth)} " if self.nth > 1 else \
                "the first " if self.occurrence == "first" else ""
            return f"{which}{words.bare(label) if which else label} {self.since_span} {self.since.describe()}"
        if self.nth > 1 and not self.matcher.label:
            within = f" within {self.nth_within.span()}" if self.nth_within else ""
            return f"{label} (the {words.ordinal(self.nth)} such event{within})"
        return label


#: What an obligation selects events with: a matcher, or a trigger (a matcher, and which of its events count).
Selector = Matcher | Trigger


# --- conditions and obligations: the kinds live in engine.conditions and engine.templates ------------------


class Condition(ABC):
    """A condition over case facts and derived state, true / false / unknown on each day.

    Each kind is one class in ``engine.conditions`` (compile, track, describe and lint together) and is
    registered there under its YAML keyword.
    """

    keyword: ClassVar[str]
    #: The tracks of derived state this kind reads (``engine.state``), if it reads the same ones whatever its
    #: values.
    state_keys: ClassVar[frozenset["StateKey"]] = frozenset()

    @abstractmethod
    def track(self, state: "CaseState") -> "Track":
        """The condition's truth over time: True, False, or None (the timeline does not say)."""

    @abstractmethod
    def describe(self) -> str:
        """The condition in plain English."""

    def describe_negated(self) -> str | None:
        """The condition's negation in plain English ("no ADVP registration is active"), where the kind has
        words for it; None otherwise (``not`` then says "not (...)")."""
        return None

    def unknowns(self, state: "CaseState", day: dates.Day) -> list[str]:
        """What the timeline would need to say for the condition to be known on ``day``: the keywords of the
        kinds whose state is unknown then (e.g. ``rosh``)."""
        return []

    @staticmethod
    def missing(day: date) -> str:
        """How a sentence names what is missing when this kind's state is unknown on ``day``."""
        return "the state the rule needs"

    def parts(self) -> Iterator["Condition"]:
        """The conditions directly inside this one (for all / any / not)."""
        return iter(())

    @property
    def state_read(self) -> frozenset["StateKey"]:
        """The tracks of derived state the condition's truth is made from (with those of the conditions inside):
        only a change in one of them can change it."""
        return self.state_keys.union(*(part.state_read for part in self.parts()))

    @cached_property
    def reads(self) -> frozenset[str]:
        """The event types whose events can change the condition's truth."""
        from .state import events_of

        return frozenset(t for key in self.state_read for t in events_of(key))

    def backfilled(self) -> "Condition":
        """The condition judged, where state is not yet assessed, by the first assessment that came later (a
        rule's ``when_unknown: first_assessed``). Kinds with no such state are themselves."""
        return self

    def dimensions(self) -> dict[str, tuple[object, ...]]:
        """For lint: the facts this condition reads and every value each can take."""
        return {}

    @abstractmethod
    def holds_in(self, world: Mapping[str, object]) -> bool:
        """For lint: whether the condition holds in a world giving each dimension one value."""


class Obligation(ABC):
    """What a rule demands: one template. Each template is one class in ``engine.templates`` that holds
    every stage of it — compile, evaluate, explain, describe, lint and its schema fragment — and is registered
    there under its YAML keyword."""

    keyword: ClassVar[str]

    @abstractmethod
    def evaluate(self, rule: "Rule", view: "CaseView") -> list["Instance"]:
        """The obligation's instances on one case: facts only, never sentences."""

    @property
    def selectors(self) -> tuple[Selector, ...]:
        """The matchers and triggers the obligation holds: what it reads of the events of their types."""
        found = (getattr(self, f.name) for f in fields(self))  # type: ignore[arg-type]
        return tuple(value for value in found if isinstance(value, (Matcher, Trigger)))

    @property
    def reads_whole(self) -> frozenset[str]:
        """The event types the obligation reads other than through its selectors or derived state (none; a
        template that reads others says so)."""
        return frozenset()

    @property
    def state_read(self) -> frozenset["StateKey"]:
        """The tracks of derived state the obligation reads: custody, where its clock pauses or waits in
        custody."""
        return frozenset({("in_custody",)}) if getattr(self, "custody", "run") != "run" else frozenset()

    @property
    def reads(self) -> frozenset[str]:
        """Every event type the obligation reads."""
        from .state import events_of

        return self.reads_whole.union(*(selector.reads for selector in self.selectors),
                                      (t for key in self.state_read for t in events_of(key)))

    @abstractmethod
    def labels(self) -> tuple[str, str]:
        """(what starts it, what is expected), as a rule would say them; the first is empty where nothing
        starts it but supervision."""

    @abstractmethod
    def durations(self) -> list[tuple[str, Duration]]:
        """The durations the obligation is written with, by their YAML keyword (for lint)."""

    @abstractmethod
    def signature(self) -> tuple[object, ...]:
        """What the obligation demands, without its figures: two rules with the same signature demand the same
        thing of the same events (for lint)."""

    @abstractmethod
    def figures(self) -> dict[str, object]:
        """The figures the obligation is written with (for lint and the generator)."""


# --- rules ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Basis:
    """Why a rule exists: the citation, a link where one exists, and whether its figure is illustrative."""

    citation: str
    illustrative: bool
    link: str | None = None
    note: str | None = None

    def as_dict(self) -> dict[str, object]:
        """The basis as JSON-ready data."""
        out: dict[str, object] = {"citation": self.citation, "illustrative": self.illustrative}
        if self.link:
            out["link"] = self.link
        if self.note:
            out["note"] = self.note
        return out


@dataclass(frozen=True)
class Always(Condition):
    """The condition of a rule that applies to every case."""

    keyword: ClassVar[str] = "always"

    def track(self, state: "CaseState") -> "Track":
        from .track import Track

        return Track.constant(True)

    def describe(self) -> str:
        return "every case"

    def holds_in(self, world: Mapping[str, object]) -> bool:
        return True


ALWAYS = Always()


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
    applies_when: Condition = ALWAYS
    # Figures that differ by RoSH level, written once (``by_rosh``) and compiled into one obligation per level,
    # highest level first: ((level, obligation), ...). Empty for a rule with one set of figures.
    by_rosh: tuple[tuple[str, Obligation], ...] = ()
    in_force_from: date | None = None
    in_force_until: date | None = None
    description: str = ""
    #: Rules that take over once this one's obligation can no longer be met (a pre-sentence check missed at
    #: sentence is remedied by the early-supervision one); named in the worklist and the explanation.
    remedy: tuple[str, ...] = ()
    #: For a trigger-based rule: it applies to a trigger if ``applies_when`` holds on any day from the trigger's
    #: day to this long after it (as far as the timeline has been read), not only on the trigger's day.
    applies_within: Duration | None = None
    #: What to do where the timeline does not yet say whether the rule applies (RoSH or tier not yet
    #: assessed): ``strictest`` (judge as if it applied, at the strictest level), ``first_assessed`` (take the
    #: first level later assessed), or ``skip`` (do not judge; listed as not checked).
    when_unknown: str = "strictest"
    #: Lint findings the rule's authors have looked at and accept, each with the reason: (code, reason).
    suppress: tuple[tuple[str, str], ...] = field(default=(), compare=False)
    source: str = field(default="", compare=False)  # where it is written does not change what it means
    file: str = field(default="", compare=False)
    #: For a rule with ``by_rosh``: one rule per level, each with that level's figures and applying only at it.
    levels: tuple[tuple[str, "Rule"], ...] = field(default=(), init=False, repr=False, compare=False)
    #: When the rule applies at all: ``applies_when``, and one of its RoSH levels if it has ``by_rosh``.
    condition: Condition = field(default=ALWAYS, init=False, repr=False, compare=False)
    #: Whether instances whose applicability is unknown are judged (as if the rule applied). Where RoSH is not
    #: known, only the strictest level of a ``by_rosh`` rule is judged; the other levels' rules skip them.
    judges_unknown: bool = field(default=True, repr=False, compare=False)
    #: The event types the rule reads: its obligation's, its condition's, and deviations (which can excuse it).
    reads: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)
    #: What it reads them through: the tracks of derived state its condition and obligation read; the
    #: matchers and triggers of every set of figures; and the types it reads whole (any event of them may
    #: change the verdict: deviations, and a template's own).
    state_read: frozenset["StateKey"] = field(default=frozenset(), init=False, repr=False, compare=False)
    selectors: tuple[Selector, ...] = field(default=(), init=False, repr=False, compare=False)
    reads_whole: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        backfill = self.when_unknown == "first_assessed"
        if backfill:
            object.__setattr__(self, "applies_when", self.applies_when.backfilled())
        condition = self.applies_when
        if self.by_rosh:
            from dataclasses import replace

            from .conditions import all_of, rosh_in

            def at(levels: tuple[str, ...]) -> Condition:
                found = rosh_in(levels)
                return found.backfilled() if backfill else found

            object.__setattr__(self, "levels", tuple(
                (level, replace(self, applies_when=all_of((self.applies_when, at((level,)))),
                                obligation=obligation, by_rosh=(), judges_unknown=n == 0))
                for n, (level, obligation) in enumerate(self.by_rosh)))
            levels = at(tuple(level for level, _ in self.by_rosh))
            condition = levels if isinstance(self.applies_when, Always) else all_of((self.applies_when, levels))
        object.__setattr__(self, "condition", condition)
        obligations = [obligation for _, obligation in self.variants]
        object.__setattr__(self, "state_read", condition.state_read.union(*(o.state_read for o in obligations)))
        object.__setattr__(self, "selectors", tuple(dict.fromkeys(s for o in obligations for s in o.selectors)))
        object.__setattr__(self, "reads_whole", frozenset({"deviation"}).union(*(o.reads_whole for o in obligations)))
        object.__setattr__(self, "reads", condition.reads.union(*(o.reads for o in obligations), self.reads_whole))

    @property
    def skips_unknown(self) -> bool:
        """Whether instances whose applicability is unknown are listed as not checked rather than judged."""
        return self.when_unknown == "skip"

    @property
    def line(self) -> int:
        """The line of the rule file on which the rule starts."""
        return int(self.source.rsplit(":", 1)[1]) if ":" in self.source else 0

    @property
    def template(self) -> str:
        """The obligation template's keyword: deadline, precedence, cadence, recurrence, before_end, response."""
        return self.obligation.keyword

    @property
    def variants(self) -> tuple[tuple[str, Obligation], ...]:
        """Each set of figures with the RoSH level it is for (one, for "", without by_rosh)."""
        return self.by_rosh or (("", self.obligation),)

    def in_force(self, day: dates.Day) -> bool:
        """Whether the rule is in force on ``day``."""
        return (self.in_force_from is None or self.in_force_from.toordinal() <= day) and (
            self.in_force_until is None or day <= self.in_force_until.toordinal()
        )


@dataclass(frozen=True)
class Rulebook:
    """The compiled, frozen rulebook: rules in id order, and where they came from."""

    rules: tuple[Rule, ...]
    sources: tuple[str, ...] = field(default=())
    by_id: Mapping[str, Rule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.rules, key=lambda r: r.id))
        object.__setattr__(self, "rules", ordered)
        object.__setattr__(self, "by_id", MappingProxyType({r.id: r for r in ordered}))

    def __len__(self) -> int:
        return len(self.rules)

    @cached_property
    def fingerprint(self) -> str:
        """A digest of what the rules mean (``sha256:`` and 16 hex digits), the same whatever their files'
        order or formatting: a report names it so it can be matched to the rules signed off."""
        from .fingerprint import fingerprint

        return fingerprint(self.rules)

    def rule(self, rule_id: str) -> Rule:
        """The rule with this id (KeyError if there is none)."""
        return self.by_id[rule_id]


def registration_name(code: str) -> str:
    """``domestic abuse perpetrator (ADVP)``."""
    return f"{REGISTRATIONS.get(code, code)} ({code})"
