"""Evaluation: a pure function of (compiled rulebook, timeline, as-of date) -> a case report.

No file, clock, environment or printing here: the as-of date is a parameter, and the same input always gives
the same report.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from ._dates import human
from ._explain import action, anchor_day, explain, rule_sentence
from ._obligations import TEMPLATES, Context
from .rulebook import All, Rosh, Rule, Rulebook
from .timeline import Timeline
from .verdicts import CaseReport, Instance, RuleVerdict, deciding, worst


def evaluate(rulebook: Rulebook, timeline: Timeline, as_of: date, *, explained: bool = True) -> CaseReport:
    """Every rule's verdict on the timeline as seen on ``as_of`` (events after it are invisible).

    ``explained=False`` leaves out the sentences (a caseload summary shows only the verdicts); the verdicts,
    evidence, due dates and next actions are the same either way.
    """
    ctx = Context(timeline, as_of)
    verdicts = tuple(_rule_verdict(rule, ctx, explained) for rule in rulebook.rules)
    actions = sorted(
        (action(rulebook.by_id[v.rule_id], i) for v in verdicts for i in v.instances if i.state == "pending"),
        key=lambda a: (a.due, a.rule_id, a.text),
    )
    return CaseReport(timeline.case, as_of, verdicts, tuple(actions))


def _instances(rule: Rule, ctx: Context) -> list[Instance]:
    if not rule.by_rosh:
        return TEMPLATES[rule.template](rule, rule.obligation, ctx)
    # One obligation per RoSH level, each applying at its level. Where RoSH is unknown only the first (the
    # highest level listed, the strictest) is checked; where a level's figures do not apply, nothing is said
    # unless no level applied at all.
    found, silent = [], []
    for n, (level, obligation) in enumerate(rule.by_rosh):
        variant = replace(rule, applies_when=All((rule.applies_when, Rosh(frozenset({level})))),
                          obligation=obligation, by_rosh=())
        for i in TEMPLATES[rule.template](variant, obligation, ctx):
            if i.reason in ("unknown_state", "unknown_state_skipped") and n > 0:
                continue
            (silent if i.reason in _SILENT else found).append(i)
    if found:
        return sorted(found, key=lambda i: (i.trigger.date if i.trigger else i.window_from or date.min, i.kind))
    # Nothing applied at any level: say the most telling thing (a level applied but nothing fell due, before
    # "no level ever applied").
    return sorted(silent, key=lambda i: _SILENT.index(i.reason))[:1]


_SILENT = ("nothing_due", "no_trigger", "condition", "not_in_force", "never_held")


def _rule_verdict(rule: Rule, ctx: Context, explained: bool = True) -> RuleVerdict:
    instances = tuple(_instances(rule, ctx) or [_nothing_due(rule, ctx)])
    if explained:
        instances = tuple(explain(rule, i, ctx.case, ctx.horizon, _unknowns(rule, ctx, i)) for i in instances)
    state = worst(i.state for i in instances)
    pending = [i.due for i in instances if i.state == "pending" and i.due is not None]
    if not explained:
        return RuleVerdict(rule.id, state, instances, "", "", min(pending) if pending else None)
    decider = deciding(instances, state)
    return RuleVerdict(
        rule.id,
        state,
        instances,
        rule_sentence(instances, state),
        decider.would_have_met,
        min(pending) if pending else None,
        _not_checked(rule, ctx, instances),
    )


def _not_checked(rule: Rule, ctx: Context, instances: tuple[Instance, ...]) -> str:
    """One line for the days not checked because applicability was unknown (empty if there are none)."""
    skipped = [i for i in instances if i.reason == "unknown_state_skipped"]
    if not skipped:
        return ""
    first = min(anchor_day(i) for i in skipped)
    last = max(i.window_to or i.due or first for i in skipped)
    missing = " or ".join(_unknowns(rule, ctx, skipped[0])) or "the state the rule needs"
    return (f"Not checked from {human(first)} to {human(last)} ({len(skipped)} "
            f"check{'s' if len(skipped) != 1 else ''}): the timeline does not record {missing}.")


def _nothing_due(rule: Rule, ctx: Context) -> Instance:
    """Why a rule with no instance has none: it never applied to this case, or its trigger has not happened."""
    track = ctx.state.condition(rule.condition)
    start = ctx.case.start_date
    if not track.periods(True, start, ctx.horizon) and not track.periods(None, start, ctx.horizon):
        return Instance("not_applicable", "period", window_from=start, window_to=ctx.horizon, reason="never_held")
    return Instance("not_applicable", "trigger", window_from=ctx.horizon, reason="no_trigger")


def _unknowns(rule: Rule, ctx: Context, instance: Instance) -> list[str]:
    day = anchor_day(instance)
    if instance.reason not in ("unknown_state", "unknown_state_skipped") or day is None:
        return []
    return rule.condition.unknowns(ctx.state, day)
