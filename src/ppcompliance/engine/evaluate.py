"""Evaluation: a pure function of (compiled rulebook, timeline, as-of date) -> a case report of facts.

No file, clock, environment or printing here, and no sentences: the as-of date is a parameter, the same input
always gives the same report, and explanations are made later by ``ppcompliance.explain``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Collection, Iterable, Sequence

from ..timeline.model import Timeline
from . import deviations
from .facts import Action, CaseReport, Instance, Kind, Reason, RuleVerdict, State, UNKNOWN_REASONS, worst
from .rulebook import Rule, Rulebook
from .view import CaseView


def evaluate(rulebook: Rulebook, timeline: Timeline, as_of: date, only: Iterable[str] | None = None,
             known: Collection[str] | None = None) -> CaseReport:
    """Every rule's verdict on the timeline as seen on ``as_of`` (events after it are invisible); with
    ``only``, the verdicts of those rules alone (the timeline is still checked against the whole rulebook).

    Raises TimelineError if a deviation in the timeline names a rule the rulebook does not have (or, given
    ``known``, a rule id not among those: a comparison of two rulebooks knows the rules of both)."""
    check_arguments(rulebook, timeline, as_of)
    deviations.check(rulebook.by_id if known is None else known, timeline)
    view = CaseView(timeline, as_of)
    chosen = rulebook.rules if only is None else tuple(rulebook.by_id[rule_id] for rule_id in only)
    verdicts = tuple(rule_verdict(rule, view) for rule in chosen)
    actions = sorted(
        (Action(v.rule_id, i.due, i.days or 0, i.working, i)
         for v in verdicts for i in v.instances if i.state == State.PENDING and i.due is not None),
        key=lambda a: (a.due, a.rule_id, a.instance.kind, a.instance.window_from or date.min),
    )
    return CaseReport(timeline.case, as_of, verdicts, tuple(actions))


def check_arguments(rulebook: object, timeline: object, as_of: object) -> None:
    """Say plainly what was expected, rather than fail deep inside with a comparison error."""
    check_rulebook(rulebook)
    check_timeline(timeline)
    check_as_of(as_of)


def check_rulebook(rulebook: object) -> None:
    """TypeError unless ``rulebook`` is a Rulebook."""
    if not isinstance(rulebook, Rulebook):
        raise TypeError(f"evaluate() needs a Rulebook first (from load_rulebook), not {type(rulebook).__name__}")


def check_timeline(timeline: object) -> None:
    """TypeError unless ``timeline`` is a Timeline."""
    if not isinstance(timeline, Timeline):
        raise TypeError(f"evaluate() needs a Timeline second (from load_timeline or timeline_from_data), not "
                        f"{type(timeline).__name__}")


def check_as_of(as_of: object) -> None:
    """TypeError unless ``as_of`` is a date (and not a datetime)."""
    if not isinstance(as_of, date) or isinstance(as_of, datetime):
        raise TypeError(f"evaluate() needs the as-of date as a datetime.date (e.g. date(2024, 6, 30)), not "
                        f"{type(as_of).__name__} {as_of!r}")


def rule_verdict(rule: Rule, view: CaseView) -> RuleVerdict:
    """One rule's verdict on the case in ``view``."""
    instances = tuple(_with_unknowns(rule, view, i) if i.reason in UNKNOWN_REASONS else i
                      for i in _judged(rule, view))
    state = worst(i.state for i in instances)
    pending = [i.due for i in instances if i.state == State.PENDING and i.due is not None]
    return RuleVerdict(rule.id, state, instances, min(pending) if pending else None)


def rule_state(rule: Rule, view: CaseView) -> State:
    """One rule's verdict state on the case in ``view`` (``rule_verdict(rule, view).state``, without what only
    the instances' readers need: what the timeline does not say, the next due date)."""
    return worst(i.state for i in _judged(rule, view))


def _judged(rule: Rule, view: CaseView) -> Sequence[Instance]:
    """The rule's instances (or why it has none), with those a deviation excuses made justified."""
    instances = _instances(rule, view) or [_nothing_due(rule, view)]
    excusing = view.of_type(deviations.DEVIATION).events
    if excusing:
        return deviations.justify(instances, deviations.for_rule(rule, excusing))
    return instances


_SILENT = (Reason.NOTHING_DUE, Reason.NO_TRIGGER, Reason.CONDITION, Reason.NOT_IN_FORCE, Reason.NEVER_HELD)


def _instances(rule: Rule, view: CaseView) -> list[Instance]:
    if not rule.by_rosh:
        return rule.obligation.evaluate(rule, view)
    # One obligation per RoSH level, each applying at its level. Where RoSH is unknown only the first (the
    # highest level listed, the strictest) is checked; where a level's figures do not apply, nothing is said
    # unless no level applied at all.
    found: list[Instance] = []
    silent: list[Instance] = []
    for n, (level, variant) in enumerate(rule.levels):
        for i in variant.obligation.evaluate(variant, view):
            if i.reason in UNKNOWN_REASONS and n > 0:
                continue
            (silent if i.reason in _SILENT else found).append(i.revise(level=level))
    if found:
        return sorted(found, key=lambda i: (i.trigger.date if i.trigger else i.window_from or date.min, i.kind))
    # Nothing applied at any level: say the most telling thing (a level applied but nothing fell due, before
    # "no level ever applied").
    return sorted(silent, key=lambda i: _SILENT.index(i.reason))[:1]


def _nothing_due(rule: Rule, view: CaseView) -> Instance:
    """Why a rule with no instance has none: it never applied to this case, or its trigger has not happened."""
    track = view.state.condition(rule.condition)
    start = view.case.start_date
    horizon = date.fromordinal(view.horizon)
    if not track.periods(True, view.start, view.horizon) and not track.periods(None, view.start, view.horizon):
        return Instance(State.NOT_APPLICABLE, Kind.PERIOD, start, horizon, reason=Reason.NEVER_HELD)
    return Instance(State.NOT_APPLICABLE, Kind.TRIGGER, horizon, reason=Reason.NO_TRIGGER)


def _with_unknowns(rule: Rule, view: CaseView, instance: Instance) -> Instance:
    """An instance whose applicability is unknown, with what the timeline does not say."""
    if instance.reason not in UNKNOWN_REASONS or instance.anchor is None:
        return instance
    return instance.revise(unknown=tuple(dict.fromkeys(rule.condition.unknowns(view.state, instance.anchor.toordinal()))))
