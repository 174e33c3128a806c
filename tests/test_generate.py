"""The synthetic caseload generator: valid timelines, byte-identical for a seed, a realistic mix, and a quality
knob that moves compliance."""

from __future__ import annotations

import inspect
import json
import os
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

import ppcompliance as pp
from ppcompliance.synthetic.generate import FIRST_DAY, LAST_DAY, generate_case, generate_caseload

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
SEEDS = (1, 2, 3)
PER_SEED = 50


def dumps(case: dict) -> str:
    return json.dumps(case, separators=(",", ":"), ensure_ascii=False)


def jsonl(cases: int, seed: int, quality: float = 0.7, events: int | None = None) -> bytes:
    return "".join(dumps(c) + "\n" for c in generate_caseload(cases, seed, quality, events)).encode("utf-8")


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


def test_different_seeds_give_different_caseloads():
    assert jsonl(10, 1) != jsonl(10, 2)
    firsts = {dumps(next(generate_caseload(1, seed))) for seed in range(10)}
    assert len(firsts) == 10


def test_a_case_does_not_depend_on_how_many_are_generated():
    assert [dumps(c) for c in generate_caseload(3, 8)] == [dumps(c) for c in generate_caseload(10, 8)][:3]


def test_quality_changes_the_practice_not_the_world():
    # The same seed at another quality is the same people with the same histories, managed differently.
    def world(case):
        c = case["case"]
        kept = ("registration_added", "new_information", "custody_start", "recall", "sentence", "licence_release")
        return (c["supervision_type"], c["start_date"], c["expected_end_date"], c.get("end_date"), c["units"],
                [(e["type"], e["date"], e.get("code"), e.get("kind")) for e in case["events"]
                 if e["type"] in kept and e.get("code") not in ("RLRH", "RMRH", "RHRH", "RVHR", "MAPP", "IMAR")])

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
                  "tier_calculation", "pre_termination_review", "exit_plan", "termination"}
    assert everything <= set(seen)
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
