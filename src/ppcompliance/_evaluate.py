"""Evaluation: a pure function of (compiled rulebook, timeline, as-of date) -> a case report.

No file, clock, environment or printing here: the as-of date is a parameter, and the same input always gives
the same report.
"""

from __future__ import annotations

from datetime import date

from ._explain import action, anchor_day, explain, rule_sentence
from ._obligations import TEMPLATES, Context
from .rulebook import Rule, Rulebook
from .timeline import Timeline
from .verdicts import CaseReport, Instance, RuleVerdict, worst


def evaluate(rulebook: Rulebook, timeline: Timeline, as_of: date) -> CaseReport:
    """Every rule's verdict on the timeline as seen on ``as_of`` (events after it are invisible)."""
    ctx = Context(timeline, as_of)
    verdicts = tuple(_rule_verdict(rule, ctx) for rule in rulebook.rules)
    actions = sorted(
        (action(rulebook.by_id[v.rule_id], i) for v in verdicts for i in v.instances if i.state == "pending"),
        key=lambda a: (a.due, a.rule_id, a.text),
    )
    return CaseReport(timeline.case, as_of, verdicts, tuple(actions))


def _rule_verdict(rule: Rule, ctx: Context) -> RuleVerdict:
    instances = TEMPLATES[rule.template](rule, rule.obligation, ctx)
    if not instances:
        instances = [Instance("not_applicable", "trigger", window_from=ctx.horizon, reason="no_trigger")]
    explained = tuple(
        explain(rule, i, ctx.case, ctx.horizon, _unknowns(rule, ctx, i)) for i in instances
    )
    state = worst(i.state for i in explained)
    pending = [i.due for i in explained if i.state == "pending" and i.due is not None]
    deciding = next(i for i in explained if i.state == state)
    return RuleVerdict(
        rule.id,
        state,
        explained,
        rule_sentence(explained, state),
        deciding.would_have_met,
        min(pending) if pending else None,
    )


def _unknowns(rule: Rule, ctx: Context, instance: Instance) -> list[str]:
    day = anchor_day(instance)
    if instance.reason not in ("unknown_state", "unknown_state_skipped") or day is None:
        return []
    return rule.applies_when.unknowns(ctx.state, day)
