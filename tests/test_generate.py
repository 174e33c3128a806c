"""The synthetic caseload generator: valid timelines, byte-identical for a seed, a realistic mix, a quality
knob that moves compliance, and practice calibrated to the figures of the rulebook it is given."""

from __future__ import annotations

import inspect
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

import ppcompliance as pp
from ppcompliance.dates import days_between
from ppcompliance.engine.rulebook import Duration
from ppcompliance.synthetic.figures import ROUTINES, Figures, served
from ppcompliance.synthetic.generate import FIRST_DAY, LAST_DAY, generate_case, generate_caseload

from conftest import RULES

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
SEEDS = (1, 2, 3)
PER_SEED = 50


def dumps(case: dict) -> str:
    return json.dumps(case, separators=(",", ":"), ensure_ascii=False)


def jsonl(cases: int, seed: int, quality: float = 0.7, events: int | None = None,
          rules: pp.Rulebook | None = None) -> bytes:
    return "".join(dumps(c) + "\n" for c in generate_caseload(cases, seed, quality, events, rules)).encode("utf-8")


@lru_cache(maxsize=None)
def timelines(seed: int, quality: float) -> tuple[pp.Timeline, ...]:
    """The generated cases, each through the real loader (schema validation included); built once per run."""
    return tuple(pp.timeline_from_data(case, f"seed {seed} case {n}")
                 for n, case in enumerate(generate_caseload(PER_SEED, seed, quality), 1))


@lru_cache(maxsize=1)
def mix() -> tuple[dict, ...]:
    return tuple(generate_caseload(2000, 11))


# --- valid, dated in range, ids only -------------------------------------------------------------------------

@pytest.mark.parametrize("quality", [0.1, 0.9])
@pytest.mark.parametrize("seed", SEEDS)
def test_every_generated_case_passes_the_timeline_schema(seed, quality):
    loaded = timelines(seed, quality)  # raises TimelineError, naming the case, if any is invalid
    assert len(loaded) == PER_SEED
    for timeline in loaded:
        case = timeline.case
        assert FIRST_DAY <= case.start_date <= case.expected_end_date <= LAST_DAY
        assert case.end_date is None or case.start_date <= case.end_date <= case.expected_end_date
        assert all(FIRST_DAY <= e.date <= case.end for e in timeline.events)


def test_cases_carry_ids_codes_and_dates_only():
    # No names and no free text: every string is an id, a code, an enum value or a date (no spaces).
    token = re.compile(r"^[A-Za-z0-9_.:/-]+$")

    def strings(value):
        if isinstance(value, dict):
            for key, item in value.items():
                yield key
                yield from strings(item)
        elif isinstance(value, list):
            for item in value:
                yield from strings(item)
        elif isinstance(value, str):
            yield value

    for case in mix()[:300]:
        assert all(token.match(s) for s in strings(case)), case["case"]["id"]


def test_case_ids_are_unique_and_follow_the_index():
    ids = [c["case"]["id"] for c in mix()]
    assert len(set(ids)) == len(ids)
    assert ids[:3] == ["X000001", "X000002", "X000003"]


# --- determinism -----------------------------------------------------------------------------------------------

def test_the_same_seed_gives_byte_identical_output():
    assert jsonl(30, 5, 0.6) == jsonl(30, 5, 0.6)
    assert jsonl(5, 5, 0.6, events=150) == jsonl(5, 5, 0.6, events=150)
    # The bundled rulebook is the default, loaded or not.
    assert jsonl(30, 5, 0.6, rules=pp.load_rulebook(RULES)) == jsonl(30, 5, 0.6)


def test_the_command_gives_the_same_bytes_whatever_the_hash_seed(tmp_path):
    wanted = jsonl(20, 5, 0.6)
    outputs = []
    for hash_seed in ("0", "12345"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        result = subprocess.run([PPCHECK, "generate", "--cases", "20", "--seed", "5", "--quality", "0.6"],
                                capture_output=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout)
    written = tmp_path / "caseload.jsonl"
    env = dict(os.environ, PYTHONHASHSEED="99")
    result = subprocess.run([PPCHECK, "generate", "-n", "20", "-s", "5", "-q", "0.6", "-o", str(written)],
                            capture_output=True, env=env, timeout=120)
    assert result.returncode == 0 and result.stdout == b"", result.stderr
    assert outputs[0] == outputs[1] == written.read_bytes() == wanted


def test_the_command_keeps_the_figures_of_the_rules_given_whatever_the_hash_seed(tmp_path):
    folder = changed_rules(tmp_path / "rules")
    wanted = jsonl(20, 5, 0.6, rules=pp.load_rulebook(folder))
    assert wanted != jsonl(20, 5, 0.6)
    for hash_seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=hash_seed)
        result = subprocess.run([PPCHECK, "generate", "-n", "20", "-s", "5", "-q", "0.6", "--rules", str(folder)],
                                capture_output=True, env=env, timeout=120)
        assert result.returncode == 0, result.stderr
        assert result.stdout == wanted


def test_different_seeds_give_different_caseloads():
    assert jsonl(10, 1) != jsonl(10, 2)
    firsts = {dumps(next(generate_caseload(1, seed))) for seed in range(10)}
    assert len(firsts) == 10


def test_a_case_does_not_depend_on_how_many_are_generated():
    assert [dumps(c) for c in generate_caseload(3, 8)] == [dumps(c) for c in generate_caseload(10, 8)][:3]


def world(case: dict) -> tuple:
    """What happened to the person, whatever practice did. Supervision ends on its end date if one is recorded,
    otherwise on the expected end (recording the end is practice: CON-07)."""
    c = case["case"]
    kept = ("registration_added", "new_information", "custody_start", "recall", "sentence", "licence_release",
            "transfer")
    return (c["supervision_type"], c["start_date"], c["expected_end_date"], c.get("end_date", c["expected_end_date"]),
            c["units"],
            [(e["type"], e["date"], e.get("code"), e.get("kind"), e.get("involves_children")) for e in case["events"]
             if e["type"] in kept and e.get("code") not in ("RLRH", "RMRH", "RHRH", "RVHR", "MAPP", "IMAR")])


def test_quality_changes_the_practice_not_the_world():
    # The same seed at another quality is the same people with the same histories, managed differently.
    low, high = list(generate_caseload(40, 4, 0.1)), list(generate_caseload(40, 4, 0.9))
    assert [world(c) for c in low] == [world(c) for c in high]
    assert [dumps(c) for c in low] != [dumps(c) for c in high]


# --- the mix ---------------------------------------------------------------------------------------------------

def share(counter: Counter, key) -> float:
    return 100 * counter[key] / 2000


def test_supervision_types_rosh_and_registrations_are_roughly_as_specified():
    types, rosh, registered, changed = Counter(), Counter(), Counter(), 0
    for case in mix():
        events = case["events"]
        types[case["case"]["supervision_type"]] += 1
        levels = [e["rosh"] for e in events if e["type"] == "risk_assessment"]
        rosh[levels[0] if levels else None] += 1
        changed += len(set(levels)) > 1
        codes = {e["code"] for e in events if e["type"] == "registration_added"}
        for group, members in (("domestic_abuse", {"ADVP", "REG30"}), ("children", {"RCCO", "RCPR"}),
                               ("MAPP", {"MAPP"}), ("ARSO", {"ARSO"})):
            registered[group] += bool(codes & members)
        if "MAPP" in codes:
            levels_set = [e for e in events if e["type"] == "mappa_level_set"]
            assert all(e["category"] in (1, 2, 3, 4) and e["level"] in (1, 2, 3) for e in levels_set)
    assert 39 <= share(types, "community_order") <= 51
    assert 15 <= share(types, "suspended_sentence_order") <= 25
    assert 25 <= share(types, "licence") <= 35
    assert 2.5 <= share(types, "post_sentence_supervision") <= 8
    assert 19 <= share(rosh, "low") <= 31
    assert 43 <= share(rosh, "medium") <= 57
    assert 17 <= share(rosh, "high") <= 27
    assert 1.5 <= share(rosh, "very_high") <= 5.5
    assert share(rosh, None) <= 6  # a few cases with no assessment recorded
    assert 5 <= 100 * changed / 2000 <= 30  # reassessments that change the level
    assert 25 <= share(registered, "domestic_abuse") <= 35
    assert 11 <= share(registered, "children") <= 19
    assert 3 <= share(registered, "MAPP") <= 7.5
    assert 1.5 <= share(registered, "ARSO") <= 4.5


def test_the_other_events_of_a_caseload_all_appear():
    seen = Counter(e["type"] for case in mix()[:500] for e in case["events"])
    everything = {"pre_sentence_report", "sentence", "order_received", "licence_release", "allocation",
                  "appointment", "enquiry", "risk_assessment", "risk_management_plan", "sentence_plan", "referral",
                  "intervention_start", "mappa_referral", "mappa_level_set", "mappa_meeting", "marac_referral",
                  "management_oversight", "new_information", "risk_review", "warning_letter", "breach", "recall",
                  "custody_start", "custody_release", "registration_added", "registration_removed",
                  "tier_calculation", "pre_termination_review", "exit_plan", "termination", "victim_contact",
                  "transfer"}
    assert everything <= set(seen)
    victims = Counter(e["kind"] for case in mix()[:500] for e in case["events"] if e["type"] == "victim_contact")
    assert set(victims) == {"scheme_offer", "representations", "safety_work"}
    children = Counter(e.get("involves_children", False) for case in mix()[:500] for e in case["events"]
                       if e["type"] == "new_information")
    assert children[True] >= 20 and children[False] > children[True]
    modes = Counter(e["mode"] for case in mix()[:500] for e in case["events"] if e["type"] == "appointment")
    assert set(modes) == {"office", "home_visit", "phone", "video"}


def test_recalls_are_on_licence_and_terminations_end_the_case():
    ended = 0
    for case in mix():
        types = [e["type"] for e in case["events"]]
        if "recall" in types:
            assert case["case"]["supervision_type"] == "licence"
        terminations = [e["date"] for e in case["events"] if e["type"] == "termination"]
        if terminations:
            ended += 1
            assert terminations == [case["case"]["end_date"]]
        else:
            assert "end_date" not in case["case"]
    assert 1000 <= ended <= 1900  # some ended cases record no termination


def test_units_are_regions_pdus_and_teams():
    regions: dict[str, set] = {}
    teams: dict[str, set] = {}
    for case in mix():
        units = case["case"]["units"]
        code = units["region"].removeprefix("R-")
        assert units["pdu"].startswith(f"PDU-{code}-") and units["team"].startswith(f"T-{code}-")
        regions.setdefault(units["region"], set()).add(units["pdu"])
        teams.setdefault(units["pdu"], set()).add(units["team"])
    assert len(regions) == 12
    assert all(4 <= len(pdus) <= 10 for pdus in regions.values())
    assert all(1 <= len(t) <= 6 for t in teams.values())


# --- quality and size ----------------------------------------------------------------------------------------

def compliant_share(quality: float) -> float:
    rulebook = pp.load_rulebook()
    states = Counter(v.state for seed in SEEDS for timeline in timelines(seed, quality)
                     for v in pp.evaluate(rulebook, timeline, LAST_DAY).verdicts)
    return states["compliant"] / (states["compliant"] + states["late"] + states["missed"])


def test_higher_quality_gives_clearly_higher_compliance():
    good, poor = compliant_share(0.9), compliant_share(0.2)
    assert good >= 0.8
    assert poor <= 0.45
    assert good - poor >= 0.3


def test_events_aims_at_an_average_number_of_events_per_case():
    counts = [len(c["events"]) for c in generate_caseload(100, 6, events=150)]
    assert 120 <= sum(counts) / len(counts) <= 180
    natural = [len(c["events"]) for c in mix()]
    assert 20 <= sum(natural) / len(natural) <= 80


def test_generating_is_lazy():
    caseload = generate_caseload(10**9, 1)
    assert inspect.isgenerator(caseload)
    assert next(caseload) == next(generate_caseload(1, 1))


def test_bad_arguments_are_refused():
    import random

    with pytest.raises(ValueError, match="quality"):
        next(generate_caseload(1, 1, quality=1.5))
    with pytest.raises(ValueError, match="cases"):
        next(generate_caseload(-1, 1))
    with pytest.raises(ValueError, match="events"):
        next(generate_caseload(1, 1, events=0))
    with pytest.raises(ValueError, match="too short"):
        generate_case(random.Random(1), 1, 0.5, date(2024, 1, 1), date(2024, 3, 1))
    with pytest.raises(TypeError, match="compiled Rulebook"):
        next(generate_caseload(1, 1, rulebook=str(RULES)))  # type: ignore[arg-type]


# --- practice keeps the rulebook's figures ---------------------------------------------------------------------

CALIBRATION_CASES = 600
# At quality 1 every expected action is placed in time by the rulebook's own figures. What is left is not
# practice: a person who fails two appointments running, or on a Friday, leaves a gap in contact in person longer
# than the level allows (ACT-02 is judged per case over some 60 gaps, so one such gap makes the case late: 1.5 to
# 3% of cases, measured over 1,000-2,000 cases and several seeds); a failure or an enquiry on the last days of
# supervision leaves no time to act before it ends (well under 1%). So no served rule falls below 95% at
# quality 1, and most are at 100%.
IN_TIME = 0.95
# At quality 0 nothing expected is done in time, except where one action happens to answer another rule (a
# review for new information also answering the three-monthly review; a contact kept within six weeks for
# ACT-03's floor): no served rule comes within 35 points of its quality-1 rate.
GAP = 0.35


def resolved(counts: Counter) -> int:
    return counts["compliant"] + counts["late"] + counts["missed"]


def rate(counts: Counter) -> float:
    return counts["compliant"] / resolved(counts)


def states(rulebook: pp.Rulebook, cases) -> dict[str, Counter]:
    """Each rule's verdicts on the cases, judged as of the last day any of them can reach."""
    found: dict[str, Counter] = {rule.id: Counter() for rule in rulebook.rules}
    for n, case in enumerate(cases):
        for verdict in pp.evaluate(rulebook, pp.timeline_from_data(case, f"case {n}"), LAST_DAY).verdicts:
            found[verdict.rule_id][verdict.state.value] += 1
    return found


@lru_cache(maxsize=None)
def calibration(quality: float) -> dict[str, Counter]:
    rulebook = pp.load_rulebook(RULES)
    return states(rulebook, generate_caseload(CALIBRATION_CASES, 21, quality, rulebook=rulebook))


def test_the_generator_serves_every_rule_of_the_bundled_rulebook():
    not_served: set[str] = set()  # every rule has a practice routine; a new rule must be given one, or listed here
    assert set(served()) == {rule.id for rule in pp.load_rulebook(RULES).rules} - not_served
    assert len(served()) >= 49
    assert set(ROUTINES["contacts"]) == {("ACT-01", "deadline"), ("ACT-02", "cadence"), ("ACT-03", "cadence"),
                                         ("ACT-06", "recurrence"), ("ACT-07", "deadline"), ("ACT-08", "deadline"),
                                         ("ACT-09", "response")}
    # Each served rule has the template its routine expects, so none is practised at stand-in figures.
    assert Figures.of(pp.load_rulebook(RULES)).defaulted == ()


def test_every_rule_has_instances_in_a_modest_caseload():
    # 300 cases at quality 1: even the rarest situations (a registered sex offender, a MAPPA referral, a third
    # police call-out in 12 months, a repeat incident after a MARAC referral, a transfer, a victim in the Victim
    # Contact Scheme) come up, so every rule is judged at least once.
    rulebook = pp.load_rulebook(RULES)
    found = states(rulebook, generate_caseload(300, 3, 1.0, rulebook=rulebook))
    assert {rule for rule in served() if resolved(found[rule]) == 0} == set()


def test_at_quality_1_every_served_rule_is_met_in_time():
    found = calibration(1.0)
    low = {rule: f"{rate(found[rule]):.3f}" for rule in served() if rate(found[rule]) < IN_TIME}
    assert low == {}
    # Every rule has verdicts to judge (the rarest, MAPPA and MARAC, about a dozen in 600 cases).
    assert min(resolved(found[rule]) for rule in served()) >= 8


def test_at_quality_0_every_served_rule_is_clearly_less_often_met():
    good, poor = calibration(1.0), calibration(0.0)
    close = {rule: (f"{rate(poor[rule]):.3f}", f"{rate(good[rule]):.3f}") for rule in served()
             if resolved(poor[rule]) and rate(poor[rule]) > rate(good[rule]) - GAP}
    assert close == {}
    pooled = sum(poor[rule]["compliant"] for rule in served()) / sum(resolved(poor[rule]) for rule in served())
    assert pooled <= 0.15


def test_figures_are_read_as_the_rules_count_them():
    figures = Figures.of(pp.load_rulebook(RULES))
    assert figures.defaulted == ()
    assert figures.within("ACT-01") == Duration(5, working=True)
    assert figures.within("CON-01") == Duration(15, working=True)
    assert figures.look_back("CON-02") == Duration(20, working=True)
    assert figures.look_back("ENQ-01") is None and figures.look_back("ENQ-03") == Duration(91)
    assert figures.within("INT-02") == Duration(84)
    assert figures.repeat("MAG-05") == (3, Duration(months=12))
    # ACT-05 counts every failure in the 12 months beginning with a warning; MAG-07 an incident within 12
    # months of a MARAC referral (up to and including the same date a year later).
    assert figures.repeat("ACT-05") == (1, None) and figures.since("ACT-05") == (Duration(months=12), True)
    assert figures.since("MAG-07") == (Duration(months=12), False) and figures.since("ACT-04") is None
    # By RoSH level; before the first assessment, the highest level's figures.
    assert [figures.every("OVS-01", level) for level in (None, "very_high", "high", "medium", "low")] == \
        [Duration(56), Duration(56), Duration(91), Duration(91), Duration(91)]
    assert [figures.within("ACT-07", level) for level in (None, "very_high", "high", "medium", "low")] == \
        [Duration(15), Duration(15), Duration(15), Duration(42), Duration(84)]
    assert [figures.longest_gap("ACT-02", level) for level in (None, "very_high", "high", "medium", "low")] == \
        [7, 7, 14, 28, 56]
    assert figures.longest_gap("ACT-03") == 42
    assert (figures.first_within("MAG-03"), figures.every("MAG-03")) == (Duration(28), Duration(112))
    assert (figures.first_within("MAG-06"), figures.every("MAG-06")) == (Duration(months=3), Duration(months=3))
    assert (figures.within_last("OVS-05"), figures.at_least_before("OVS-05")) == (Duration(56), Duration(14))
    # The Probation Reset: from 7 June 2024, after two thirds of the period.
    assert figures.contact_stops_at() == 67 and figures.reset_from() == date(2024, 6, 7)
    assert figures.applies_within("OVS-03") == Duration(10, working=True) and figures.applies_within("OVS-01") is None
    assert figures.custody("CUR-05") == "run" and figures.custody("CUR-06") == "before_release"


def working_days_to(cases, trigger, expected) -> list[tuple[int, int]]:
    """For each case with both: (working days, calendar days) from its first ``trigger`` event to the first
    ``expected`` event on or after it."""
    out = []
    for case in cases:
        triggers = [e["date"] for e in case["events"] if trigger(e)]
        if not triggers:
            continue
        after = [e["date"] for e in case["events"] if expected(e) and e["date"] >= triggers[0]]
        if after:
            start, end = date.fromisoformat(triggers[0]), date.fromisoformat(after[0])
            out.append((days_between(start, end, working=True), (end - start).days))
    return out


def booked_in_person(e) -> bool:
    return e["type"] == "appointment" and e["mode"] in ("office", "home_visit")


def attended(e) -> bool:
    return e["type"] == "appointment" and e["outcome"] == "attended"


def of_type(kind: str):
    return lambda e: e["type"] == kind


def test_working_day_figures_are_counted_in_working_days():
    # The sentence plan is due 15 working days after the first attended appointment: at quality 1 it comes up
    # to that, past weekends and bank holidays, so often more than 15 calendar days on.
    cases = list(generate_caseload(300, 4, 1.0))
    plans = working_days_to(cases, attended, of_type("sentence_plan"))
    assert max(working for working, _ in plans) == 15
    assert sum(1 for _, calendar in plans if calendar > 15) >= 30
    # Actions placed in working days fall on working days.
    assert all(date.fromisoformat(e["date"]).weekday() < 5 for case in cases for e in case["events"]
               if e["type"] in ("sentence_plan", "warning_letter", "marac_referral"))


# Four figures changed in a copy of the rulebook: each later than the bundled one.
CHANGES = (
    ("activity.yaml", "ACT-01", "within: {working_days: 5}", "within: {working_days: 12}"),
    ("contingency.yaml", "CON-01", "within: {working_days: 15}", "within: {working_days: 30}"),
    ("oversight.yaml", "OVS-01", "very_high: {weeks: 8}", "very_high: {weeks: 12}"),
    ("oversight.yaml", "OVS-01", "high: {weeks: 13}", "high: {weeks: 20}"),
    ("multi_agency.yaml", "MAG-04", "within: {working_days: 20}", "within: {working_days: 40}"),
)
FOLLOW_CASES = 400


def changed_rules(folder: Path, changes=CHANGES) -> Path:
    """A copy of the bundled rules with each (file, rule, old, new) edit made in that rule's text only."""
    shutil.copytree(RULES, folder)
    for name, rule_id, old, new in changes:
        path = folder / name
        text = path.read_text(encoding="utf-8")
        start = text.index(f"- id: {rule_id}\n")
        end = text.find("\n  - id: ", start)
        end = len(text) if end < 0 else end
        assert text[start:end].count(old) == 1, (rule_id, old)
        path.write_text(text[:start] + text[start:end].replace(old, new) + text[end:], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def changed(tmp_path_factory) -> pp.Rulebook:
    return pp.load_rulebook(changed_rules(tmp_path_factory.mktemp("changed") / "rules"))


@pytest.fixture(scope="module")
def follows(changed) -> tuple[list[dict], list[dict]]:
    """The same seed's cases at quality 1: practice keeping the bundled figures, and the changed ones."""
    return (list(generate_caseload(FOLLOW_CASES, 9, 1.0, rulebook=pp.load_rulebook(RULES))),
            list(generate_caseload(FOLLOW_CASES, 9, 1.0, rulebook=changed)))


def test_the_changed_figures_are_read(changed):
    figures = Figures.of(changed)
    assert figures.defaulted == ()
    assert figures.within("ACT-01") == Duration(12, working=True)
    assert figures.within("CON-01") == Duration(30, working=True)
    assert [figures.every("OVS-01", level) for level in (None, "very_high", "high", "medium")] == \
        [Duration(84), Duration(84), Duration(140), Duration(91)]
    assert figures.within("MAG-04") == Duration(40, working=True)


def test_practice_follows_changed_figures_and_the_changed_rulebook_finds_it_in_time(changed, follows):
    bundled, later = follows
    # Actions fall later, within the new figures. The first appointment is booked two working days early, so
    # that one the person fails can be rebooked in time.
    for trigger, expected, old, new in ((of_type("sentence"), booked_in_person, 5 - 2, 12 - 2),
                                        (attended, of_type("sentence_plan"), 15, 30),
                                        (of_type("mappa_referral"), of_type("mappa_level_set"), 20, 40)):
        before = [working for working, _ in working_days_to(bundled, trigger, expected)]
        after = [working for working, _ in working_days_to(later, trigger, expected)]
        assert max(before) <= old < max(after) <= new
        assert sum(after) > sum(before)
    # The changed rulebook finds the changed practice in time, for these rules and every other one.
    found = states(changed, later)
    assert {rule: f"{rate(found[rule]):.3f}" for rule in served() if rate(found[rule]) < IN_TIME} == {}


def test_under_the_bundled_rulebook_the_changed_practice_is_late(follows):
    bundled_rules = pp.load_rulebook(RULES)
    bundled, later = follows
    as_bundled, as_changed = states(bundled_rules, bundled), states(bundled_rules, later)
    for rule in ("ACT-01", "CON-01", "OVS-01", "MAG-04"):
        assert rate(as_bundled[rule]) >= IN_TIME, rule
        assert as_changed[rule]["late"] >= as_bundled[rule]["late"] + 3, rule
        assert rate(as_changed[rule]) < rate(as_bundled[rule]) - 0.1, rule
    # The other rules' practice did not move.
    assert as_changed["CUR-02"] == as_bundled["CUR-02"] and as_changed["ENQ-03"] == as_bundled["ENQ-03"]


def test_a_changed_rulebook_changes_the_practice_not_the_world(follows):
    bundled, later = follows
    assert [world(c) for c in bundled] == [world(c) for c in later]
    assert [dumps(c) for c in bundled] != [dumps(c) for c in later]


def test_a_rule_the_rulebook_lacks_is_practised_at_the_bundled_figures(tmp_path):
    # Only the activity rules, and ACT-01 written as a precedence: every other served rule, and ACT-01, keep
    # the bundled figures, so the caseload is the bundled rulebook's.
    folder = tmp_path / "rules"
    folder.mkdir()
    shutil.copy(RULES / "activity.yaml", folder)
    text = (folder / "activity.yaml").read_text(encoding="utf-8")
    start = text.index("    deadline:\n      trigger: {event: sentence, label: sentence}")
    end = text.index("      within: {working_days: 5}\n") + len("      within: {working_days: 5}\n")
    (folder / "activity.yaml").write_text(text[:start] + "    precedence:\n"
                                          "      trigger: {event: sentence, label: sentence}\n"
                                          "      expect: {event: appointment, label: an appointment}\n"
                                          + text[end:], encoding="utf-8")
    partial = pp.load_rulebook(folder)
    assert partial.rule("ACT-01").template == "precedence"
    figures = Figures.of(partial)
    assert figures.defaulted == tuple(rule for rule in served() if not rule.startswith("ACT-") or rule == "ACT-01")
    assert "VIC-01" in figures.defaulted and "ACT-09" not in figures.defaulted
    assert figures.within("ACT-01") == Duration(5, working=True)
    assert jsonl(30, 6, 0.8, rules=partial) == jsonl(30, 6, 0.8)


def test_a_level_a_rule_does_not_list_is_practised_at_the_bundled_figures(tmp_path):
    folder = changed_rules(tmp_path / "rules", (
        ("oversight.yaml", "OVS-01", "          medium: {weeks: 13}\n          low: {weeks: 13}\n", ""),
        ("oversight.yaml", "OVS-01", "high: {weeks: 13}", "high: {weeks: 10}"),
    ))
    figures = Figures.of(pp.load_rulebook(folder))
    assert figures.defaulted == ()
    assert [figures.every("OVS-01", level) for level in (None, "very_high", "high", "medium", "low")] == \
        [Duration(56), Duration(56), Duration(70), Duration(91), Duration(91)]
