"""Explanations: a sentence a practitioner understands for every instance and rule, and what would have met it.

Pure functions of (rule, instance, case); nothing here decides a verdict.
"""

from __future__ import annotations

from datetime import date

from ._dates import human
from .rulebook import BeforeEnd, Cadence, Precedence, Recurrence, Rule, unit
from .timeline import Case
from .verdicts import STATES, Action, Instance, deciding, revise


def capital(text: str) -> str:
    """The text with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


def bare(label: str) -> str:
    """A label without its leading article: ``a sentence plan`` -> ``sentence plan``."""
    for article in ("a ", "an ", "the "):
        if label.startswith(article):
            return label[len(article):]
    return label


def _days(n: int, working: bool) -> str:
    return f"{n} {unit(n, working)}"


def _cite(instance: Instance) -> str:
    return ", ".join(f"{human(e.date)} ({e.event_id})" for e in instance.evidence)


def labels(rule: Rule) -> tuple[str, str]:
    """(trigger, expected) labels of a rule's obligation; the trigger is empty where there is none."""
    ob = rule.obligation
    trigger = getattr(ob, "trigger", None)
    expected = getattr(ob, "expect", None) or getattr(ob, "respond", None) or getattr(ob, "qualifying")
    return (trigger.matcher.describe() if trigger else "", expected.describe())


def explain(rule: Rule, instance: Instance, case: Case, horizon: date, unknowns: list[str]) -> Instance:
    """The instance with its sentence and, for late and missed ones, what would have met the rule."""
    sentence = _sentence(rule, instance, case, horizon, unknowns)
    if instance.if_applies:
        supposed = _sentence(rule, revise(instance, state=instance.if_applies, reason=""), case, horizon, [])
        sentence += " If it does: " + supposed[:1].lower() + supposed[1:]
    would = ""
    if "late" in (instance.state, instance.if_applies) or "missed" in (instance.state, instance.if_applies):
        would = _would_have_met(rule, instance)
    return revise(instance, sentence=sentence, would_have_met=would)


def _sentence(rule: Rule, i: Instance, case: Case, horizon: date, unknowns: list[str]) -> str:
    trigger, expected = labels(rule)
    ob = rule.obligation
    if i.reason:
        return _reason(rule, i, case, horizon, unknowns, trigger)
    Expected = capital(expected)
    if i.kind == "window":
        return _window(i, expected)
    if isinstance(ob, (Cadence, Recurrence)):
        return _chain(i, Expected)
    if isinstance(ob, BeforeEnd):
        return _end(ob, i, Expected, case)
    if isinstance(ob, Precedence):
        return _precedence(i, Expected, trigger)
    allowed = getattr(ob, "within")
    assert i.trigger is not None and i.due is not None
    since = f"after {trigger} on {human(i.trigger.date)}"
    if i.paused_days:
        since += f" (the clock stopped for {_days(i.paused_days, False)} in custody)"
    after = f"{allowed} {since}"
    if i.state == "compliant":
        found = i.evidence[0]
        if found.date < i.trigger.date:
            return (f"{Expected} was recorded on {_cite(i)}, before {trigger} on {human(i.trigger.date)}, "
                    f"which this rule accepts.")
        return f"{Expected} was recorded on {_cite(i)}, within the {allowed} allowed {since}."
    if i.state == "late":
        return f"{Expected} was recorded on {_cite(i)}, {_days(i.days, i.working)} late: it was due by " \
               f"{human(i.due)}, {after}."
    if i.state == "missed":
        return f"{Expected} was due by {human(i.due)}, {after}, and has not been recorded: " \
               f"{_overdue(i)}."
    return f"{Expected} is due by {human(i.due)}, {after}: {_left(i)}."


def _overdue(i: Instance) -> str:
    return "supervision ended on its due date" if i.days == 0 else f"{_days(i.days, i.working)} overdue"


def _left(i: Instance) -> str:
    return "due today" if i.days == 0 else f"{_days(i.days, i.working)} left"


def _precedence(i: Instance, Expected: str, trigger: str) -> str:
    assert i.trigger is not None
    when = f"{trigger} on {human(i.trigger.date)}"
    if i.state == "compliant":
        return f"{Expected} was recorded on {_cite(i)}, before {when}."
    if i.state == "late":
        return f"{Expected} was recorded on {_cite(i)}, {_days(i.days, i.working)} after {when}; " \
               f"it should have come first."
    if i.state == "missed":
        return f"{Expected} should have come before {when} and has not been recorded: " \
               f"{_overdue(i)}."
    return f"{Expected} is due by {human(i.due)}, the day of {when}."


def _window(i: Instance, expected: str) -> str:
    span = f"Between {human(i.window_from)} and {human(i.window_to)}"
    seen = f"{i.count} recorded ({_cite(i)})" if i.count else "0 recorded"
    what = f"{i.required} needed ({bare(expected)})"
    if i.state == "pending":
        return f"{span}: {seen} so far, {what}; {_left(i)}."
    return f"{span}: {seen}, {what}."


def _chain(i: Instance, Expected: str) -> str:
    if i.state == "compliant":
        return f"{Expected} was recorded on {_cite(i)}; it was due by {human(i.due)}."
    if i.state == "late":
        return f"{Expected} was recorded on {_cite(i)}, {_days(i.days, i.working)} after it was due on " \
               f"{human(i.due)}."
    if i.state == "missed":
        return f"{Expected} was due by {human(i.due)} (counting from {human(i.window_from)}) and has not been " \
               f"recorded: {_overdue(i)}."
    return f"{Expected} is due by {human(i.due)}: {_left(i)}."


def _end(ob: BeforeEnd, i: Instance, Expected: str, case: Case) -> str:
    ends = f"supervision ends on {human(case.end)}"
    if i.state == "compliant":
        return f"{Expected} was recorded on {_cite(i)}, within the last {ob.within_last} before {ends}."
    if i.state == "late":
        return f"{Expected} was recorded on {_cite(i)}, {_days(i.days, i.working)} after it was due on " \
               f"{human(i.due)} ({ends})."
    window = f"between {human(i.window_from)} and {human(i.due)}"
    if i.state == "missed":
        return f"{Expected} was due {window} ({ends}) and has not been recorded: " \
               f"{_overdue(i)}."
    return f"{Expected} is due {window}, before {ends}: {_left(i)}."


def anchor_day(i: Instance) -> date | None:
    """The day on which an instance's applicability is judged: its trigger's, else its window's first."""
    return i.trigger.date if i.trigger else i.window_from


def _reason(rule: Rule, i: Instance, case: Case, horizon: date, unknowns: list[str], trigger: str) -> str:
    day = anchor_day(i)
    if i.reason == "no_trigger":
        return f"Nothing is due under this rule yet: no {bare(trigger)} is recorded up to {human(horizon)}."
    if i.reason == "not_in_force":
        return f"The rule was not in force on {human(day)} ({_in_force(rule)})."
    if i.reason == "condition":
        return f"Does not apply on {human(day)}: the rule applies when {rule.condition.describe()}."
    missing = " or ".join(unknowns) or "the state it needs"
    if i.reason in ("unknown_state", "unknown_state_skipped"):
        when = f"on {human(day)}" if i.kind in ("trigger", "end") else \
            f"between {human(day)} and {human(i.window_to)}"
        checked = "Not checked" if i.reason == "unknown_state_skipped" else "Cannot tell"
        return f"{checked}: whether the rule applies {when} is not known, as the timeline does not record {missing}."
    if i.reason == "lapsed":
        return f"Supervision ended on {human(case.end)}, before this fell due on {human(i.due)}."
    if i.reason == "ended_early":
        return f"Supervision ended early on {human(case.end)} (it was expected to end on " \
               f"{human(case.expected_end_date)}), so there was no fair chance to prepare for the end."
    if i.reason == "nothing_due":
        return f"Nothing fell due under this rule up to {human(i.window_to)}."
    if i.reason == "never_held":
        word = "while" if isinstance(rule.obligation, (Cadence, Recurrence)) else "when"
        return f"Does not apply to this case (from {human(day)} to {human(i.window_to)}): the rule applies " \
               f"{word} {rule.condition.describe()}."
    raise ValueError(f"no sentence for reason {i.reason!r}")


def _in_force(rule: Rule) -> str:
    start = human(rule.in_force_from) if rule.in_force_from else "always"
    end = human(rule.in_force_until) if rule.in_force_until else "until further notice"
    return f"in force from {start} {end}" if rule.in_force_from else f"in force {end}"


def _would_have_met(rule: Rule, i: Instance) -> str:
    _, expected = labels(rule)
    Expected = capital(expected)
    if i.kind == "window":
        times = "" if i.required == 1 else f"{i.required} times "
        return f"{Expected} {times}between {human(i.window_from)} and {human(i.window_to)} would have met this rule."
    # A window that opens before its trigger (a look-back, a precedence, the end of supervision) is stated whole.
    opens_early = i.window_from is not None and i.window_from > date.min and (
        isinstance(rule.obligation, (Precedence, BeforeEnd)) or (i.trigger and i.window_from < i.trigger.date)
    )
    if opens_early:
        return f"{Expected} between {human(i.window_from)} and {human(i.due)} would have met this rule."
    return f"{Expected} by {human(i.due)} would have met this rule."


def rule_sentence(instances: tuple[Instance, ...], state: str) -> str:
    """The rule's sentence: its deciding instance's, with a tally when it has several instances."""
    decider = deciding(instances, state)
    counted = [i for i in instances if i.state != "not_applicable"]
    if len(counted) <= 1:
        return decider.sentence
    tally = ", ".join(f"{n} {s.replace('_', ' ')}" for s in STATES
                      if (n := sum(1 for i in counted if i.state == s)))
    return f"{decider.sentence} ({len(counted)} checks: {tally}.)"


def action_text(rule: Rule, i: Instance, missed: bool = False) -> str:
    """What to do for a pending (or, with ``missed``, what was not done for a missed) instance, and the rule."""
    _, expected = labels(rule)
    text = capital(expected)
    if i.kind == "window" and i.required is not None:
        more = i.required - (i.count or 0)
        text = f"{capital(bare(expected))}: {more} more {'were needed' if missed else 'needed'}"
    return f"{text} ({rule.title})"


def action(rule: Rule, i: Instance) -> Action:
    """The pending instance as an action for the worklist."""
    assert i.due is not None and i.days is not None
    return Action(rule.id, i.due, i.days, i.working, action_text(rule, i))

