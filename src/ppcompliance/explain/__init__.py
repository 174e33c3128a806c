"""Explanation: the sentences of a report, made from the evaluator's facts only where someone reads them."""

from .describe import applicability_sentence, obligation_sentence
from .sentences import Explanation, InstanceText, RuleText, action_text, explain, explain_rule

__all__ = ["Explanation", "InstanceText", "RuleText", "action_text", "applicability_sentence", "explain",
           "explain_rule", "obligation_sentence"]
