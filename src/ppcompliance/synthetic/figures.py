"""The figures a synthetic caseload's practice keeps: for each practice routine, the rules it serves, and their
figures read once from the compiled rulebook.

The practice pass (:mod:`ppcompliance.synthetic.generate`) decides *when* each expected action happens from
these figures and nothing else, so a caseload made with a changed rulebook is calibrated to the change: at
quality 1 every expected action is in time by the rulebook given; an action that is not kept is late or missing
by it.

Figures come as the rule counts them: a :class:`~ppcompliance.engine.rulebook.Duration` in calendar days,
working days or calendar months (weeks are compiled to days), which may move a due date that falls on a
non-working day to the next working day (``due_on_non_working_day``, ``Duration.roll``). Due dates are always
reached through ``Duration.after`` (a month is not a number of days), and look-backs through
``Duration.before``. A figure that differs by RoSH level (``by_rosh``) is read at a level; before RoSH is first
assessed (level ``None``), at the highest level the rule lists, the figures by which the engine judges such
periods (a rule that judges them by the first level assessed, ``when_unknown: first_assessed``, is read at that
level by the practice pass).

A rule the generator serves that the rulebook given does not have — or has with another obligation template,
so that its figures mean something else — is practised at the bundled rulebook's figures for it, and so is a
RoSH level that a ``by_rosh`` rule does not list. A routine never stops for want of a rule: the caseload has the
same kinds of cases and events whatever rulebook is given, and only the rules the rulebook has are calibrated
to it (:attr:`Figures.defaulted` names the others).

Only figures are read: durations, which repeat of a trigger starts a clock (``nth``), the window an anchored
trigger counts in (``since``), how long after a trigger its condition may come to hold (``applies_within``), what
time in custody does to a clock (``custody``), and the Probation Reset of the
contact rules: the share of the supervision period after which routine contact stops (ACT-02's
``supervision_elapsed``) and the day from which it does (the ``dates`` in ACT-02's condition). What a rule
applies to, what starts its clock and what meets it are the bundled rules' (the practice pass is written for
them): a rulebook that changes a rule's conditions or events is not followed.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache
from typing import Iterator, Mapping, cast

from ..engine.rulebook import Condition, Duration, Obligation, Rule, Rulebook, Trigger

__all__ = ["Figures", "ROUTINES", "served"]

#: Each practice routine of the generator (a stage of the practice pass), the rules whose figures it keeps, and
#: the obligation template each rule must have for its figures to mean what the routine expects.
ROUTINES: Mapping[str, tuple[tuple[str, str], ...]] = {
    "transfers": (("OVS-07", "response"),),
    "mappa": (("MAG-02", "deadline"), ("MAG-04", "response")),
    "risk_assessments": (("CUR-02", "response"), ("CUR-05", "response"), ("CUR-06", "response"),
                         ("CUR-08", "deadline")),
    "enquiries": (("ENQ-01", "precedence"), ("ENQ-02", "precedence"), ("ENQ-03", "deadline"),
                  ("ENQ-04", "deadline"), ("ENQ-05", "response"), ("CUR-01", "response"), ("CUR-03", "response"),
                  ("CUR-04", "response"), ("CUR-07", "response")),
    "contacts": (("ACT-01", "deadline"), ("ACT-02", "cadence"), ("ACT-03", "cadence"), ("ACT-06", "recurrence"),
                 ("ACT-07", "deadline"), ("ACT-08", "deadline"), ("ACT-09", "response")),
    "enforcement": (("ACT-04", "response"), ("ACT-05", "response")),
    "plans": (("CON-01", "deadline"), ("CON-02", "deadline"), ("OVS-02", "deadline"), ("CON-05", "response"),
              ("CON-06", "response")),
    "referrals": (("INT-01", "deadline"), ("INT-02", "deadline"), ("INT-03", "deadline"), ("INT-04", "deadline")),
    "marac": (("MAG-01", "deadline"), ("MAG-05", "deadline"), ("MAG-07", "response")),
    "mappa_meetings": (("MAG-03", "recurrence"),),
    "management_oversight": (("OVS-01", "recurrence"), ("OVS-03", "deadline"), ("OVS-04", "response"),
                             ("OVS-06", "response")),
    "registration_reviews": (("MAG-06", "recurrence"),),
    "victims": (("VIC-01", "deadline"), ("VIC-02", "precedence"), ("VIC-03", "deadline")),
    "end_of_supervision": (("CON-03", "before_end"), ("CON-04", "before_end"), ("OVS-05", "before_end"),
                           ("CON-07", "end_recorded")),
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


def _reset(rule: Rule) -> tuple[int | None, date | None]:
    """The Probation Reset as a contact rule writes it: the share of the supervision period after which routine
    contact stops (None: it never stops), and the first day on which it does (None: on every day). The Reset
    is dated by the ``dates`` that keeps the whole period checked before it (``until``: the day before the
    Reset) or that starts it (``from``)."""
    percent: int | None = None
    since: date | None = None
    for c in _conditions(rule.applies_when):
        if c.keyword == "supervision_elapsed" and percent is None:
            percent = cast(int, getattr(c, "percent"))
        elif c.keyword == "dates" and since is None:
            until, start = cast("date | None", getattr(c, "until")), cast("date | None", getattr(c, "start"))
            since = until + timedelta(days=1) if until is not None else start
    return percent, since


def least_days(span: Duration) -> int:
    """The fewest calendar days a duration can be: a month is 28 to 31 days, so ``months`` are counted short
    (30 days less 2 a month, never more than the shortest run of that many months); working days at one a day."""
    return span.months * 30 - 2 if span.months else span.days


class Figures:
    """The figures of every rule the practice pass serves, read once from a compiled rulebook.

    Build one per caseload with :meth:`of`. Durations are as the rule counts them (calendar days, working days
    or calendar months); the figures of a recurrence are given as durations too, and the longest gap of a
    cadence as whole calendar days (a months gap counted short).
    """

    def __init__(self, rulebook: Rulebook) -> None:
        table: dict[tuple[str, str], tuple[Obligation, dict[str, object]]] = {}
        defaulted = []
        self._reset: tuple[int | None, date | None] = (None, None)
        self._applies_within: dict[str, Duration | None] = {}
        for rule_id in served():
            rule = rulebook.by_id.get(rule_id)
            if rule is None or rule.template != _TEMPLATES[rule_id]:
                defaulted.append(rule_id)
                rule = _default(rule_id)
            for level in _LEVELS:
                obligation = _variant(rule, level) or _variant(_default(rule_id), level)
                assert obligation is not None  # the bundled by_rosh rules list every level
                table[rule_id, level] = (obligation, obligation.figures())
            self._applies_within[rule_id] = rule.applies_within
            if rule_id == "ACT-02":
                self._reset = _reset(rule)
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

    def _required(self, rule_id: str, keyword: str, level: str | None) -> Duration:
        duration = self._duration(rule_id, keyword, level)
        assert duration is not None, (rule_id, keyword)
        return duration

    def _trigger(self, rule_id: str) -> Trigger:
        obligation, _ = self._table[rule_id, ""]
        return cast(Trigger, getattr(obligation, "trigger"))

    # -- deadline and response

    def within(self, rule_id: str, level: str | None = None) -> Duration:
        """How long after its trigger the expected event is due (a deadline's, a response's or an end record's
        ``within``)."""
        return self._required(rule_id, "within", level)

    def look_back(self, rule_id: str, level: str | None = None) -> Duration | None:
        """How long before its trigger an expected event still counts; None if the rule accepts none before
        (a deadline) or any (a precedence)."""
        return self._duration(rule_id, "look_back", level)

    def applies_within(self, rule_id: str) -> Duration | None:
        """How long after a trigger the rule's condition may come to hold and still bring the trigger in
        (``applies_within``); None if it is judged on the trigger's day alone."""
        return self._applies_within[rule_id]

    def custody(self, rule_id: str) -> str:
        """What time in custody does to the rule's clock: ``run``, ``pause`` or ``before_release``."""
        obligation, _ = self._table[rule_id, ""]
        return cast(str, getattr(obligation, "custody", "run"))

    def repeat(self, rule_id: str) -> tuple[int, Duration | None]:
        """Which occurrence of the trigger starts the clock, and within how long the earlier ones must fall
        (``nth`` and ``nth_within``: a third call-out within 365 days is ``(3, 365 days)``)."""
        trigger = self._trigger(rule_id)
        return trigger.nth, trigger.nth_within

    def since(self, rule_id: str) -> tuple[Duration, bool] | None:
        """The window after an anchor event in which a trigger counts (``since``), and whether it is the period
        *beginning with* the anchor's day (``for``, ending the day before ``within`` would); None without one."""
        trigger = self._trigger(rule_id)
        if trigger.since is None or trigger.since_within is None:
            return None
        return trigger.since_within, trigger.since_for

    # -- recurrence and cadence (calendar days or months)

    def first_within(self, rule_id: str, level: str | None = None) -> Duration:
        """How long from the rule starting to apply to the first qualifying event (a recurrence)."""
        return self._required(rule_id, "first_within", level)

    def every(self, rule_id: str, level: str | None = None) -> Duration:
        """How long from one qualifying event to the next (a recurrence)."""
        return self._required(rule_id, "every", level)

    def longest_gap(self, rule_id: str, level: str | None = None) -> int:
        """The longest gap in calendar days between qualifying events that keeps a cadence: within its
        ``max_gap``, and short enough that every ``per`` window holds ``at_least`` of them."""
        figures = self._table[rule_id, level or ""][1]
        limits = []
        max_gap = self._duration(rule_id, "max_gap", level)
        if max_gap is not None:
            limits.append(least_days(max_gap))
        per, at_least = self._duration(rule_id, "per", level), cast("int | None", figures.get("at_least"))
        if per is not None and at_least:
            limits.append(least_days(per) // at_least)
        return max(1, min(limits))

    def contact_stops_at(self) -> int | None:
        """The share of the supervision period (a percentage) after which ACT-02 no longer asks for routine
        contact in the cases the Probation Reset does not exempt; None if it asks to the end."""
        return self._reset[0]

    def reset_from(self) -> date | None:
        """The first day on which the Probation Reset stops routine contact (ACT-02's dated condition); None if
        the rule does not date it (it applies on every day)."""
        return self._reset[1]

    # -- before the end

    def within_last(self, rule_id: str) -> Duration:
        """How long before the end of supervision the window for the qualifying event opens."""
        return self._required(rule_id, "within_last", None)

    def at_least_before(self, rule_id: str) -> Duration:
        """How long before the end of supervision the qualifying event is due (0 days: by the end)."""
        return self._duration(rule_id, "at_least_before", None) or Duration(0)


@lru_cache(maxsize=1)
def _bundled_figures() -> Figures:
    return Figures(_bundled())
