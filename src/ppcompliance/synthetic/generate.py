"""Synthetic caseloads: made-up case timelines for demos, tests and benchmarks, so none needs real data.

Each case is drawn in two passes. The *world* pass decides what happens to the person, whatever the quality of
practice: the supervision type and dates, the RoSH level and its changes, registrations (a victim in the Victim
Contact Scheme among them), MAPPA category and level, new information (and whether it involves children),
custody (remand, recall), a transfer to another team and an early end. The *practice* pass decides what the
practitioner and manager do about it, against the expectations of the rulebook given (the bundled one by
default): ``quality`` is the probability that each expected action happens, and happens in time (for a routine,
such as contact in person or three-monthly oversight, that the routine is kept); recording the end of a
supervision that ran its course is practice too. Both passes draw from the one ``random.Random`` given, so a
case's world is the same at every quality and only the practice differs.

The practice pass takes every figure that decides *when* an expected action is due from the rulebook, through
:class:`~ppcompliance.synthetic.figures.Figures` (which also names the rule each practice routine serves), and
counts it as the rule does: an action due within N working days is placed N working days on at most, past
weekends and bank holidays. A rule the generator serves that the rulebook lacks is practised at the bundled
rulebook's figures, so every routine runs whatever rulebook is given (see that module). Where practice has a
habit of its own (how early before the due date, how late when it lapses) the habit is a share of, or an offset
from, the rule's figure.

Everything is an id, a code or a date: no names, no free text, no personal details.

Determinism: every draw goes through ``Random.random()`` (the same on every machine and Python version, and
unaffected by ``PYTHONHASHSEED``), nothing iterates over a set, and keys are inserted in a fixed order, so the
same arguments give byte-identical JSON anywhere.
"""

from __future__ import annotations

import bisect
import calendar
import random
from datetime import date, timedelta
from functools import lru_cache
from typing import Any, Callable, Iterator, Mapping, Sequence

from ..dates import add_days, days_between, subtract_days
from ..engine.rulebook import Duration, Rulebook
from .figures import Figures

__all__ = ["generate_case", "generate_caseload", "FIRST_DAY", "LAST_DAY"]

FIRST_DAY = date(2023, 1, 1)
LAST_DAY = date(2025, 12, 31)

# Court and pre-release work (reports, enquiries, MAPPA referral) falls at most this many days before the start.
_LEAD = 120
_ONE_DAY = timedelta(days=1)

_ORDERS = ("community_order", "suspended_sentence_order")
_SUPERVISION = (("community_order", 0.45), ("suspended_sentence_order", 0.20), ("licence", 0.30),
                ("post_sentence_supervision", 0.05))
# Length of supervision in months, by supervision type.
_MONTHS = {
    "community_order": ((6, 0.08), (12, 0.50), (18, 0.20), (24, 0.20), (36, 0.02)),
    "suspended_sentence_order": ((12, 0.40), (18, 0.30), (24, 0.30)),
    "licence": ((3, 0.10), (6, 0.25), (9, 0.15), (12, 0.20), (18, 0.15), (24, 0.10), (36, 0.05)),
    "post_sentence_supervision": ((6, 0.30), (9, 0.35), (12, 0.35)),
}
_MONTHS_LONG = ((18, 0.3), (24, 0.4), (30, 0.3))  # when aiming at many events per case

_LEVELS = ("low", "medium", "high", "very_high")
_ROSH = (("low", 0.25), ("medium", 0.50), ("high", 0.22), ("very_high", 0.03))
_ROSH_CODE = {"low": "RLRH", "medium": "RMRH", "high": "RHRH", "very_high": "RVHR"}
_DOMESTIC_ABUSE = ("ADVP", "REG30")
_CHILDREN = ("RCPR", "RCCO")
_REVIEWED = ("ADVP", "REG30", "RCPR", "MAPP", "IMAR")  # registrations reviewed every 13 weeks

_NEWS_DA = (("police_call_out", 0.40), ("arrest", 0.10), ("charge", 0.05), ("change_of_relationship", 0.15),
            ("change_of_address", 0.15), ("safeguarding_concern", 0.07), ("other", 0.08))
_NEWS = (("police_call_out", 0.12), ("arrest", 0.15), ("charge", 0.06), ("change_of_relationship", 0.12),
         ("change_of_address", 0.35), ("safeguarding_concern", 0.05), ("other", 0.15))
_DA_INCIDENT = ("police_call_out", "arrest", "charge", "change_of_relationship")

_DA_PROGRAMMES = (("accredited_programme", "building_better_relationships", 0.6),
                  ("structured_intervention", "domestic_abuse_toolkit", 0.4))
_SEX_PROGRAMMES = (("accredited_programme", "horizon", 0.5), ("accredited_programme", "i_horizon", 0.3),
                   ("accredited_programme", "kaizen", 0.2))
_OTHER_PROGRAMMES = (
    ("commissioned_rehabilitative_service", "accommodation", 0.16),
    ("commissioned_rehabilitative_service", "personal_wellbeing", 0.14),
    ("commissioned_rehabilitative_service", "dependency_and_recovery", 0.12),
    ("commissioned_rehabilitative_service", "education_training_employment", 0.10),
    ("commissioned_rehabilitative_service", "finance_benefit_debt", 0.06),
    ("accredited_programme", "building_choices", 0.10),
    ("accredited_programme", "thinking_skills_programme", 0.04),
    ("accredited_programme", "resolve", 0.04),
    ("structured_intervention", "emotional_management", 0.07),
    ("structured_intervention", "problem_solving", 0.07),
    ("other", None, 0.10),
)

# The 12 probation regions of England and Wales, by id, with how many probation delivery units each has here.
_REGIONS = (("NE", 5), ("NW", 8), ("GM", 10), ("YH", 8), ("EM", 7), ("WM", 9), ("EE", 7), ("WLS", 6),
            ("LDN", 10), ("SE", 6), ("SC", 7), ("SW", 6))
# (region, PDU, number of teams): 3 to 6 teams per PDU, fixed so the same ids come out everywhere.
_PDUS = tuple(
    (f"R-{code}", f"PDU-{code}-{n:02d}", 3 + (r * 5 + n * 3) % 4)
    for r, (code, count) in enumerate(_REGIONS)
    for n in range(1, count + 1)
)


# --- drawing (only Random.random(), so the stream is the same on every Python) ------------------------------

def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def _between(rng: random.Random, lo: int, hi: int) -> int:
    """An integer from lo to hi, both included (lo when hi < lo)."""
    if hi <= lo:
        return lo
    return lo + int(rng.random() * (hi - lo + 1))


def _pick(rng: random.Random, table: Sequence[tuple[Any, ...]]) -> Any:
    """A value from ``((value, weight), ...)``, or the whole row when rows have more than two items."""
    x = rng.random() * sum(row[-1] for row in table)
    for row in table:
        x -= row[-1]
        if x < 0:
            return row[0] if len(row) == 2 else row
    return table[-1][0] if len(table[-1]) == 2 else table[-1]


def _add_months(day: date, months: int) -> date:
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _weekday(day: date) -> date:
    """The day, or for a weekend the Monday after (work is recorded on weekdays)."""
    wd = day.weekday()
    return day + timedelta(days=7 - wd) if wd >= 5 else day


def _weekday_back(day: date, floor: date) -> date:
    """The day, or for a weekend the Friday before if that is after ``floor`` (else the Monday after)."""
    wd = day.weekday()
    if wd < 5:
        return day
    back = day - timedelta(days=wd - 4)
    return back if back > floor else day + timedelta(days=7 - wd)


# --- the world: what happens to the person ------------------------------------------------------------------

class _World:
    """What happens in a case, whatever probation does (filled in by :func:`_world`)."""

    def __init__(self) -> None:
        self.case_id = ""
        self.kind = ""
        self.units: tuple[str, str, str] = ("", "", "")
        self.start = self.expected_end = self.end = FIRST_DAY
        self.ended_early = False
        self.rosh: list[tuple[date, str]] = []  # the true level from each date
        self.registrations: list[tuple[str, date, date | None]] = []  # code, added, removed
        self.mappa: tuple[int, int] | None = None  # category, level
        self.mappa_step_down: date | None = None
        self.news: list[tuple[date, str, bool]] = []  # day, kind, whether it involves children
        self.custody: list[tuple[date, date, str]] = []  # start, release, reason
        self.recalls: list[date] = []
        self.reallocations: list[date] = []
        self.transfers: list[date] = []  # to another team or probation delivery unit
        self.fail_rate = 0.0

    def rosh_on(self, day: date) -> str:
        level = self.rosh[0][1]
        for since, value in self.rosh:
            if since <= day:
                level = value
        return level

    def active(self, codes: Sequence[str], day: date) -> bool:
        return any(code in codes and added <= day and (removed is None or day < removed)
                   for code, added, removed in self.registrations)

    def registered(self, code: str) -> list[date]:
        return [added for c, added, _ in self.registrations if c == code]


def _world(rng: random.Random, index: int, start_from: date, end_by: date, long: bool) -> _World:
    w = _World()
    w.case_id = f"X{index:06d}"
    region, pdu, teams = _PDUS[_between(rng, 0, len(_PDUS) - 1)]
    w.units = (region, pdu, f"T-{pdu[4:]}-{_between(rng, 1, teams)}")
    w.kind = _pick(rng, _SUPERVISION)
    months = _pick(rng, _MONTHS_LONG if long else _MONTHS[w.kind])
    earliest = start_from + timedelta(days=_LEAD)
    room = (end_by - earliest).days
    while months > 3 and months * 31 > room:
        months -= 3
    start = earliest + timedelta(days=_between(rng, 0, room - months * 31))
    start = start - timedelta(days=start.weekday() - 4) if start.weekday() >= 5 else start  # courts sit Mon-Fri
    w.start = start
    w.expected_end = _add_months(start, months) - _ONE_DAY
    length = (w.expected_end - start).days
    w.end = w.expected_end
    if (w.kind in _ORDERS and _chance(rng, 0.08)) or (w.kind == "post_sentence_supervision" and _chance(rng, 0.03)):
        w.end = _weekday(start + timedelta(days=_between(rng, length // 2, length * 4 // 5)))
        w.ended_early = w.end < w.expected_end
    w.end = min(w.end, w.expected_end)

    def during(lo: int, hi_before_end: int) -> date | None:
        """A day from ``lo`` days after the start to ``hi_before_end`` days before the end, if there is room."""
        first, last = start + timedelta(days=lo), w.end - timedelta(days=hi_before_end)
        return None if last < first else first + timedelta(days=_between(rng, 0, (last - first).days))

    level = _pick(rng, _ROSH)
    w.rosh = [(start - timedelta(days=_LEAD + 30), level)]
    news: list[tuple[date, str]] = []

    # Registrations: domestic abuse ~30%, children ~15%, sex offender ~3%, MAPPA ~5% (with every ARSO).
    if _chance(rng, 0.30):
        code = "ADVP" if _chance(rng, 0.75) else "REG30"
        added = during(30, 120) if _chance(rng, 0.2) else None
        if added is not None:
            news.append((added, "police_call_out"))
        w.registrations.append((code, added or start, None))
    if _chance(rng, 0.15):
        code = "RCPR" if _chance(rng, 0.4) else "RCCO"
        added = during(30, 60) if _chance(rng, 0.3) else None
        if added is not None:
            news.append((added, "safeguarding_concern"))
        added = added or start
        removed = None
        if code == "RCPR" and _chance(rng, 0.4):
            removed = added + timedelta(days=_between(rng, 90, 300))
            removed = _weekday(removed) if removed < w.end else None
        w.registrations.append((code, added, removed))
    arso = _chance(rng, 0.03)
    if arso:
        w.registrations.append(("ARSO", start, None))
    if arso or _chance(rng, 0.06 if w.kind == "licence" else 0.012):
        category = 1 if arso else (2 if _chance(rng, 0.8) else 3)
        mappa_level = _pick(rng, ((1, 0.55), (2, 0.35), (3, 0.10)))
        w.mappa = (category, mappa_level)
        if mappa_level > 1 and _chance(rng, 0.3):
            w.mappa_step_down = during(120, 30)
        if level == "low":
            w.rosh[0] = (w.rosh[0][0], "medium")

    # Occasionally the risk changes, one level up (after an incident) or down.
    if _chance(rng, 0.2):
        changed = during(60, 45)
        current = _LEVELS.index(w.rosh[0][1])
        up = _chance(rng, 0.55)
        new = current + (1 if (up and current < 3) or current == 0 else -1)
        if changed is not None:
            w.rosh.append((changed, _LEVELS[new]))
            if new > current:
                news.append((changed, _pick(rng, (("arrest", 0.4), ("police_call_out", 0.3),
                                                  ("safeguarding_concern", 0.15), ("change_of_relationship", 0.15)))))

    # New information: two or three a year in domestic abuse cases, fewer in others.
    da = bool(w.registered("ADVP") or w.registered("REG30"))
    mean_gap = 365 / (2.4 if da else 0.8)
    day = start + timedelta(days=_between(rng, 1, int(2 * mean_gap)))
    while day <= w.end:
        news.append((_weekday(day), _pick(rng, _NEWS_DA if da else _NEWS)))
        day += timedelta(days=_between(rng, 1, int(2 * mean_gap)))

    # Custody: recall on licence (~18% of licences), remand after an arrest or charge (~5% of cases).
    if w.kind == "licence" and _chance(rng, 0.18):
        recalled = during(30, 21)
        if recalled is not None:
            recalled = _weekday(recalled)
            if _chance(rng, 0.6):
                news.append((recalled, "arrest"))
            days = _pick(rng, ((28, 0.6), (14, 0.1), (_between(rng, 56, 240), 0.3)))
            # Recalled to the end of the sentence, the person is released the day the licence expires.
            release = min(recalled + timedelta(days=days), w.end)
            w.recalls.append(recalled)
            w.custody.append((recalled, release, "recall"))
    if _chance(rng, 0.05):
        remanded = during(30, 30)
        if remanded is not None and not any(a - timedelta(days=90) <= remanded <= b + timedelta(days=30)
                                            for a, b, _ in w.custody):
            news.append((remanded, "charge" if _chance(rng, 0.4) else "arrest"))
            release = min(remanded + timedelta(days=_between(rng, 3, 60)), w.end)
            w.custody.append((remanded, release, "remand"))
            w.custody.sort(key=lambda c: c[0])
    if _chance(rng, 0.2):
        moved = during(30, 30)
        if moved is not None:
            w.reallocations.append(_weekday(moved))
    w.fail_rate = _pick(rng, ((0.01, 0.5), (0.04, 0.35), (0.10, 0.15)))
    # A transfer to another team or PDU (a move of home, say): ~8% of cases.
    if _chance(rng, 0.08):
        moved = during(30, 45)
        if moved is not None:
            w.transfers.append(_weekday(moved))
    # The victim contact registration (INVI): a victim in the Victim Contact Scheme. Most licences follow a
    # custodial term long enough for the scheme; a few orders (a suspended sentence of 12 months, say) too.
    if _chance(rng, 0.25 if w.kind == "licence" else 0.05 if w.kind in _ORDERS else 0.0):
        added = (_weekday_back(start - timedelta(days=_between(rng, 30, 110)), start - timedelta(days=_LEAD))
                 if w.kind == "licence" else _weekday(start + timedelta(days=_between(rng, 0, 25))))
        w.registrations.append(("INVI", added, None))
    # Whether each piece of news involves children: a safeguarding concern always; in a child protection or
    # child concerns case, most changes and incidents at home; elsewhere, now and then a new relationship.
    with_children = []
    for d, k in sorted(news):
        if not start <= d <= w.end:
            continue
        if k == "safeguarding_concern":
            children = True
        elif w.active(_CHILDREN, d):
            children = k != "other" and _chance(rng, 0.6)
        else:
            children = k in ("change_of_relationship", "change_of_address") and _chance(rng, 0.15)
        with_children.append((d, k, children))
    w.news = with_children
    return w


# --- practice: what probation does about it -----------------------------------------------------------------

# An event as practice builds it: its day, the order it was made in (to keep ties stable), its type and fields.
_Built = tuple[date, int, str, dict[str, object]]

# How briskly practice keeps contact in person at each RoSH level: the gap to the next contact is drawn between
# these shares (in fourteenths) of the longest gap the contact rule (ACT-02) allows at the level. Where that is a
# week (very high) contact is weekly rather than twice a week; elsewhere it varies from half the limit (a little
# less at low risk) to six sevenths of it. Before the first assessment, the very high habit.
_PACE = {"very_high": (10, 12), "high": (7, 12), "medium": (7, 12), "low": (6, 12)}
# Oversight and reviews that no rule asks for, kept as a habit: the first within 120 days, then every 150.
_HABIT = (Duration(120), Duration(150))


def _back(day: date, span: Duration | None) -> date | None:
    """The first day of a look-back of ``span`` before ``day``, counted as the rule counts; None for none."""
    return None if span is None else date.fromordinal(span.before(day.toordinal()))


def _after(day: date, span: Duration) -> date:
    """The day ``span`` after ``day`` (day 0), counted as the rule counts: its due date for a trigger on ``day``
    (a month is a calendar month, not a number of days)."""
    return date.fromordinal(span.after(day.toordinal()))


def _calendar(day: date, span: Duration) -> int:
    """How many calendar days ``span`` runs from ``day`` to its due date."""
    return (_after(day, span) - day).days


def _reach(day: date, span: Duration | None) -> date:
    """The last day on which a rule's condition may come to hold and still bring in a trigger on ``day``
    (``applies_within``; the day itself without one)."""
    return day if span is None else _after(day, span)


@lru_cache(maxsize=8)
def _contact_pace(figures: Figures) -> dict[str | None, tuple[int, int, int, int]]:
    """For each recorded RoSH level (None before the first assessment): the fewest and most days to the next
    contact in person while the routine is kept; the longest gap ACT-02 allows (which a lapse exceeds); and
    the longest gap since the last attended contact that keeps both ACT-02 and ACT-03 (for rebooking).

    No kept gap exceeds ACT-03's longest gap for any contact, less two days for a weekend to move it back.
    """
    any_contact = figures.longest_gap("ACT-03")
    pace: dict[str | None, tuple[int, int, int, int]] = {}
    for level in (None, *_PACE):
        limit = figures.longest_gap("ACT-02", level)
        low, high = _PACE[level or "very_high"]
        most = max(1, min(limit * high // 14, any_contact - 2))
        pace[level] = (max(1, min(limit * low // 14, most)), most, limit, min(limit, any_contact))
    return pace


class _Practice:
    """Builds the events of one case from its world, at one practice quality and contact intensity, keeping
    the figures of the rulebook given."""

    def __init__(self, world: _World, rng: random.Random, quality: float, intensity: float, figures: Figures):
        self.w = world
        self.rng = rng
        self.q = quality
        self.intensity = intensity
        self.figures = figures
        self.events: list[_Built] = []
        self.assessments: list[tuple[date, str]] = []
        self.reviews: list[date] = []  # risk reviews, assessments and reports: what CUR-04 accepts
        self.oversight: list[date] = []
        self.mappa_levels: list[tuple[date, int]] = []
        self.registrations = list(world.registrations)
        self.psr: date | None = None
        self.allocations: list[date] = []
        self.breaches: list[date] = []

    # -- helpers

    def add(self, day: date, kind: str, fields: Mapping[str, object] | None = None, code: str | None = None) -> date:
        item = dict(fields) if fields else {}
        if code is not None:
            item["ndelius_code"] = code
        self.events.append((day, len(self.events), kind, item))
        return day

    def kept(self) -> bool:
        """Whether an expected action is done in time (or a routine is kept): the quality knob."""
        return self.rng.random() < self.q

    def in_time(self, trigger: date, allowed: Duration, lo: int = 1, spare: int = 0, by: date | None = None) -> date:
        """A weekday from ``lo`` to ``allowed`` (less ``spare``) after ``trigger``, counted as the rule counts;
        by ``by`` too, if given, and before supervision ends if there is time (an action after the end would
        not be recorded)."""
        latest = self.w.end if by is None else min(by, self.w.end)
        if allowed.working:
            hi = allowed.days - spare
            if add_days(trigger, hi, working=True) > latest:
                hi = days_between(trigger, latest, working=True)
            return add_days(trigger, _between(self.rng, lo, max(lo, hi)), working=True)
        # Two days short, so that a weekend moved on to the Monday is still in time (and before the end).
        hi = min(_calendar(trigger, allowed) - spare, (latest - trigger).days) - 2
        return _weekday(trigger + timedelta(days=_between(self.rng, lo, max(lo, hi))))

    def late(self, trigger: date, allowed: Duration) -> date:
        """A weekday from 3 to N + 13 days (working days, if the rule counts them) after ``allowed`` has run out."""
        if allowed.working:
            return add_days(trigger, _between(self.rng, allowed.days + 3, 2 * allowed.days + 13), working=True)
        n = _calendar(trigger, allowed)
        return _weekday(trigger + timedelta(days=_between(self.rng, n + 3, 2 * n + 13)))

    def respond(self, trigger: date, allowed: Duration, lo: int = 1, by: date | None = None) -> date | None:
        """When an action expected within ``allowed`` of a trigger (and by ``by``, if given) is done: in time
        with probability ``quality``, otherwise late or never (half each)."""
        if self.kept():
            return self.in_time(trigger, allowed, lo, by=by)
        if _chance(self.rng, 0.5):
            return self.late(trigger, allowed)
        return None

    def ahead(self, trigger: date, lo: int, hi: int, earliest: date | None) -> date | None:
        """A weekday from ``lo`` to ``hi`` days before ``trigger``, not before ``earliest`` (None: any time)
        nor before court or prison work begins; None if that leaves no room."""
        floor = trigger - timedelta(days=_LEAD)
        if earliest is not None and earliest > floor:
            floor = earliest
        hi = min(hi, (trigger - floor).days)
        if hi < lo:
            return None
        return _weekday_back(trigger - timedelta(days=_between(self.rng, lo, hi)), floor - _ONE_DAY)

    def rosh_on(self, day: date) -> str | None:
        """The RoSH level as recorded (by the latest assessment on or before ``day``)."""
        i = bisect.bisect_right(self.assessments, (day, "~"))
        return self.assessments[i - 1][1] if i else None

    def active(self, codes: Sequence[str], day: date) -> bool:
        return any(code in codes and added <= day and (removed is None or day < removed)
                   for code, added, removed in self.registrations)

    def active_until(self, codes: Sequence[str], day: date, until: date) -> bool:
        """Whether one of these registrations is active on some day from ``day`` to ``until``."""
        return any(code in codes and added <= until and (removed is None or day < removed)
                   for code, added, removed in self.registrations)

    def mappa_on(self, day: date) -> int | None:
        level = None
        for since, value in self.mappa_levels:
            if since <= day:
                level = value
        return level

    def high_on(self, day: date) -> bool:
        return self.rosh_on(day) in ("high", "very_high")

    def public_protection(self, day: date) -> bool:
        return (self.high_on(day) or self.mappa_on(day) is not None
                or self.active(_DOMESTIC_ABUSE + _CHILDREN, day))

    def public_protection_until(self, day: date, until: date) -> bool:
        """Whether it is a public-protection case on any day from ``day`` to ``until``."""
        return any(self.public_protection(d) for d in [day, *[c for c in self._change_points() if day < c <= until]])

    def review_near(self, day: date, allowed: Duration) -> bool:
        """Whether a review is recorded from ``day`` to ``allowed`` after it."""
        i = bisect.bisect_left(self.reviews, day)
        return i < len(self.reviews) and self.reviews[i] <= _after(day, allowed)

    def note_review(self, day: date, kind: str = "risk_review") -> None:
        self.add(day, kind)
        bisect.insort(self.reviews, day)

    def recurring(self, periods: list[tuple[date, date]], first: Callable[[date], Duration],
                  every: Callable[[date], Duration], existing: list[date], make: Callable[[date], object]) -> None:
        """Keep a routine over each period [a, b]: the first within ``first(a)``, then at least every
        ``every(day)`` (calendar days or months, counted as the rule counts); existing events count. A kept
        routine is in time; one not kept lapses now and then.
        """
        rng = self.rng
        kept = self.kept()
        for a, b in periods:
            anchor, span, opening = a, first(a), True
            while True:
                due = _after(anchor, span)
                limit = (due - anchor).days
                i = bisect.bisect_left(existing, anchor if opening else anchor + _ONE_DAY)
                j = bisect.bisect_right(existing, min(due, b))
                if j > i:
                    anchor, span, opening = existing[j - 1], every(existing[j - 1]), False
                    continue
                if due > b:  # nothing more falls due in this period
                    break
                if kept or not _chance(rng, 0.35):
                    gap = _between(rng, max(1, limit // 2), max(1, limit - 3))
                    gap = max(1, int(gap / self.intensity)) if limit > 20 else gap
                    day = _weekday_back(anchor + timedelta(days=gap), anchor)
                else:
                    day = _weekday(due + timedelta(days=_between(rng, 3, max(7, limit // 2))))
                if day > b:
                    break
                make(day)
                bisect.insort(existing, day)
                anchor, span, opening = day, every(day), False

    def periods(self, holds: Callable[[date], bool], lo: date, hi: date,
                split_on: Sequence[date] = ()) -> list[tuple[date, date]]:
        """The periods within [lo, hi] in which ``holds(day)`` is true, judged at each change point."""
        points = sorted(dict.fromkeys([lo, *[d for d in self._change_points() if lo < d <= hi], *split_on]))
        out: list[tuple[date, date]] = []
        for k, day in enumerate(points):
            if day < lo or day > hi:
                continue
            until = min(points[k + 1] - _ONE_DAY, hi) if k + 1 < len(points) else hi
            if holds(day):
                if out and out[-1][1] + _ONE_DAY == day and day not in split_on:
                    out[-1] = (out[-1][0], until)
                else:
                    out.append((day, until))
        return out

    def _change_points(self) -> list[date]:
        points = [d for d, _ in self.assessments] + [d for d, _ in self.mappa_levels]
        for _, added, removed in self.registrations:
            points.append(added)
            if removed is not None:
                points.append(removed)
        return points

    # -- the case, stage by stage (each stage names the rules whose figures it keeps; see figures.ROUTINES)

    def build(self) -> list[_Built]:
        self.court_and_release()
        self.world_events()
        self.registrations_recorded()
        self.transfers()
        self.mappa()
        self.risk_assessments()
        self.enquiries()
        self.contacts()
        self.first_assessment()
        self.enforcement()
        self.plans()
        self.referrals()
        self.marac()
        self.mappa_meetings()
        self.management_oversight()
        self.registration_reviews()
        self.victims()
        self.end_of_supervision()
        self.rosh_records()
        return self.events

    def court_and_release(self) -> None:
        w, rng, s = self.w, self.rng, self.w.start
        if w.kind in _ORDERS:
            if _chance(rng, 0.75):
                self.psr = self.add(_weekday_back(s - timedelta(days=_between(rng, 1, 15)), s - timedelta(days=30)),
                                    "pre_sentence_report")
                bisect.insort(self.reviews, self.psr)
            self.add(s, "sentence")
            self.add(_weekday(s + timedelta(days=_between(rng, 0, 1))), "order_received")
            allocated = _weekday(s + timedelta(days=_between(rng, 0, 2)))
        else:
            self.add(s, "licence_release")
            allocated = _weekday_back(s - timedelta(days=_between(rng, 14, 90)), s - timedelta(days=100)) \
                if _chance(rng, 0.85) else s
        self.allocations = [allocated] + w.reallocations
        for day in self.allocations:
            self.add(day, "allocation")

    def world_events(self) -> None:
        w = self.w
        for day, kind, children in w.news:
            self.add(day, "new_information", {"kind": kind, "involves_children": True} if children else {"kind": kind})
        for day in w.recalls:
            self.add(day, "recall")
        for start, release, reason in w.custody:
            self.add(start, "custody_start", {"reason": reason})
            self.add(release, "custody_release")

    def registrations_recorded(self) -> None:
        for code, added, removed in self.w.registrations:
            self.add(added, "registration_added", {"code": code}, code)
            if removed is not None:
                self.add(removed, "registration_removed", {"code": code}, code)

    def transfers(self) -> None:
        """OVS-07: the receiving team allocates a case transferred to it (its oversight, OVS-06, is with the
        manager's other oversight)."""
        for day in self.w.transfers:
            self.add(day, "transfer")
            allocated = self.respond(day, self.figures.within("OVS-07"))
            if allocated is not None:
                self.add(allocated, "allocation")
                self.allocations.append(allocated)

    def mappa(self) -> None:
        """MAG-02 the category and level of a registered sex offender (before release, within the look-back, on
        licence); MAG-04 the decision on a referral for categories 2 and 3."""
        w, rng, s, f = self.w, self.rng, self.w.start, self.figures
        if w.mappa is None:
            return
        category, level = w.mappa
        licence = w.kind not in _ORDERS
        set_on: date | None
        if category == 1:
            registered = w.registered("ARSO")[0]
            allowed = f.within("MAG-02")
            if self.kept():
                before = self.ahead(registered, 20, 110, _back(registered, f.look_back("MAG-02"))) \
                    if licence else None
                set_on = before or self.in_time(registered, allowed)
            elif _chance(rng, 0.5):
                set_on = self.late(registered, allowed)
            else:
                set_on = None
            fallback = registered + timedelta(days=_between(rng, 5, 30))
        else:
            referred = (_weekday_back(s - timedelta(days=_between(rng, 40, 110)), s - timedelta(days=_LEAD))
                        if licence else _weekday(s + timedelta(days=_between(rng, 10, 60))))
            self.add(referred, "mappa_referral")
            set_on = self.respond(referred, f.within("MAG-04"), lo=5)
            fallback = referred + timedelta(days=_between(rng, 5, 30))
        if set_on is not None:
            self.add(set_on, "mappa_level_set", {"category": category, "level": level})
            self.mappa_levels.append((set_on, level))
            step = w.mappa_step_down
            if step is not None and step > set_on:
                self.add(step, "mappa_level_set", {"category": category, "level": level - 1})
                self.mappa_levels.append((step, level - 1))
        registered_on = _weekday(set_on or fallback)
        self.add(registered_on, "registration_added", {"code": "MAPP"}, "MAPP")
        self.registrations.append(("MAPP", registered_on, None))
        if licence and level > 1 and set_on is not None and set_on < s:
            self.add(_weekday_back(s - timedelta(days=_between(rng, 5, 30)), set_on), "mappa_meeting")

    def risk_assessments(self) -> None:
        """The first assessment and reassessments; CUR-02 a review (or reassessment) after new information."""
        w, rng, s = self.w, self.rng, self.w.start
        changes = [d for d, _ in w.rosh[1:]]
        if self.kept():
            if w.kind in _ORDERS:
                first = self.psr if self.psr is not None and _chance(rng, 0.5) else \
                    _weekday(s + timedelta(days=_between(rng, 1, 10)))
            else:
                first = _weekday_back(s - timedelta(days=_between(rng, 5, 40)), s - timedelta(days=60))
        elif _chance(rng, 0.9):
            first = _weekday(s + timedelta(days=_between(rng, 21, 70)))
        else:
            first = None
        dates: list[tuple[date, str]] = []
        if first is not None and first <= w.end:
            dates.append((first, "risk_assessment"))
            day = first + timedelta(days=_between(rng, 150, 200))
            while day <= w.end:
                if _chance(rng, 0.7):
                    dates.append((_weekday(day), "risk_assessment"))
                day += timedelta(days=_between(rng, 150, 200))
        allowed = self.figures.within("CUR-02")
        for day, _, _ in w.news:
            done = self.respond(day, allowed)
            if done is not None:
                changed = any(day - timedelta(days=1) <= c <= day for c in changes)
                dates.append((done, "risk_assessment" if changed or _chance(rng, 0.25) else "risk_review"))
        # A recall (CUR-05) and a remand (CUR-06) are reviewed while the person is in custody, unless a review
        # for the news that came with them already falls in time.
        for start, _, reason in w.custody:
            rule = "CUR-05" if reason == "recall" else "CUR-06"
            allowed = self.figures.within(rule)
            due = _after(start, allowed)
            if not any(start <= d <= due for d, _ in dates):
                done = self.respond(start, allowed)
                if done is not None:
                    dates.append((done, "risk_review"))
        for day, kind in sorted(dates):
            if kind == "risk_assessment":
                level = w.rosh_on(day)
                self.add(day, "risk_assessment", {"rosh": level, "tool": "oasys" if _chance(rng, 0.95) else "other"})
                self.assessments.append((day, level))
                bisect.insort(self.reviews, day)
            else:
                self.note_review(day)
        self.assessments.sort()

    def enquiry(self, agency: str, topic: str, day: date, by: date | None = None) -> None:
        """An enquiry, its answer (CUR-01 police, CUR-03 children's social care; by ``by`` too, if given, when
        it is answered in time) and the review that considers the answer (CUR-04)."""
        f = self.figures
        code = "SFGC" if agency == "childrens_services" else None
        self.add(day, "enquiry", {"agency": agency, "topic": topic, "status": "requested"}, code)
        answered = self.respond(day, f.within("CUR-01" if agency == "police" else "CUR-03"), by=by)
        if answered is None:
            return
        self.add(answered, "enquiry", {"agency": agency, "topic": topic, "status": "response_received"})
        considered = f.within("CUR-04")
        if not self.review_near(answered, considered):
            reviewed = self.respond(answered, considered, lo=0)
            if reviewed is not None:
                self.note_review(reviewed)

    def enquiries(self) -> None:
        """ENQ-01 and ENQ-02 answered before sentence, or ENQ-03 and ENQ-04 answered early in supervision (before
        release, within their look-back, on licence); ENQ-05 a police enquiry after each incident in a domestic
        abuse case; CUR-07 a children's social care enquiry after news that involves children."""
        w, rng, s, f = self.w, self.rng, self.w.start, self.figures
        for agency, topic, at_court, early in (("police", "domestic_abuse", "ENQ-01", "ENQ-03"),
                                               ("childrens_services", "child_safeguarding", "ENQ-02", "ENQ-04")):
            # The early one counts from the first attended appointment, on or after the start: answered within
            # its limit of the start, it is in time; answered before the start, within its look-back of the start.
            looks_back = _back(s, f.look_back(early)) or s
            early_by = _after(s, f.within(early))
            # Asked in the first third of the time, so that the answer can come in time.
            asked_early = Duration(max(1, f.within(early).days // 3), working=f.within(early).working)
            days: list[tuple[date | None, date | None]]
            if w.kind in _ORDERS:
                if self.kept():
                    before = self.ahead(s, 5, 30, _back(s, f.look_back(at_court)))
                    days = [(before, s)]  # answered by the day of sentence
                    if before is None or before < looks_back:  # it does not answer the early one as well
                        days.append((self.in_time(s, asked_early, lo=0), early_by))
                else:  # a second chance early in supervision
                    days = [(self.respond(s, f.within(early)), None)]
            elif self.kept():  # before release
                before = self.ahead(s, 10, 85, looks_back)
                days = [(before, None) if before is not None else (self.in_time(s, asked_early, lo=0), early_by)]
            else:
                day = self.respond(s, f.within(early)) if _chance(rng, 0.5) else None
                days = [(day or (self.late(s, f.within(early)) if _chance(rng, 0.5) else None), None)]
            for day, by in days:
                if day is not None:
                    self.enquiry(agency, topic, day, by)
        # In a domestic abuse case each incident prompts a fresh police enquiry (ENQ-05); news that involves
        # children prompts one to children's social care (CUR-07).
        allowed, about_children = f.within("ENQ-05"), f.within("CUR-07")
        for day, kind, children in w.news:
            if kind in _DA_INCIDENT and self.active(_DOMESTIC_ABUSE, day):
                asked = self.respond(day, allowed)
                if asked is not None:
                    self.enquiry("police", "domestic_abuse", asked)
            if children:
                asked = self.respond(day, about_children)
                if asked is not None:
                    self.enquiry("childrens_services", "child_safeguarding", asked)

    def contacts(self) -> None:
        """Appointments: ACT-01 the first in person after sentence; ACT-02 in person as often as the recorded
        RoSH requires, with phone and video between, and at least as often as ACT-03 asks for any contact; home
        visits: ACT-07 and ACT-08 the first, ACT-06 regularly in domestic abuse and child cases, ACT-09 after a
        domestic abuse incident; nothing while in custody, and less routine contact once the Probation Reset
        applies."""
        w, rng, s, f = self.w, self.rng, self.w.start, self.figures
        kept, home_kept = self.kept(), self.kept()
        pace = _contact_pace(f)
        home_first, home_every = f.first_within("ACT-06"), f.every("ACT-06")
        stops_at, reset_from = f.contact_stops_at(), f.reset_from()
        # A little after the point the rule stops asking, so that the last window it checks is kept in full.
        reset = 2.0 if stops_at is None else (stops_at + 3) / 100
        length = max(1, (w.expected_end - s).days)  # the Reset's point is a share of the expected period

        def resting(day: date) -> bool:
            """Whether the Probation Reset stops routine contact on the day: from its date, in a case it does not
            exempt (MAPPA, very high RoSH, child protection), past the two-thirds point or on post-sentence
            supervision."""
            if stops_at is None or (reset_from is not None and day < reset_from):
                return False
            if self.mappa_on(day) is not None or self.rosh_on(day) == "very_high" or self.active(("RCPR",), day):
                return False
            return w.kind == "post_sentence_supervision" or (day - s).days / length >= reset

        segments, day = [], s
        for a, b, _ in w.custody:
            if a > day:
                segments.append((day, a - _ONE_DAY))
            day = b
        if day <= w.end:
            segments.append((day, w.end))
        home_codes = _DOMESTIC_ABUSE + _CHILDREN
        changes = sorted(dict.fromkeys(self._change_points() + ([reset_from] if reset_from is not None else [])))
        # Home visits owed: the first (ACT-07 by the level at the start, or the first assessed; ACT-08 for a
        # registered sex offender) and one after each domestic abuse incident (ACT-09), each kept or not.
        visits: list[date] = []
        level = self.rosh_on(s) or (self.assessments[0][1] if self.assessments else None)
        first_visit = _calendar(s, f.within("ACT-07", level))
        reach = _reach(s, f.applies_within("ACT-08"))
        if any(code == "ARSO" and added <= reach for code, added, _ in self.registrations):
            first_visit = min(first_visit, _calendar(s, f.within("ACT-08")))
        if self.kept():
            visits.append(_weekday(s + timedelta(days=_between(rng, 1, max(1, first_visit // 2)))))
        elif _chance(rng, 0.5):
            visits.append(_weekday(s + timedelta(days=first_visit + _between(rng, 3, 30))))
        after_incident = f.within("ACT-09")
        for day, kind, _ in w.news:
            if kind in ("police_call_out", "arrest", "charge") and self.active(_DOMESTIC_ABUSE, day):
                if self.kept():
                    visits.append(add_days(day, _between(rng, 1, max(1, after_incident.days // 3)),
                                           working=after_incident.working))
                elif _chance(rng, 0.5):
                    visits.append(self.late(day, after_incident))
        visits.sort()
        appointments: list[date] = []
        for n, (a, b) in enumerate(segments):
            if n == 0 and w.kind in _ORDERS:
                # ACT-01, and within the gap ACT-02 allows at the level recorded (the strictest before the first
                # assessment); two days early, so that a failed appointment can be rebooked in time.
                allowed, limit = f.within("ACT-01"), pace[self.rosh_on(a)][3]
                first = self.in_time(a, allowed, lo=0, spare=2, by=a + timedelta(days=limit - 2)) if self.kept() \
                    else self.late(a, allowed)
            elif n == 0:
                first = a if self.kept() else _weekday(a + timedelta(days=_between(rng, 3, 10)))
            else:
                first = _weekday(a + timedelta(days=_between(rng, 0, 3) if self.kept() else _between(rng, 8, 20)))
            home_next = a + timedelta(days=self._home_gap(home_first, home_kept)) \
                if self.active(home_codes, a) else None
            day, last_attended = first, None
            while day <= b:
                if home_next is None and self.active(home_codes, day):
                    home_next = day + timedelta(days=self._home_gap(home_first, home_kept))
                elif home_next is not None and not self.active(home_codes, day):
                    home_next = None
                if (home_next is not None and day >= home_next) or (visits and day >= visits[0]):
                    mode = "home_visit"
                elif day == first:
                    mode = "office"
                else:
                    mode = "home_visit" if _chance(rng, 0.05) else "office"
                roll = rng.random()
                outcome = ("failed_unacceptable" if roll < w.fail_rate else
                           "failed_acceptable" if roll < w.fail_rate + 0.04 else "attended")
                code = "CHVS" if mode == "home_visit" else ("COAP" if not appointments else None)
                appointments.append(day)
                self.add(day, "appointment", {"mode": mode, "outcome": outcome}, code)
                if outcome == "attended":
                    last_attended = day
                    if mode == "home_visit":
                        del visits[:bisect.bisect_right(visits, day)]  # it answers every visit owed by now
                        if home_next is not None:
                            home_next = day + timedelta(days=self._home_gap(home_every, home_kept))
                # The next contact in person, by the RoSH level recorded now.
                level = self.rosh_on(day)
                rests = resting(day)
                fewest, most, limit, rebook = pace[level]
                owed = bool(visits) and visits[0] <= day  # a home visit owed now (ACT-07 to ACT-09)
                if rests and not (owed and outcome != "attended"):  # the Probation Reset: no routine contact
                    gap = _between(rng, 21, 56)
                elif outcome != "attended" and (kept or _chance(rng, 0.5)):
                    gap = _between(rng, 1, 2)
                    if kept and last_attended is not None:  # rebooked within the gap the level allows, if it can be
                        gap = max(1, min(gap, (last_attended - day).days + rebook))
                elif kept or not _chance(rng, 0.3):
                    gap = max(1, int(_between(rng, fewest, most) / self.intensity))
                else:  # a lapse: longer than the level allows
                    since = last_attended or day
                    gap = max(1, (since - day).days + limit + _between(rng, 1, limit))
                following = day + timedelta(days=gap)
                # A new assessment (perhaps at a new level, whose clock starts that day) brings contact forward.
                k = bisect.bisect_right(self.assessments, (day, "~"))
                if k < len(self.assessments) and self.assessments[k][0] <= following and kept:
                    following = min(following, self.assessments[k][0] + timedelta(days=_between(rng, 0, 4)))
                if rests:
                    # The Reset's exemption beginning (a MAPPA level, very high RoSH, child protection) starts the
                    # clocks again that day.
                    k = bisect.bisect_right(changes, day)
                    while k < len(changes) and changes[k] <= following:
                        if not resting(changes[k]):
                            if kept:
                                following = changes[k] + timedelta(days=_between(rng, 0, 2))
                            if home_next is not None:
                                home_next = min(home_next, changes[k] + timedelta(
                                    days=self._home_gap(home_first, home_kept)))
                            break
                        k += 1
                if home_next is None:  # a registration added before the next contact starts its clock that day
                    added = [d for code, d, _ in self.registrations if code in home_codes and day < d <= following]
                    if added:
                        home_next = min(added) + timedelta(days=self._home_gap(home_first, home_kept))
                if home_next is not None and day < home_next < following:
                    following = home_next
                if visits and day < visits[0] < following:
                    following = visits[0]
                following = _weekday_back(max(following, day + _ONE_DAY), day)
                # Phone and video contact between contacts in person.
                room = (following - day).days
                if room >= 4:
                    calls = int(0.2 * self.intensity + rng.random()) if not rests else int(0.5 + rng.random())
                    for c in range(min(calls, room // 2)):
                        call = _weekday_back(day + timedelta(days=(c + 1) * room // (calls + 1)), day)
                        if day < call < following and call <= b:
                            roll = rng.random()
                            outcome = ("failed_unacceptable" if roll < w.fail_rate / 3 else
                                       "failed_acceptable" if roll < w.fail_rate / 3 + 0.04 else "attended")
                            self.add(call, "appointment", {"mode": "phone" if _chance(rng, 0.7) else "video",
                                                           "outcome": outcome})
                day = following

    def _home_gap(self, limit: Duration, kept: bool) -> int:
        """Days to the next routine home visit due within ``limit`` (calendar days): kept, or now and then not."""
        days = limit.days
        if kept or not _chance(self.rng, 0.4):
            return _between(self.rng, days // 2, days - 5)
        return days + _between(self.rng, 7, 60)

    def first_assessment(self) -> None:
        """CUR-08: a risk assessment within its limit of the first attended appointment (one done before it, at
        court or before release, does not count), unless one already falls in that time."""
        w, f = self.w, self.figures
        attended = [d for d, _, kind, fields in self.events
                    if kind == "appointment" and fields.get("outcome") == "attended"]
        if not attended:
            return
        first, allowed = min(attended), f.within("CUR-08")
        due = _after(first, allowed)
        if any(first <= d <= due for d, _ in self.assessments):
            return
        day = self.respond(first, allowed, lo=0)
        if day is None or day > w.end:
            return
        level = w.rosh_on(day)
        self.add(day, "risk_assessment", {"rosh": level, "tool": "oasys"})
        bisect.insort(self.assessments, (day, level))
        bisect.insort(self.reviews, day)

    def enforcement(self) -> None:
        """ACT-04 a warning after an unacceptable failure, ACT-05 breach action after a failure the statute sends
        to enforcement (one in the 12 months beginning with a warning, as the rule counts its window, or a repeat
        within the rule's time); on licence a warning is given too."""
        w, f = self.w, self.figures
        warn, breach = f.within("ACT-04"), f.within("ACT-05")
        failures = sorted(d for d, _, kind, fields in self.events
                          if kind == "appointment" and fields.get("outcome") == "failed_unacceptable")
        self.breaches = []
        warnings: list[date] = []
        for n, day in enumerate(failures):
            soon = _after(day, warn)
            if w.kind in _ORDERS and self.enforceable(day, failures[: n + 1], warnings):
                due = _after(day, breach)
                if not any(day <= b <= due for b in self.breaches):  # one action can answer two failures
                    # Breach action answers ACT-04 too, so in time it is in time for both.
                    done = self.respond(day, breach, by=soon)
                    if done is not None:
                        self.add(done, "breach")
                        self.breaches.append(done)
                        continue
                elif any(day <= b <= soon for b in self.breaches):
                    continue
            if any(day <= b <= soon for b in self.breaches + warnings):
                continue
            done = self.respond(day, warn)
            if done is not None:
                self.add(done, "warning_letter", code="AWLI")
                warnings.append(done)

    def enforceable(self, day: date, failures: Sequence[date], warnings: Sequence[date]) -> bool:
        """Whether the failure on ``day`` (the last of ``failures``) must go to enforcement (ACT-05): with an
        anchor (``since``), it is at least the rule's nth failure after the latest warning before its day, within
        the window that warning opens; without one, the nth within ``nth_within``."""
        f = self.figures
        nth, nth_within = f.repeat("ACT-05")
        anchored = f.since("ACT-05")
        if anchored is None:
            since = _back(day, nth_within)
            return sum(1 for earlier in failures if since is None or earlier >= since) >= nth
        span, beginning_with = anchored
        before = [d for d in warnings if d < day]
        if not before:
            return False
        closes = _after(before[-1], span)
        if day > closes or (beginning_with and day == closes):
            return False
        return sum(1 for earlier in failures if earlier > before[-1]) >= nth

    def plans(self) -> None:
        """CON-01 sentence plan; CON-02 risk management plan; OVS-02 the manager's sign-off; CON-05 the plan
        revised after a rise in RoSH; CON-06 the risk management plan (Part B) after a recall."""
        w, rng, f = self.w, self.rng, self.figures
        plans: list[date] = []
        for day in w.recalls:
            done = self.respond(day, f.within("CON-06"), lo=1)
            if done is not None:
                self.add(done, "risk_management_plan")
                plans.append(done)
        raised = f.within("CON-05")
        for k in range(1, len(self.assessments)):
            (_, before), (day, after) = self.assessments[k - 1], self.assessments[k]
            if _LEVELS.index(after) > _LEVELS.index(before) and day <= w.end:
                due = _after(day, raised)
                if not any(day <= d <= due for d in plans):
                    done = self.respond(day, raised, lo=0)
                    if done is not None:
                        self.add(done, "risk_management_plan")
                        plans.append(done)
        attended = [d for d, _, kind, fields in self.events
                    if kind == "appointment" and fields.get("outcome") == "attended"]
        if not attended:
            return
        first = min(attended)
        allowed = f.within("CON-01", self.rosh_on(first))
        if self.kept():
            planned = self.in_time(first, allowed, lo=3)
            due = _after(first, allowed)
            if self.assessments and first < self.assessments[0][0] <= due:
                planned = max(planned, self.assessments[0][0])  # the plan follows the first assessment
        elif _chance(rng, 0.6):
            planned = self.late(first, allowed)
        else:
            return
        self.add(planned, "sentence_plan")
        level = self.rosh_on(planned)
        if self.high_on(planned) or self.mappa_on(planned) is not None:
            with_plan = f.within("CON-02", level)
            if self.kept():
                self.add(self.around(planned, f.look_back("CON-02", level), with_plan), "risk_management_plan")
            elif _chance(rng, 0.5):
                self.add(self.late(planned, with_plan), "risk_management_plan")
        elif _chance(rng, 0.35):
            self.add(_weekday(planned + timedelta(days=_between(rng, 0, 10))), "risk_management_plan")
        if self.high_on(planned):
            signed = self.respond(planned, f.within("OVS-02", level), lo=0)
            if signed is not None:
                self.add(signed, "management_oversight")
                bisect.insort(self.oversight, signed)
        day = planned + timedelta(days=_between(rng, 150, 200))
        while day <= w.end:
            if _chance(rng, 0.6):
                self.add(_weekday(day), "sentence_plan")
            day += timedelta(days=_between(rng, 150, 200))

    def around(self, trigger: date, look_back: Duration | None, allowed: Duration) -> date:
        """A weekday in a deadline's whole window: from ``look_back`` before ``trigger`` (but not before
        supervision starts) to ``allowed`` after it, counted as the rule counts."""
        before = 0
        if look_back is not None:
            earliest = max(subtract_days(trigger, look_back.days, working=look_back.working), self.w.start)
            before = max(0, days_between(earliest, trigger, working=allowed.working))
        n = _between(self.rng, -before, allowed.days)
        if allowed.working:
            return add_days(trigger, n, working=True) if n >= 0 else subtract_days(trigger, -n, working=True)
        day = trigger + timedelta(days=n)
        if n <= allowed.days - 2:
            return _weekday(day)
        return _weekday_back(day, trigger - timedelta(days=before + 1))

    def referrals(self) -> None:
        """INT-01 and INT-03 a programme after a domestic abuse or sex offender registration; INT-04 after the
        start of supervision with a domestic abuse history registration (and no perpetrator one); INT-02 each
        referral started."""
        w, rng, s, f = self.w, self.rng, self.w.start, self.figures
        referred: list[tuple[date, str, str | None]] = []
        for code, rule, programmes in (("ADVP", "INT-01", _DA_PROGRAMMES), ("ARSO", "INT-03", _SEX_PROGRAMMES)):
            for added in w.registered(code):
                service, programme, _ = _pick(rng, programmes)
                day = self.respond(added, f.within(rule), lo=7)
                if day is not None:
                    referred.append((day, service, programme))
        # The history registration in force at the start (or recorded in its first days) brings the case in.
        early = _reach(s, f.applies_within("INT-04"))
        if not w.registered("ADVP") and any(added <= early for added in w.registered("REG30")):
            service, programme, _ = _pick(rng, _DA_PROGRAMMES)
            day = self.respond(s, f.within("INT-04"), lo=7)
            if day is not None:
                referred.append((day, service, programme))
        for _ in range(_pick(rng, ((0, 0.5), (1, 0.35), (2, 0.15)))):
            service, programme, _ = _pick(rng, _OTHER_PROGRAMMES)
            referred.append((_weekday(s + timedelta(days=_between(rng, 14, max(14, (w.end - s).days // 2)))),
                             service, programme))
        started_within = f.within("INT-02")
        for day, service, programme in sorted(referred, key=lambda r: r[0]):
            fields = {"service": service} if programme is None else {"service": service, "programme": programme}
            self.add(day, "referral", fields)
            started = self.respond(day, started_within, lo=14)
            if started is not None:
                self.add(started, "intervention_start", fields)

    def marac(self) -> None:
        """MAG-01 a MARAC referral after the first high RoSH assessment in a domestic abuse case; MAG-05 after
        repeated police call-outs (the third in 12 months); MAG-07 after a further incident within the months
        after a referral."""
        w, rng, f = self.w, self.rng, self.figures
        referrals: list[date] = []
        high = [d for d, level in self.assessments if level in ("high", "very_high")]
        if high and self.active_until(_DOMESTIC_ABUSE, high[0], _reach(high[0], f.applies_within("MAG-01"))):
            done = self.respond(high[0], f.within("MAG-01", self.rosh_on(high[0])), lo=0)
            if done is not None:
                referrals.append(done)
        allowed, nth, nth_within = f.within("MAG-05"), *f.repeat("MAG-05")
        callouts = [d for d, kind, _ in w.news if kind == "police_call_out"]
        for n, day in enumerate(callouts):
            since = _back(day, nth_within)
            recent = [c for c in callouts[: n + 1] if since is None or c >= since]
            if len(recent) >= nth and self.active(_DOMESTIC_ABUSE, day):
                # A referral the rule accepts for this call-out (before it, within the look-back) is not repeated.
                earliest = _back(day, f.look_back("MAG-05")) or day
                due = _after(day, allowed)
                if not any(earliest <= r <= due for r in referrals):
                    done = self.respond(day, allowed)
                    if done is not None:
                        referrals.append(done)
                break
        # MAG-07: an incident in the months after a referral (the last one before its day) is referred back.
        referrals.sort()
        anchored, back = f.since("MAG-07"), f.within("MAG-07")
        for day, kind, _ in w.news:
            if anchored is None or kind not in ("police_call_out", "arrest", "charge") \
                    or not self.active(_DOMESTIC_ABUSE, day):
                continue
            k = bisect.bisect_left(referrals, day)
            if k == 0:
                continue
            closes = _after(referrals[k - 1], anchored[0])
            if day > closes or (anchored[1] and day == closes):
                continue
            due = _after(day, back)
            if any(day <= r <= due for r in referrals[k:]):
                continue
            done = self.respond(day, back)
            if done is not None:
                bisect.insort(referrals, done)
        for day in referrals:
            self.add(day, "marac_referral")
            if _chance(rng, 0.5):
                added = _weekday(day + timedelta(days=_between(rng, 7, 21)))
                removed = added + timedelta(days=_between(rng, 120, 300)) if _chance(rng, 0.5) else None
                removed = _weekday(removed) if removed is not None else None
                self.add(added, "registration_added", {"code": "IMAR"}, "IMAR")
                if removed is not None:
                    self.add(removed, "registration_removed", {"code": "IMAR"}, "IMAR")
                self.registrations.append(("IMAR", added, removed))

    def mappa_meetings(self) -> None:
        """MAG-03: at MAPPA level 2 or 3, a first meeting and then regular ones."""
        w, f = self.w, self.figures
        if not self.mappa_levels:
            return
        held = sorted(d for d, _, kind, _ in self.events if kind == "mappa_meeting" and d >= w.start)
        periods = self.periods(lambda d: (self.mappa_on(d) or 0) >= 2, w.start, w.end)
        self.recurring(periods, lambda d: f.first_within("MAG-03", self.rosh_on(d)),
                       lambda d: f.every("MAG-03", self.rosh_on(d)), held, lambda d: self.add(d, "mappa_meeting"))

    def management_oversight(self) -> None:
        """OVS-03 at allocation, OVS-04 after a recall or breach, OVS-01 regularly while risk is high or under
        MAPPA, and now and then in any case."""
        w, rng, s, f = self.w, self.rng, self.w.start, self.figures

        def note(day: date) -> None:
            self.add(day, "management_oversight")
            bisect.insort(self.oversight, day)

        reach = f.applies_within("OVS-03")
        for day in sorted(self.allocations):
            # A public-protection case on the day or soon after (as the rule judges it); before the first
            # assessment nobody knows whether the case is high risk, so the manager looks.
            if self.public_protection_until(day, _reach(day, reach)) or self.rosh_on(day) is None \
                    or _chance(rng, 0.3):
                done = self.respond(day, f.within("OVS-03", self.rosh_on(day)), lo=0)
                if done is not None:
                    note(done)
        # OVS-04 a recall or breach, OVS-06 a transfer: one oversight in time answers several.
        for days, rule in ((sorted(w.recalls + self.breaches), "OVS-04"), (w.transfers, "OVS-06")):
            after_change = f.within(rule)
            for day in days:
                due = _after(day, after_change)
                if not any(day <= o <= due for o in self.oversight):
                    done = self.respond(day, after_change, lo=0)
                    if done is not None:
                        note(done)
        splits = [d for k, (d, level) in enumerate(self.assessments)
                  if k == 0 or level != self.assessments[k - 1][1]]
        periods = self.periods(lambda d: self.high_on(d) or self.mappa_on(d) is not None, s, w.end,
                               split_on=[d for d in splits if s < d <= w.end])
        self.recurring(periods, lambda d: f.first_within("OVS-01", self.rosh_on(d)),
                       lambda d: f.every("OVS-01", self.rosh_on(d)), self.oversight, note)
        if _chance(rng, 0.5) or self.intensity > 1:
            self.recurring([(s, w.end)], lambda _: _HABIT[0], lambda _: _HABIT[1], self.oversight, note)

    def registration_reviews(self) -> None:
        """MAG-06: while a domestic abuse, child protection, MAPPA or MARAC registration is active, the risk is
        reviewed regularly."""
        w, f = self.w, self.figures
        existing = sorted(d for d, _, kind, _ in self.events if kind in ("risk_review", "risk_assessment"))
        periods = self.periods(lambda d: self.active(_REVIEWED, d), w.start, w.end)
        self.recurring(periods, lambda d: f.first_within("MAG-06", self.rosh_on(d)),
                       lambda d: f.every("MAG-06", self.rosh_on(d)), existing, self.note_review)
        if self.intensity > 1:
            self.recurring([(w.start, w.end)], lambda _: _HABIT[0], lambda _: _HABIT[1], existing, self.note_review)

    def end_of_supervision(self) -> None:
        """CON-03, CON-04 and OVS-05: the pre-termination review, exit plan and oversight before the end."""
        w, rng, f = self.w, self.rng, self.figures
        end = w.end
        for kind, rule, late_from in (("pre_termination_review", "CON-03", 3), ("exit_plan", "CON-04", 3),
                                      ("management_oversight", "OVS-05", 1)):
            opening, due = _back(end, f.within_last(rule)), _back(end, f.at_least_before(rule))
            assert opening is not None and due is not None
            if opening <= w.start:
                continue
            # Whether the rule applies is judged on the day its window opens.
            protect = self.active(_DOMESTIC_ABUSE + _CHILDREN, opening) or self.mappa_on(opening) is not None
            needed = (protect or self.high_on(opening) if rule == "OVS-05" else
                      protect or _chance(rng, 0.5 if rule == "CON-03" else 0.15))
            if not needed:
                continue
            # Counted back from the end: in time from two days after the window opens to two days before the
            # due date; late from the day after the due date to a day or three before the end.
            due_at, opens_at = (end - due).days, (end - opening).days
            if self.kept():
                day = self.before_end(due_at + 2, opens_at - 2, opening)
            elif _chance(rng, 0.5) and due_at > 0:
                day = self.before_end(min(late_from, due_at - 1), due_at - 1, opening)
            else:
                continue
            self.add(day, kind)
        # CON-07: the end recorded (an order or licence that ran its course expires on its own; one that ended
        # early was ended by a decision, always recorded).
        if w.ended_early or self.kept():
            self.add(end, "termination")

    def victims(self) -> None:
        """With a victim in the Victim Contact Scheme (INVI): VIC-01 the scheme offered after sentence; VIC-02 the
        victim's representations sought before release on licence, within the rule's look-back. In a domestic
        abuse case, VIC-03 safety work with the partner when a programme starts."""
        w, rng, s, f = self.w, self.rng, self.w.start, self.figures
        safety: list[date] = []
        before, within = f.look_back("VIC-03"), f.within("VIC-03")
        for day, _, kind, fields in sorted(self.events, key=lambda e: (e[0], e[1])):
            if kind != "intervention_start" or fields.get("service") not in ("accredited_programme",
                                                                               "structured_intervention"):
                continue
            if not self.active(_DOMESTIC_ABUSE, day):
                continue
            opens, due = _back(day, before) or day, _after(day, within)
            if any(opens <= d <= due for d in safety):
                continue
            done = self.respond(day, within, lo=0)
            if done is not None:
                safety.append(done)
                self.add(done, "victim_contact", {"kind": "safety_work"})
        registered = w.registered("INVI")
        if not registered:
            return
        if w.kind in _ORDERS:
            if min(registered) <= _reach(s, f.applies_within("VIC-01")):
                offered = self.respond(s, f.within("VIC-01"), lo=5)
                if offered is not None:
                    self.add(offered, "victim_contact", {"kind": "scheme_offer"})
            return
        if min(registered) > s:
            return
        if self.kept():
            sought = self.ahead(s, 5, 100, max(min(registered), _back(s, f.look_back("VIC-02")) or min(registered)))
        elif _chance(rng, 0.5):
            sought = _weekday(s + timedelta(days=_between(rng, 3, 30)))
        else:
            sought = None
        if sought is not None:
            self.add(sought, "victim_contact", {"kind": "representations"})

    def before_end(self, lo: int, hi: int, opening: date) -> date:
        """A weekday from ``lo`` to ``hi`` days before the end of supervision, and after ``opening`` if a
        weekend moves it back."""
        return _weekday_back(self.w.end - timedelta(days=_between(self.rng, lo, hi)), opening)

    def rosh_records(self) -> None:
        """nDelius records the RoSH level as a registration, and the tier follows the level."""
        previous = None
        change = _between(self.rng, 0, 3)
        for day, level in self.assessments:
            if level == previous:
                continue
            if previous is not None:
                self.add(day, "registration_removed", {"code": _ROSH_CODE[previous]}, _ROSH_CODE[previous])
            self.add(day, "registration_added", {"code": _ROSH_CODE[level]}, _ROSH_CODE[level])
            letter = {"very_high": "A", "high": "A", "medium": "B", "low": "C"}[level]
            self.add(_weekday(day + timedelta(days=_between(self.rng, 0, 2))), "tier_calculation",
                     {"tier": f"{letter}{change}"})
            previous = level


# --- assembling a case ----------------------------------------------------------------------------------------

def _timeline(w: _World, built: list[_Built], start_from: date) -> dict[str, Any]:
    last = w.end
    kept = sorted((e for e in built if start_from <= e[0] <= last), key=lambda e: (e[0], e[1]))
    seen: set[tuple[object, ...]] = set()
    unique = []
    for day, _, kind, fields in kept:
        key = (day, kind, tuple(fields.items()))
        if key in seen:  # only ever looked up, never iterated
            continue
        seen.add(key)
        unique.append((day, kind, fields))
    width = max(2, len(str(len(unique))))
    events = []
    for n, (day, kind, fields) in enumerate(unique, 1):
        events.append({"id": f"E{n:0{width}d}", "type": kind, "date": day.isoformat(), **fields})
    case: dict[str, object] = {"id": w.case_id, "supervision_type": w.kind, "start_date": w.start.isoformat(),
            "expected_end_date": w.expected_end.isoformat()}
    if any(kind == "termination" for _, kind, _ in unique):
        case["end_date"] = w.end.isoformat()
    case["units"] = {"region": w.units[0], "pdu": w.units[1], "team": w.units[2]}
    return {"case": case, "events": events}


def _sizes(w: _World, built: list[_Built], start_from: date) -> tuple[int, int]:
    """How many events a case will have, and how many of them are routine (contact, oversight, reviews)."""
    kept = [kind for day, _, kind, _ in built if start_from <= day <= w.end]
    return len(kept), sum(1 for kind in kept if kind in ("appointment", "management_oversight", "risk_review"))


def generate_case(rng: random.Random, index: int, quality: float, start_from: date = FIRST_DAY,
                  end_by: date = LAST_DAY, *, events: int | None = None,
                  rulebook: Rulebook | None = None) -> dict[str, Any]:
    """One made-up case timeline (a dict valid against the timeline schema), drawn from ``rng`` alone.

    ``index`` gives the case id (``X000001`` for 1). ``quality`` (0 to 1) is the probability that each action
    ``rulebook`` (default: the bundled rulebook) expects happens, and happens in time. Every date falls from
    ``start_from`` to ``end_by``. ``events``, if given, is roughly how many events the case should have
    (supervision is longer and contact, oversight and reviews more frequent); the caseload's average comes
    close to it.
    """
    return _case(rng, index, quality, start_from, end_by, events, Figures.of(rulebook))


def _case(rng: random.Random, index: int, quality: float, start_from: date, end_by: date, events: int | None,
          figures: Figures) -> dict[str, Any]:
    if not 0.0 <= quality <= 1.0:
        raise ValueError(f"quality must be from 0 to 1, not {quality!r}")
    if (end_by - start_from).days < _LEAD + 200:
        raise ValueError(f"the window {start_from} to {end_by} is too short: it needs at least {_LEAD + 200} days")
    world = _world(rng, index, start_from, end_by, long=events is not None)
    practice_seed = int(rng.random() * 2**53)
    target = None if events is None else events * (0.6 + 0.8 * rng.random())

    def draw(intensity: float) -> list[_Built]:
        return _Practice(world, random.Random(practice_seed), quality, intensity, figures).build()

    built = draw(1.0)
    if target is not None:
        # Aim at the target by making the routine (contact, oversight, reviews) more frequent.
        intensity = 1.0
        for _ in range(3):
            count, routine = _sizes(world, built, start_from)
            if abs(count - target) <= 0.1 * target:
                break
            intensity = min(12.0, max(1.0, intensity * (1 + (target - count) / max(1, routine))))
            built = draw(intensity)
    return _timeline(world, built, start_from)


def generate_caseload(cases: int, seed: int, quality: float = 0.7, events: int | None = None,
                      rulebook: Rulebook | None = None) -> Iterator[dict[str, Any]]:
    """Yield ``cases`` made-up case timelines, one at a time (constant memory, whatever the count).

    Practice keeps the figures of ``rulebook`` (default: the bundled rulebook), read once for the caseload.
    The same (cases, seed, quality, events, rulebook) always gives the same cases. Each case has its own random
    stream (from the seed and its index), so case N is the same whatever ``cases`` is, and a case's world (what
    happens to the person) is the same at every quality and with every rulebook.
    """
    if cases < 0:
        raise ValueError(f"cases must be 0 or more, not {cases!r}")
    if not 0.0 <= quality <= 1.0:
        raise ValueError(f"quality must be from 0 to 1, not {quality!r}")
    if events is not None and events < 1:
        raise ValueError(f"events must be 1 or more, not {events!r}")
    figures = Figures.of(rulebook)
    for index in range(1, cases + 1):
        yield _case(random.Random(f"ppcompliance:{seed}:{index}"), index, quality, FIRST_DAY, LAST_DAY, events,
                    figures)
