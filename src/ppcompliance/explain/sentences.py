"""Explanations: a sentence a practitioner understands for every instance and rule, what would have met it,
and the text of each action. Made from the facts the evaluator returned, only where someone reads them.

The template of a rule writes the sentences only it knows (``Template.explain``, ``Template.would_have_met``);
what every template shares — why a rule does not apply, what is unknown, a rule's tally — is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from .. import words
from ..dates import human
from ..engine.conditions import CONDITIONS
from ..engine.facts import (STATES, CaseReport, Instance, Kind, Reason, RuleVerdict, State, UNKNOWN_REASONS,
                            deciding)
from ..engine.rulebook import Rule, Rulebook, Trigger
from ..engine.templates import ExplainContext, Template
from ..timeline.model import Case
from .describe import condition_words, in_force, remedy_words
from .justified import excuse


@dataclass(frozen=True, slots=True)
class InstanceText:
    """What an instance says: its sentence and, for a late or missed one, what would have met the rule."""

    sentence: str
    would_have_met: str = ""


@dataclass(frozen=True, slots=True)
class RuleText:
    """What a rule's verdict says: its sentence, what would have met it, the days not checked, and the text of
    each of its instances (in the same order as the verdict's instances)."""

    sentence: str
    would_have_met: str
    not_checked: str
    instances: tuple[InstanceText, ...]


@dataclass(frozen=True)
class Explanation:
    """Every sentence of a case report: per rule (by id) and for each next action (in order)."""

    rules: dict[str, RuleText]
    actions: tuple[str, ...]


def context(case: Case, as_of: date, rulebook: Rulebook | None = None) -> ExplainContext:
    """What sentences may mention: the case, the horizon (the as-of date, or the end of supervision — the
    actual end, else the expected end — if that came first), and the rules' titles (to name a remedy)."""
    horizon = min(as_of, case.end)
    titles = {r.id: r.title for r in rulebook.rules} if rulebook is not None else {}
    return ExplainContext(case, horizon, titles)


def explain(rulebook: Rulebook, report: CaseReport) -> Explanation:
    """Every sentence of a case report."""
    ctx = context(report.case, report.as_of, rulebook)
    rules = {v.rule_id: explain_rule(rulebook.by_id[v.rule_id], v, ctx) for v in report.verdicts}
    actions = tuple(action_text(rulebook.by_id[a.rule_id], a.instance) for a in report.next_actions)
    return Explanation(rules, actions)


def explain_rule(rule: Rule, verdict: RuleVerdict, ctx: ExplainContext) -> RuleText:
    """A rule's sentences on one case."""
    texts = tuple(explain_instance(rule, i, ctx) for i in verdict.instances)
    decider = deciding(verdict.instances, verdict.state)
    position = verdict.instances.index(decider) if decider is not None else 0
    return RuleText(_tally(verdict.instances, texts[position].sentence),
                    texts[position].would_have_met if decider is not None else "",
                    not_checked(verdict.instances), texts)


def _obligation(rule: Rule, instance: Instance) -> Template:
    """The template, with the figures an instance was judged by: for a by_rosh rule, its level's."""
    obligation = dict(rule.by_rosh).get(instance.level, rule.obligation) if instance.level else rule.obligation
    assert isinstance(obligation, Template)
    return obligation


def explain_instance(rule: Rule, instance: Instance, ctx: ExplainContext) -> InstanceText:
    """The instance's sentence and, for late and missed ones (or would-be ones), what would have met the rule.
    A justified instance says what was not met and the deviation that excuses it, and nothing would have met
    it: it is not a failure."""
    template = _obligation(rule, instance)
    if instance.state == State.JUSTIFIED:
        return InstanceText(justified(template, instance))
    sentence = _sentence(rule, template, instance, ctx)
    if instance.if_applies:
        supposed = _sentence(rule, template, instance.revise(state=instance.if_applies, reason=Reason.NONE), ctx)
        sentence += " If it does: " + supposed[:1].lower() + supposed[1:]
    if instance.level and (not instance.reason or instance.if_applies):
        sentence += f" These are the figures for {words.describe_type(instance.level)} RoSH."
    would = ""
    if instance.state == State.MISSED and not template.actionable(instance) and \
            (rule.remedy or instance.kind == Kind.TRIGGER):
        # Due before (or at) an event that has happened: it cannot be done now; say so, and what takes over.
        would = no_longer(rule, template, instance, ctx)
    elif {instance.state, instance.if_applies} & {State.LATE, State.MISSED}:
        would = template.would_have_met(instance)
    return InstanceText(sentence, would)


def no_longer(rule: Rule, template: Template, i: Instance, ctx: ExplainContext) -> str:
    """For a missed instance that can no longer be done: why, and the rule that now takes over, if any."""
    text = f"It can no longer be done: {template.too_late(i)}."
    if rule.remedy:
        takes_over = "now apply instead" if len(rule.remedy) > 1 else "now applies instead"
        text += f" {remedy_words(rule, dict(ctx.titles))} {takes_over}."
    return text


def _sentence(rule: Rule, template: Template, i: Instance, ctx: ExplainContext) -> str:
    if i.reason:
        return _reason(rule, i, ctx)
    return template.explain(i, ctx)


def justified(template: Template, i: Instance) -> str:
    """A justified instance: what was not met, the verdict it would otherwise have had, and the deviation that
    excuses it ("Justified: management oversight was due by Tue 23 Jan 2024 and was not recorded (missed), but a
    deviation (D1) approved by a senior probation officer excuses it from ...: the person was in hospital.")."""
    _, expected = template.labels()
    excused = i.excused or State.UNKNOWN
    if excused == State.UNKNOWN and i.if_applies:
        unmet = (f"whether the rule applied is not known, as the timeline does not record {missing(i)}, and if it "
                 f"did, {_unmet(expected, i, i.if_applies)} (unknown)")
    elif excused == State.UNKNOWN:
        unmet = "whether it was met is not known (unknown)"
    else:
        unmet = f"{_unmet(expected, i, excused)} ({excused.value})"
    assert i.deviation is not None, "a justified instance names its deviation"
    return f"Justified: {unmet}, but {excuse(i.deviation)}."


def _unmet(expected: str, i: Instance, state: State) -> str:
    """What was not met, as the verdict ``state`` would say it: ``management oversight was due by Tue 23 Jan
    2024 and was not recorded``."""
    if i.kind == Kind.WINDOW and i.required is not None and i.window_from and i.window_to:
        needed = "are" if state == State.PENDING else "were"
        recorded = f"{i.count or 0} recorded" + (" so far" if state == State.PENDING else "")
        return (f"between {human(i.window_from)} and {human(i.window_to)}, {i.required} {needed} needed "
                f"({words.bare(expected)}) and {recorded}")
    due = f"due by {human(i.due)}" if i.due else "due"
    if state == State.PENDING:
        return f"{expected} is {due} and has not been recorded yet"
    if state == State.LATE:
        done = min((e.date for e in i.evidence), default=None)
        return f"{expected} was {due} and was not recorded until {human(done)}" if done else \
            f"{expected} was {due} and was recorded late"
    return f"{expected} was {due} and was not recorded"


def missing(instance: Instance) -> str:
    """What the timeline does not say, as words ("the RoSH level (no risk assessment recorded on or before ...)")."""
    day = instance.anchor
    if day is None or not instance.unknown:
        return "the state the rule needs"
    return " or ".join(CONDITIONS[name].missing(day) for name in instance.unknown)


def _reason(rule: Rule, i: Instance, ctx: ExplainContext) -> str:
    day = i.anchor
    assert day is not None or i.reason == Reason.NO_TRIGGER
    trigger, _ = rule.obligation.labels()
    if i.reason == Reason.NO_TRIGGER:
        wanted = words.bare(trigger)
        counted = getattr(rule.obligation, "trigger", None)
        if isinstance(counted, Trigger) and counted.since is not None and counted.since_within is not None:
            wanted += f" {counted.since_span} {counted.since.describe()}"
        return f"Nothing is due under this rule yet: no {wanted} is recorded up to {human(ctx.horizon)}."
    if i.reason == Reason.NOT_IN_FORCE:
        return f"The rule was not in force on {human(day)} ({in_force(rule)})."
    if i.reason == Reason.CONDITION:
        counted = getattr(rule.obligation, "trigger", None)
        if isinstance(counted, Trigger) and i.trigger is not None:
            trigger = counted.matcher.describe_event(i.trigger)  # the kind that happened, not every kind accepted
        what = f"to {trigger} on" if trigger and i.kind == Kind.TRIGGER else "on"
        if rule.applies_within:
            return f"Does not apply {what} {human(day)}: the rule applies when, on any day from then to " \
                   f"{rule.applies_within.span()} later, {condition_words(rule)}."
        return f"Does not apply {what} {human(day)}: the rule applies when {condition_words(rule)}."
    if i.reason in UNKNOWN_REASONS:
        when = f"on {human(day)}" if i.kind in (Kind.TRIGGER, Kind.END) else \
            f"between {human(day)} and {human(i.window_to)}"
        checked = "Not checked" if i.reason == Reason.UNKNOWN_STATE_SKIPPED else "Cannot tell"
        return f"{checked}: whether the rule applies {when} is not known, as the timeline does not record " \
               f"{missing(i)}."
    if i.reason == Reason.LAPSED:
        return f"Supervision ended on {human(ctx.case.end)}, before this fell due on {human(i.due)}."
    if i.reason == Reason.ENDED_EARLY:
        return f"Supervision ended early on {human(ctx.case.end)} (it was expected to end on " \
               f"{human(ctx.case.expected_end_date)}), so there was no fair chance to prepare for the end."
    if i.reason == Reason.NOTHING_DUE:
        return f"Nothing fell due under this rule up to {human(i.window_to)}."
    if i.reason == Reason.NEVER_HELD:
        word = "while" if rule.template in ("cadence", "recurrence") else "when"
        return f"Does not apply to this case (from {human(day)} to {human(i.window_to)}): the rule applies " \
               f"{word} {condition_words(rule)}."
    if i.reason == Reason.NOT_RECORDED:
        assert i.trigger is not None
        return f"Not checked: the timeline does not say when {trigger} on {human(day)} " \
               f"({i.trigger.event_id}) was recorded."
    raise ValueError(f"no sentence for reason {i.reason!r}")


def _tally(instances: Sequence[Instance], sentence: str) -> str:
    """The rule's sentence: its deciding instance's, with a tally when it has several instances."""
    counted = [i for i in instances if i.state != State.NOT_APPLICABLE]
    if len(counted) <= 1:
        return sentence
    tally = ", ".join(f"{n} {s.value.replace('_', ' ')}" for s in STATES
                      if (n := sum(1 for i in counted if i.state == s)))
    return f"{sentence} ({len(counted)} checks: {tally}.)"


def not_checked(instances: Sequence[Instance]) -> str:
    """One line for the days not checked because applicability was unknown (empty if there are none)."""
    skipped = [i for i in instances if i.reason == Reason.UNKNOWN_STATE_SKIPPED]
    if not skipped:
        return ""
    first = min(i.anchor for i in skipped if i.anchor is not None)
    last = max(i.window_to or i.due or first for i in skipped)
    return (f"Not checked from {human(first)} to {human(last)} ({words.plural(len(skipped), 'check')}): the "
            f"timeline does not record {missing(skipped[0])}.")


def action_text(rule: Rule, i: Instance, missed: bool = False) -> str:
    """What to do for a pending (or, with ``missed``, what was not done for a missed) instance, and the rule."""
    _, expected = rule.obligation.labels()
    text = words.capital(expected)
    if i.kind == Kind.WINDOW and i.required is not None:
        more = i.required - (i.count or 0)
        needed = ("was needed" if more == 1 else "were needed") if missed else "needed"
        text = f"{words.capital(words.bare(expected))}: {more} more {needed}"
    return f"{text} ({rule.title})"
