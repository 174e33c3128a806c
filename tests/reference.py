"""A deliberately naive reference for the verdicts of one rule, written from docs/rule-language.md,
docs/day-counting.md and docs/timeline.md only.

Everything is a plain walk over calendar days, one at a time, checking every event on each day: no bisect, no
caching of answers, no date library beyond ``datetime`` (calendar months are added here, by counting the days of
each month). It is slow on purpose and meant to be obviously right, so that the engine can be compared with it
(tests/test_reference_oracle.py). Where the docs leave something open, the reading chosen is written beside the
code (``Reading:``) and listed in docs/testing.md.

Covered:

* the templates ``deadline`` (occurrence first / each, look-back, ``cut_off``), ``response``, ``precedence``
  (strictly_before, look-back), ``recurrence``, ``cadence`` (``max_gap`` and ``at_least`` / ``per`` windows),
  ``before_end``, ``recording`` and ``end_recorded``;
* durations in calendar days, weeks, working days and calendar months (the end-of-month rule, months always
  counted from the day itself; month windows from one anchor);
* matchers with ``where``, ``arranged: true`` (appointments known from ``arranged_date``, counted on their
  ``date``), ``answered: true`` (a request counted on the day of its answer, linked as the docs say) and
  ``about_trigger: true``; the made events ``supervision_start``, ``rosh_increased``, ``rosh_decreased`` and
  ``mappa_level_increased``;
* triggers with ``occurrence``, and ``since`` with ``within`` or ``for`` (with ``occurrence`` and ``nth`` counted
  from the anchor);
* ``custody: run | pause | before_release`` (and ``pause_in_custody``), provisional due dates;
* ``due_on_non_working_day: next_working_day``;
* ``applies_when`` (all / any / not, supervision_type, rosh, registration, mappa, in_custody, tier,
  supervision_elapsed, dates; three-valued), ``applies_within``, ``when_unknown: strictest | first_assessed |
  skip``; for cadence and recurrence, the periods in which the condition holds (or is unknown);
* one end of supervision for every rule (the actual end date, else the expected end): events after it ignored,
  triggers after it start nothing, obligations due after it lapse, clocks and windows stop there, before-end
  rules count back from it (``ended_early``);
* justified deviations (``deviation`` events naming the rule or its practice area).

Not covered: ``in_force``, ``by_rosh`` tables, ``nth`` without ``since`` (and ``nth_within``), evidence and
sentences; ``applies_when`` on before_end, recording and end_recorded rules; custody ``pause`` with durations in
months; ``arranged`` / ``answered`` on cadence and recurrence.

A rule is a plain dict, as in a rule file (``{"id": ..., "area": ..., "deadline": {...}, "applies_when": ...}``);
a timeline is the same JSON-ready dict that ``ppcompliance.timeline_from_data`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays

ONE_DAY = timedelta(days=1)
ROSH_LEVELS = ("low", "medium", "high", "very_high")
TEMPLATES = ("deadline", "response", "precedence", "recurrence", "cadence", "before_end", "recording",
             "end_recorded")
# The rule's verdict is the worst of its instances, in this order (rule-language.md, "The obligation templates").
WORST_FIRST = ("missed", "late", "unknown", "pending", "justified", "compliant", "not_applicable")
# Verdicts a deviation may turn into `justified` (rule-language.md, "Justified deviations").
EXCUSABLE = ("missed", "late", "unknown", "pending")

_HOLIDAYS: dict[int, object] = {}


# --- days ---------------------------------------------------------------------------------------------------


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England & Wales bank holiday (docs/day-counting.md, point 4)."""
    if day.year not in _HOLIDAYS:
        _HOLIDAYS[day.year] = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    return day.weekday() < 5 and day not in _HOLIDAYS[day.year]


def next_working_day(day: date) -> date:
    """The day itself if it is a working day, else the first working day after it (day-counting point 10)."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def days_between(first: date, last: date):
    """Every calendar day from ``first`` to ``last``, both included."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _days_in_month(year: int, month: int) -> int:
    """Counted: from the 1st, one day at a time, until the month changes."""
    day, n = date(year, month, 1), 0
    while day.month == month:
        n += 1
        day += ONE_DAY
    return n


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier), or that month's last day where it is shorter:
    always counted from the day itself, never month by month (day-counting point 3)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def unit_of(duration: dict) -> str:
    """The unit days late, overdue or left are counted in: working days for a working-day figure, calendar days
    for days, weeks and months (day-counting points 3 and 5)."""
    ((unit, _),) = duration.items()
    return "working_days" if unit == "working_days" else "days"


def step(day: date, duration: dict, direction: int = 1, skip=None) -> date:
    """Day N from ``day`` (day 0), forwards (+1) or backwards (-1), one calendar day at a time; ``skip(d)`` true
    for a day that does not count (a day in custody, where a clock pauses)."""
    ((unit, n),) = duration.items()
    if unit == "months":
        assert skip is None, "custody pauses with months are not covered"
        return add_months(day, direction * n)
    total = 7 * n if unit == "weeks" else n
    counted = 0
    while counted < total:
        day += direction * ONE_DAY
        if skip is not None and skip(day):
            continue
        if unit == "working_days" and not is_working_day(day):
            continue
        counted += 1
    return day


def count(first: date, last: date, unit: str) -> int:
    """Days after ``first`` up to and including ``last`` (0 if ``last`` is not after it), in ``unit``: working
    days by stepping one day at a time and counting the working ones."""
    n = 0
    day = first
    while day < last:
        day += ONE_DAY
        if unit != "working_days" or is_working_day(day):
            n += 1
    return n


# --- instances ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Inst:
    """One instance: its verdict, due date, days (late, overdue or left, for the verdict it has or would have),
    reason (for not_applicable), the verdict it would have had (``if_applies`` of an unknown or not-checked
    instance, ``excused`` of a justified one), and whether its due date is provisional (None: not decided)."""

    state: str
    due: date | None
    days: int | None = None
    reason: str = ""
    would: str | None = None
    provisional: bool | None = None

    @property
    def placeholder(self) -> bool:
        """An instance standing for none (no trigger, nothing due, a period not checked): no due date."""
        return self.due is None


def worst(instances: list[Inst]) -> str:
    found = {i.state for i in instances}
    return next((s for s in WORST_FIRST if s in found), "not_applicable")


def matches(event: dict, matcher: dict) -> bool:
    types = matcher["event"]
    types = [types] if isinstance(types, str) else list(types)
    if event["type"] not in types:
        return False
    for field, wanted in matcher.get("where", {}).items():
        wanted = wanted if isinstance(wanted, list) else [wanted]
        if event.get(field) not in wanted:
            return False
    return True


_DATE_FIELDS = ("date", "arranged_date", "recorded_date", "period_start", "period_end")


def _parsed(event: dict) -> dict:
    return {k: (date.fromisoformat(v) if k in _DATE_FIELDS else v) for k, v in event.items()}


def _d(text: str | date | None) -> date | None:
    if isinstance(text, date):
        return text
    return date.fromisoformat(text) if text else None


# --- the case as it stood on the as-of date -----------------------------------------------------------------


class Case:
    """The case as it stood at the end of the as-of date, with its derived state walked one day at a time."""

    def __init__(self, timeline: dict, as_of: date, *, first_assessed: bool = False):
        c = timeline["case"]
        self.type = c["supervision_type"]
        self.start = _d(c["start_date"])
        self.expected_end = _d(c["expected_end_date"])
        self.end_date = _d(c.get("end_date"))
        # One end of supervision for every rule (day-counting point 8).
        self.end = self.end_date or self.expected_end
        self.as_of = as_of
        self.last = min(as_of, self.end)
        self.events = [_parsed(e) for e in timeline["events"]]
        # Events after the as-of date are invisible, and events after the end are ignored (points 7 and 8).
        self.seen = [e for e in self.events if e["date"] <= self.last]
        self.first_assessed = first_assessed
        self._walk()
        self.made = self._made_events()

    # -- derived state, one day at a time ----------------------------------------------------------------------

    def _on(self, day: date, etype: str, **fields) -> list[dict]:
        return [e for e in self.seen if e["date"] == day and e["type"] == etype
                and all(e.get(k) == v for k, v in fields.items())]

    def _walk(self) -> None:
        """The state at the end of each day from the first event (or the start) to the last day seen: custody,
        registrations, RoSH, tier, MAPPA. Several on/off events on one day are netted (rule-language.md)."""
        first = min([e["date"] for e in self.seen] + [self.start])
        self.first_day = first
        self.states: dict[date, dict] = {}
        custody = False
        registrations: set[str] = set()
        rosh = tier = None
        mappa = None
        for day in days_between(first, self.last):
            starts, releases = len(self._on(day, "custody_start")), len(self._on(day, "custody_release"))
            if starts > releases:
                custody = True
            elif releases > starts:
                custody = False
            codes = {e["code"] for e in self.seen if e["date"] == day
                     and e["type"] in ("registration_added", "registration_removed")}
            for code in sorted(codes):
                added = len(self._on(day, "registration_added", code=code))
                removed = len(self._on(day, "registration_removed", code=code))
                if added > removed:
                    registrations.add(code)
                elif removed > added:
                    registrations.discard(code)
            for e in self._on(day, "risk_assessment"):
                rosh = e["rosh"]
            for e in self._on(day, "tier_calculation"):
                tier = e["tier"]
            for e in self._on(day, "mappa_level_set"):
                mappa = (e["category"], e["level"])
            if self._on(day, "registration_removed", code="MAPP"):
                mappa = None
            self.states[day] = {"custody": custody, "registrations": set(registrations), "rosh": rosh,
                                "tier": tier, "mappa": mappa}
        self.first_rosh = next((e["rosh"] for d in days_between(first, self.last)
                                for e in self._on(d, "risk_assessment")), None)
        self.first_tier = next((e["tier"] for d in days_between(first, self.last)
                                for e in self._on(d, "tier_calculation")), None)

    def state(self, day: date) -> dict:
        """The derived state on ``day``: nothing before the first event; after the last day seen, as it stood
        then, except custody — the release is not assumed, but days after the as-of date do not count as days in
        custody (day-counting point 9: "the clock's remaining days count from the day after the as-of date")."""
        if day < self.first_day:
            return {"custody": False, "registrations": set(), "rosh": None, "tier": None, "mappa": None}
        if day > self.last:
            return {**self.states[self.last], "custody": False}
        return self.states[day]

    def in_custody(self, day: date) -> bool:
        return self.state(day)["custody"]

    def spells(self) -> list[tuple[date, date, bool]]:
        """Custody spells: (first day, last day, still open on the as-of date). A spell open on the as-of date
        ends there (day-counting point 9)."""
        out = []
        first = None
        for day in days_between(self.first_day, self.last):
            if self.in_custody(day) and first is None:
                first = day
            if not self.in_custody(day) and first is not None:
                out.append((first, day - ONE_DAY, False))
                first = None
        if first is not None:
            out.append((first, self.last, self.last == self.as_of))
        return out

    def _made_events(self) -> list[dict]:
        """Events nobody records (timeline.md, "Events made from the timeline"): the start of supervision, and
        the changes of RoSH and MAPPA level, each dated on and identified as the event that made it."""
        out = [{"id": None, "type": "supervision_start", "date": self.start}] if self.start <= self.last else []
        previous_rosh = None
        level = None
        for day in days_between(self.first_day, self.last):
            for e in self._on(day, "risk_assessment"):
                if previous_rosh is not None and e["rosh"] != previous_rosh:
                    rose = ROSH_LEVELS.index(e["rosh"]) > ROSH_LEVELS.index(previous_rosh)
                    out.append({"id": e["id"], "type": "rosh_increased" if rose else "rosh_decreased", "date": day,
                                "rosh": e["rosh"], "previous": previous_rosh})
                previous_rosh = e["rosh"]
            for e in self._on(day, "mappa_level_set"):
                if level is not None and e["level"] > level:
                    out.append({"id": e["id"], "type": "mappa_level_increased", "date": day, "level": e["level"],
                                "previous": level})
                level = e["level"]
            # After the MAPP registration is removed the next level set is a start, not a rise.
            if self._on(day, "registration_removed", code="MAPP"):
                level = None
        return out

    # -- events a matcher selects ---------------------------------------------------------------------------------

    def answer(self, request: dict) -> dict | None:
        """The answer to a request (rule-language.md, ``answered``): an enquiry with status response_received,
        the same agency and topic, on or after the request — the one that names the request in ``about`` if
        there is one (the first such), otherwise the first that names no request.

        Reading: "names no request" is an answer with no ``about`` at all; an answer naming any other event (a
        request or not) answers only what it names (language-v2.tests.yaml: "an answer that names another event
        does not answer this request")."""
        candidates = [e for e in self.seen if e["type"] == "enquiry" and e["status"] == "response_received"
                      and e["agency"] == request["agency"] and e["topic"] == request["topic"]
                      and e["date"] >= request["date"]]
        for day in days_between(request["date"], self.last):
            named = [e for e in candidates if e["date"] == day and e.get("about") == request["id"]]
            if named:
                return named[0]
        for day in days_between(request["date"], self.last):
            free = [e for e in candidates if e["date"] == day and "about" not in e]
            if free:
                return free[0]
        return None

    def occurrences(self, matcher: dict) -> list[tuple[date, dict]]:
        """(the day it counts on, the event) for each event the matcher selects, as known on the as-of date,
        in date order."""
        out = []
        if matcher.get("answered"):
            # A request counts only once answered, on the day the answer was received.
            for e in self.seen:
                if e["type"] == "enquiry" and e["status"] == "requested" and matches(e, matcher):
                    answer = self.answer(e)
                    if answer is not None:
                        out.append((answer["date"], e))
        elif matcher.get("arranged"):
            # Counted on the day it was arranged for, whatever its outcome; known from the day it was arranged.
            # Reading: events after the end are ignored "like events after the as-of date", so an appointment
            # arranged by the end counts, even for a day after it (it was arranged while supervision ran).
            for e in self.events:
                known = e.get("arranged_date", e["date"])
                if e["type"] == "appointment" and matches(e, matcher) and known <= self.last:
                    out.append((e["date"], e))
        else:
            out = [(e["date"], e) for e in self.seen + self.made if matches(e, matcher)]
        ordered = []
        for day in sorted({d for d, _ in out}):
            ordered += [(d, e) for d, e in out if d == day]
        return ordered

    def triggers(self, trigger: dict, default_occurrence: str) -> list[tuple[date, dict]]:
        """The trigger events an obligation counts from, in date order."""
        found = self.occurrences(trigger)
        occurrence = trigger.get("occurrence", default_occurrence)
        if "since" not in trigger:
            assert "nth" not in trigger, "nth without since is not covered"
            return found[:1] if occurrence == "first" else found
        since = trigger["since"]
        anchors = [d for d, _ in self.occurrences(since)]
        nth = trigger.get("nth", 1)
        out = []
        rank: dict[date, int] = {}
        for day, event in found:
            # The most recent anchor *before* the trigger's day (one on the same day comes after it).
            before = [a for a in anchors if a < day]
            if not before:
                continue
            anchor = max(before)
            # occurrence and nth count from the anchor.
            rank[anchor] = rank.get(anchor, 0) + 1
            if "within" in since:
                # Up to and including day D after the anchor.
                last = step(anchor, since["within"])
            else:
                # ``for``: the period of D beginning with the anchor's day, which ends the day before day D.
                last = step(anchor, since["for"]) - ONE_DAY
            if day > last:
                continue
            if rank[anchor] == nth or (occurrence == "each" and rank[anchor] > nth):
                out.append((day, event))
        return out

    # -- conditions -----------------------------------------------------------------------------------------------

    def holds(self, condition: dict, day: date) -> bool | None:
        """True, False or None (unknown), Kleene logic (rule-language.md, "When a rule applies")."""
        ((kind, arg),) = condition.items()
        if kind == "all":
            values = [self.holds(c, day) for c in arg]
            return False if False in values else None if None in values else True
        if kind == "any":
            values = [self.holds(c, day) for c in arg]
            return True if True in values else None if None in values else False
        if kind == "not":
            value = self.holds(arg, day)
            return None if value is None else not value
        s = self.state(day)
        if kind == "supervision_type":
            return self.type in arg
        if kind == "dates":
            return _d(arg.get("from", "0001-01-01")) <= day <= _d(arg.get("until", "9999-12-31"))
        if kind == "supervision_elapsed":
            # From the start plus that share of the period's days (start to expected end), rounded up.
            length = len(list(days_between(self.start, self.expected_end))) - 1
            share = arg["at_least_percent"] * length
            threshold = self.start
            for _ in range(-(-share // 100)):
                threshold += ONE_DAY
            return day >= threshold
        if kind == "registration":
            codes = [arg] if isinstance(arg, str) else arg
            return any(code in s["registrations"] for code in codes)
        if kind == "in_custody":
            return s["custody"] == arg
        if kind == "mappa":
            if s["mappa"] is None:
                return False
            category, level = s["mappa"]
            return category in arg.get("category", [category]) and level in arg.get("level", [level])
        if kind in ("rosh", "tier"):
            value = s[kind]
            if value is None and self.first_assessed:
                # when_unknown: first_assessed — the days before the first assessment take its level.
                value = self.first_rosh if kind == "rosh" else self.first_tier
            if value is None:
                return None
            if kind == "tier":
                return value in arg
            if "at_least" in arg:
                return ROSH_LEVELS.index(value) >= ROSH_LEVELS.index(arg["at_least"])
            return value in arg["in"]
        raise AssertionError(f"condition {kind} is not covered")

    def applies(self, rule: dict, day: date) -> bool | None:
        """Whether the rule applies to a trigger on ``day``: on that day, or with ``applies_within`` on any day
        from it to that long after it, as far as the timeline has been read (the as-of date or the end)."""
        condition = rule.get("applies_when")
        if condition is None:
            return True
        if "applies_within" not in rule:
            return self.holds(condition, day)
        values = [self.holds(condition, d) for d in days_between(day, min(step(day, rule["applies_within"]),
                                                                              self.last))]
        return True if True in values else None if None in values else False

    # -- judging --------------------------------------------------------------------------------------------------

    def judge(self, due: date, done: date | None, unit: str, cut: date | None = None) -> tuple[str, int | None]:
        """compliant / late / missed / pending / not_applicable (lapsed), with the days late, overdue or left
        (rule-language.md "For every instance"; day-counting points 5, 7 and 8)."""
        if done is not None and done <= due:
            return "compliant", None
        if done is not None and (cut is None or done <= cut):
            return "late", max(1, count(due, done, unit))
        # Nothing (or only something after the cut-off, which no longer counts).
        # Reading: an obligation due after the end lapses once the end has come (as-of date on or after it);
        # before then it is pending, like any other not yet due.
        if self.end < due and self.as_of >= self.end:
            return "not_applicable", None
        if self.as_of > due:
            return "missed", count(due, min(self.as_of, self.end), unit)
        return "pending", count(self.as_of, due, unit)

    def deviations(self, rule: dict) -> list[dict]:
        return [e for e in self.seen if e["type"] == "deviation"
                and (e.get("rule") == rule["id"] or e.get("area") == rule["area"])]

    def excuse(self, rule: dict, instances: list[Inst]) -> list[Inst]:
        """An instance that would be missed, late, unknown or pending, whose due date falls in a deviation's
        period, is justified and keeps the verdict it would have had (``excused``)."""
        periods = [(e["period_start"], e["period_end"]) for e in self.deviations(rule)]
        out = []
        for i in instances:
            if i.state in EXCUSABLE and i.due is not None and any(a <= i.due <= b for a, b in periods):
                i = Inst("justified", i.due, i.days, "", i.state, i.provisional)
            out.append(i)
        return out


def _unknown(rule: dict, inst: Inst) -> Inst:
    """An instance judged where the condition is unknown (rule-language.md, ``when_unknown``)."""
    if inst.state == "not_applicable":
        # Reading: a lapsed obligation stays lapsed (neither met nor failed).
        return inst
    if rule.get("when_unknown", "strictest") != "skip" and inst.state in ("late", "missed"):
        return Inst("unknown", inst.due, inst.days, "unknown_state", inst.state, inst.provisional)
    return Inst("not_applicable", inst.due, inst.days, "unknown_state_skipped", inst.state, inst.provisional)


# --- the templates --------------------------------------------------------------------------------------------


def _custody_mode(spec: dict) -> str:
    return spec.get("custody", "pause" if spec.get("pause_in_custody") else "run")


def _deadline(case: Case, rule: dict, spec: dict, tday: date, tev: dict, look_back: bool) -> Inst:
    within = spec["within"]
    unit = unit_of(within)
    custody = _custody_mode(spec)
    provisional = False
    if custody == "pause":
        # Days in custody do not count towards N; a spell still open on the as-of date ends there.
        due = step(tday, within, skip=case.in_custody)
        # Reading: provisional while the person is still in custody on the as-of date and the due date is
        # after it — the days from the day after the as-of date are counted, but it moves on release.
        provisional = due > case.as_of and case.in_custody(case.as_of)
    else:
        due = step(tday, within)
    if spec.get("due_on_non_working_day") == "next_working_day":
        due = next_working_day(due)
    if custody == "before_release":
        # In custody on the trigger's day, or going into custody on or before D: due by the later of D and the
        # last day in custody. Reading: every such spell counts, the latest last day decides; a spell still open
        # on the as-of date ends there for now (its last day is not known yet), and the due date is provisional.
        latest = due
        for first, last, still_open in case.spells():
            if first <= tday <= last or tday < first <= due:
                latest = max(latest, last)
                provisional = provisional or still_open
        due = latest
    opening = step(tday, spec["look_back"], -1) if look_back and "look_back" in spec else tday
    expect = spec.get("expect", spec.get("respond"))
    found = case.occurrences(expect)
    if expect.get("about_trigger"):
        found = [(d, e) for d, e in found if tev["id"] is not None and e.get("about") == tev["id"]]
    done = next((d for d, _ in found if d >= opening), None)
    cut = step(tday, spec["cut_off"]) if "cut_off" in spec else None
    state, days = case.judge(due, done, unit, cut)
    return Inst(state, due, days, "lapsed" if state == "not_applicable" else "", None,
                provisional if state == "pending" else None)


def _precedence(case: Case, spec: dict, tday: date) -> Inst:
    due = tday - ONE_DAY if spec.get("strictly_before") else tday
    opening = step(tday, spec["look_back"], -1) if "look_back" in spec else date.min
    done = next((d for d, _ in case.occurrences(spec["expect"]) if d >= opening), None)
    # Reading: "counted in the rule's own unit" — the look-back's unit if it has one (a look-back of working
    # days makes a working-day rule), otherwise calendar days.
    state, days = case.judge(due, done, unit_of(spec["look_back"]) if "look_back" in spec else "days")
    return Inst(state, due, days, "lapsed" if state == "not_applicable" else "")


def _triggered(case: Case, rule: dict, template: str) -> list[Inst]:
    spec = rule[template]
    out = []
    for tday, tev in case.triggers(spec["trigger"], "each" if template == "response" else "first"):
        if template == "precedence":
            inst = _precedence(case, spec, tday)
        else:
            inst = _deadline(case, rule, spec, tday, tev, look_back=template == "deadline")
        applies = case.applies(rule, tday)
        if applies is False:
            # Not applicable: no due date is owed.
            inst = Inst("not_applicable", None, None, "condition")
        elif applies is None:
            inst = _unknown(rule, inst)
        out.append(inst)
    return out or [Inst("not_applicable", None, None, _nothing(case, rule, "no_trigger"))]


def _nothing(case: Case, rule: dict, reason: str) -> str:
    """The reason of a rule with no instance at all: ``reason`` as the docs give it, or — Reading: the verdicts
    schema lists ``never_held``, which the docs do not define — ``never_held`` when the rule has a condition and
    it was false on every day of supervision seen."""
    condition = rule.get("applies_when")
    if condition is not None and all(case.holds(condition, d) is False
                                     for d in days_between(case.start, max(case.start, case.last))):
        return "never_held"
    return reason


def _periods(case: Case, rule: dict, spec: dict) -> list[tuple[date, date, bool | None]]:
    """The periods in which a cadence or recurrence rule runs: runs of days of supervision on which the
    condition holds (True) or is unknown (None), the same all through, and — with custody: pause — the person is
    not in custody. Reading: a change between holding and unknown starts a new period (as a change of RoSH
    level does); a period that starts after the as-of date has not begun."""
    condition = rule.get("applies_when")
    pause = _custody_mode(spec) == "pause"
    out = []
    current = None
    for day in days_between(case.start, case.end):
        status = True if condition is None else case.holds(condition, day)
        if pause and case.in_custody(day):
            status = False
        if current is not None and (status is False or status != current[2]):
            out.append(current)
            current = None
        if status is not False:
            current = (current[0], day, status) if current else (day, day, status)
    if current is not None:
        out.append(current)
    return [p for p in out if p[0] <= case.as_of]


def _clock(case: Case, found: list[date], first_interval: dict, then: dict, period, roll: bool) -> list[Inst]:
    """A gap clock over one period: from its first day the next qualifying event is due within the interval;
    each event restarts it (one on the first day too, without an instance of its own); each due date is one
    instance; nothing falls due after the period ends."""
    first, last, _ = period
    days = [d for d in found if first <= d <= last]
    anchor, interval = first, first_interval
    if first in days:
        interval = then
    out = []
    while True:
        due = step(anchor, interval)
        if roll:
            # Reading: the moved due date is the due date; one moved past the period's end falls due after it.
            due = next_working_day(due)
        later = [d for d in days if d > anchor]
        if not later:
            if due <= last:
                if case.as_of > due:
                    out.append(Inst("missed", due, count(due, min(case.as_of, last), "days")))
                else:
                    out.append(Inst("pending", due, count(case.as_of, due, "days")))
            return out
        done = min(later)
        if done <= due:
            out.append(Inst("compliant", due))
        else:
            out.append(Inst("late", due, max(1, count(due, done, "days"))))
        anchor, interval = done, then


def _window_step(first: date, per: dict, k: int) -> date:
    """The first day of window k: k windows of ``per`` after the anchor, months always from the anchor itself."""
    ((unit, n),) = per.items()
    if unit == "months":
        return add_months(first, k * n)
    day = first
    for _ in range(k * n * (7 if unit == "weeks" else 1)):
        day += ONE_DAY
    return day


def _windows(case: Case, found: list[date], at_least: int, per: dict, period) -> list[Inst]:
    """Consecutive windows of ``per`` from the period's first day; a last window cut short by the period's end
    needs floor(N x its days / the full window's days) and is not listed when that is 0."""
    first, last, _ = period
    out = []
    k = 0
    while True:
        opening = _window_step(first, per, k)
        if opening > last or opening > case.as_of:
            return out
        full_close = _window_step(first, per, k + 1) - ONE_DAY
        close = min(full_close, last)
        length = len(list(days_between(opening, close)))
        needed = at_least if close == full_close else at_least * length // len(list(days_between(opening,
                                                                                                  full_close)))
        if needed:
            seen = len([d for d in found if opening <= d <= close])
            if seen >= needed:
                out.append(Inst("compliant", close))
            elif case.as_of > close:
                out.append(Inst("missed", close, count(close, min(case.as_of, last), "days")))
            else:
                out.append(Inst("pending", close, count(case.as_of, close, "days")))
        k += 1


def _periodic(case: Case, rule: dict, template: str) -> list[Inst]:
    spec = rule[template]
    assert not spec["qualifying"].get("arranged") and not spec["qualifying"].get("answered"), "not covered"
    found = [d for d, _ in case.occurrences(spec["qualifying"])]
    roll = spec.get("due_on_non_working_day") == "next_working_day"
    out = []
    periods = _periods(case, rule, spec)
    for period in periods:
        instances = []
        if template == "recurrence":
            instances += _clock(case, found, spec["first_within"], spec["every"], period, roll)
        if template == "cadence" and "max_gap" in spec:
            instances += _clock(case, found, spec["max_gap"], spec["max_gap"], period, roll)
        if template == "cadence" and "at_least" in spec:
            instances += _windows(case, found, spec["at_least"], spec["per"], period)
        if period[2] is None:
            # "A period in which nothing would fall due is listed once as not checked."
            instances = [_unknown(rule, i) for i in instances] or [
                Inst("not_applicable", None, None, "unknown_state_skipped")]
        out += instances
    if not out:
        # "If the rule applied but nothing fell due before the period ended, the verdict is not_applicable
        # (reason nothing_due)": the rule's verdict, so one placeholder for the rule. Reading: a rule that ran in
        # no period at all (its condition false, or the person in custody with custody: pause, on every day seen)
        # never held (the docs name no reason for it; the verdicts schema lists never_held).
        out = [Inst("not_applicable", None, None, "nothing_due" if periods else "never_held")]
    return out


def _before_end(case: Case, rule: dict) -> list[Inst]:
    spec = rule["before_end"]
    end = case.end
    unit = unit_of(spec["within_last"])
    opening = step(end, spec["within_last"], -1)
    due = step(end, spec["at_least_before"], -1) if "at_least_before" in spec else end
    done = next((d for d, _ in case.occurrences(spec["qualifying"]) if opening <= d <= end), None)
    if case.end_date is not None and case.end_date < case.expected_end and done is None and case.as_of > due:
        # Ended early with nothing done: no fair chance to plan the end. Reading: like anything due on the
        # as-of date, one due on the last day is still pending ("due today") on that day.
        return [Inst("not_applicable", due, None, "ended_early")]
    if case.as_of < opening:
        return [Inst("pending", due, count(case.as_of, due, unit))]
    state, days = case.judge(due, done, unit)
    return [Inst(state, due, days)]


def _recording(case: Case, rule: dict) -> list[Inst]:
    """Each qualifying event is due ``within`` after its date: recorded by then compliant, later late.

    Reading: the case is judged as it stood on the as-of date, so an event whose recorded_date is after the
    as-of date was not yet recorded then — pending until its due date, missed after it."""
    spec = rule["recording"]
    unit = unit_of(spec["within"])
    out = []
    for day, event in case.occurrences(spec["events"]):
        due = step(day, spec["within"])
        recorded = event.get("recorded_date")
        if recorded is None:
            out.append(Inst("not_applicable", due, None, "not_recorded"))
        elif recorded <= case.as_of:
            out.append(Inst("compliant", due) if recorded <= due
                       else Inst("late", due, max(1, count(due, recorded, unit))))
        elif case.as_of <= due:
            out.append(Inst("pending", due, count(case.as_of, due, unit)))
        else:
            out.append(Inst("missed", due, count(due, case.as_of, unit)))
    return out or [Inst("not_applicable", None, None, "no_trigger")]


def _end_recorded(case: Case, rule: dict) -> list[Inst]:
    """Due ``within`` after the expected end: an end date, or a termination event on or before the as-of date,
    is compliant (Reading: whenever it was recorded); neither, nothing is due on or before the expected end,
    then pending until the due date and missed after it."""
    spec = rule["end_recorded"]
    unit = unit_of(spec["within"])
    due = step(case.expected_end, spec["within"])
    recorded = (case.end_date is not None and case.end_date <= case.as_of) or any(
        e["type"] == "termination" and e["date"] <= case.as_of for e in case.events)
    if recorded:
        return [Inst("compliant", due)]
    if case.as_of <= case.expected_end:
        return [Inst("not_applicable", due, None, "nothing_due")]
    if case.as_of <= due:
        return [Inst("pending", due, count(case.as_of, due, unit))]
    return [Inst("missed", due, count(due, case.as_of, unit))]


def template_of(rule: dict) -> str:
    (template,) = [t for t in TEMPLATES if t in rule]
    return template


def reference(rule: dict, timeline: dict, as_of: date) -> list[Inst]:
    """Every instance of ``rule`` on ``timeline`` as of ``as_of``. A rule using what is not covered is refused,
    never judged as if it were not there."""
    template = template_of(rule)
    text = repr(rule)
    assert "in_force" not in rule and "by_rosh" not in text and "nth_within" not in text, "not covered"
    assert "applies_when" not in rule or template not in ("before_end", "recording", "end_recorded"), "not covered"
    case = Case(timeline, as_of, first_assessed=rule.get("when_unknown") == "first_assessed")
    if template in ("deadline", "response", "precedence"):
        instances = _triggered(case, rule, template)
    elif template in ("recurrence", "cadence"):
        instances = _periodic(case, rule, template)
    elif template == "before_end":
        instances = _before_end(case, rule)
    elif template == "recording":
        instances = _recording(case, rule)
    else:
        instances = _end_recorded(case, rule)
    return case.excuse(rule, instances)
