"""The engine: the compiled rulebook's model, the condition kinds and obligation templates, and evaluation.

``evaluate(rulebook, timeline, as_of)`` is a pure function returning facts (``engine.facts``); sentences are
made later, by ``ppcompliance.explain``.
"""

from .evaluate import evaluate, rule_verdict
from .facts import (FAILING, RESOLVED, STATES, Action, CaseReport, Evidence, Instance, Kind, Reason, RuleVerdict,
                    State, worst)
from .rulebook import Basis, Condition, Duration, Matcher, Obligation, Rule, Rulebook, Trigger

__all__ = ["evaluate", "rule_verdict", "FAILING", "RESOLVED", "STATES", "Action", "CaseReport", "Evidence",
           "Instance", "Kind", "Reason", "RuleVerdict", "State", "worst", "Basis", "Condition", "Duration",
           "Matcher", "Obligation", "Rule", "Rulebook", "Trigger"]
