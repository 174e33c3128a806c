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
                     "domestic abuse enquiry answered within 15 working days of the first appointment) now applies instead.")
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


# --- the rulebook's sentences (ppcheck doc, GET /v1/rules/{id}) ------------------------------------------------

def described(rb: pp.Rulebook, rule_id: str) -> tuple[str, str]:
    from ppcompliance.explain.describe import applicability_sentence, obligation_sentence

    rule = rb.rule(rule_id)
    return obligation_sentence(rule), applicability_sentence(rule)


def test_a_negated_condition_is_said_in_plain_words_and_a_window_names_its_start(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-NOT", title="Referral for history cases") + """\
    applies_when:
      all:
        - registration: REG30
        - not: {registration: ADVP}
        - not: {supervision_elapsed: {at_least_percent: 67}}
        - supervision_type: [licence, post_sentence_supervision, community_order]
    applies_within: {working_days: 10}
    deadline:
      trigger: {event: sentence, label: the start of supervision}
      expect: {event: referral, label: a referral}
      within: {weeks: 12}
      look_back: {weeks: 13}
      pause_in_custody: true
""")
    obligation, applies = described(rb, "T-NOT")
    assert obligation == ("Within 12 weeks of the start of supervision, a referral (one made up to 13 weeks before "
                          "counts; time in custody does not count).")
    assert applies == ("Applies when, on any day from the start of supervision to 10 working days after it, a "
                       "domestic abuse history (REG30) registration is active and no domestic abuse perpetrator "
                       "(ADVP) registration is active and less than 67% of the supervision period has passed and "
                       "the case is a community order, a licence or post-sentence supervision.")


def test_a_rule_that_does_not_apply_to_a_trigger_names_it_and_its_window(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-WIN", title="Oversight at allocation") + """\
    applies_when: {registration: ADVP}
    applies_within: {working_days: 10}
    deadline:
      trigger: {event: allocation, label: the allocation}
      expect: {event: management_oversight, label: management oversight}
      within: {working_days: 10}
""")
    said, _ = sentences(rb, case({"type": "allocation", "date": "2024-01-08"}), date(2024, 3, 1), "T-WIN")
    assert said == ("Does not apply to the allocation on Mon 8 Jan 2024: the rule applies when, on any day from then "
                    "to 10 working days later, a domestic abuse perpetrator (ADVP) registration is active.")


def test_levels_with_the_same_figures_are_named_together_and_the_sentence_runs_on(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-VISIT", title="First home visit") + """\
    deadline:
      trigger: {event: sentence, label: the start of supervision}
      expect: {event: appointment, where: {mode: home_visit}, label: a first home visit}
      within:
        by_rosh: {very_high: {days: 15}, high: {days: 15}, medium: {weeks: 6}, low: {weeks: 12}}
""")
    obligation, _ = described(rb, "T-VISIT")
    assert obligation == ("Where RoSH is very high or high: within 15 days of the start of supervision, a first home "
                          "visit. Where RoSH is medium: within 6 weeks of the start of supervision, a first home "
                          "visit. Where RoSH is low: within 12 weeks of the start of supervision, a first home visit.")


def test_an_answered_enquiry_looks_back_to_answers_and_before_release_says_the_later_day(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-ANS", title="Enquiry answered") + """\
    deadline:
      trigger: {event: sentence, label: sentence}
      expect:
        event: enquiry
        answered: true
        where: {agency: police}
        label: an answered police enquiry
      within: {working_days: 15}
      look_back: {weeks: 13}
""", HEAD.format(id="T-REL", title="Review at remand") + """\
    response:
      trigger: {event: custody_start, where: {reason: remand}, label: a remand in custody}
      respond: {event: risk_review, label: a risk review}
      within: {working_days: 10}
      custody: before_release
""")
    assert described(rb, "T-ANS")[0] == ("Within 15 working days of sentence, an answered police enquiry (one "
                                         "answered up to 13 weeks before counts).")
    assert described(rb, "T-REL")[0] == ("Each time there is a remand in custody: a risk review within 10 working "
                                         "days (or, if the person is still in custody then, by their last day in "
                                         "custody).")


def test_a_missing_answer_is_not_said_to_be_unanswered_when_nothing_was_asked(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-ASK", title="Enquiry answered before sentence") + """\
    precedence:
      trigger: {event: sentence, label: sentence}
      expect:
        event: enquiry
        answered: true
        where: {agency: police}
        label: an answered police enquiry
""")
    said, _ = sentences(rb, case({"type": "sentence", "date": "2024-01-08"}), date(2024, 1, 10), "T-ASK")
    assert said == ("An answered police enquiry should have come before sentence on Mon 8 Jan 2024, and none is "
                    "recorded (an enquiry counts once it is answered): 2 days overdue.")


def test_a_due_date_moved_to_the_last_day_in_custody_says_so(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-REMAND", title="Review at remand") + """\
    response:
      trigger: {event: custody_start, where: {reason: remand}, label: a remand in custody}
      respond: {event: risk_review, label: a risk review}
      within: {working_days: 10}
      custody: before_release
""")
    # Remanded Fri 1 Mar 2024, released Tue 2 Apr: 10 working days end Fri 15 Mar, while still in custody, so the
    # review is owed by the last day in custody, Mon 1 Apr (Easter Monday; the due date is a custody day, not a
    # working day); a review on Tue 2 Apr is 1 working day late.
    timeline = case({"type": "custody_start", "date": "2024-03-01", "reason": "remand"},
                    {"type": "custody_release", "date": "2024-04-02"},
                    {"type": "risk_review", "date": "2024-04-02"})
    said, _ = sentences(rb, timeline, date(2024, 5, 1), "T-REMAND")
    assert said == ("A risk review was recorded on Tue 2 Apr 2024 (E3), 1 working day late: it was due by Mon 1 Apr "
                    "2024, the last day in custody after a remand in custody on Fri 1 Mar 2024 (the person was still "
                    "in custody when 10 working days had passed).")


def test_an_event_recorded_after_the_as_of_date_was_not_yet_recorded_that_day(tmp_path):
    rb = rulebook(tmp_path, HEAD.format(id="T-REC", title="Appointments recorded promptly") + """\
    recording:
      events: {event: appointment}
      within: {working_days: 2}
""")
    timeline = case({"type": "appointment", "date": "2024-01-12", "mode": "office", "outcome": "attended",
                     "recorded_date": "2024-01-25"})
    # Fri 12 Jan + 2 working days = Tue 16 Jan; recorded Thu 25 Jan, 7 working days late once it is known.
    assert sentences(rb, timeline, date(2024, 1, 15), "T-REC")[0] == (
        "An appointment on Fri 12 Jan 2024 (E1) is due to be recorded by Tue 16 Jan 2024: 1 working day left.")
    assert sentences(rb, timeline, date(2024, 1, 18), "T-REC")[0] == (
        "An appointment on Fri 12 Jan 2024 (E1) was due to be recorded by Tue 16 Jan 2024 and had not been: 2 "
        "working days overdue.")
    assert sentences(rb, timeline, date(2024, 1, 31), "T-REC")[0] == (
        "An appointment on Fri 12 Jan 2024 (E1) was recorded on Thu 25 Jan 2024, 7 working days late: it was due "
        "to be recorded by Tue 16 Jan 2024.")
