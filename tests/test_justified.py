"""Justified deviations, end to end: a manager's ``deviation`` event turns an instance that would fail (or is
still pending) into ``justified``, and every output says so — the sentence, the one-case report (text, JSON, the
compact record), the exit status, the caseload summaries (rates counted apart, a section for audit), the
worklist (never an action) and a rule change's diff.

The cases are the bundled examples with deviations added. Sentences a reader sees are written out here by hand.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ppcompliance as pp
from ppcompliance.caseload.batch import ordered_map
from ppcompliance.caseload.inputs import items
from ppcompliance.caseload.summary import Caseload, Measure, Summary, rate
from ppcompliance.caseload.work import CheckOptions, task
from ppcompliance.cli.common import plain
from ppcompliance.engine.facts import FAILING, RESOLVED, State
from ppcompliance.explain.justified import APPROVERS, REASONS
from ppcompliance.policy import diff
from ppcompliance.report.case import COMPACT_FORMAT, FORMAT, MARKS, compact_record, report_to_dict, report_to_rich
from ppcompliance.report.caseload import summary_csv, summary_markdown, summary_text
from ppcompliance.report.html import caseload_html, diff_html
from ppcompliance.report.justified import justified_rows
from ppcompliance.report.worklist import Section, work_items
from ppcompliance.schemas import validator
from ppcompliance.vocabulary import EVENT_TYPES, PRACTICE_AREAS

from conftest import EXAMPLES, RULES, examples
from strategies import near, timelines_with_as_of
from test_report_html import parse

AS_OF = date(2024, 6, 30)
PPCHECK = str(Path(sys.executable).with_name("ppcheck"))

DOMESTIC = "domestic-abuse-missed-enquiries"  # X100001: much missed, OVS-03 among it
WELL_MANAGED = "well-managed-high-rosh"  # X100002: compliant or pending; OVS-03 compliant
# X100003: CON-01 late, CUR-01 missed, CUR-02 late, INT-02 late, MAG-06 late.
LICENCE = "licence-near-end"

# The product owner's example: OVS-03's management oversight at allocation was missed while the person was in
# hospital, and a senior probation officer excused it.
D1 = {"id": "D1", "type": "deviation", "date": "2024-02-01", "rule": "OVS-03", "period_start": "2024-01-01",
      "period_end": "2024-03-31", "reason": "in_hospital", "approved_by": "senior_probation_officer"}
D1_SENTENCE = ("Justified: management oversight was due by Tue 23 Jan 2024 and was not recorded (missed), but a "
               "deviation (D1) approved by a senior probation officer excuses it from Mon 1 Jan 2024 to Sun 31 Mar "
               "2024: the person was in hospital.")
# The licence case's curiosity area excused over its first half year.
D_CURIOSITY = {"id": "DV9", "type": "deviation", "date": "2024-05-01", "area": "curiosity",
               "period_start": "2024-01-01", "period_end": "2024-06-30", "reason": "risk_to_staff",
               "approved_by": "head_of_pdu"}


def timeline(name: str, *deviations: dict) -> dict[str, Any]:
    """A bundled example as data, with deviation events added."""
    data: dict[str, Any] = json.loads((EXAMPLES / f"{name}.json").read_text(encoding="utf-8"))
    data["events"] += [dict(d) for d in deviations]
    return data


def judge(rulebook: pp.Rulebook, data: dict, as_of: date = AS_OF) -> pp.CaseReport:
    return pp.evaluate(rulebook, pp.timeline_from_data(data, "<test>"), as_of)


def verdict(report: pp.CaseReport, rule_id: str) -> pp.RuleVerdict:
    return next(v for v in report.verdicts if v.rule_id == rule_id)


def justified_sentences(rulebook: pp.Rulebook, report: pp.CaseReport, rule_id: str) -> list[str]:
    """The sentences of a rule's justified instances, in order."""
    text = pp.explain(rulebook, report).rules[rule_id]
    return [t.sentence for i, t in zip(verdict(report, rule_id).instances, text.instances) if i.state == "justified"]


def ppcheck(*args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run([PPCHECK, *map(str, args)], capture_output=True, text=True, timeout=120)


def write_case(folder: Path, name: str, *deviations: dict) -> Path:
    path = folder / f"{name}.json"
    path.write_text(json.dumps(timeline(name, *deviations), indent=1), encoding="utf-8")
    return path


def errors(document: dict) -> list[str]:
    return [f"{e.json_path}: {e.message}" for e in validator("verdicts").iter_errors(document)]


# --- 1. the sentence ----------------------------------------------------------------------------------------


def test_a_justified_missed_instance_says_what_was_missed_and_who_excused_it_and_why(rulebook):
    report = judge(rulebook, timeline(DOMESTIC, D1))
    ovs03 = verdict(report, "OVS-03")
    assert ovs03.state == State.JUSTIFIED
    assert justified_sentences(rulebook, report, "OVS-03") == [D1_SENTENCE]
    text = pp.explain(rulebook, report).rules["OVS-03"]
    assert text.sentence == D1_SENTENCE  # the rule's sentence is its one instance's
    assert text.would_have_met == ""  # not a failure: nothing is owed


def test_a_justified_late_instance_says_when_it_was_done_and_a_single_day_is_one_day(rulebook):
    d2 = {"id": "D2", "type": "deviation", "date": "2024-02-01", "rule": "ACT-01", "period_start": "2024-01-15",
          "period_end": "2024-01-15", "reason": "person_unavailable", "approved_by": "head_of_pdu"}
    report = judge(rulebook, timeline(DOMESTIC, d2))
    assert justified_sentences(rulebook, report, "ACT-01") == [
        "Justified: a first appointment in person was due by Mon 15 Jan 2024 and was not recorded until Thu 18 Jan "
        "2024 (late), but a deviation (D2) approved by the head of the PDU excuses it on Mon 15 Jan 2024: the "
        "person was unavailable for an agreed reason."]


def test_justified_windows_gaps_and_unknowns_each_say_what_they_would_have_been(rulebook):
    d3 = {"id": "D3", "type": "deviation", "date": "2024-03-01", "rule": "ACT-02", "period_start": "2024-01-01",
          "period_end": "2024-02-29", "reason": "other", "approved_by": "other_manager"}
    report = judge(rulebook, timeline(DOMESTIC, d3))
    by = ("but a deviation (D3) approved by another manager excuses it from Mon 1 Jan 2024 to Thu 29 Feb 2024: the "
          "reason is recorded in the case notes.")
    assert justified_sentences(rulebook, report, "ACT-02") == [
        "Justified: whether the rule applied is not known, as the timeline does not record the RoSH level (no risk "
        "assessment recorded on or before Mon 8 Jan 2024), and if it did, a contact in person was due by Mon 15 Jan "
        "2024 and was not recorded until Thu 18 Jan 2024 (unknown), " + by,
        "Justified: whether the rule applied is not known, as the timeline does not record the RoSH level (no risk "
        "assessment recorded on or before Mon 8 Jan 2024), and if it did, between Mon 8 Jan 2024 and Thu 1 Feb "
        "2024, 3 were needed (contact in person) and 2 recorded (unknown), " + by,
        "Justified: whether the rule applied is not known, as the timeline does not record the RoSH level (no risk "
        "assessment recorded on or before Thu 18 Jan 2024), and if it did, a contact in person was due by Thu 25 Jan "
        "2024 and was not recorded until Thu 1 Feb 2024 (unknown), " + by,
        "Justified: a contact in person was due by Fri 16 Feb 2024 and was not recorded until Thu 14 Mar 2024 "
        "(late), " + by,
        "Justified: between Fri 2 Feb 2024 and Thu 29 Feb 2024, 2 were needed (contact in person) and 0 recorded "
        "(missed), " + by,
    ]
    # The rule is still missed (its later checks are not excused); its tally counts the justified ones apart.
    act02 = verdict(report, "ACT-02")
    assert act02.state == State.MISSED
    assert pp.explain(rulebook, report).rules["ACT-02"].sentence == (
        "Between Fri 1 Mar 2024 and Thu 28 Mar 2024: 1 recorded (Thu 14 Mar 2024 (E13)), 2 needed (contact in "
        "person). These are the figures for high RoSH. (15 checks: 4 missed, 3 late, 1 pending, 5 justified, 2 "
        "compliant.)")


def test_a_justified_pending_instance_is_no_longer_due_next(rulebook):
    d4 = {"id": "D4", "type": "deviation", "date": "2024-06-20", "area": "activity", "period_start": "2024-06-25",
          "period_end": "2024-07-10", "reason": "reset_exemption", "approved_by": "other_manager"}
    before = judge(rulebook, timeline(WELL_MANAGED))
    report = judge(rulebook, timeline(WELL_MANAGED, d4))
    assert verdict(before, "ACT-02").state == State.PENDING and verdict(before, "ACT-02").next_due == date(2024, 7, 2)
    act02 = verdict(report, "ACT-02")
    assert act02.state == State.JUSTIFIED and act02.next_due is None
    assert pp.explain(rulebook, report).rules["ACT-02"].sentence == (
        "Justified: a contact in person is due by Tue 2 Jul 2024 and has not been recorded yet (pending), but a "
        "deviation (D4) approved by another manager excuses it from Tue 25 Jun 2024 to Wed 10 Jul 2024: the case "
        "is exempt under the Probation Reset. (22 checks: 1 justified, 21 compliant.)")
    assert [a.rule_id for a in before.next_actions if a.due == date(2024, 7, 2)] == ["ACT-02"]
    assert all(a.instance.state == State.PENDING for a in report.next_actions)
    assert "ACT-02" not in [a.rule_id for a in report.next_actions if a.due == date(2024, 7, 2)]


def test_every_reason_and_role_has_words():
    fields = EVENT_TYPES["deviation"]
    assert set(REASONS) == set(fields["reason"])
    assert set(APPROVERS) == set(fields["approved_by"])
    assert sorted(APPROVERS.values()) == ["a senior probation officer", "another manager", "the head of the PDU"]


# --- 2. the one-case report -----------------------------------------------------------------------------------


def test_json_instances_carry_the_deviation_and_the_verdict_excused(rulebook):
    report = judge(rulebook, timeline(DOMESTIC, D1))
    document = json.loads(json.dumps(report_to_dict(report, rulebook)))
    assert document["format"] == FORMAT == "ppcompliance.verdicts/2"
    assert errors(document) == []
    # Worked out per rule in test_the_text_report_marks_justified_in_its_own_colour_not_as_a_failure.
    assert document["counts"] == {"missed": 15, "late": 5, "unknown": 0, "pending": 5, "justified": 1,
                                  "compliant": 2, "not_applicable": 22}
    oversight = next(a for a in document["areas"] if a["area"] == "oversight")
    assert oversight["counts"]["justified"] == 1
    ovs03 = next(r for r in document["rules"] if r["rule_id"] == "OVS-03")
    assert ovs03["verdict"] == "justified" and "would_have_met" not in ovs03
    (instance,) = ovs03["instances"]
    assert instance == {
        "verdict": "justified", "kind": "trigger", "window": {"from": "2024-01-09", "to": "2024-01-23"},
        "due": "2024-01-23", "trigger": {"event_id": "E04", "type": "allocation", "date": "2024-01-09"},
        "evidence": [], "days_overdue": 109, "day_unit": "working_days", "excused": "missed",
        "deviation": {"event_id": "D1", "date": "2024-02-01", "rule": "OVS-03",
                      "period": {"from": "2024-01-01", "to": "2024-03-31"}, "reason": "in_hospital",
                      "approved_by": "senior_probation_officer"},
        "sentence": D1_SENTENCE,
    }


def test_the_compact_record_lists_justified_instances_apart_from_failing_ones(rulebook):
    report = judge(rulebook, timeline(DOMESTIC, D1))
    record = json.loads(json.dumps(compact_record(report, rulebook)))
    assert record["format"] == COMPACT_FORMAT == "ppcompliance.verdicts.compact/2"
    assert errors(record) == []
    assert record["counts"]["justified"] == 1
    assert record["rules"]["OVS-03"] == {"verdict": "justified", "justified": [{
        "verdict": "justified", "kind": "trigger", "due": "2024-01-23", "trigger": "E04", "days_overdue": 109,
        "day_unit": "working_days", "excused": "missed",
        "deviation": {"event_id": "D1", "date": "2024-02-01", "rule": "OVS-03",
                      "period": {"from": "2024-01-01", "to": "2024-03-31"}, "reason": "in_hospital",
                      "approved_by": "senior_probation_officer"}}]}
    # A rule with failing and justified checks lists each kind apart.
    d3 = {"id": "D3", "type": "deviation", "date": "2024-03-01", "rule": "ACT-02", "period_start": "2024-01-01",
          "period_end": "2024-02-29", "reason": "other", "approved_by": "other_manager"}
    act02 = compact_record(judge(rulebook, timeline(DOMESTIC, d3)), rulebook)["rules"]["ACT-02"]
    assert act02["counts"] == {"missed": 4, "late": 3, "pending": 1, "justified": 5, "compliant": 2}
    assert sorted(i["verdict"] for i in act02["failing"]) == ["late"] * 3 + ["missed"] * 4
    assert [(i["excused"], i["deviation"]["event_id"]) for i in act02["justified"]] == [
        ("unknown", "D3"), ("unknown", "D3"), ("unknown", "D3"), ("late", "D3"), ("missed", "D3")]


def test_the_text_report_marks_justified_in_its_own_colour_not_as_a_failure(rulebook):
    label, style = MARKS[State.JUSTIFIED]
    others = {s for state, (_, s) in MARKS.items() if state != State.JUSTIFIED}
    assert label == "JUSTIFIED" and "red" not in style and style not in others
    text = plain(report_to_rich(judge(rulebook, timeline(DOMESTIC, D1)), rulebook), width=200)
    # X100001 on 30 Jun 2024, rule by rule (50 rules):
    # - missed (15): ACT-02, ACT-04 (the failure of 2 May has no warning or breach by 17 May), ACT-05 (that
    #   failure came 7 weeks after the warning of 12 Mar: no breach by 17 May), ENQ-01 and ENQ-02 (no answered
    #   enquiry before the sentence of 8 Jan: the children's request of 22 Jan was never answered), ENQ-03 and
    #   ENQ-04 (no answer by 8 Feb, 15 working days after the first attended appointment of 18 Jan), ENQ-05,
    #   CUR-02, CUR-03, CON-02, MAG-01, MAG-06, OVS-01, OVS-02;
    # - late (5): ACT-01 (in person on 18 Jan, due 15 Jan), ACT-06, ACT-07 (RoSH first assessed high, so the
    #   first home visit was due within 15 days of 8 Jan, by 23 Jan; made on 4 Apr), CON-01, INT-01;
    # - pending (5): ACT-03, CON-03, CON-04, INT-02, OVS-05; justified (1): OVS-03;
    # - compliant (2): ACT-09 (the call-out of 2 Apr answered by the home visit of 4 Apr), CUR-08 (risk
    #   assessed on 2 Feb, due by 8 Feb, 15 working days after the first attended appointment);
    # - not applicable (22): CUR-01, CUR-04, INT-03, MAG-02, MAG-03, MAG-04, MAG-05, OVS-04, and of the new
    #   rules ACT-08 (no ARSO), CUR-05 and CON-06 (no recall), CUR-06 (no remand), CUR-07 (the call-out does not
    #   involve children), CON-05 (one assessment raises nothing), CON-07 (the expected end is to come), INT-04
    #   (ADVP, not REG30 alone), MAG-07 (no MARAC referral), VIC-01 and VIC-02 (no INVI, no licence release),
    #   VIC-03 (no programme started), OVS-06 and OVS-07 (no transfer).
    # Against the 0.1 rulebook (13 missed, 5 late, 1 compliant, 8 n/a): ENQ-02 moved from late (requested on 22
    # Jan, after sentence) and ENQ-04 from compliant (that request was within 15 working days of the start) to
    # missed, as both now want the answer; the 17 new rules add 1 late, 2 compliant and 14 n/a.
    assert "  15 missed, 5 late, 5 pending, 1 justified, 2 compliant, 22 n/a" in text
    line = next(x for x in text.splitlines() if "OVS-03" in x)
    assert line.split()[:2] == ["JUSTIFIED", "OVS-03"], line
    assert " ".join(text.split()).count(D1_SENTENCE) == 1
    # Under a rule with failing and justified checks, the failing ones are listed first, then the justified.
    d3 = {"id": "D3", "type": "deviation", "date": "2024-03-01", "rule": "ACT-02", "period_start": "2024-01-01",
          "period_end": "2024-02-29", "reason": "other", "approved_by": "other_manager"}
    text = plain(report_to_rich(judge(rulebook, timeline(DOMESTIC, d3)), rulebook, verbose=True), width=400)
    act02 = text[text.index(" ACT-02 "):text.index(" ACT-03 ")]
    listed = [x.strip() for x in act02.splitlines() if x.strip().startswith("- ")]
    assert [x.split(":")[0] for x in listed] == ["- LATE", "- LATE", "- MISSED", "- LATE", "- MISSED", "- MISSED"] \
        + ["- Justified"] * 5
    assert listed[-1] == ("- Justified: between Fri 2 Feb 2024 and Thu 29 Feb 2024, 2 were needed (contact in "
                          "person) and 0 recorded (missed), but a deviation (D3) approved by another manager "
                          "excuses it from Mon 1 Jan 2024 to Thu 29 Feb 2024: the reason is recorded in the case "
                          "notes.")


def test_every_record_ppcheck_writes_for_cases_with_deviations_validates(tmp_path):
    write_case(tmp_path, DOMESTIC, D1)
    write_case(tmp_path, LICENCE, D_CURIOSITY)
    single = json.loads(ppcheck(tmp_path / f"{DOMESTIC}.json", "--as-of", AS_OF.isoformat(), "-f", "json").stdout)
    assert errors(single) == [] and single["counts"]["justified"] == 1
    for detail in ("compact", "full"):
        result = ppcheck(tmp_path, "--as-of", AS_OF.isoformat(), "-f", "jsonl", "--detail", detail)
        assert result.returncode == 1, result.stderr
        records = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(records) == 2 and all(errors(r) == [] for r in records)
        # X100001: OVS-03; X100003: CUR-01, whose only failing check falls in DV9's period (CUR-02 keeps a check
        # pending after it; CUR-08 is compliant: the assessment of 24 Jan is within its 6-month look-back).
        assert sorted(r["counts"]["justified"] for r in records) == [1, 1]


# The licence case with every failure excused: its only non-compliant verdicts are justified (and pending).
# The curiosity area covers CUR-01 and CUR-02. MAG-06 is late since 0.2.0: its first review, counted in months,
# was due on 1 May (3 months from the ADVP registration of 1 Feb) and came on 2 May.
EXCUSE_ALL = [
    {"id": f"DX{n}", "type": "deviation", "date": "2024-06-01", "period_start": "2024-01-01",
     "period_end": "2024-12-31", "reason": "risk_to_staff", "approved_by": "head_of_pdu", **scope}
    for n, scope in enumerate([{"area": "curiosity"}, {"rule": "CON-01"}, {"rule": "INT-02"}, {"rule": "MAG-06"}],
                              1)
]


def test_exit_status_is_0_when_the_only_non_compliant_verdicts_are_justified(tmp_path, rulebook):
    assert State.JUSTIFIED not in FAILING and State.JUSTIFIED not in RESOLVED
    before = judge(rulebook, timeline(LICENCE))
    report = judge(rulebook, timeline(LICENCE, *EXCUSE_ALL))
    assert before.failing and not report.failing
    assert {v.state for v in report.verdicts} == {State.COMPLIANT, State.PENDING, State.JUSTIFIED,
                                                  State.NOT_APPLICABLE}
    path = write_case(tmp_path, LICENCE, *EXCUSE_ALL)
    for fmt in ("text", "json"):
        result = ppcheck(path, "--as-of", AS_OF.isoformat(), "--format", fmt)
        assert result.returncode == 0, result.stdout + result.stderr
    assert ppcheck(EXAMPLES / f"{LICENCE}.json", "--as-of", AS_OF.isoformat()).returncode == 1
    # A caseload of that one case: nothing failing either.
    result = ppcheck(tmp_path, "--as-of", AS_OF.isoformat())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "(0 of 1 case have something late, missed or unknown)" in result.stdout


# --- 4. caseload summaries ----------------------------------------------------------------------------------


def summarise(paths: list[Path], shown: int = 200, limit: int | None = 200) -> Summary:
    """The summary of a caseload, checked against the bundled rulebook, by team."""
    rulebook = pp.load_rulebook(RULES)
    caseload = Caseload(rulebook, AS_OF, by="team", worklist_limit=limit)
    for result in ordered_map(task(rulebook, CheckOptions(AS_OF)), items([str(p) for p in paths]), jobs=1):
        caseload.add(result)
    return caseload.summary(shown)


@pytest.fixture(scope="module")
def caseloads(tmp_path_factory) -> tuple[Summary, Summary]:
    """The four examples as they are, and with D1 (X100001, OVS-03) and DV9 (X100003, the curiosity area)."""
    as_is = tmp_path_factory.mktemp("as-is")
    excused = tmp_path_factory.mktemp("excused")
    for p in EXAMPLES.glob("*.json"):
        shutil.copy(p, as_is / p.name)
        shutil.copy(p, excused / p.name)
    write_case(excused, DOMESTIC, D1)
    write_case(excused, LICENCE, D_CURIOSITY)
    return summarise([as_is]), summarise([excused])


def test_rates_count_justified_apart_never_in_the_numerator_or_denominator(caseloads):
    as_is, excused = caseloads
    assert rate({State.COMPLIANT: 3, State.LATE: 1, State.JUSTIFIED: 100}) == 75.0
    assert Measure({State.JUSTIFIED: 5}).rate is None and Measure({State.JUSTIFIED: 5}).applicable == 0
    rules = {r.rule_id: r.measure for r in as_is.rules}
    after = {r.rule_id: r.measure for r in excused.rules}
    # OVS-03: X100001's missed check is now justified: out of the denominator, counted in its own column.
    assert (rules["OVS-03"].counts[State.MISSED], rules["OVS-03"].counts[State.JUSTIFIED]) == (1, 0)
    assert (after["OVS-03"].counts[State.MISSED], after["OVS-03"].counts[State.JUSTIFIED]) == (0, 1)
    assert after["OVS-03"].counts[State.COMPLIANT] == rules["OVS-03"].counts[State.COMPLIANT] == 1
    assert (rules["OVS-03"].rate, after["OVS-03"].rate) == (50.0, 100.0)
    assert after["OVS-03"].applicable == rules["OVS-03"].applicable - 1
    for measure in [*after.values(), excused.overall, *(a.measure for a in excused.areas)]:
        c = measure.counts
        resolved = c[State.COMPLIANT] + c[State.LATE] + c[State.MISSED]
        assert measure.applicable == resolved
        assert measure.rate == (None if not resolved else round(100 * c[State.COMPLIANT] / resolved, 1))
    assert excused.overall.counts[State.JUSTIFIED] == 2  # OVS-03 on X100001, CUR-01 on X100003
    # X100001 and X100003 keep failures no deviation names (ACT-04; CON-01), X100004 fails, X100002 does not.
    assert excused.cases_failing == as_is.cases_failing == 3
    data = excused.as_dict()
    assert data["format"] == "ppcompliance.caseload/3"
    assert data["overall"]["counts"]["justified"] == 2
    assert next(r for r in data["rules"] if r["rule_id"] == "OVS-03")["counts"]["justified"] == 1


def test_the_summary_lists_justified_deviations_for_audit_in_every_format(caseloads):
    _, s = caseloads
    # One row per case, rule and deviation: DV9 excused CUR-01 (its only check) and one of CUR-02's.
    assert [(r.case_id, r.team, r.rule_id, r.deviation_id, r.checks, r.excused.value) for r in s.justified_rows()] \
        == [("X100001", "T-NE-03-2", "OVS-03", "D1", 1, "missed"), ("X100003", "T-NW-04-3", "CUR-01", "DV9", 1,
                                                                     "missed"),
            ("X100003", "T-NW-04-3", "CUR-02", "DV9", 1, "late")]
    assert s.justified.total == 3

    text = summary_text(s)
    assert text.split("Justified deviations: 3\n", 1)[1].splitlines()[:4] == [
        "  A manager excused a rule on a case for a period: the reason and who approved it (by role). Not a failure, "
        "never an action, and in no rate.",
        "  Mon 1 Jan 2024 to Sun 31 Mar 2024  X100001      T-NE-03-2      OVS-03   D1       The person was in "
        "hospital; approved by a senior probation officer (1 check that would be missed)",
        "  Mon 1 Jan 2024 to Sun 30 Jun 2024  X100003      T-NW-04-3      CUR-01   DV9      There was a risk to staff; "
        "approved by the head of the PDU (1 check that would be missed)",
        "  Mon 1 Jan 2024 to Sun 30 Jun 2024  X100003      T-NW-04-3      CUR-02   DV9      There was a risk to staff; "
        "approved by the head of the PDU (1 check that would be late)",
    ]
    assert "justified, pending, unknown and not applicable are counted apart" in text

    rows = s.as_dict()["justified"]
    assert (rows["total"], rows["shown"]) == (3, 3)
    assert rows["rows"][0] == {"case_id": "X100001", "unit": "T-NE-03-2", "rule_id": "OVS-03", "deviation_id": "D1",
                               "period": {"from": "2024-01-01", "to": "2024-03-31"}, "reason": "in_hospital",
                               "approved_by": "senior_probation_officer", "checks": 1, "excused": "missed"}

    markdown = summary_markdown(s)
    assert "## Justified deviations (3)" in markdown
    assert ("| 2024-01-01 to 2024-03-31 | X100001 | T-NE-03-2 | OVS-03 | D1 | The person was in hospital | A senior "
            "probation officer | 1 (missed) |") in markdown
    assert "| | rate | resolved | compliant | late | missed | justified | pending | unknown | n/a |" in markdown

    header, *lines = summary_csv(s).splitlines()
    assert header == "as_of,scope,unit,id,title,rate,resolved,missed,late,unknown,pending,justified,compliant," \
                     "not_applicable"
    assert lines[0].startswith("2024-06-30,overall,,,all rules,") and lines[0].split(",")[11] == "2"

    page = parse(caseload_html(s))
    assert "Justified deviations" in page.words
    table = page.table("Justified deviations (3 of 3)")
    assert table[0] == ["Period excused", "Case", "Team", "Rule", "Deviation", "Reason", "Approved by",
                        "Checks excused"]
    assert table[1] == ["Mon 1 Jan 2024 to Sun 31 Mar 2024", "X100001", "T-NE-03-2", "OVS-03", "D1",
                        "The person was in hospital", "A senior probation officer", "1 otherwise missed"]
    heads = page.table("Verdicts by practice area")[0]
    assert heads[1:] == ["Rate", "Resolved", "Compliant", "Late", "Missed", "Justified", "Pending", "Unknown",
                         "Not applicable"]
    assert page.table("Verdicts by practice area")[-1][6] == "2"  # "All areas": justified


def test_the_justified_section_is_bounded_and_says_how_many_there_are(caseloads, tmp_path):
    _, whole = caseloads
    excused = tmp_path / "cases"
    excused.mkdir()
    write_case(excused, DOMESTIC, D1)
    write_case(excused, LICENCE, D_CURIOSITY)
    bounded = summarise([excused], shown=2, limit=2)
    assert bounded.justified.total == 3 and [r.rule_id for r in bounded.justified_rows()] == ["OVS-03", "CUR-01"]
    assert "Justified deviations: 3 (the first 2 shown, by the first day excused)" in summary_text(bounded)
    assert "3 deviations: the first 2 of 3 are listed" in parse(caseload_html(bounded)).words
    assert whole.justified_rows() == summarise([excused]).justified_rows()
    # Summed in parts (each bounded), the same as summed whole.
    rulebook = pp.load_rulebook(RULES)
    parts = [Caseload(rulebook, AS_OF, by="team", worklist_limit=2) for _ in range(2)]
    for part, path in zip(parts, sorted(excused.glob("*.json"))):
        for result in ordered_map(task(rulebook, CheckOptions(AS_OF)), items([str(path)]), jobs=1):
            part.add(result)
    parts[1].merge(parts[0])
    merged = parts[1].summary(shown=2)
    assert merged.justified.total == 3 and merged.justified_rows() == bounded.justified_rows()


def test_a_summary_without_deviations_says_so(caseloads):
    as_is, _ = caseloads
    assert as_is.justified.total == 0
    assert "Justified deviations: 0\n" in summary_text(as_is)
    assert "None: no deviation excused a rule on any case." in parse(caseload_html(as_is)).words
    assert as_is.as_dict()["justified"] == {"total": 0, "shown": 0, "rows": []}


# --- 5. the worklist ------------------------------------------------------------------------------------------


def test_a_justified_instance_is_never_an_action(rulebook, caseloads, tmp_path):
    d4 = {"id": "D4", "type": "deviation", "date": "2024-06-20", "area": "activity", "period_start": "2024-06-25",
          "period_end": "2024-07-10", "reason": "reset_exemption", "approved_by": "other_manager"}
    for name, deviation, rule_id in ((DOMESTIC, D1, "OVS-03"), (WELL_MANAGED, d4, "ACT-02")):
        before = judge(rulebook, timeline(name))
        after = judge(rulebook, timeline(name, deviation))
        assert rule_id in {w.rule_id for w in work_items(rulebook, before, 14)}
        assert rule_id not in {w.rule_id for w in work_items(rulebook, after, 14)}
    as_is, excused = caseloads
    for section in Section:
        rows = {(r.case_id, r.rule_id) for r in excused.worklist.rows(section)}
        assert ("X100001", "OVS-03") not in rows and ("X100003", "CUR-01") not in rows
    assert ("X100001", "OVS-03") in {(r.case_id, r.rule_id) for r in as_is.worklist.rows(Section.OVERDUE)}
    # ppcheck due, every section.
    write_case(tmp_path, DOMESTIC, D1)
    result = ppcheck("due", tmp_path, "--as-of", AS_OF.isoformat(), "--past", "--format", "json")
    assert result.returncode == 1, result.stderr
    listed = json.loads(result.stdout)["sections"]
    assert listed and all(row["state"] in ("missed", "pending") for s in listed.values() for row in s["rows"])
    assert "OVS-03" not in {row["rule_id"] for s in listed.values() for row in s["rows"]}


# --- 6. diff --------------------------------------------------------------------------------------------------


def test_justified_is_a_state_like_the_others_in_a_diff(tmp_path):
    # OVS-03 tightened from 10 working days to the day itself: X100002's oversight, recorded the day after the
    # allocation, becomes late — and a deviation excuses it, so its move is compliant -> justified. Only the
    # deadline's limit changes: the rule's applies_within (also 10 working days) stays as it is.
    rules = tmp_path / "proposed"
    shutil.copytree(RULES, rules)
    oversight = rules / "oversight.yaml"
    text = oversight.read_text(encoding="utf-8")
    start = text.index("  - id: OVS-03")
    end = text.index("  - id: OVS-04")
    block = text[start:end]
    deadline = block.index("\n    deadline:\n")  # the obligation, below applies_within
    within = "\n      within: {working_days: 10}\n"
    assert block[deadline:].count(within) == 1
    block = block[:deadline] + block[deadline:].replace(within, "\n      within: {days: 0}\n")
    oversight.write_text(text[:start] + block + text[end:], encoding="utf-8")
    cases = tmp_path / "cases"
    cases.mkdir()
    d5 = {"id": "D5", "type": "deviation", "date": "2024-01-31", "rule": "OVS-03", "period_start": "2024-01-01",
          "period_end": "2024-01-31", "reason": "in_hospital", "approved_by": "senior_probation_officer"}
    write_case(cases, WELL_MANAGED, d5)
    old, new = pp.load_rulebook(RULES), pp.load_rulebook(rules)
    assert new.rule("OVS-03").applies_within == old.rule("OVS-03").applies_within is not None
    comparison = diff.Comparison(old, new, AS_OF)
    for result in ordered_map(diff.task(old, new, AS_OF, comparison.selection), items([str(cases)]), jobs=1):
        comparison.add(result)
    (change,) = comparison.moved()
    assert change.rule_id == "OVS-03" and change.moves == {("compliant", "justified"): 1}
    data = change.as_dict()
    assert data["before"]["compliant"] == 1 and data["after"]["justified"] == 1
    assert list(data["after"]) == ["missed", "late", "unknown", "pending", "justified", "compliant", "not_applicable"]
    assert (data["rate_before"], data["rate_after"]) == (100.0, None)  # justified is in no rate
    assert "  compliant -> justified: 1  X100002" in diff.diff_text(comparison)
    assert "| compliant | justified | 1 | X100002 |" in diff.diff_markdown(comparison)
    page = parse(diff_html(comparison))
    assert ["compliant", "justified", "1", "X100002"] in page.table("Cases whose verdict moves")
    assert ["justified", "0", "1"] in page.table("Verdicts before and after")


# --- a deviation never makes anything worse -------------------------------------------------------------------

DEFAULT = pp.load_rulebook(RULES)
AREAS = sorted(PRACTICE_AREAS)


EXCUSABLE = (State.MISSED, State.LATE, State.UNKNOWN, State.PENDING)


def targets(data: dict, as_of: date) -> list[tuple[str, str, date]]:
    """(rule id, area, due date) of each instance a deviation could excuse: late, missed, unknown or pending."""
    return [(v.rule_id, DEFAULT.rule(v.rule_id).area, day) for v in judge(DEFAULT, data, as_of).verdicts
            for i in v.instances if i.state in EXCUSABLE and (day := i.due or i.window_to or i.anchor)]


@st.composite
def deviations(draw, data: dict, as_of: date) -> list[dict]:
    """One to three deviations on the case, each naming a rule of the rulebook or an area, a reason and a role:
    most over a period around the due date of something a deviation could excuse (often a day either side of
    it), the rest anywhere near the case's dates."""
    start = date.fromisoformat(data["case"]["start_date"])
    aimed_at = targets(data, as_of)
    out = []
    for n in range(draw(st.integers(1, 3))):
        if aimed_at and draw(st.integers(0, 3)):
            rule_id, area, day = draw(st.sampled_from(aimed_at))
            scope = draw(st.sampled_from([{"rule": rule_id}, {"area": area}]))
            first = day - timedelta(days=draw(st.sampled_from([-1, 0, 1, 7, 30])))
            last = max(first, day + timedelta(days=draw(st.sampled_from([-1, 0, 1, 7, 30]))))
        else:
            first = draw(st.sampled_from([start, as_of, *(date.fromisoformat(e["date"]) for e in data["events"])])
                         .flatmap(lambda d: near(d, back=120, forward=120)))
            last = first + timedelta(days=draw(st.integers(0, 200)))
            scope = draw(st.one_of(st.sampled_from([r.id for r in DEFAULT.rules]).map(lambda r: {"rule": r}),
                                   st.sampled_from(AREAS).map(lambda a: {"area": a})))
        recorded = min(as_of, draw(near(first, back=30, forward=60)))  # usually seen by the as-of date
        out.append({"id": f"DEV-{n}", "type": "deviation", "date": recorded.isoformat(), **scope,
                    "period_start": first.isoformat(), "period_end": last.isoformat(),
                    "reason": draw(st.sampled_from(sorted(REASONS))),
                    "approved_by": draw(st.sampled_from(sorted(APPROVERS)))})
    return out


def check_deviations_make_nothing_worse(data: dict, added: list[dict], as_of: date) -> None:
    """Adding the deviations leaves every compliant and not-applicable instance as it was, turns others only into
    justified (each excused by a deviation that names its rule or area, over a period holding its due date),
    never raises the number of failing rules, and the records stay valid."""
    before = judge(DEFAULT, data, as_of)
    after = judge(DEFAULT, {"case": data["case"], "events": data["events"] + added}, as_of)
    by_id = {d["id"]: d for d in added}
    for v1, v2 in zip(before.verdicts, after.verdicts):
        rule = DEFAULT.rule(v1.rule_id)
        assert len(v1.instances) == len(v2.instances), v1.rule_id
        for i1, i2 in zip(v1.instances, v2.instances):
            where = f"{v1.rule_id}: {i1.state} {i1.kind} due {i1.due} became {i2.state}"
            if i1.state in (State.COMPLIANT, State.NOT_APPLICABLE, State.JUSTIFIED):
                assert i2 == i1, where
            elif i2 != i1:
                assert i2.state == State.JUSTIFIED and i2.excused == i1.state, where
                assert i2.revise(state=i1.state, deviation=None, excused=None) == i1, where
                assert i2.deviation is not None
                d = by_id[i2.deviation.event_id]
                assert d.get("rule") == rule.id or (d.get("rule") is None and d["area"] == rule.area), where
                day = (i1.due or i1.window_to or i1.anchor).isoformat()
                assert d["period_start"] <= day <= d["period_end"], where
        if v1.state in (State.COMPLIANT, State.NOT_APPLICABLE):
            assert v2.state == v1.state
    failing = [sum(v.state in FAILING for v in r.verdicts) for r in (before, after)]
    assert failing[1] <= failing[0], failing
    assert after.failing <= before.failing
    assert {a.instance for a in after.next_actions} <= {a.instance for a in before.next_actions}
    full = json.loads(json.dumps(report_to_dict(after, DEFAULT)))
    compact = json.loads(json.dumps(compact_record(after, DEFAULT)))
    assert errors(full) == [] and errors(compact) == []
    rows = justified_rows(after)
    assert sum(r.checks for r in rows) == sum(i.state == State.JUSTIFIED for v in after.verdicts for i in v.instances)


@settings(max_examples=examples(40))
@given(st.sampled_from(sorted(p.stem for p in EXAMPLES.glob("*.json"))).flatmap(
    lambda name: st.tuples(st.just(timeline(name)), st.sampled_from([AS_OF, date(2024, 3, 1), date(2025, 1, 31)]))
).flatmap(lambda case: st.tuples(st.just(case), deviations(*case))))
def test_a_deviation_on_an_example_case_makes_nothing_worse(drawn):
    (data, as_of), added = drawn
    check_deviations_make_nothing_worse(data, added, as_of)


@settings(max_examples=examples(40))
@given(timelines_with_as_of().flatmap(lambda case: st.tuples(st.just(case), deviations(*case))))
def test_a_deviation_on_a_generated_case_makes_nothing_worse(drawn):
    (data, as_of), added = drawn
    check_deviations_make_nothing_worse(data, added, as_of)
