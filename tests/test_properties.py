"""Properties of the evaluator that hold for every timeline (BRIEF §5; docs/rule-language.md; docs/day-counting.md).

* event order does not matter;
* events of types no rule reads change nothing;
* moving the as-of date later only resolves what was pending;
* adding an event a rule expects never makes that rule less compliant;
* a custody start and release on the same day is no time in custody, whatever the events' ids;
* the output is byte-identical across evaluations and across processes;
* every report is valid and self-consistent (schema, sentences, due dates, evidence).

They run against the default rulebook and a small focused rulebook (below) that reaches the corners the default
one does not: precedence with a working-day look-back and ``strictly_before``, deadlines for each trigger with
custody pauses, cadence windows of one event, a pro-rata cadence, recurrence, a working-day end window,
``nth`` triggers, ``in_force`` periods, and tier, custody and ``not`` conditions.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

import ppcompliance as pp
from ppcompliance.vocabulary import EVENT_TYPES
from ppcompliance.engine.conditions import (All, AnyOf as Any, Dates, Elapsed, InCustody, Mappa, Not, Registration, Rosh,
                                           SupervisionType, Tier)
from ppcompliance.engine.rulebook import Always, Matcher
from ppcompliance.engine.templates import Deadline, EndRecorded, Precedence, Recording, Recurrence, Response

from conftest import examples
from strategies import as_of_dates, event_fields, near, timelines, timelines_with_as_of

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
SCHEMAS = ROOT / "schemas"

FOCUSED_RULES = """\
rules:
  - id: FOC-01
    title: Risk assessment before each sentence plan
    area: contingency
    stage: planning
    severity: low
    basis: {citation: Property-test rule, illustrative: true}
    in_force: {from: 2023-06-01}
    precedence:
      trigger: {event: sentence_plan, occurrence: each}
      expect: {event: risk_assessment}
      look_back: {working_days: 20}
      strictly_before: true

  - id: FOC-02
    title: Risk reviewed within a week of an arrest or charge
    area: curiosity
    stage: review
    severity: high
    basis: {citation: Property-test rule, illustrative: true}
    applies_when: {not: {in_custody: true}}
    deadline:
      trigger: {event: new_information, where: {kind: [arrest, charge]}, occurrence: each}
      expect: {event: [risk_review, risk_assessment]}
      within: {days: 7}
      look_back: {days: 3}
      pause_in_custody: true

  - id: FOC-03
    title: Fortnightly contact while registered for domestic abuse
    area: activity
    stage: delivery
    severity: medium
    basis: {citation: Property-test rule, illustrative: true}
    applies_when: {registration: [ADVP, REG30]}
    cadence:
      qualifying: {event: appointment, where: {outcome: attended}}
      at_least: 1
      per: {weeks: 2}
      pause_in_custody: true

  - id: FOC-04
    title: Three contacts every 28 days in the highest tiers
    area: activity
    stage: delivery
    severity: medium
    basis: {citation: Property-test rule, illustrative: true}
    applies_when:
      all:
        - tier: [A3, A2, A1, A0, B3, B2]
        - supervision_type: [community_order, licence]
    cadence:
      qualifying: {event: appointment, where: {mode: [office, home_visit, video], outcome: attended}}
      at_least: 3
      per: {days: 28}
      max_gap: {days: 15}

  - id: FOC-05
    title: Risk reviewed every fortnight at MAPPA level 1
    area: multi_agency
    stage: review
    severity: low
    basis: {citation: Property-test rule, illustrative: true}
    in_force: {from: 2024-01-01, until: 2025-12-31}
    applies_when: {mappa: {level: [1], category: [1, 2, 3, 4]}}
    recurrence:
      qualifying: {event: [risk_review, risk_assessment]}
      first_within: {days: 14}
      every: {days: 14}
      pause_in_custody: true

  - id: FOC-06
    title: Exit plan in the last 20 working days
    area: contingency
    stage: end
    severity: low
    basis: {citation: Property-test rule, illustrative: true}
    applies_when: {any: [{rosh: {in: [medium, high, very_high]}}, {registration: STRK}]}
    before_end:
      qualifying: {event: exit_plan}
      within_last: {working_days: 20}
      at_least_before: {working_days: 5}

  - id: FOC-07
    title: Warning or breach after the third failure within 90 days
    area: activity
    stage: delivery
    severity: high
    basis: {citation: Property-test rule, illustrative: true}
    in_force: {from: 2024-03-01, until: 2025-06-30}
    response:
      trigger:
        event: appointment
        where: {outcome: [failed_unacceptable, failed_acceptable]}
        nth: 3
        nth_within: {days: 90}
      respond: {event: [breach, warning_letter]}
      within: {days: 5}
      pause_in_custody: true

  - id: FOC-08
    title: Early risk assessment
    area: oversight
    stage: assessment
    severity: low
    basis: {citation: Property-test rule, illustrative: true}
    applies_when: {any: [{supervision_type: [licence]}, {rosh: {at_least: medium}}]}
    deadline:
      trigger: {event: supervision_start}
      expect: {event: risk_assessment, where: {tool: oasys}}
      within: {weeks: 6}

  - id: FOC-09
    title: No more than 30 days without management oversight under MAPPA
    area: oversight
    stage: review
    severity: low
    basis: {citation: Property-test rule, illustrative: true}
    applies_when: {mappa: {}}
    cadence:
      qualifying: {event: management_oversight}
      max_gap: {days: 30}
"""


def _rulebook_from_text(text: str) -> pp.Rulebook:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "focused.yaml"
        path.write_text(text, encoding="utf-8")
        return pp.load_rulebook(path)


DEFAULT = pp.load_rulebook(RULES)
FOCUSED = _rulebook_from_text(FOCUSED_RULES)
RULEBOOKS = {"default": DEFAULT, "focused": FOCUSED}
rulebook_names = st.sampled_from(sorted(RULEBOOKS))

VERDICTS_SCHEMA = Draft202012Validator(
    json.loads((SCHEMAS / "verdicts.schema.json").read_text(encoding="utf-8")),
    format_checker=Draft202012Validator.FORMAT_CHECKER,
)

RESOLVED = {"compliant", "late", "missed"}
CUSTODY_TYPES = {"custody_start", "custody_release"}

# An example takes a few hundredths of a second (two evaluations of up to 80 events against up to 33 rules);
# these counts keep the whole file to about half a minute on two cores. Known counter-examples are pinned
# with @example, so they are tried first and fail at once rather than after a long shrink.
QUICK = settings(max_examples=examples(40))
THOROUGH = settings(max_examples=examples(80))


# --- helpers ----------------------------------------------------------------------------------------------


def judge(rulebook: pp.Rulebook, data: dict, as_of: date) -> pp.CaseReport:
    return pp.evaluate(rulebook, pp.timeline_from_data(data, "<generated>"), as_of)


def render(rulebook: pp.Rulebook, data: dict, as_of: date) -> str:
    return pp.report_to_json(judge(rulebook, data, as_of), rulebook)


def condition_types(condition) -> set[str]:
    """The event types a condition's derived state is computed from (docs/rule-language.md, "State")."""
    if isinstance(condition, (All, Any)):
        return set().union(*(condition_types(c) for c in condition.conditions))
    if isinstance(condition, Not):
        return condition_types(condition.condition)
    if isinstance(condition, (Always, SupervisionType, Elapsed, Dates)):  # facts of the case or the calendar
        return set()
    if isinstance(condition, Rosh):
        return {"risk_assessment"}
    if isinstance(condition, Registration):
        return {"registration_added", "registration_removed"}
    if isinstance(condition, Mappa):
        return {"mappa_level_set", "registration_removed"}
    if isinstance(condition, InCustody):
        return set(CUSTODY_TYPES)
    if isinstance(condition, Tier):
        return {"tier_calculation"}
    raise TypeError(f"a condition these properties do not know: {condition!r}; teach condition_types about it")


def obligations(rule: pp.Rule) -> list:
    """The rule's obligation, or one per RoSH level for a rule with figures ``by_rosh``."""
    return [ob for _, ob in rule.by_rosh] or [rule.obligation]


def trigger_matcher(rule: pp.Rule) -> Matcher | None:
    trigger = getattr(rule.obligation, "trigger", None)
    return trigger.matcher if trigger is not None else None


def expected_matcher(rule: pp.Rule) -> Matcher:
    ob = rule.obligation
    if isinstance(ob, (Deadline, Precedence)):
        return ob.expect
    if isinstance(ob, Response):
        return ob.respond
    return ob.qualifying


def state_types(rule: pp.Rule) -> set[str]:
    """Event types that change what the rule's conditions (``by_rosh`` levels included) or custody pauses see."""
    types = condition_types(rule.condition)
    if any(getattr(ob, "pause_in_custody", False) for ob in obligations(rule)):
        types |= CUSTODY_TYPES
    return types


def read_types(rulebook: pp.Rulebook) -> set[str]:
    """Every event type some rule reads: in a matcher, a condition or a custody pause."""
    types: set[str] = set()
    for rule in rulebook.rules:
        types |= state_types(rule)
        for ob in obligations(rule):
            for matcher in (getattr(ob, name, None) for name in ("expect", "respond", "qualifying")):
                types |= set(matcher.types) if matcher is not None else set()
            trigger = getattr(ob, "trigger", None)
            types |= set(trigger.matcher.types) if trigger is not None else set()
            if isinstance(ob, EndRecorded):  # the end is recorded by an end date or a termination event
                types.add("termination")
            if isinstance(ob, Recording):
                types |= set(ob.events.types)
    return types


def unread_types(rulebook: pp.Rulebook) -> list[str]:
    # A deviation can excuse any rule: every rule reads it.
    return sorted(set(EVENT_TYPES) - read_types(rulebook) - {"deviation"})


def key(instance: pp.Instance) -> tuple:
    """What identifies an instance across evaluations: its kind, its trigger event, and where its window opens."""
    return (instance.kind, instance.trigger.event_id if instance.trigger else None, instance.window_from)


def by_key(verdict: pp.RuleVerdict) -> dict[tuple, pp.Instance]:
    """The rule's instances by key, leaving out any key that is not unique (nothing can be matched by it)."""
    found: dict[tuple, list] = {}
    for instance in verdict.instances:
        found.setdefault(key(instance), []).append(instance)
    return {k: v[0] for k, v in found.items() if len(v) == 1}


def describe(instance: pp.Instance) -> str:
    trigger = instance.trigger.event_id if instance.trigger else None
    return (f"{instance.state} {instance.kind} (window {instance.window_from}..{instance.window_to}, due "
            f"{instance.due}, trigger {trigger}, evidence {[e.event_id for e in instance.evidence]}, "
            f"days {instance.days}, reason {instance.reason or '-'})")


def with_events(data: dict, extra: list[dict], rng: random.Random) -> dict:
    """The timeline with ``extra`` events put in at random places in its list."""
    events = list(data["events"])
    for event in extra:
        events.insert(rng.randrange(len(events) + 1), event)
    return {"case": data["case"], "events": events}


def assert_same_report(got: str, want: str) -> None:
    """The two JSON reports are byte-identical; if not, say which rules differ and how."""
    if got == want:
        return
    a, b = json.loads(got), json.loads(want)
    changed = [
        f"{r1['rule_id']}: {r1['verdict']} ({r1['sentence']}) instead of {r2['verdict']} ({r2['sentence']})"
        for r1, r2 in zip(a["rules"], b["rules"]) if r1 != r2
    ]
    header = {k: (a[k], b[k]) for k in a if k != "rules" and a[k] != b.get(k)}
    raise AssertionError("reports differ:\n" + "\n".join(changed or [str(header)]))


def day_of(text: str) -> date:
    return date.fromisoformat(text)


def anchors_of(data: dict, as_of: date) -> list[date]:
    """Days to put a new event near: the start, the as-of date and every event's day."""
    return [day_of(data["case"]["start_date"]), as_of] + [day_of(e["date"]) for e in data["events"]]


# A person arrested, then remanded and still in custody on the as-of date, so that a clock paused by custody
# (docs/day-counting.md, 9) is still stopped: the due date lies after the as-of date, whenever that turns out to
# be. The generators make such cases often; this one is pinned so that every property always tries it.
STILL_IN_CUSTODY = {
    "case": {"id": "C-CUSTODY", "supervision_type": "licence", "start_date": "2024-01-01",
             "expected_end_date": "2024-12-31"},
    "events": [
        {"id": "E1", "type": "new_information", "date": "2024-02-01", "kind": "arrest"},
        {"id": "E2", "type": "custody_start", "date": "2024-02-03", "reason": "remand"},
        {"id": "E3", "type": "appointment", "date": "2024-01-03", "mode": "office", "outcome": "attended"},
    ],
}
STILL_IN_CUSTODY_AS_OF = date(2024, 3, 1)


# --- sanity of the generators and of the rule inspection -------------------------------------------------


@QUICK
@given(timelines())
def test_generated_timelines_are_valid_input(data):
    timeline = pp.timeline_from_data(data, "<generated>")
    assert len(timeline.events) == len(data["events"]) <= 80
    assert len({e["id"] for e in data["events"]}) == len(data["events"])


def test_some_event_types_are_read_by_no_rule():
    # Otherwise the "irrelevant events change nothing" property would test nothing.
    for name, rulebook in RULEBOOKS.items():
        assert unread_types(rulebook), name
    assert claimed_rules("default") and claimed_rules("focused")


# --- event order does not matter ------------------------------------------------------------------------


@THOROUGH
@given(timelines_with_as_of(), rulebook_names, st.randoms(use_true_random=False))
@example((STILL_IN_CUSTODY, STILL_IN_CUSTODY_AS_OF), "focused", random.Random(1))
def test_event_order_does_not_change_verdicts(timeline_and_day, name, rng):
    data, as_of = timeline_and_day
    rulebook = RULEBOOKS[name]
    shuffled = list(data["events"])
    rng.shuffle(shuffled)
    reordered = {"case": data["case"], "events": shuffled}
    assert_same_report(render(rulebook, reordered, as_of), render(rulebook, data, as_of))


# --- irrelevant events change nothing --------------------------------------------------------------------


@st.composite
def with_unread_events(draw):
    """(rulebook name, timeline, as-of date, extra events of types no rule of that rulebook reads)."""
    name = draw(rulebook_names)
    data, as_of = draw(timelines_with_as_of())
    unread = unread_types(RULEBOOKS[name])
    anchors = anchors_of(data, as_of)
    extra = []
    for i in range(draw(st.integers(1, 12))):
        event_type = draw(st.sampled_from(unread))
        day = draw(st.sampled_from(anchors).flatmap(lambda d: near(d, back=60, forward=60)))
        extra.append({"id": f"Z{i:03d}", "type": event_type, "date": day.isoformat(), **draw(event_fields(event_type))})
    return name, data, as_of, extra


@THOROUGH
@given(with_unread_events(), st.randoms(use_true_random=False))
@example(("focused", STILL_IN_CUSTODY, STILL_IN_CUSTODY_AS_OF,
          [{"id": "Z000", "type": unread_types(FOCUSED)[0], "date": "2024-02-01"}]), random.Random(1))
def test_events_no_rule_reads_change_nothing(case, rng):
    name, data, as_of, extra = case
    rulebook = RULEBOOKS[name]
    assert_same_report(render(rulebook, with_events(data, extra, rng), as_of), render(rulebook, data, as_of))


# --- a custody spell that starts and ends on the same day is no custody ------------------------------------


@st.composite
def with_custody_for_a_day(draw):
    """(rulebook name, timeline without custody, as-of date, a custody start and release on one day)."""
    name = draw(rulebook_names)
    data, as_of = draw(timelines_with_as_of())
    free = {"case": data["case"], "events": [e for e in data["events"] if e["type"] not in CUSTODY_TYPES]}
    day = draw(st.sampled_from(anchors_of(free, as_of)).flatmap(lambda d: near(d, back=30, forward=30)))
    start, release = draw(st.sampled_from((("Y1", "Y2"), ("Y2", "Y1"))))
    pair = [{"id": start, "type": "custody_start", "date": day.isoformat()},
            {"id": release, "type": "custody_release", "date": day.isoformat()}]
    return name, free, as_of, pair


@THOROUGH
@given(with_custody_for_a_day(), st.randoms(use_true_random=False))
@example(("default", {"case": STILL_IN_CUSTODY["case"], "events": []}, date(2024, 1, 1),
          [{"id": "Y2", "type": "custody_start", "date": "2024-01-01"},
           {"id": "Y1", "type": "custody_release", "date": "2024-01-01"}]), random.Random(1))
def test_custody_released_the_day_it_starts_changes_nothing(case, rng):
    # docs/day-counting.md, 9 and docs/rule-language.md ("State"): custody runs from the start's day to the day
    # before the release, so a start and a release on one day make no day in custody, whichever has the smaller
    # id (ties on a day are otherwise broken by id).
    name, free, as_of, pair = case
    rulebook = RULEBOOKS[name]
    assert_same_report(render(rulebook, with_events(free, pair, rng), as_of), render(rulebook, free, as_of))


# --- moving the as-of date later only resolves ------------------------------------------------------------


@st.composite
def two_as_of_dates(draw):
    data = draw(timelines())
    first = draw(as_of_dates(data))
    later = draw(st.one_of(st.sampled_from((0, 1, 2, 7, 14, 15, 28, 29, 43)), st.integers(0, 500)))
    return data, first, first + timedelta(days=later)


@THOROUGH
@given(two_as_of_dates(), rulebook_names)
@example((STILL_IN_CUSTODY, date(2024, 2, 5), STILL_IN_CUSTODY_AS_OF), "focused")
def test_later_as_of_date_never_unresolves(dated, name):
    data, earlier, later = dated
    rulebook = RULEBOOKS[name]
    before = judge(rulebook, data, earlier)
    after = judge(rulebook, data, later)
    for v1, v2 in zip(before.verdicts, after.verdicts, strict=True):
        assert v1.rule_id == v2.rule_id
        where = f"{v1.rule_id} as of {earlier} then {later}"
        # A late or missed instance stays late or missed (below), so the rule can only stay late or missed.
        if v1.state in ("late", "missed"):
            assert v2.state in ("late", "missed"), f"{where}: {v1.state} became {v2.state}: {v2.instances}"
        first, second = by_key(v1), by_key(v2)
        if v1.state == "compliant" and v2.state == "pending":
            # A compliant rule can only become pending through an obligation that did not exist before
            # (a new trigger, the next cadence window, the next recurrence).
            new = [i for k, i in second.items() if i.state == "pending" and k not in first]
            assert new, f"{where}: compliant became pending with no new obligation: {v2.instances}"
        for k in first.keys() & second.keys():
            i1, i2 = first[k], second[k]
            what = f"{where}: instance {describe(i1)} became {describe(i2)}"
            if i1.state in RESOLVED:
                assert i2.state != "pending", what
            if i1.state == "compliant":
                assert i2.state == "compliant", what
            if i1.state == "late":
                assert i2.state == "late", what
                assert (i2.due, i2.evidence, i2.days) == (i1.due, i1.evidence, i1.days), what
            if i1.state == "missed":
                # Done after all: late. Or still missed.
                assert i2.state in ("missed", "late"), what


# --- adding an expected event never makes a rule less compliant -------------------------------------------
#
# Claimed for: deadline, precedence and response (the first expected event on or after the window opens
# decides, so an extra one can only move that event earlier); before_end (the same, over one window);
# cadence (windows are fixed from the period's start, so counts only grow; for max_gap the first limit and the
# later ones are the same G, so an event inserted between two others splits one gap into two shorter ones);
# and recurrence only where first_within <= every. With first_within > every, an early first event makes the
# next one due `every` days after it, sooner than it was due before: a compliant chain can turn late (see
# test_recurrence_with_a_long_first_interval_is_not_monotone below). With first_within <= every, an event on the
# period's first day (which restarts the clock) only moves the next due date later. The default rulebook's
# recurrences all have first_within <= every.
#
# What is checked is stronger than "never late or missed": a compliant rule stays compliant (an expected event
# cannot create an obligation, so it cannot make one pending either), and no instance gets worse.
#
# The added event must be one the rule only *expects*: not one that triggers it (that adds an obligation) and
# not one its conditions or custody pauses read (a risk assessment also sets RoSH, so it can make the rule apply
# where it did not): those change what is owed, not only what was done.


def claimed(rule: pp.Rule) -> bool:
    # end_recorded and recording expect no matched event to be done by a due date (the end's record; the
    # recording date of each event): the property is about the templates that do.
    if isinstance(rule.obligation, (EndRecorded, Recording)):
        return False
    return all(
        ob.first_within.days <= ob.every.days and not ob.first_within.working and not ob.every.working
        for ob in obligations(rule) if isinstance(ob, Recurrence)
    )


def expected_types(rule: pp.Rule) -> list[str]:
    return sorted(set(expected_matcher(rule).types) - state_types(rule) - {"supervision_start"})


def claimed_rules(name: str) -> list[str]:
    return [r.id for r in RULEBOOKS[name].rules if claimed(r) and expected_types(r)]


# Instances whose identity survives an added event; recurrence and gap instances are keyed by the event
# before them, which an added event can change, so they are judged through the rule's verdict only.
STABLE_KINDS = {"trigger", "end", "window"}
MAY_BECOME = {
    "compliant": {"compliant"},
    "late": {"late", "compliant"},
    "missed": {"missed", "late", "compliant"},
    "pending": {"pending", "compliant"},
    # Applicability unknown and the obligation would be late or missed: done in time after all, it is no
    # longer worth flagging and is listed as not checked (docs/rule-language.md, "When a rule applies").
    "unknown": {"unknown", "not_applicable"},
}


@st.composite
def with_an_expected_event(draw):
    """(rulebook name, timeline, as-of date, rule id, an event the rule expects)."""
    name = draw(rulebook_names)
    data, as_of = draw(timelines_with_as_of())
    rule = RULEBOOKS[name].rule(draw(st.sampled_from(claimed_rules(name))))
    matcher = expected_matcher(rule)
    event_type = draw(st.sampled_from(expected_types(rule)))
    fixed = {field: draw(st.sampled_from(sorted(values, key=str))) for field, values in matcher.where}
    fields = draw(event_fields(event_type, fixed))
    day = draw(st.sampled_from(anchors_of(data, as_of)).flatmap(lambda d: near(d, back=60, forward=60)))
    return name, data, as_of, rule.id, {"id": "NEW-1", "type": event_type, "date": day.isoformat(), **fields}


@THOROUGH
@given(with_an_expected_event(), st.randoms(use_true_random=False))
@example(("focused", STILL_IN_CUSTODY, STILL_IN_CUSTODY_AS_OF, "FOC-02",
          {"id": "NEW-1", "type": "risk_review", "date": "2024-02-02"}), random.Random(1))
def test_adding_an_expected_event_never_makes_a_rule_less_compliant(case, rng):
    name, data, as_of, rule_id, event = case
    rulebook = RULEBOOKS[name]
    rule = rulebook.rule(rule_id)
    as_event = pp.Event.make(event["id"], event["type"], day_of(event["date"]),
                             **{k: v for k, v in event.items() if k not in ("id", "type", "date")})
    assert expected_matcher(rule).matches(as_event)
    trigger = trigger_matcher(rule)
    assume(trigger is None or not trigger.matches(as_event))
    v1 = next(v for v in judge(rulebook, data, as_of).verdicts if v.rule_id == rule_id)
    v2 = next(v for v in judge(rulebook, with_events(data, [event], rng), as_of).verdicts if v.rule_id == rule_id)
    where = f"{rule_id} ({rule.template}) as of {as_of}, adding {event}"
    if v1.state == "compliant":
        assert v2.state == "compliant", f"{where}: compliant became {v2.state}: {v2.instances}"
    first, second = by_key(v1), by_key(v2)
    for k in first.keys() & second.keys():
        i1, i2 = first[k], second[k]
        if i1.kind not in STABLE_KINDS or i1.state == "not_applicable":
            continue
        what = f"{where}: instance {describe(i1)} became {describe(i2)}"
        assert i2.state in MAY_BECOME[i1.state], what
        if i1.state == i2.state == "late":
            assert i2.days <= i1.days, what


def test_recurrence_with_a_long_first_interval_is_not_monotone():
    # Why recurrence is claimed above only where first_within <= every: the docs make each next event due
    # `every` after the one before, so an early first event brings the second one's due date forward.
    rulebook = _rulebook_from_text("""\
rules:
  - id: REC-01
    title: Reviews, the first within 8 weeks, then fortnightly
    area: oversight
    stage: review
    severity: low
    basis: {citation: Property-test rule, illustrative: true}
    recurrence:
      qualifying: {event: risk_review}
      first_within: {weeks: 8}
      every: {weeks: 2}
""")
    data = {
        "case": {"id": "R1", "supervision_type": "licence", "start_date": "2024-01-01",
                 "expected_end_date": "2024-03-01"},
        "events": [{"id": "E1", "type": "risk_review", "date": "2024-02-20"}],
    }
    as_of = date(2024, 3, 10)
    assert judge(rulebook, data, as_of).verdicts[0].state == "compliant"
    earlier = {"case": data["case"], "events": data["events"] + [{"id": "E0", "type": "risk_review",
                                                                  "date": "2024-01-02"}]}
    assert judge(rulebook, earlier, as_of).verdicts[0].state == "late"


# --- byte-identical output --------------------------------------------------------------------------------


@QUICK
@given(timelines_with_as_of(), rulebook_names)
@example((STILL_IN_CUSTODY, STILL_IN_CUSTODY_AS_OF), "focused")
def test_same_input_gives_byte_identical_output(timeline_and_day, name):
    data, as_of = timeline_and_day
    rulebook = RULEBOOKS[name]
    copy = json.loads(json.dumps(data))
    assert_same_report(render(rulebook, data, as_of), render(rulebook, copy, as_of))


PPCHECK = Path(sys.executable).with_name("ppcheck")


@pytest.mark.skipif(not PPCHECK.exists(), reason="the ppcheck entry point is not installed next to this Python")
@settings(max_examples=examples(3))
@given(timelines_with_as_of())
@example((STILL_IN_CUSTODY, STILL_IN_CUSTODY_AS_OF))
def test_output_is_identical_in_a_fresh_process_with_another_hash_seed(tmp_path, timeline_and_day):
    data, as_of = timeline_and_day
    path = tmp_path / "timeline.json"
    path.write_text(json.dumps(data, indent=1), encoding="utf-8")
    expected = render(DEFAULT, data, as_of)
    for seed in ("1", "2718"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        run = subprocess.run(
            [str(PPCHECK), str(path), "--rules", str(RULES), "--format", "json", "--as-of", as_of.isoformat()],
            capture_output=True, env=env, timeout=120,
        )
        assert run.returncode in (0, 1), run.stderr.decode(errors="replace")
        assert run.stdout.decode("utf-8") == expected, f"PYTHONHASHSEED={seed}"


# --- every report is valid and self-consistent ------------------------------------------------------------

RANK = {state: i for i, state in enumerate(pp.STATES)}


# Found by this property and pinned: a working-day deadline met on the Saturday after a Friday due date (late by
# 0 working days), and a trigger whose applicability is unknown in a case that ended before its due date.
LATE_ON_A_SATURDAY = {
    "case": {"id": "C-SAT", "supervision_type": "licence", "start_date": "2023-08-01",
             "expected_end_date": "2024-07-31"},
    "events": [
        {"id": "E1", "type": "enquiry", "date": "2023-08-05", "agency": "police", "topic": "domestic_abuse",
         "status": "requested"},
        {"id": "E2", "type": "enquiry", "date": "2023-08-19", "agency": "police", "topic": "domestic_abuse",
         "status": "response_received"},
    ],
}
ENDED_BEFORE_DUE_UNKNOWN_ROSH = {
    "case": {"id": "C-END", "supervision_type": "community_order", "start_date": "2024-01-01",
             "expected_end_date": "2024-12-31", "end_date": "2024-01-05"},
    "events": [{"id": "E1", "type": "sentence_plan", "date": "2024-01-03"}],
}


PINNED_REPORTS = {
    "still-in-custody": (STILL_IN_CUSTODY, STILL_IN_CUSTODY_AS_OF),
    "late-on-a-saturday": (LATE_ON_A_SATURDAY, date(2023, 8, 21)),
    "ended-before-due-unknown-rosh": (ENDED_BEFORE_DUE_UNKNOWN_ROSH, date(2024, 2, 1)),
}


@THOROUGH
@given(timelines_with_as_of(), rulebook_names)
@example(PINNED_REPORTS["still-in-custody"], "default")
@example(PINNED_REPORTS["late-on-a-saturday"], "default")
@example(PINNED_REPORTS["ended-before-due-unknown-rosh"], "default")
def test_every_report_is_valid_and_consistent(timeline_and_day, name):
    data, as_of = timeline_and_day
    check_report(RULEBOOKS[name], data, as_of)


@pytest.mark.parametrize("pinned", sorted(PINNED_REPORTS))
def test_pinned_counter_examples_give_valid_reports(pinned):
    # The same check, one test per pinned case, so that each shows its own failure (hypothesis reports pinned
    # examples that fail the same assertion as one).
    data, as_of = PINNED_REPORTS[pinned]
    check_report(DEFAULT, data, as_of)


def check_report(rulebook: pp.Rulebook, data: dict, as_of: date) -> None:
    """The report on ``data`` as of ``as_of`` is valid and says nothing impossible."""
    report = json.loads(render(rulebook, data, as_of))
    errors = sorted(VERDICTS_SCHEMA.iter_errors(report), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors[:5])

    case = data["case"]
    events = {e["id"]: e for e in data["events"]}
    horizon = min(as_of, day_of(case["end_date"])) if "end_date" in case else as_of
    today = as_of.isoformat()

    def check_cited(cited: dict, where: str) -> None:
        if cited["type"] == "supervision_start":  # made from the case, not recorded as an event
            assert (cited["event_id"], cited["date"]) == ("case.start_date", case["start_date"]), where
        else:
            assert cited["event_id"] in events, f"{where}: cites {cited['event_id']}, not in the timeline"
            recorded = events[cited["event_id"]]
            # A change of state is cited as the event it was made from, under its own type (docs/timeline.md).
            made_from = {"rosh_increased": "risk_assessment", "rosh_decreased": "risk_assessment",
                         "mappa_level_increased": "mappa_level_set"}.get(cited["type"], cited["type"])
            assert (made_from, cited["date"]) == (recorded["type"], recorded["date"]), where
        assert day_of(cited["date"]) <= horizon, f"{where}: cites an event dated after {horizon}"

    def check_text(text: str, where: str) -> None:
        assert text.strip(), f"{where}: empty"
        assert "None" not in text, f"{where}: {text!r}"

    for rule in report["rules"]:
        for field in ("sentence", "would_have_met", "not_checked"):
            if field in rule:
                check_text(rule[field], f"{rule['rule_id']} {field}")
        states = [i["verdict"] for i in rule["instances"]]
        assert rule["verdict"] == min(states, key=RANK.__getitem__), f"{rule['rule_id']}: not the worst of {states}"
        for n, cited in enumerate(rule["evidence"]):
            check_cited(cited, f"{rule['rule_id']} evidence[{n}]")
        for n, instance in enumerate(rule["instances"]):
            where = f"{rule['rule_id']} instance {n} ({instance['verdict']}, {instance['kind']})"
            check_text(instance["sentence"], f"{where} sentence")
            for m, cited in enumerate(instance["evidence"]):
                check_cited(cited, f"{where} evidence[{m}]")
            if "trigger" in instance:
                check_cited(instance["trigger"], f"{where} trigger")
            if instance["verdict"] in ("late", "missed") or instance.get("if_applies") in ("late", "missed"):
                check_text(instance.get("would_have_met", ""), f"{where} would_have_met")
            if instance["verdict"] == "pending":
                assert instance["days_left"] >= 0, where
                assert instance["due"] >= today, f"{where}: pending, but due {instance['due']}, before {today}"
            if instance["verdict"] == "missed":
                assert instance["due"] < today, f"{where}: missed, but due {instance['due']}, not before {today}"
    for action in report["next_actions"]:
        assert action["days_left"] >= 0 and action["due"] >= today, action

    # The compact record: valid, and the full record's verdicts, counts and failing instances, no more.
    compact = json.loads(json.dumps(pp.compact_record(judge(rulebook, data, as_of), rulebook)))
    errors = sorted(VERDICTS_SCHEMA.iter_errors(compact), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{e.json_path}: {e.message}" for e in errors[:5])
    assert compact["counts"] == report["counts"] and compact["verdict"] == report["verdict"]
    assert list(compact["rules"]) == [r["rule_id"] for r in report["rules"]]
    for rule in report["rules"]:
        entry = compact["rules"][rule["rule_id"]]
        states = [i["verdict"] for i in rule["instances"]]
        assert entry["verdict"] == rule["verdict"]
        assert entry.get("counts", {rule["verdict"]: 1}) == {s: states.count(s) for s in set(states)}
        failing = [i for i in rule["instances"] if i["verdict"] in ("late", "missed", "unknown")]
        assert [(f["verdict"], f["kind"], f.get("due")) for f in entry.get("failing", [])] == \
            [(i["verdict"], i["kind"], i.get("due")) for i in failing]
