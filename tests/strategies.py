"""Hypothesis strategies for case timelines (schemas/timeline.schema.json) and as-of dates.

Timelines are built as plain JSON-ready dicts, the way a case-management extract would arrive, so every one
goes through ``timeline_from_data`` and its schema check like real input. Dates are biased towards the
boundaries the rules care about: events on the exact due date and on the day after (every 7, 14, 28 or 42
days; 5, 10 or 15 working days after a trigger; 4 and 8 weeks before the end), and as-of dates on event days,
due dates and the day after them.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays
from hypothesis import strategies as st

from ppcompliance.vocabulary import EVENT_TYPES, REGISTRATIONS, REQUIRED_FIELDS, SUPERVISION_TYPES, TIERS

ONE_DAY = timedelta(days=1)

FIRST_START = date(2023, 1, 1)
LAST_START = date(2025, 12, 31)

MAX_EVENTS = 80

# Calendar offsets at and either side of the windows the rules use: weekly and fortnightly contact, 4 weeks,
# 6 weeks, 8, 12, 13 and 16 weeks, 91 and 182 days of look-back, 12 months.
CALENDAR_OFFSETS = tuple(
    sorted({k + d for k in (0, 7, 14, 28, 42, 56, 84, 91, 112, 182, 365) for d in (-1, 0, 1)} - {-1})
)
# Working-day offsets at and after the deadlines the rules use (day N is in time, day N+1 is late).
WORKING_OFFSETS = (0, 1, 5, 6, 10, 11, 15, 16, 20, 21)
# Distances between events in a series: exactly on a limit, a day over it, and ordinary spacing.
INTERVALS = (7, 8, 14, 15, 28, 29, 42, 43, 91, 92, 112, 113)

PROGRAMMES = ("building_better_relationships", "thinking_skills", "kaizen", "other")
# Registration codes a rule may name, plus codes real data carries that no rule names.
REGISTRATION_CODES = tuple(REGISTRATIONS) + ("RMDO", "RLRH", "WEAP")
CASE_REGISTRATIONS = ("ADVP", "REG30", "RCPR", "RCCO", "MAPP", "ARSO", "STRK", "RMDO")


# --- dates --------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _bank_holidays() -> frozenset[date]:
    # Independent of the engine's own table: these only bias generation, they decide nothing.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=range(2021, 2030)))


def is_working_day(day: date) -> bool:
    """Monday to Friday and not an England & Wales bank holiday."""
    return day.weekday() < 5 and day not in _bank_holidays()


def working_days_after(day: date, n: int) -> date:
    """The nth working day after ``day`` (day 0 is ``day`` itself, whatever day of the week it is)."""
    while n > 0:
        day += ONE_DAY
        n -= is_working_day(day)
    return day


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (the month's last day if it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def near(anchor: date, *, back: int = 30, forward: int = 200) -> st.SearchStrategy[date]:
    """A date at a rule boundary from ``anchor`` (often), or anywhere around it."""
    return st.one_of(
        st.sampled_from(CALENDAR_OFFSETS).map(lambda k: anchor + timedelta(days=k)),
        st.sampled_from(WORKING_OFFSETS).map(lambda n: working_days_after(anchor, n)),
        # The calendar day or two after a working-day deadline: often a weekend or a bank holiday.
        st.tuples(st.sampled_from(WORKING_OFFSETS), st.sampled_from((1, 2))).map(
            lambda t: working_days_after(anchor, t[0]) + timedelta(days=t[1])
        ),
        st.integers(-back, forward).map(lambda k: anchor + timedelta(days=k)),
    )


def iso(day: date) -> str:
    return day.isoformat()


def two_thirds(case: dict) -> date:
    """About two thirds of the way from the start to the expected end (the Probation Reset's point)."""
    start, end = date.fromisoformat(case["start_date"]), date.fromisoformat(case["expected_end_date"])
    return start + timedelta(days=-(-(end - start).days * 67 // 100))


# --- the case -----------------------------------------------------------------------------------------------


@st.composite
def cases(draw) -> dict:
    """A case: type, a start in 2023-2025, an expected end 6-24 months later, and perhaps an actual end."""
    start = draw(st.dates(FIRST_START, LAST_START))
    expected_end = add_months(start, draw(st.integers(6, 24))) - ONE_DAY
    case = {
        "id": f"X{draw(st.integers(0, 999999)):06d}",
        "supervision_type": draw(st.sampled_from(SUPERVISION_TYPES)),
        "start_date": iso(start),
        "expected_end_date": iso(expected_end),
    }
    ending = draw(st.sampled_from(("open", "open", "open", "on_time", "early", "late")))
    if ending == "on_time":
        case["end_date"] = iso(expected_end)
    elif ending == "early":
        length = (expected_end - start).days
        case["end_date"] = iso(start + timedelta(days=draw(st.integers(0, max(length - 1, 0)))))
    elif ending == "late":
        case["end_date"] = iso(expected_end + timedelta(days=draw(st.integers(1, 60))))
    if draw(st.booleans()):
        n = draw(st.integers(1, 9))
        case["units"] = {"region": f"R-{n}", "pdu": f"PDU-{n}-{n + 1}", "team": f"T-{n}-{n + 1}-1"}
    return case


# --- events -------------------------------------------------------------------------------------------------
# Events are built as (type, date, fields) and numbered at the end, so ids are unique whatever is generated.


DATED_FIELDS = frozenset({"arranged_date", "period_start", "period_end"})


def _value(field: str, allowed: tuple | None) -> st.SearchStrategy:
    if allowed is not None:
        return st.sampled_from(allowed)
    if field == "programme":
        return st.sampled_from(PROGRAMMES)
    if field == "code":
        return st.sampled_from(REGISTRATION_CODES)
    if field == "tier":
        return st.sampled_from(TIERS)
    raise AssertionError(f"no values for field {field!r}")


@st.composite
def event_fields(draw, event_type: str, fixed: dict | None = None) -> dict:
    """Type-specific fields for one event: the required ones always, optional ones sometimes."""
    fixed = fixed or {}
    required = REQUIRED_FIELDS.get(event_type, ())
    out = {}
    for name, allowed in EVENT_TYPES[event_type].items():
        if name in DATED_FIELDS and name not in fixed:
            continue  # a date that depends on the event's own (made where the event is: see arranged())
        if name in fixed:
            out[name] = fixed[name]
        elif name in required or draw(st.booleans()):
            out[name] = draw(_value(name, allowed))
    if draw(st.integers(0, 5)) == 0:
        out["ndelius_code"] = draw(st.sampled_from(("COAP", "CHVS", "AWLI", "ADVP", "SFGC", "OASY1")))
    return out


def _appointment_fields() -> st.SearchStrategy[dict]:
    outcome = st.sampled_from(("attended",) * 6 + ("failed_acceptable", "failed_unacceptable", "failed_unacceptable"))
    mode = st.sampled_from(("office", "office", "home_visit", "phone", "video"))
    return st.builds(lambda m, o: {"mode": m, "outcome": o}, mode, outcome)


@st.composite
def appointment_series(draw, anchor: date) -> list:
    """Appointments every k days: on the limit, a day over it, or ordinary spacing."""
    day = draw(near(anchor, back=0, forward=120))
    every = draw(st.one_of(st.sampled_from(INTERVALS[:8]), st.integers(1, 50)))
    out = []
    for _ in range(draw(st.integers(1, 16))):
        out.append(("appointment", day, draw(_appointment_fields())))
        day += timedelta(days=every + draw(st.sampled_from((0, 0, 0, 0, 1, -1))))
    return out


@st.composite
def recurring(draw, event_type: str, anchor: date) -> list:
    """Management oversight, MAPPA meetings or risk reviews at a regular interval."""
    day = draw(near(anchor, back=0, forward=60))
    every = draw(st.one_of(st.sampled_from(INTERVALS), st.integers(7, 130)))
    out = []
    for _ in range(draw(st.integers(1, 5))):
        out.append((event_type, day, draw(event_fields(event_type))))
        day += timedelta(days=every)
    return out


# A trigger, what answers it, and (optionally) fields pinned on each; the answer is often, not always, given.
PAIRS = (
    ("enquiry", {"agency": "police", "topic": "domestic_abuse", "status": "requested"},
     "enquiry", {"agency": "police", "topic": "domestic_abuse", "status": "response_received"}),
    ("enquiry", {"agency": "childrens_services", "topic": "child_safeguarding", "status": "requested"},
     "enquiry", {"agency": "childrens_services", "topic": "child_safeguarding", "status": "response_received"}),
    ("new_information", {}, "risk_review", {}),
    ("new_information", {}, "risk_assessment", {}),
    ("appointment", {"mode": "office", "outcome": "failed_unacceptable"}, "warning_letter", {}),
    ("appointment", {"mode": "office", "outcome": "failed_unacceptable"}, "breach", {}),
    ("referral", {}, "intervention_start", {}),
    ("sentence_plan", {}, "risk_management_plan", {}),
    ("sentence_plan", {}, "management_oversight", {}),
    ("registration_added", {"code": "ADVP"}, "referral", {}),
    ("registration_added", {"code": "ARSO"}, "mappa_level_set", {}),
    ("risk_assessment", {"rosh": "high"}, "marac_referral", {}),
    ("appointment", {"mode": "office", "outcome": "attended"}, "sentence_plan", {}),
    ("mappa_level_set", {}, "mappa_meeting", {}),
)


@st.composite
def trigger_and_answer(draw, anchor: date) -> list:
    first_type, first_fixed, then_type, then_fixed = draw(st.sampled_from(PAIRS))
    day = draw(near(anchor, back=60))
    out = [(first_type, day, draw(event_fields(first_type, first_fixed)))]
    if draw(st.integers(0, 4)):
        # Mostly after the trigger (at the deadline or the day after); sometimes before it (look-backs).
        later = draw(st.one_of(near(day, back=0, forward=120), near(day, back=100, forward=0)))
        out.append((then_type, later, draw(event_fields(then_type, then_fixed))))
    return out


@st.composite
def registration(draw, anchor: date) -> list:
    """A registration added, and sometimes removed later (MAPP also sets the MAPPA level)."""
    code = draw(st.sampled_from(CASE_REGISTRATIONS))
    added = draw(near(anchor, back=120))
    out = [("registration_added", added, {"code": code})]
    if code == "MAPP" or draw(st.integers(0, 3)) == 0:
        out.append(("mappa_level_set", draw(near(added, back=10, forward=30)), draw(event_fields("mappa_level_set"))))
    if draw(st.integers(0, 2)) == 0:
        out.append(("registration_removed", draw(near(added, back=0, forward=300)), {"code": code}))
    return out


@st.composite
def custody(draw, anchor: date) -> list:
    """A spell in custody; the release is usually recorded, sometimes not (still in custody)."""
    start = draw(near(anchor, back=10))
    out = [("custody_start", start, draw(event_fields("custody_start")))]
    if draw(st.integers(0, 3)):
        length = draw(st.one_of(st.sampled_from((0, 1, 2, 7, 14, 28, 43)), st.integers(0, 150)))
        out.append(("custody_release", start + timedelta(days=length), {}))
    if draw(st.integers(0, 3)) == 0:
        out.append(("recall", start, {}))
    return out


@st.composite
def risk_assessments(draw, anchor: date) -> list:
    out = []
    day = draw(near(anchor, back=30, forward=60))
    for _ in range(draw(st.integers(1, 3))):
        out.append(("risk_assessment", day, draw(event_fields("risk_assessment"))))
        day += timedelta(days=draw(st.one_of(st.sampled_from((0, 1, 28, 91, 182)), st.integers(1, 200))))
    return out


@st.composite
def before_sentence(draw, start: date) -> list:
    """Court-stage work: a pre-sentence report and enquiries, on, just before or just after the sentence."""
    out = []
    offsets = st.one_of(st.sampled_from((0, 0, 1, 2, 7, 14, -1, -2, 91, 92)), st.integers(-20, 200))
    if draw(st.booleans()):
        out.append(("pre_sentence_report", start - timedelta(days=draw(offsets)), {}))
    for agency, topic in (("police", "domestic_abuse"), ("childrens_services", "child_safeguarding")):
        if draw(st.integers(0, 2)):
            fields = draw(event_fields("enquiry", {"agency": agency, "topic": topic, "status": "requested"}))
            out.append(("enquiry", start - timedelta(days=draw(offsets)), fields))
    return out


@st.composite
def induction(draw, start: date) -> list:
    """The first weeks: a first appointment, a risk assessment and a sentence plan, at or near their deadlines."""
    first = working_days_after(start, draw(st.sampled_from((0, 1, 2, 4, 5, 5, 6, 8))))
    fields = draw(st.one_of(st.just({"mode": "office", "outcome": "attended"}), _appointment_fields()))
    out = [("appointment", first, fields)]
    if draw(st.integers(0, 3)):
        rosh = draw(st.sampled_from(("low", "medium", "high", "high", "very_high")))
        out.append(("risk_assessment", draw(near(start, back=10, forward=30)), {"rosh": rosh, "tool": "oasys"}))
    if draw(st.booleans()):
        out.append(("allocation", draw(near(start, back=5, forward=10)), {}))
    if draw(st.integers(0, 2)) == 0:
        out.append(("tier_calculation", draw(near(start, back=10, forward=30)), draw(event_fields("tier_calculation"))))
    if draw(st.integers(0, 3)):
        plan = working_days_after(first, draw(st.sampled_from((1, 10, 14, 15, 15, 16, 20))))
        out.append(("sentence_plan", plan, {}))
        if draw(st.booleans()):
            out.append(("risk_management_plan", working_days_after(plan, draw(st.sampled_from(WORKING_OFFSETS))), {}))
        if draw(st.booleans()):
            out.append(("management_oversight", working_days_after(plan, draw(st.sampled_from(WORKING_OFFSETS))), {}))
    return out


@st.composite
def domestic_abuse(draw, anchor: date) -> list:
    """A domestic abuse case: ADVP registration, a high RoSH assessment, a MARAC and a programme referral."""
    added = draw(near(anchor, back=30, forward=90))
    out = [("registration_added", added, {"code": draw(st.sampled_from(("ADVP", "ADVP", "REG30")))})]
    assessed = draw(near(added, back=20, forward=60))
    out.append(("risk_assessment", assessed, {"rosh": draw(st.sampled_from(("medium", "high", "very_high")))}))
    if draw(st.integers(0, 2)):
        out.append(("marac_referral", draw(near(assessed, back=60, forward=20)), {}))
    if draw(st.integers(0, 2)):
        referred = draw(near(added, back=60, forward=70))
        out.append(("referral", referred, {"service": draw(st.sampled_from(("accredited_programme",
                                                                             "structured_intervention")))}))
        if draw(st.booleans()):
            out.append(("intervention_start", draw(near(referred, back=0, forward=100)),
                        {"service": "accredited_programme"}))
    return out


@st.composite
def police_call_outs(draw, anchor: date) -> list:
    """Repeated police call-outs (the third within 12 months is an escalation), often with a MARAC referral."""
    day = draw(near(anchor, back=30, forward=120))
    out = []
    for _ in range(draw(st.integers(2, 4))):
        out.append(("new_information", day, {"kind": "police_call_out"}))
        day += timedelta(days=draw(st.one_of(st.sampled_from((1, 30, 90, 182, 183, 364, 365)), st.integers(1, 200))))
    if draw(st.booleans()):
        out.append(("marac_referral", draw(near(day, back=100, forward=20)), {}))
    return out


@st.composite
def failures(draw, anchor: date) -> list:
    """Unacceptable failures to attend, each perhaps followed by a warning letter or breach action."""
    day = draw(near(anchor, back=0, forward=200))
    out = []
    for _ in range(draw(st.integers(2, 4))):
        outcome = draw(st.sampled_from(("failed_unacceptable", "failed_unacceptable", "failed_acceptable")))
        out.append(("appointment", day, {"mode": "office", "outcome": outcome}))
        if draw(st.booleans()):
            answer = draw(st.sampled_from(("warning_letter", "warning_letter", "breach")))
            out.append((answer, working_days_after(day, draw(st.sampled_from(WORKING_OFFSETS))), {}))
        day += timedelta(days=draw(st.one_of(st.sampled_from((7, 14, 30, 364, 365, 366)), st.integers(1, 120))))
    return out


@st.composite
def mappa(draw, anchor: date) -> list:
    """A MAPPA referral, the category and level set, and meetings (with a MAPP registration, sometimes)."""
    referred = draw(near(anchor, back=30, forward=90))
    out = [("mappa_referral", referred, {})]
    level_set = working_days_after(referred, draw(st.sampled_from((0, 5, 20, 21, 30))))
    out.append(("mappa_level_set", level_set, draw(event_fields("mappa_level_set"))))
    if draw(st.booleans()):
        out.append(("registration_added", level_set, {"code": "MAPP"}))
    out += draw(recurring("mappa_meeting", level_set))
    return out


@st.composite
def end_of_supervision(draw, end: date) -> list:
    """End-stage work at the edges of the 8- and 4-week end windows, and the termination itself."""
    out = []
    back = st.one_of(st.sampled_from((0, 1, 27, 28, 29, 55, 56, 57, 60)), st.integers(0, 120))
    for event_type in ("pre_termination_review", "exit_plan"):
        if draw(st.booleans()):
            out.append((event_type, end - timedelta(days=draw(back)), {}))
    if draw(st.booleans()):
        out.append(("termination", end, {}))
    return out


@st.composite
def single(draw, anchor: date) -> list:
    """One event of any type, anywhere around the anchor (deviations, which name rules, are made apart)."""
    event_type = draw(st.sampled_from(sorted(set(EVENT_TYPES) - {"deviation"})))
    return [(event_type, draw(near(anchor, back=200, forward=400)), draw(event_fields(event_type)))]


BLOCKS = ("appointments", "appointments", "domestic_abuse", "pair", "pair", "pair", "registration", "custody", "risk",
          "oversight", "mappa", "reviews", "call_outs", "failures", "single", "single")


@st.composite
def events_for(draw, case: dict, max_events: int = MAX_EVENTS) -> list[dict]:
    """0 to ``max_events`` valid events around the case's supervision, with unique ids, in no particular order."""
    start = date.fromisoformat(case["start_date"])
    end = date.fromisoformat(case.get("end_date", case["expected_end_date"]))
    drafted: list = []
    if case["supervision_type"] in ("community_order", "suspended_sentence_order"):
        if draw(st.integers(0, 9)):
            drafted.append(("sentence", start, {}))
        drafted += draw(before_sentence(start))
    elif draw(st.integers(0, 3)):
        drafted.append(("licence_release", start, {}))
    if draw(st.integers(0, 2)):
        drafted += draw(induction(start))
    anchors = [start, two_thirds(case)]
    for _ in range(draw(st.integers(0, 12))):
        if len(drafted) >= max_events:
            break
        anchor = draw(st.sampled_from(anchors))
        kind = draw(st.sampled_from(BLOCKS))
        if kind == "appointments":
            made = draw(appointment_series(anchor))
        elif kind == "pair":
            made = draw(trigger_and_answer(anchor))
        elif kind == "domestic_abuse":
            made = draw(domestic_abuse(anchor))
        elif kind == "registration":
            made = draw(registration(anchor))
        elif kind == "custody":
            made = draw(custody(anchor))
        elif kind == "risk":
            made = draw(risk_assessments(anchor))
        elif kind == "oversight":
            made = draw(recurring("management_oversight", anchor))
        elif kind == "mappa":
            made = draw(mappa(anchor))
        elif kind == "call_outs":
            made = draw(police_call_outs(anchor))
        elif kind == "failures":
            made = draw(failures(anchor))
        elif kind == "reviews":
            made = draw(recurring("risk_review", anchor))
        else:
            made = draw(single(anchor))
        drafted += made
        anchors += [day for _, day, _ in made[:3]]
    if draw(st.integers(0, 2)) == 0:
        drafted += draw(end_of_supervision(end))
    drafted = drafted[:max_events]
    # Ids in an order unrelated to dates, so same-day ties are broken in every possible way.
    numbers = draw(st.permutations(range(len(drafted)))) if drafted else []
    events = []
    for number, (event_type, day, fields) in zip(numbers, drafted):
        events.append({"id": f"E{number:03d}", "type": event_type, "date": iso(day), **fields})
    return events


@st.composite
def timelines(draw, max_events: int = MAX_EVENTS) -> dict:
    """A valid timeline dict: a case and its events."""
    case = draw(cases())
    return {"case": case, "events": draw(events_for(case, max_events))}


def as_of_dates(timeline: dict) -> st.SearchStrategy[date]:
    """An as-of date for a timeline: often on an event's day or the day after, or at a rule boundary."""
    case = timeline["case"]
    start = date.fromisoformat(case["start_date"])
    end = date.fromisoformat(case.get("end_date", case["expected_end_date"]))
    days = sorted({date.fromisoformat(e["date"]) for e in timeline["events"]})
    options = [
        near(start, back=10, forward=400),
        near(two_thirds(case), back=30, forward=60),
        near(end, back=120, forward=200),
        st.integers(-10, (end - start).days + 200).map(lambda k: start + timedelta(days=k)),
    ]
    if days:
        on_or_next_to = st.sampled_from((0, 1, -1))
        options.append(st.builds(lambda d, k: d + timedelta(days=k), st.sampled_from(days), on_or_next_to))
        options.append(st.sampled_from(days).flatmap(lambda d: near(d, back=0, forward=120)))
    return st.one_of(options)


@st.composite
def timelines_with_as_of(draw, max_events: int = MAX_EVENTS) -> tuple[dict, date]:
    """A timeline and a date to judge it on."""
    timeline = draw(timelines(max_events))
    return timeline, draw(as_of_dates(timeline))
