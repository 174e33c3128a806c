"""Rules in plain English: the sentence a policy board signs off, made from the compiled rule itself.

Used by ``ppcheck doc``; generated, so it can never drift from the rules. Each template describes its own
obligation (``Template.describe``); what every rule has — figures by RoSH level, when it applies, when it is
in force — is described here.
"""

from __future__ import annotations

from ..engine.rulebook import Always, Rule
from ..engine.templates import Template


def obligation_sentence(rule: Rule) -> str:
    """The obligation as one sentence: "Within 5 working days of sentence, a first appointment in person."."""
    if rule.by_rosh:
        return " ".join(f"Where RoSH is {level.replace('_', ' ')}: {_describe(ob)}" for level, ob in rule.by_rosh)
    return _describe(rule.obligation)


def _describe(obligation: object) -> str:
    assert isinstance(obligation, Template)
    return obligation.describe()


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
