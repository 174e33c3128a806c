"""Rules in plain English: the sentence a policy board signs off, made from the compiled rule itself.

Used by ``ppcheck doc``; generated, so it can never drift from the rules.
"""

from __future__ import annotations

from ._explain import bare, capital
from .rulebook import (
    Always,
    BeforeEnd,
    Cadence,
    Deadline,
    Duration,
    Precedence,
    Recurrence,
    Response,
    Rule,
    Trigger,
)


def _span(d: Duration) -> str:
    if not d.working and d.days and d.days % 7 == 0:
        weeks = d.days // 7
        return f"{weeks} week" + ("s" if weeks != 1 else "")
    return str(d)


def _trigger(t: Trigger) -> str:
    label = t.matcher.describe()
    if t.nth > 1 and not t.matcher.label:
        within = f" within {_span(t.nth_within)}" if t.nth_within else ""
        return f"{label} (the {_ordinal(t.nth)} such event{within})"
    return label


def _ordinal(n: int) -> str:
    return {2: "second", 3: "third", 4: "fourth"}.get(n, f"{n}th")


def obligation_sentence(rule: Rule) -> str:
    """The obligation as one sentence: "Within 5 working days of sentence, a first appointment in person."."""
    if rule.by_rosh:
        return " ".join(f"Where RoSH is {level.replace('_', ' ')}: {_sentence(ob)}" for level, ob in rule.by_rosh)
    return _sentence(rule.obligation)


def _sentence(ob) -> str:
    if isinstance(ob, Deadline):
        each = "each " if ob.trigger.occurrence == "each" else ""
        text = f"Within {_span(ob.within)} of {each}{bare(_trigger(ob.trigger)) if each else _trigger(ob.trigger)}, " \
               f"{ob.expect.describe()}"
        if ob.look_back:
            text += f" (one made up to {_span(ob.look_back)} before counts)"
        return text + _pause(ob.pause_in_custody) + "."
    if isinstance(ob, Response):
        return f"Each time there is {_trigger(ob.trigger)}: {ob.respond.describe()} within {_span(ob.within)}" \
               f"{_pause(ob.pause_in_custody)}."
    if isinstance(ob, Precedence):
        when = "before the day of" if ob.strictly_before else "before (or on the day of)"
        text = f"{capital(ob.expect.describe())} {when} {_trigger(ob.trigger)}"
        if ob.look_back:
            text += f", and no more than {_span(ob.look_back)} before it"
        return text + "."
    if isinstance(ob, Cadence):
        parts = []
        if ob.at_least is not None and ob.per is not None:
            parts.append(f"at least {ob.at_least} in every {_span(ob.per)}, each {ob.qualifying.describe()}")
        if ob.max_gap is not None:
            parts.append(f"never more than {_span(ob.max_gap)} without {ob.qualifying.describe()}")
        return capital("; and ".join(parts)) + _pause(ob.pause_in_custody) + "."
    if isinstance(ob, Recurrence):
        return f"{capital(ob.qualifying.describe())} within {_span(ob.first_within)} of the rule starting to " \
               f"apply, then at least every " \
               f"{_span(ob.every)}{_pause(ob.pause_in_custody)}."
    if isinstance(ob, BeforeEnd):
        text = f"{capital(ob.qualifying.describe())} in the last {_span(ob.within_last)} before supervision ends"
        if ob.at_least_before.days:
            text += f", at least {_span(ob.at_least_before)} before the end"
        return text + "."
    raise TypeError(f"no sentence for {type(ob).__name__}")


def _pause(pause: bool) -> str:
    return " (time in custody does not count)" if pause else ""


def applicability_sentence(rule: Rule) -> str:
    """When the rule applies, in words."""
    if isinstance(rule.condition, Always):
        text = "Applies to every case"
    elif rule.template in ("cadence", "recurrence"):
        text = f"Applies while {rule.condition.describe()}"
    else:
        text = f"Applies when {rule.condition.describe()}"
    if rule.in_force_from or rule.in_force_until:
        start = rule.in_force_from.isoformat() if rule.in_force_from else "the start"
        end = rule.in_force_until.isoformat() if rule.in_force_until else "further notice"
        text += f"; in force from {start} until {end}"
    return text + "."
