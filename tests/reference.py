"""A deliberately naive reference for the verdicts of one rule, written from docs/rule-language.md and
docs/day-counting.md only.

Everything is a plain walk over calendar days, one at a time, checking every event on each day: no bisect, no
indexes, no caching. It is slow on purpose and meant to be obviously right, so that the engine can be compared
with it (tests/test_reference_oracle.py).

Covered (rules WITHOUT applies_when, in_force, by_rosh, nth or pause_in_custody):

* ``deadline``: occurrence first / each, calendar or working days, optional look-back (days or working days);
* ``response``: each trigger, calendar or working days;
* ``precedence``: with or without ``strictly_before``, with or without a look-back (days or working days);
* ``recurrence``: first_within / every, calendar days;
* ``cadence``: ``max_gap`` and windows (``at_least`` / ``per``), calendar days;
* ``before_end``: within_last / at_least_before, calendar or working days, judged against the expected end.

Deadline, response and precedence also cover an actual ``end_date`` on or before the as-of date (events after it
ignored; an unmet obligation due after it lapses: ``not_applicable``); the other templates open cases only.

Not covered: conditions and ``unknown`` verdicts, ``in_force``, ``by_rosh``, ``nth`` triggers, custody pauses,
cadence windows (``at_least`` / ``per``), actual end dates for recurrence, cadence and before_end (periods cut
short, nothing_due, ended_early), the ``days`` counts of templates other than deadline and response
(``deadline_days``), and the evidence cited.

A rule is described by a plain dict (see ``reference_states``); a timeline is the same JSON-ready dict that
``ppcompliance.timeline_from_data`` takes.
"""

from __future__ import annotations

from datetime import date, timedelta

import holidays

ONE_DAY = timedelta(days=1)

_HOLIDAYS: dict[int, object] = {}


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England & Wales bank holiday (docs/day-counting.md, point 4)."""
    if day.year not in _HOLIDAYS:
        _HOLIDAYS[day.year] = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    return day.weekday() < 5 and day not in _HOLIDAYS[day.year]


def step(day: date, duration: dict, direction: int = 1) -> date:
    """Day N from ``day`` (day 0), counting forwards (+1) or backwards (-1) one calendar day at a time."""
    ((unit, n),) = duration.items()
    if unit == "days":
        for _ in range(n):
            day += direction * ONE_DAY
        return day
    if unit == "weeks":
        for _ in range(7 * n):
            day += direction * ONE_DAY
        return day
    assert unit == "working_days", unit
    counted = 0
    while counted < n:
        day += direction * ONE_DAY
        if is_working_day(day):
            counted += 1
    return day


def matches(event: dict, matcher: dict) -> bool:
    types = matcher["event"]
    types = [types] if isinstance(types, str) else list(types)
    if event["type"] not in types:
        return False
    for field, wanted in matcher.get("where", {}).items():
        wanted = [wanted] if not isinstance(wanted, list) else wanted
        if event.get(field) not in wanted:
            return False
    return True


def _days(first: date, last: date):
    """Every calendar day from ``first`` to ``last``, both included."""
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def _events_on(timeline: dict, day: date, matcher: dict) -> list[dict]:
    return [e for e in timeline["events"] if date.fromisoformat(e["date"]) == day and matches(e, matcher)]


def _visible(timeline: dict, as_of: date) -> dict:
    """Events after the as-of date, or after the actual end of supervision, are ignored (day-counting 7, 8)."""
    last = as_of
    if "end_date" in timeline["case"]:
        last = min(last, date.fromisoformat(timeline["case"]["end_date"]))
    return {"case": timeline["case"],
            "events": [e for e in timeline["events"] if date.fromisoformat(e["date"]) <= last]}


def _ended(timeline: dict) -> date | None:
    end = timeline["case"].get("end_date")
    return date.fromisoformat(end) if end else None


def _earliest_day(timeline: dict) -> date:
    days = [date.fromisoformat(e["date"]) for e in timeline["events"]]
    return min(days + [date.fromisoformat(timeline["case"]["start_date"])])


def _first_on_or_after(timeline: dict, opening: date, as_of: date, matcher: dict) -> date | None:
    """The first day, from ``opening`` to the as-of date, with an event the matcher selects."""
    for day in _days(opening, as_of):
        if _events_on(timeline, day, matcher):
            return day
    return None


def _judge(due: date, done: date | None, as_of: date, ended: date | None = None) -> str:
    """compliant / late / missed / pending / not_applicable (lapsed): rule-language.md, 'For every instance',
    and day-counting point 8 (one due on the last day of supervision is missed if not met)."""
    if done is not None:
        return "compliant" if done <= due else "late"
    if ended is not None and ended < due:
        return "not_applicable"
    return "missed" if as_of > due else "pending"


def _triggers(timeline: dict, trigger: dict, as_of: date, occurrence: str) -> list[date]:
    """The trigger days, one entry per trigger event, in date order."""
    out = []
    for day in _days(_earliest_day(timeline), as_of):
        out += [day] * len(_events_on(timeline, day, trigger))
    return out[:1] if occurrence == "first" else out


def _count(first: date, last: date, unit: str) -> int:
    """Days after ``first`` up to and including ``last``, in the rule's unit (working days: stepping one day at a
    time and counting the working ones)."""
    n = 0
    day = first
    while day < last:
        day += ONE_DAY
        if unit != "working_days" or is_working_day(day):
            n += 1
    return n


def deadline_days(timeline: dict, spec: dict, as_of: date, *, default_occurrence: str = "first") -> list[tuple]:
    """(state, due, days) for a deadline: days late, overdue or left in the unit of ``within`` (day-counting 5)."""
    ((unit, _),) = spec["within"].items()
    ended = _ended(timeline)
    out = []
    for state, due, done in _deadline(timeline, spec, as_of, default_occurrence=default_occurrence):
        if state == "late":
            days = max(1, _count(due, done, unit))
        elif state == "missed":
            days = _count(due, min(as_of, ended) if ended else as_of, unit)
        elif state == "pending":
            days = _count(as_of, due, unit)
        else:
            days = None
        out.append((state, due, days))
    return out


def deadline(timeline: dict, spec: dict, as_of: date, *, default_occurrence: str = "first") -> list[tuple]:
    return [(state, due) for state, due, _ in _deadline(timeline, spec, as_of, default_occurrence=default_occurrence)]


def _deadline(timeline: dict, spec: dict, as_of: date, *, default_occurrence: str = "first") -> list[tuple]:
    tl = _visible(timeline, as_of)
    trigger = spec["trigger"]
    expect = spec.get("expect", spec.get("respond"))
    out = []
    for day in _triggers(tl, trigger, as_of, trigger.get("occurrence", default_occurrence)):
        due = step(day, spec["within"])
        opening = step(day, spec["look_back"], -1) if "look_back" in spec else day
        done = _first_on_or_after(tl, opening, as_of, expect)
        out.append((_judge(due, done, as_of, _ended(tl)), due, done))
    return out


def response(timeline: dict, spec: dict, as_of: date) -> list[tuple]:
    """A deadline for each trigger with no look-back."""
    return deadline(timeline, {k: v for k, v in spec.items() if k != "look_back"}, as_of, default_occurrence="each")


def precedence(timeline: dict, spec: dict, as_of: date) -> list[tuple]:
    tl = _visible(timeline, as_of)
    trigger = spec["trigger"]
    out = []
    for day in _triggers(tl, trigger, as_of, trigger.get("occurrence", "first")):
        due = day - ONE_DAY if spec.get("strictly_before") else day
        opening = step(day, spec["look_back"], -1) if "look_back" in spec else _earliest_day(tl)
        done = _first_on_or_after(tl, opening, as_of, spec["expect"])
        out.append((_judge(due, done, as_of, _ended(tl)), due))
    return out


def _clock(timeline: dict, qualifying: dict, first: dict, then: dict, as_of: date) -> list[tuple]:
    """A gap clock from the supervision start to its expected end: each qualifying event restarts it (an event on
    the period's first day too, without an instance of its own); each due date is one instance. Nothing falls
    due after the period ends, and events after it do not count (rule-language.md, cadence gaps)."""
    assert "end_date" not in timeline["case"], "the reference covers open cases only here"
    tl = _visible(timeline, as_of)
    anchor = date.fromisoformat(tl["case"]["start_date"])
    end = date.fromisoformat(tl["case"]["expected_end_date"])
    interval = first
    if _events_on(tl, anchor, qualifying):
        # "An event on the period's first day restarts the clock": it is the first recurrence, listed as no
        # instance of its own, and the next is due `every` after it.
        interval = then
    out = []
    while True:
        due = step(anchor, interval)
        done = _first_on_or_after(tl, anchor + ONE_DAY, min(as_of, end), qualifying)
        if done is None:
            if due <= end:
                out.append((_judge(due, None, as_of), due))
            return out
        out.append((_judge(due, done, as_of), due))
        anchor, interval = done, then


def recurrence(timeline: dict, spec: dict, as_of: date) -> list[tuple]:
    return _clock(timeline, spec["qualifying"], spec["first_within"], spec["every"], as_of)


def cadence(timeline: dict, spec: dict, as_of: date) -> list[tuple]:
    out = []
    if "max_gap" in spec:
        out += _clock(timeline, spec["qualifying"], spec["max_gap"], spec["max_gap"], as_of)
    if "at_least" in spec:
        out += _windows(timeline, spec["qualifying"], spec["at_least"], spec["per"], as_of)
    return out


def _windows(timeline: dict, qualifying: dict, at_least: int, per: dict, as_of: date) -> list[tuple]:
    """Consecutive windows of `per` days from the start; a last window cut short by the end needs
    floor(N x length / W) events, and is not listed when that is 0. Counted one day at a time."""
    assert "end_date" not in timeline["case"], "the reference covers open cases only here"
    tl = _visible(timeline, as_of)
    length = per.get("days", 0) + 7 * per.get("weeks", 0)
    start = date.fromisoformat(tl["case"]["start_date"])
    end = date.fromisoformat(tl["case"]["expected_end_date"])
    out = []
    opening = start
    while opening <= end and opening <= as_of:
        full_close = opening
        for _ in range(length - 1):
            full_close += ONE_DAY
        close = min(full_close, end)
        days = len(list(_days(opening, close)))
        needed = at_least if close == full_close else (at_least * days) // length
        if needed:
            seen = sum(len(_events_on(tl, day, qualifying)) for day in _days(opening, close))
            state = "compliant" if seen >= needed else "missed" if as_of > close else "pending"
            out.append((state, close))
        opening = full_close + ONE_DAY
    return out


def before_end(timeline: dict, spec: dict, as_of: date) -> list[tuple]:
    assert "end_date" not in timeline["case"], "the reference covers open cases only here"
    tl = _visible(timeline, as_of)
    end = date.fromisoformat(tl["case"]["expected_end_date"])
    opening = step(end, spec["within_last"], -1)
    due = step(end, spec["at_least_before"], -1) if "at_least_before" in spec else end
    done = None
    for day in _days(opening, min(end, as_of)):
        if _events_on(tl, day, spec["qualifying"]):
            done = day
            break
    if as_of < opening:
        return [("pending", due)]
    return [(_judge(due, done, as_of), due)]


TEMPLATES = {
    "deadline": deadline,
    "response": response,
    "precedence": precedence,
    "recurrence": recurrence,
    "cadence": cadence,
    "before_end": before_end,
}


def reference_states(template: str, spec: dict, timeline: dict, as_of: date) -> list[tuple[str, date]]:
    """(state, due date) for each instance of a rule whose obligation is ``{template: spec}``."""
    return TEMPLATES[template](timeline, spec, as_of)
