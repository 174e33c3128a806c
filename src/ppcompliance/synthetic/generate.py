"""Synthetic caseloads: made-up case timelines for demos, tests and benchmarks, so none needs real data.

Each case is drawn in two passes. The *world* pass decides what happens to the person, whatever the quality of
practice: the supervision type and dates, the RoSH level and its changes, registrations, MAPPA category and
level, new information, custody (remand, recall) and an early end. The *practice* pass decides what the
practitioner and manager do about it, against the expectations of the default rulebook: ``quality`` is the
probability that each expected action happens, and happens in time (for a routine, such as contact in person
or three-monthly oversight, that the routine is kept). Both passes draw from the one ``random.Random`` given,
so a case's world is the same at every quality and only the practice differs.

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
from typing import Iterator

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


def _pick(rng: random.Random, table):
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
    """The day, or for a weekend the Monday after (work is recorded on weekdays).

    A weekend day N calendar days after a trigger is at most N - 1 working days after it, and the Monday adds
    one, so an action placed within N calendar days of its trigger stays within N working days.
    """
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
        self.terminated = False
        self.rosh: list[tuple[date, str]] = []  # the true level from each date
        self.registrations: list[tuple[str, date, date | None]] = []  # code, added, removed
        self.mappa: tuple[int, int] | None = None  # category, level
        self.mappa_step_down: date | None = None
        self.news: list[tuple[date, str]] = []
        self.custody: list[tuple[date, date, str]] = []  # start, release, reason
        self.recalls: list[date] = []
        self.reallocations: list[date] = []
        self.fail_rate = 0.0

    def rosh_on(self, day: date) -> str:
        level = self.rosh[0][1]
        for since, value in self.rosh:
            if since <= day:
                level = value
        return level

    def active(self, codes, day: date) -> bool:
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
    w.terminated = w.ended_early or _chance(rng, 0.75)

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

    # New information: about two a year in domestic abuse cases, fewer in others.
    da = bool(w.registered("ADVP") or w.registered("REG30"))
    mean_gap = 365 / (2.0 if da else 0.8)
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
    w.news = sorted((d, k) for d, k in news if start <= d <= w.end)
    w.fail_rate = _pick(rng, ((0.01, 0.5), (0.04, 0.35), (0.10, 0.15)))
    return w


# --- practice: what probation does about it -----------------------------------------------------------------

class _Practice:
    """Builds the events of one case from its world, at one practice quality and contact intensity."""

    def __init__(self, world: _World, rng: random.Random, quality: float, intensity: float):
        self.w = world
        self.rng = rng
        self.q = quality
        self.intensity = intensity
        self.events: list[tuple[date, int, str, dict]] = []
        self.assessments: list[tuple[date, str]] = []
        self.reviews: list[date] = []  # risk reviews, assessments and reports: what CUR-04 accepts
        self.oversight: list[date] = []
        self.mappa_levels: list[tuple[date, int]] = []
        self.registrations = list(world.registrations)
        self.psr: date | None = None
        self.allocations: list[date] = []
        self.breaches: list[date] = []

    # -- helpers

    def add(self, day: date, kind: str, fields: dict | None = None, code: str | None = None) -> date:
        item = dict(fields) if fields else {}
        if code is not None:
            item["ndelius_code"] = code
        self.events.append((day, len(self.events), kind, item))
        return day

    def kept(self) -> bool:
        """Whether an expected action is done in time (or a routine is kept): the quality knob."""
        return self.rng.random() < self.q

    def respond(self, trigger: date, within: int, working: bool = True, lo: int = 1) -> date | None:
        """When an action expected within N (working or calendar) days of a trigger is done: in time with
        probability ``quality``, otherwise late or never (half each)."""
        rng = self.rng
        if self.kept():
            limit = within if working else within - 2
            return _weekday(trigger + timedelta(days=_between(rng, lo, max(lo, limit))))
        if _chance(rng, 0.5):
            late = within * 7 // 5 + 6 if working else within + 3
            return _weekday(trigger + timedelta(days=_between(rng, late, late + within + 10)))
        return None

    def rosh_on(self, day: date) -> str | None:
        """The RoSH level as recorded (by the latest assessment on or before ``day``)."""
        i = bisect.bisect_right(self.assessments, (day, "~"))
        return self.assessments[i - 1][1] if i else None

    def active(self, codes, day: date) -> bool:
        return any(code in codes and added <= day and (removed is None or day < removed)
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

    def review_near(self, day: date, days: int) -> bool:
        i = bisect.bisect_left(self.reviews, day)
        return i < len(self.reviews) and self.reviews[i] <= day + timedelta(days=days)

    def note_review(self, day: date, kind: str = "risk_review") -> None:
        self.add(day, kind)
        bisect.insort(self.reviews, day)

    def recurring(self, periods, first: int, every, existing: list[date], make) -> None:
        """Keep a routine over each period [a, b]: the first within ``first`` days, then at least every
        ``every(day)`` days; existing events count. A kept routine is in time; one not kept lapses now and then.
        """
        rng = self.rng
        kept = self.kept()
        for a, b in periods:
            anchor, limit, opening = a, first, True
            while True:
                due = anchor + timedelta(days=limit)
                i = bisect.bisect_left(existing, anchor if opening else anchor + _ONE_DAY)
                j = bisect.bisect_right(existing, min(due, b))
                if j > i:
                    anchor, limit, opening = existing[j - 1], every(existing[j - 1]), False
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
                anchor, limit, opening = day, every(day), False

    def periods(self, holds, lo: date, hi: date, split_on=()) -> list[tuple[date, date]]:
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

    # -- the case, stage by stage

    def build(self) -> list[tuple[date, int, str, dict]]:
        self.court_and_release()
        self.world_events()
        self.registrations_recorded()
        self.mappa()
        self.risk_assessments()
        self.enquiries()
        self.contacts()
        self.enforcement()
        self.plans()
        self.referrals()
        self.marac()
        self.mappa_meetings()
        self.management_oversight()
        self.registration_reviews()
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
        for day, kind in w.news:
            self.add(day, "new_information", {"kind": kind})
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

    def mappa(self) -> None:
        w, rng, s = self.w, self.rng, self.w.start
        if w.mappa is None:
            return
        category, level = w.mappa
        licence = w.kind not in _ORDERS
        if category == 1:
            registered = w.registered("ARSO")[0]
            if self.kept():
                set_on = (_weekday_back(s - timedelta(days=_between(rng, 20, 110)), s - timedelta(days=_LEAD))
                          if licence else _weekday(registered + timedelta(days=_between(rng, 1, 10))))
            elif _chance(rng, 0.5):
                set_on = _weekday(registered + timedelta(days=_between(rng, 20, 60)))
            else:
                set_on = None
            fallback = registered + timedelta(days=_between(rng, 5, 30))
        else:
            referred = (_weekday_back(s - timedelta(days=_between(rng, 40, 110)), s - timedelta(days=_LEAD))
                        if licence else _weekday(s + timedelta(days=_between(rng, 10, 60))))
            self.add(referred, "mappa_referral")
            set_on = self.respond(referred, 20, lo=5)
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
        # CUR-02: new information is followed by a risk review (or a reassessment, where the risk changed).
        for day, _ in w.news:
            done = self.respond(day, 10)
            if done is not None:
                changed = any(day - timedelta(days=1) <= c <= day for c in changes)
                dates.append((done, "risk_assessment" if changed or _chance(rng, 0.25) else "risk_review"))
        for day, kind in sorted(dates):
            if kind == "risk_assessment":
                level = w.rosh_on(day)
                self.add(day, "risk_assessment", {"rosh": level, "tool": "oasys" if _chance(rng, 0.95) else "other"})
                self.assessments.append((day, level))
                bisect.insort(self.reviews, day)
            else:
                self.note_review(day)
        self.assessments.sort()

    def enquiry(self, agency: str, topic: str, day: date) -> None:
        code = "SFGC" if agency == "childrens_services" else None
        self.add(day, "enquiry", {"agency": agency, "topic": topic, "status": "requested"}, code)
        answered = self.respond(day, 10)
        if answered is None:
            return
        self.add(answered, "enquiry", {"agency": agency, "topic": topic, "status": "response_received"})
        # CUR-04: the answer is considered in a review of the risk within 10 working days.
        if not self.review_near(answered, 10):
            reviewed = self.respond(answered, 10, lo=0)
            if reviewed is not None:
                self.note_review(reviewed)

    def enquiries(self) -> None:
        w, rng, s = self.w, self.rng, self.w.start
        for agency, topic in (("police", "domestic_abuse"), ("childrens_services", "child_safeguarding")):
            if w.kind in _ORDERS:
                if self.kept():  # before sentence (ENQ-01, ENQ-02)
                    day = _weekday_back(s - timedelta(days=_between(rng, 3, 25)), s - timedelta(days=30))
                else:  # a second chance early in supervision (ENQ-03, ENQ-04)
                    day = self.respond(s, 15)
            elif self.kept():  # before release
                day = _weekday_back(s - timedelta(days=_between(rng, 10, 85)), s - timedelta(days=91))
            else:
                day = self.respond(s, 15) if _chance(rng, 0.5) else None
                day = day or (_weekday(s + timedelta(days=_between(rng, 27, 60))) if _chance(rng, 0.5) else None)
            if day is not None:
                self.enquiry(agency, topic, day)
        # ENQ-05: in a domestic abuse case, each incident prompts a fresh police enquiry; a safeguarding concern
        # prompts one to children's social care.
        for day, kind in w.news:
            if kind in _DA_INCIDENT and self.active(_DOMESTIC_ABUSE, day):
                asked = self.respond(day, 5)
                if asked is not None:
                    self.enquiry("police", "domestic_abuse", asked)
            elif kind == "safeguarding_concern" and (self.active(_CHILDREN, day) or _chance(rng, 0.5)):
                asked = self.respond(day, 5)
                if asked is not None:
                    self.enquiry("childrens_services", "child_safeguarding", asked)

    def contacts(self) -> None:
        """Appointments: in person as often as the recorded RoSH requires, with phone and video between,
        home visits in domestic abuse and child cases, and nothing while in custody."""
        w, rng, s = self.w, self.rng, self.w.start
        kept, home_kept = self.kept(), self.kept()
        length = max(1, (w.expected_end - s).days)  # the Reset's two-thirds point is of the expected period
        segments, day = [], s
        for a, b, _ in w.custody:
            if a > day:
                segments.append((day, a - _ONE_DAY))
            day = b
        if day <= w.end:
            segments.append((day, w.end))
        home_codes = _DOMESTIC_ABUSE + _CHILDREN
        appointments = []
        for n, (a, b) in enumerate(segments):
            if n == 0 and w.kind in _ORDERS:  # ACT-01: the first appointment in person within 5 working days
                # (a little early, so that a failed first appointment can be rebooked in time)
                first = _weekday(a + timedelta(days=_between(rng, 0, 3) if self.kept() else _between(rng, 13, 25)))
            elif n == 0:
                first = a if self.kept() else _weekday(a + timedelta(days=_between(rng, 3, 10)))
            else:
                first = _weekday(a + timedelta(days=_between(rng, 0, 3) if self.kept() else _between(rng, 8, 20)))
            home_next = a + timedelta(days=self._home_gap(42, home_kept)) if self.active(home_codes, a) else None
            day, last_attended = first, None
            while day <= b:
                if home_next is None and self.active(home_codes, day):
                    home_next = day + timedelta(days=self._home_gap(42, home_kept))
                elif home_next is not None and not self.active(home_codes, day):
                    home_next = None
                if home_next is not None and day >= home_next:
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
                    if mode == "home_visit" and home_next is not None:
                        home_next = day + timedelta(days=self._home_gap(91, home_kept))
                # The next contact in person, by the RoSH level recorded now.
                level = self.rosh_on(day)
                elapsed = (day - s).days / length
                exempt = (self.mappa_on(day) is not None or level == "very_high"
                          or self.active(("RCPR",), day))
                if elapsed >= 0.70 and not exempt:  # the Probation Reset: no routine contact in the last third
                    gap = _between(rng, 21, 56)
                elif outcome != "attended" and (kept or _chance(rng, 0.5)):
                    gap = _between(rng, 1, 2)
                elif kept or not _chance(rng, 0.3):
                    lo, hi = {None: (5, 6), "very_high": (5, 6), "high": (7, 12), "medium": (14, 24),
                              "low": (24, 40)}[level]
                    gap = max(1, int(_between(rng, lo, hi) / self.intensity))
                else:  # a lapse: longer than the level allows
                    most = {None: 7, "very_high": 7, "high": 14, "medium": 28, "low": 56}[level]
                    since = last_attended or day
                    gap = max(1, (since - day).days + most + _between(rng, 1, most))
                following = day + timedelta(days=gap)
                # A new assessment (perhaps at a new level, whose clock starts that day) brings contact forward.
                k = bisect.bisect_right(self.assessments, (day, "~"))
                if k < len(self.assessments) and self.assessments[k][0] <= following and kept:
                    following = min(following, self.assessments[k][0] + timedelta(days=_between(rng, 0, 4)))
                if home_next is None:  # a registration added before the next contact starts its clock that day
                    added = [d for code, d, _ in self.registrations if code in home_codes and day < d <= following]
                    if added:
                        home_next = min(added) + timedelta(days=self._home_gap(42, home_kept))
                if home_next is not None and day < home_next < following:
                    following = home_next
                following = _weekday_back(max(following, day + _ONE_DAY), day)
                # Phone and video contact between contacts in person.
                room = (following - day).days
                if room >= 4:
                    calls = int(0.2 * self.intensity + rng.random()) if not (elapsed >= 0.70 and not exempt) \
                        else int(0.5 + rng.random())
                    for c in range(min(calls, room // 2)):
                        call = _weekday_back(day + timedelta(days=(c + 1) * room // (calls + 1)), day)
                        if day < call < following and call <= b:
                            roll = rng.random()
                            outcome = ("failed_unacceptable" if roll < w.fail_rate / 3 else
                                       "failed_acceptable" if roll < w.fail_rate / 3 + 0.04 else "attended")
                            self.add(call, "appointment", {"mode": "phone" if _chance(rng, 0.7) else "video",
                                                           "outcome": outcome})
                day = following

    def _home_gap(self, limit: int, kept: bool) -> int:
        if kept or not _chance(self.rng, 0.4):
            return _between(self.rng, limit // 2, limit - 5)
        return limit + _between(self.rng, 7, 60)

    def enforcement(self) -> None:
        """ACT-04 and ACT-05: a warning after an unacceptable failure, breach action after a second in 12
        months; on licence a warning is given too."""
        w = self.w
        failures = sorted(d for d, _, kind, f in self.events
                          if kind == "appointment" and f.get("outcome") == "failed_unacceptable")
        self.breaches = []
        warnings: list[date] = []
        for n, day in enumerate(failures):
            recent = sum(1 for f in failures[: n + 1] if f >= day - timedelta(days=365))
            soon = day + timedelta(days=10)
            if w.kind in _ORDERS and recent >= 2:
                if any(day <= b <= soon for b in self.breaches):  # one action can answer two failures
                    continue
                done = self.respond(day, 10)
                if done is not None:
                    self.add(done, "breach")
                    self.breaches.append(done)
                    continue
            if any(day <= b <= soon for b in self.breaches + warnings):
                continue
            done = self.respond(day, 10)
            if done is not None:
                self.add(done, "warning_letter", code="AWLI")
                warnings.append(done)

    def plans(self) -> None:
        """CON-01 sentence plan; CON-02 risk management plan; OVS-02 the manager's sign-off."""
        w, rng = self.w, self.rng
        attended = [d for d, _, kind, f in self.events if kind == "appointment" and f.get("outcome") == "attended"]
        if not attended:
            return
        first = min(attended)
        if self.kept():
            planned = first + timedelta(days=_between(rng, 3, 15))
            if self.assessments and first < self.assessments[0][0] <= first + timedelta(days=15):
                planned = max(planned, self.assessments[0][0])  # the plan follows the first assessment
            planned = _weekday(planned)
        elif _chance(rng, 0.6):
            planned = _weekday(first + timedelta(days=_between(rng, 27, 60)))
        else:
            return
        self.add(planned, "sentence_plan")
        if self.high_on(planned) or self.mappa_on(planned) is not None:
            if self.kept():
                done = _weekday_back(planned + timedelta(days=_between(rng, -20, 5)), planned - timedelta(days=28))
                self.add(done, "risk_management_plan")
            elif _chance(rng, 0.5):
                self.add(_weekday(planned + timedelta(days=_between(rng, 13, 40))), "risk_management_plan")
        elif _chance(rng, 0.35):
            self.add(_weekday(planned + timedelta(days=_between(rng, 0, 10))), "risk_management_plan")
        if self.high_on(planned):
            signed = self.respond(planned, 10, lo=0)
            if signed is not None:
                self.add(signed, "management_oversight")
                bisect.insort(self.oversight, signed)
        day = planned + timedelta(days=_between(rng, 150, 200))
        while day <= w.end:
            if _chance(rng, 0.6):
                self.add(_weekday(day), "sentence_plan")
            day += timedelta(days=_between(rng, 150, 200))

    def referrals(self) -> None:
        """INT-01 and INT-03: a programme within 8 weeks of the registration; INT-02 a start within 12 weeks."""
        w, rng, s = self.w, self.rng, self.w.start
        referred: list[tuple[date, str, str | None]] = []
        for code, programmes in (("ADVP", _DA_PROGRAMMES), ("ARSO", _SEX_PROGRAMMES)):
            for added in w.registered(code):
                service, programme, _ = _pick(rng, programmes)
                day = self.respond(added, 56, working=False, lo=7)
                if day is not None:
                    referred.append((day, service, programme))
        for _ in range(_pick(rng, ((0, 0.5), (1, 0.35), (2, 0.15)))):
            service, programme, _ = _pick(rng, _OTHER_PROGRAMMES)
            referred.append((_weekday(s + timedelta(days=_between(rng, 14, max(14, (w.end - s).days // 2)))),
                             service, programme))
        for day, service, programme in sorted(referred, key=lambda r: r[0]):
            fields = {"service": service} if programme is None else {"service": service, "programme": programme}
            self.add(day, "referral", fields)
            started = self.respond(day, 84, working=False, lo=14)
            if started is not None:
                self.add(started, "intervention_start", fields)

    def marac(self) -> None:
        """MAG-01 a MARAC referral after a high RoSH assessment in a domestic abuse case; MAG-05 after a third
        police call-out in 12 months."""
        w, rng = self.w, self.rng
        referrals: list[date] = []
        high = [d for d, level in self.assessments if level in ("high", "very_high")]
        if high and self.active(("ADVP",), high[0]):
            done = self.respond(high[0], 10, lo=0)
            if done is not None:
                referrals.append(done)
        callouts = [d for d, kind in w.news if kind == "police_call_out"]
        for n, day in enumerate(callouts):
            recent = [c for c in callouts[: n + 1] if c >= day - timedelta(days=365)]
            if len(recent) >= 3 and self.active(_DOMESTIC_ABUSE, day):
                if not any(day - timedelta(days=91) <= r <= day + timedelta(days=10) for r in referrals):
                    done = self.respond(day, 10)
                    if done is not None:
                        referrals.append(done)
                break
        for day in sorted(referrals):
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
        """MAG-03: at MAPPA level 2 or 3, a meeting within 4 weeks and then at least every 16 weeks."""
        w = self.w
        if not self.mappa_levels:
            return
        held = sorted(d for d, _, kind, _ in self.events if kind == "mappa_meeting" and d >= w.start)
        periods = self.periods(lambda d: (self.mappa_on(d) or 0) >= 2, w.start, w.end)
        self.recurring(periods, 28, lambda _: 112, held, lambda d: self.add(d, "mappa_meeting"))

    def management_oversight(self) -> None:
        """OVS-03 at allocation, OVS-04 after a recall or breach, OVS-01 regularly while risk is high or under
        MAPPA, and now and then in any case."""
        w, rng, s = self.w, self.rng, self.w.start

        def note(day: date) -> None:
            self.add(day, "management_oversight")
            bisect.insort(self.oversight, day)

        for day in self.allocations:
            # Before the first assessment nobody knows whether the case is high risk, so the manager looks.
            if self.public_protection(day) or self.rosh_on(day) is None or _chance(rng, 0.3):
                done = self.respond(day, 10, lo=0)
                if done is not None:
                    note(done)
        for day in sorted(w.recalls + self.breaches):
            if not any(day <= o <= day + timedelta(days=5) for o in self.oversight):
                done = self.respond(day, 5, lo=0)
                if done is not None:
                    note(done)
        splits = [d for k, (d, level) in enumerate(self.assessments)
                  if k == 0 or level != self.assessments[k - 1][1]]
        periods = self.periods(lambda d: self.high_on(d) or self.mappa_on(d) is not None, s, w.end,
                               split_on=[d for d in splits if s < d <= w.end])
        self.recurring(periods, 28, lambda d: 56 if self.rosh_on(d) in (None, "very_high") else 91,
                       self.oversight, note)
        if _chance(rng, 0.5) or self.intensity > 1:
            self.recurring([(s, w.end)], 120, lambda _: 150, self.oversight, note)

    def registration_reviews(self) -> None:
        """MAG-06: while a domestic abuse, child protection, MAPPA or MARAC registration is active, the risk is
        reviewed within 13 weeks and then at least every 13 weeks."""
        w = self.w
        existing = sorted(d for d, _, kind, _ in self.events if kind in ("risk_review", "risk_assessment"))
        periods = self.periods(lambda d: self.active(_REVIEWED, d), w.start, w.end)
        self.recurring(periods, 91, lambda _: 91, existing, self.note_review)
        if self.intensity > 1:
            self.recurring([(w.start, w.end)], 120, lambda _: 150, existing, self.note_review)

    def end_of_supervision(self) -> None:
        """CON-03, CON-04 and OVS-05: the pre-termination review, exit plan and oversight before the end."""
        w, rng = self.w, self.rng
        end = w.end
        window = end - timedelta(days=56)
        if window <= w.start:
            if w.terminated:
                self.add(end, "termination")
            return
        protect = self.active(_DOMESTIC_ABUSE + _CHILDREN, window) or self.mappa_on(window) is not None
        for kind, needed in (("pre_termination_review", protect or _chance(rng, 0.5)),
                             ("exit_plan", protect or _chance(rng, 0.15))):
            if not needed:
                continue
            if self.kept():
                self.add(_weekday_back(end - timedelta(days=_between(rng, 30, 54)), window), kind)
            elif _chance(rng, 0.5):
                self.add(_weekday_back(end - timedelta(days=_between(rng, 3, 27)), window), kind)
        if protect or self.high_on(window):
            if self.kept():
                self.add(_weekday_back(end - timedelta(days=_between(rng, 16, 54)), window), "management_oversight")
            elif _chance(rng, 0.5):
                self.add(_weekday_back(end - timedelta(days=_between(rng, 1, 13)), window), "management_oversight")
        if w.terminated:
            self.add(end, "termination")

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

def _timeline(w: _World, built: list[tuple[date, int, str, dict]], start_from: date) -> dict:
    last = w.end
    kept = sorted((e for e in built if start_from <= e[0] <= last), key=lambda e: (e[0], e[1]))
    seen: set[tuple] = set()
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
    case = {"id": w.case_id, "supervision_type": w.kind, "start_date": w.start.isoformat(),
            "expected_end_date": w.expected_end.isoformat()}
    if w.terminated:
        case["end_date"] = w.end.isoformat()
    case["units"] = {"region": w.units[0], "pdu": w.units[1], "team": w.units[2]}
    return {"case": case, "events": events}


def _sizes(w: _World, built: list[tuple[date, int, str, dict]], start_from: date) -> tuple[int, int]:
    """How many events a case will have, and how many of them are routine (contact, oversight, reviews)."""
    kept = [kind for day, _, kind, _ in built if start_from <= day <= w.end]
    return len(kept), sum(1 for kind in kept if kind in ("appointment", "management_oversight", "risk_review"))


def generate_case(rng: random.Random, index: int, quality: float, start_from: date = FIRST_DAY,
                  end_by: date = LAST_DAY, *, events: int | None = None) -> dict:
    """One made-up case timeline (a dict valid against the timeline schema), drawn from ``rng`` alone.

    ``index`` gives the case id (``X000001`` for 1). ``quality`` (0 to 1) is the probability that each action
    the rulebook expects happens, and happens in time. Every date falls from ``start_from`` to ``end_by``.
    ``events``, if given, is roughly how many events the case should have (supervision is longer and contact,
    oversight and reviews more frequent); the caseload's average comes close to it.
    """
    if not 0.0 <= quality <= 1.0:
        raise ValueError(f"quality must be from 0 to 1, not {quality!r}")
    if (end_by - start_from).days < _LEAD + 200:
        raise ValueError(f"the window {start_from} to {end_by} is too short: it needs at least {_LEAD + 200} days")
    world = _world(rng, index, start_from, end_by, long=events is not None)
    practice_seed = int(rng.random() * 2**53)
    target = None if events is None else events * (0.6 + 0.8 * rng.random())

    def draw(intensity: float) -> list[tuple[date, int, str, dict]]:
        return _Practice(world, random.Random(practice_seed), quality, intensity).build()

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


def generate_caseload(cases: int, seed: int, quality: float = 0.7, events: int | None = None) -> Iterator[dict]:
    """Yield ``cases`` made-up case timelines, one at a time (constant memory, whatever the count).

    The same (cases, seed, quality, events) always gives the same cases. Each case has its own random stream
    (from the seed and its index), so case N is the same whatever ``cases`` is, and a case's world (what
    happens to the person) is the same at every quality.
    """
    if cases < 0:
        raise ValueError(f"cases must be 0 or more, not {cases!r}")
    if not 0.0 <= quality <= 1.0:
        raise ValueError(f"quality must be from 0 to 1, not {quality!r}")
    if events is not None and events < 1:
        raise ValueError(f"events must be 1 or more, not {events!r}")
    for index in range(1, cases + 1):
        yield generate_case(random.Random(f"ppcompliance:{seed}:{index}"), index, quality, FIRST_DAY, LAST_DAY,
                            events=events)
