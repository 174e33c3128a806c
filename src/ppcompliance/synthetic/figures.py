"""The figures a synthetic caseload's practice keeps: for each practice routine, the rules it serves, and their
figures read once from the compiled rulebook.

The practice pass (:mod:`ppcompliance.synthetic.generate`) decides *when* each expected action happens from
these figures and nothing else, so a caseload made with a changed rulebook is calibrated to the change: at
quality 1 every expected action is in time by the rulebook given; an action that is not kept is late or missing
by it.

Figures come as the rule counts them: a :class:`~ppcompliance.engine.rulebook.Duration` in calendar or working
days (weeks are compiled to days). A figure that differs by RoSH level (``by_rosh``) is read at a level; before
RoSH is first assessed (level ``None``), at the highest level the rule lists, the figures by which the engine
judges such periods.

A rule the generator serves that the rulebook given does not have — or has with another obligation template,
so that its figures mean something else — is practised at the bundled rulebook's figures for it, and so is a
RoSH level that a ``by_rosh`` rule does not list. A routine never stops for want of a rule: the caseload has the
same kinds of cases and events whatever rulebook is given, and only the rules the rulebook has are calibrated
to it (:attr:`Figures.defaulted` names the others).

Only figures are read: durations, which repeat of a trigger starts a clock (``nth``), and the share of the
supervision period after which the Probation Reset stops routine contact (ACT-02's ``supervision_elapsed``).
What a rule applies to, what starts its clock and what meets it are the bundled rules' (the practice pass is
written for them): a rulebook that changes a rule's conditions or events is not followed.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterator, Mapping, cast

from ..engine.rulebook import Condition, Duration, Obligation, Rule, Rulebook, Trigger

__all__ = ["Figures", "ROUTINES", "served"]

#: Each practice routine of the generator (a stage of the practice pass), the rules whose figures it keeps, and
#: the obligation template each rule must have for its figures to mean what the routine expects.
ROUTINES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "mappa": (("MAG-02", "deadline"), ("MAG-04", "response")),
    "risk_assessments": (("CUR-02", "response"),),
    "enquiries": (("ENQ-01", "precedence"), ("ENQ-02", "precedence"), ("ENQ-03", "deadline"),
                  ("ENQ-04", "deadline"), ("ENQ-05", "response"), ("CUR-01", "response"), ("CUR-03", "response"),
                  ("CUR-04", "response")),
    "contacts": (("ACT-01", "deadline"), ("ACT-02", "cadence"), ("ACT-03", "cadence"), ("ACT-06", "recurrence")),
    "enforcement": (("ACT-04", "response"), ("ACT-05", "response")),
    "plans": (("CON-01", "deadline"), ("CON-02", "deadline"), ("OVS-02", "deadline")),
    "referrals": (("INT-01", "deadline"), ("INT-02", "deadline"), ("INT-03", "deadline")),
    "marac": (("MAG-01", "deadline"), ("MAG-05", "deadline")),
    "mappa_meetings": (("MAG-03", "recurrence"),),
    "management_oversight": (("OVS-01", "recurrence"), ("OVS-03", "deadline"), ("OVS-04", "response")),
    "registration_reviews": (("MAG-06", "recurrence"),),
    "end_of_supervision": (("CON-03", "before_end"), ("CON-04", "before_end"), ("OVS-05", "before_end")),
}

# "" stands for RoSH not yet assessed: the figures of the highest level a by_rosh rule lists.
_LEVELS = ("", "very_high", "high", "medium", "low")


def served() -> tuple[str, ...]:
    """The ids of every rule the practice pass serves, in id order."""
    return tuple(sorted(rule_id for rules in ROUTINES.values() for rule_id, _ in rules))


_TEMPLATES = {rule_id: template for rules in ROUTINES.values() for rule_id, template in rules}


@lru_cache(maxsize=1)
def _bundled() -> Rulebook:
    from ..rules import load_rulebook

    return load_rulebook()


def _default(rule_id: str) -> Rule:
    """The bundled rule, whose figures stand in for a rule the rulebook given lacks (loaded only if one does)."""
    rule = _bundled().by_id.get(rule_id)
    if rule is None or rule.template != _TEMPLATES[rule_id]:
        raise ValueError(f"the bundled rulebook has no {_TEMPLATES[rule_id]} rule {rule_id}, which the synthetic "
                         f"caseload's practice serves")
    return rule


def _variant(rule: Rule, level: str) -> Obligation | None:
    """The rule's obligation at a RoSH level ("" before RoSH is assessed); None for a level it does not list."""
    if not rule.by_rosh:
        return rule.obligation
    if not level:
        return rule.by_rosh[0][1]
    return dict(rule.by_rosh).get(level)


def _conditions(condition: Condition) -> Iterator[Condition]:
    yield condition
    for part in condition.parts():
        yield from _conditions(part)


class Figures:
    """The figures of every rule the practice pass serves, read once from a compiled rulebook.

    Build one per caseload with :meth:`of`. Durations are as the rule counts them (calendar or working days);
    the figures of a recurrence or a cadence are always calendar days (the rule schema allows no other), so
    they are given as whole days.
    """

    def __init__(self, rulebook: Rulebook) -> None:
        table: dict[tuple[str, str], tuple[Obligation, dict[str, object]]] = {}
        defaulted = []
        self._reset: int | None = None
        for rule_id in served():
            rule = rulebook.by_id.get(rule_id)
            if rule is None or rule.template != _TEMPLATES[rule_id]:
                defaulted.append(rule_id)
                rule = _default(rule_id)
            for level in _LEVELS:
                obligation = _variant(rule, level) or _variant(_default(rule_id), level)
                assert obligation is not None  # the bundled by_rosh rules list every level
                table[rule_id, level] = (obligation, obligation.figures())
            if rule_id == "ACT-02":
                self._reset = next((cast(int, getattr(c, "percent")) for c in _conditions(rule.applies_when)
                                    if c.keyword == "supervision_elapsed"), None)
        self._table = table
        #: The rules practised at the bundled rulebook's figures: absent from the rulebook given, or there with
        #: another obligation template.
        self.defaulted: tuple[str, ...] = tuple(defaulted)

    @classmethod
    def of(cls, rulebook: Rulebook | None = None) -> "Figures":
        """The figures of ``rulebook`` (default: the bundled rulebook), the bundled ones for any it lacks."""
        if rulebook is None:
            return _bundled_figures()
        if not isinstance(rulebook, Rulebook):
            raise TypeError(f"the rulebook must be a compiled Rulebook (from load_rulebook), not "
                            f"{type(rulebook).__name__}")
        return cls(rulebook)

    def _duration(self, rule_id: str, keyword: str, level: str | None) -> Duration | None:
        return cast("Duration | None", self._table[rule_id, level or ""][1].get(keyword))

    def _days(self, rule_id: str, keyword: str, level: str | None) -> int:
        duration = self._duration(rule_id, keyword, level)
        assert duration is not None and not duration.working  # the rule schema allows calendar days only here
        return duration.days

    # -- deadline and response

    def within(self, rule_id: str, level: str | None = None) -> Duration:
        """How long after its trigger the expected event is due (a deadline's or a response's ``within``)."""
        within = self._duration(rule_id, "within", level)
        assert within is not None
        return within

    def look_back(self, rule_id: str, level: str | None = None) -> Duration | None:
        """How long before its trigger an expected event still counts; None if the rule accepts none before
        (a deadline) or any (a precedence)."""
        return self._duration(rule_id, "look_back", level)

    def repeat(self, rule_id: str) -> tuple[int, Duration | None]:
        """Which occurrence of the trigger starts the clock, and within how long the earlier ones must fall
        (``nth`` and ``nth_within``: a second failure within 365 days is ``(2, 365 days)``)."""
        obligation, _ = self._table[rule_id, ""]
        trigger = cast(Trigger, getattr(obligation, "trigger"))
        return trigger.nth, trigger.nth_within

    # -- recurrence and cadence (calendar days)

    def first_within(self, rule_id: str, level: str | None = None) -> int:
        """Days from the rule starting to apply to the first qualifying event (a recurrence)."""
        return self._days(rule_id, "first_within", level)

    def every(self, rule_id: str, level: str | None = None) -> int:
        """Days from one qualifying event to the next (a recurrence)."""
        return self._days(rule_id, "every", level)

    def longest_gap(self, rule_id: str, level: str | None = None) -> int:
        """The longest gap between qualifying events that keeps a cadence: within its ``max_gap``, and short
        enough that every ``per`` window holds ``at_least`` of them."""
        figures = self._table[rule_id, level or ""][1]
        limits = []
        if figures.get("max_gap") is not None:
            limits.append(self._days(rule_id, "max_gap", level))
        at_least = cast("int | None", figures.get("at_least"))
        if figures.get("per") is not None and at_least:
            limits.append(self._days(rule_id, "per", level) // at_least)
        return max(1, min(limits))

    def contact_stops_at(self) -> int | None:
        """The share of the supervision period (a percentage) after which ACT-02 no longer asks for routine
        contact in the cases the Probation Reset does not exempt; None if it asks to the end."""
        return self._reset

    # -- before the end

    def within_last(self, rule_id: str) -> Duration:
        """How long before the end of supervision the window for the qualifying event opens."""
        within_last = self._duration(rule_id, "within_last", None)
        assert within_last is not None
        return within_last

    def at_least_before(self, rule_id: str) -> Duration:
        """How long before the end of supervision the qualifying event is due (0 days: by the end)."""
        return self._duration(rule_id, "at_least_before", None) or Duration(0)


@lru_cache(maxsize=1)
def _bundled_figures() -> Figures:
    return Figures(_bundled())
