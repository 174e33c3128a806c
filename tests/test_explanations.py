"""Sentences that must be true: each defect once seen on realistic cases, pinned by a sentence written here by
hand (never copied from the engine's output).

Each test builds the smallest rule and case that show the defect's class, and asserts the whole sentence.
"""

from __future__ import annotations

from datetime import date

import pytest

import ppcompliance as pp

from conftest import EXAMPLES

HEAD = """rules:
  - id: {id}
    title: {title}
    area: curiosity
    stage: delivery
    severity: medium
    basis: {{citation: A test rule for explanations, illustrative: true}}
"""


def rulebook(tmp_path, *rules: str) -> pp.Rulebook:
    path = tmp_path / "rules.yaml"
    path.write_text("rules:\n" + "".join(r.split("rules:\n", 1)[1] for r in rules), encoding="utf-8")
    return pp.load_rulebook(path)


def case(*events: dict, start: str = "2024-01-08", end: str = "2025-01-07", **more: str) -> pp.Timeline:
    return pp.timeline_from_data({"case": {"id": "S1", "supervision_type": "community_order", "start_date": start,
                                           "expected_end_date": end, **more},
                                  "events": [dict(e, id=e.get("id", f"E{n}")) for n, e in enumerate(events, 1)]})


def sentences(rb: pp.Rulebook, timeline: pp.Timeline, as_of: date, rule_id: str) -> tuple[str, str]:
    """The rule's sentence and what would have met it."""
    report = pp.evaluate(rb, timeline, as_of)
    said = pp.explain(rb, report).rules[rule_id]
    return said.sentence, said.would_have_met


def test_a_rule_in_force_until_a_day_says_until(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-UNTIL", title="Until the Reset") + """\
    in_force: {until: 2024-06-06}
    response:
      trigger: {event: new_information}
      respond: {event: risk_review}
      within: {working_days: 10}
""")
    said, _ = sentences(rb, case({"type": "new_information", "date": "2024-06-10", "kind": "arrest"}),
                        date(2024, 7, 1), "T-UNTIL")
    assert said == "The rule was not in force on Mon 10 Jun 2024 (in force until Thu 6 Jun 2024)."


def test_a_check_due_before_sentence_says_it_can_no_longer_be_done_and_what_takes_over():
    rb = pp.load_rulebook()
    timeline = pp.load_timeline(EXAMPLES / "domestic-abuse-missed-enquiries.json")
    said, would = sentences(rb, timeline, date(2024, 6, 30), "ENQ-01")
    assert would == ("It can no longer be done: it had to come before sentence on Mon 8 Jan 2024. ENQ-03 (Police "
                     "domestic abuse enquiry made early in supervision) now applies instead.")
    assert "would have met" not in would


def test_a_trigger_is_named_by_the_kind_that_happened_not_every_kind_the_rule_accepts(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-KIND", title="Review after news") + """\
    response:
      trigger:
        event: new_information
        where: {kind: [police_call_out, arrest, charge, change_of_relationship]}
        label: a police call-out, arrest, charge or new relationship
      respond: {event: risk_review}
      within: {working_days: 10}
""")
    said, _ = sentences(rb, case({"type": "new_information", "date": "2024-03-04", "kind": "arrest"}),
                        date(2024, 3, 6), "T-KIND")
    assert said == "A risk review is due by Mon 18 Mar 2024, 10 working days after an arrest on Mon 4 Mar 2024: " \
                   "8 working days left."


def test_a_condition_made_of_every_rosh_level_is_not_spelled_out(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-LEVELS", title="Contact by RoSH") + """\
    applies_when: {registration: ADVP}
    cadence:
      qualifying: {event: appointment, where: {outcome: attended}}
      max_gap:
        by_rosh: {very_high: {days: 7}, high: {days: 14}, medium: {days: 28}, low: {days: 56}}
""")
    said, _ = sentences(rb, case({"type": "risk_assessment", "date": "2024-01-08", "rosh": "low"}),
                        date(2024, 3, 1), "T-LEVELS")
    assert said == ("Does not apply to this case (from Mon 8 Jan 2024 to Fri 1 Mar 2024): the rule applies while a "
                    "domestic abuse perpetrator (ADVP) registration is active.")


def test_a_contact_figure_names_the_rosh_level_it_came_from(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-FIG", title="Contact by RoSH") + """\
    cadence:
      qualifying: {event: appointment, where: {outcome: attended}}
      max_gap:
        by_rosh: {very_high: {days: 7}, high: {days: 14}}
""")
    timeline = case({"type": "risk_assessment", "date": "2024-01-08", "rosh": "high"},
                    {"type": "appointment", "date": "2024-01-15", "mode": "office", "outcome": "attended"})
    said, _ = sentences(rb, timeline, date(2024, 1, 20), "T-FIG")
    assert said == ("An appointment (outcome attended) is due by Mon 29 Jan 2024: 9 days left. These are the "
                    "figures for high RoSH. (2 checks: 1 pending, 1 compliant.)")


def test_a_missed_gap_whose_period_ended_on_its_due_date_says_the_period_ended_not_supervision(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-ENDED", title="Contact while flagged") + """\
    applies_when: {registration: ADVP}
    cadence:
      qualifying: {event: appointment, where: {outcome: attended}}
      max_gap: {days: 14}
""")
    # Flagged on 8 Jan; the gap falls due on 22 Jan, the last day the flag is on (removed on 23 Jan).
    timeline = case({"type": "registration_added", "date": "2024-01-08", "code": "ADVP"},
                    {"type": "registration_removed", "date": "2024-01-23", "code": "ADVP"})
    said, _ = sentences(rb, timeline, date(2024, 3, 1), "T-ENDED")
    assert said == ("An appointment (outcome attended) was due by Mon 22 Jan 2024 (counting from Mon 8 Jan 2024) and "
                    "has not been recorded: the period it was due in ended on its due date.")


def test_an_unknown_verdict_names_each_missing_fact_once():
    rb = pp.load_rulebook()
    timeline = pp.load_timeline(EXAMPLES / "domestic-abuse-missed-enquiries.json")
    report = pp.evaluate(rb, timeline, date(2024, 6, 30))
    texts = pp.explain(rb, report).rules["ACT-02"].instances
    unknown = [t.sentence for t, i in zip(texts, next(v for v in report.verdicts if v.rule_id == "ACT-02").instances)
               if i.state == pp.State.UNKNOWN]
    assert unknown and all(s.count("the RoSH level (") == 1 for s in unknown), unknown
    assert unknown[0] == (
        "Cannot tell: whether the rule applies between Mon 8 Jan 2024 and Mon 15 Jan 2024 is not known, as the "
        "timeline does not record the RoSH level (no risk assessment recorded on or before Mon 8 Jan 2024). If it "
        "does: a contact in person was recorded on Thu 18 Jan 2024 (E05), 3 days after it was due on Mon 15 Jan "
        "2024. These are the figures for very high RoSH.")


@pytest.mark.parametrize("kind, words", [("police_call_out", "a police call-out"), ("arrest", "an arrest"),
                                         ("change_of_relationship", "a change of relationship")])
def test_the_kind_that_happened_in_words(kind, words):
    matcher = pp.load_rulebook().rule("ENQ-05").obligation.trigger.matcher  # a police call-out, arrest, ...
    event = pp.Event.make("E1", "new_information", date(2024, 1, 8), kind=kind)
    assert matcher.describe_event(event) == words
