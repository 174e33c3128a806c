"""Rules in plain English: the sentence a policy board signs off, made from the compiled rule itself.

Used by ``ppcheck doc``; generated, so it can never drift from the rules. Each template describes its own
obligation (``Template.describe``); what every rule has — figures by RoSH level, when it applies, when it is
in force — is described here.
"""

from __future__ import annotations

from .. import words
from ..dates import human
from ..engine.rulebook import Always, Condition, Rule
from ..engine.templates import Template
from ..vocabulary import ROSH_LEVELS


def obligation_sentence(rule: Rule) -> str:
    """The obligation as one sentence: "Within 5 working days of sentence, a first appointment in person."."""
    if rule.by_rosh:
        said: dict[str, list[str]] = {}  # the obligation's words -> the levels that have them, in table order
        for level, obligation in rule.by_rosh:
            said.setdefault(_describe(obligation), []).append(level.replace("_", " "))
        return " ".join(f"Where RoSH is {words.either(levels)}: {text[:1].lower()}{text[1:]}"
                        for text, levels in said.items())
    return _describe(rule.obligation)


def _describe(obligation: object) -> str:
    assert isinstance(obligation, Template)
    return obligation.describe()


def condition_words(rule: Rule) -> str:
    """When the rule applies, as a clause: its condition, without restating RoSH levels a ``by_rosh`` rule lists
    in full (every level has figures, so RoSH narrows nothing); "" for every case."""
    condition: Condition = rule.condition
    if rule.by_rosh and {level for level, _ in rule.by_rosh} == set(ROSH_LEVELS):
        condition = rule.applies_when
    return "" if isinstance(condition, Always) else condition.describe()


def applicability_sentence(rule: Rule) -> str:
    """When the rule applies, in words."""
    condition = condition_words(rule)
    if not condition:
        text = "Applies to every case"
    elif rule.template in ("cadence", "recurrence"):
        text = f"Applies while {condition}"
    else:
        text = f"Applies when {condition}"
        if rule.applies_within:
            text = f"Applies when, on any day from {within_from(rule)} to {rule.applies_within.span()} after " \
                   f"it, {condition}"
    if rule.in_force_from or rule.in_force_until:
        text += "; " + in_force(rule)
    if rule.when_unknown == "first_assessed":
        text += "; where RoSH or the tier is not yet assessed, the first assessment later made decides"
    elif rule.when_unknown == "skip":
        text += "; where RoSH or the tier is not yet assessed, nothing is checked"
    return text + "."


def within_from(rule: Rule) -> str:
    """What a rule's ``applies_within`` window starts from: its trigger, by label ("the allocation")."""
    trigger, _ = rule.obligation.labels()
    return trigger


def in_force(rule: Rule) -> str:
    """``in force from Fri 7 Jun 2024 until further notice``, ``in force until Sun 30 Jun 2024``."""
    end = f"until {human(rule.in_force_until)}" if rule.in_force_until else "until further notice"
    return f"in force from {human(rule.in_force_from)} {end}" if rule.in_force_from else f"in force {end}"


def remedy_words(rule: Rule, titles: dict[str, str] | None = None) -> str:
    """The rules that take over from this one, named with their titles where known: ``ENQ-03 (Police domestic
    abuse enquiry made early in supervision)``."""
    titles = titles or {}
    named = [f"{r} ({titles[r]})" if r in titles else r for r in rule.remedy]
    return named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
