"""ppcompliance: a rules-as-code compliance engine for probation public-protection practice.

Load a rulebook once, then evaluate any number of case timelines against it::

    from datetime import date
    import ppcompliance as pp

    rulebook = pp.load_rulebook()                  # the bundled default rulebook, or a folder of YAML rules
    timeline = pp.load_timeline("case.json")
    report = pp.evaluate(rulebook, timeline, date(2024, 6, 30))
    for verdict in report.verdicts:
        print(verdict.rule_id, verdict.state, verdict.sentence)

Evaluation is pure: the same rulebook, timeline and as-of date always give the same report.
"""

from ._evaluate import evaluate
from ._load_rules import load_rulebook
from ._load_timeline import load_timeline, parse_timeline, timeline_from_data
from ._render import report_to_dict, report_to_json
from .errors import Diagnostic, InputError, RuleError, TimelineError
from .rulebook import Rule, Rulebook
from .timeline import Case, Event, Timeline
from .verdicts import STATES, Action, CaseReport, Evidence, Instance, RuleVerdict

__version__ = "0.1.0"

__all__ = [
    "evaluate",
    "load_rulebook",
    "load_timeline",
    "parse_timeline",
    "timeline_from_data",
    "report_to_dict",
    "report_to_json",
    "Diagnostic",
    "InputError",
    "RuleError",
    "TimelineError",
    "Rule",
    "Rulebook",
    "Case",
    "Event",
    "Timeline",
    "STATES",
    "Action",
    "CaseReport",
    "Evidence",
    "Instance",
    "RuleVerdict",
]
