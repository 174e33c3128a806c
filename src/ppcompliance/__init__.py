"""ppcompliance: a rules-as-code compliance engine for probation public-protection practice.

Load a rulebook once, then evaluate any number of case timelines against it::

    from datetime import date
    import ppcompliance as pp

    rulebook = pp.load_rulebook()                  # the bundled default rulebook, or a folder of YAML rules
    timeline = pp.load_timeline("case.json")
    report = pp.evaluate(rulebook, timeline, date(2024, 6, 30))
    said = pp.explain(rulebook, report)            # sentences, made only when wanted
    for verdict in report.verdicts:
        print(verdict.rule_id, verdict.state, said.rules[verdict.rule_id].sentence)

Evaluation is pure: the same rulebook, timeline and as-of date always give the same report.
"""

from ._version import __version__
from .engine import (Action, CaseReport, Evidence, Instance, Kind, Reason, Rule, Rulebook, RuleVerdict, State,
                     evaluate)
from .engine.facts import STATES
from .errors import Diagnostic, InputError, RuleError, TimelineError
from .explain import Explanation, explain
from .report.case import compact_record, report_to_dict, report_to_json
from .rules import load_rulebook
from .timeline import Case, Event, Timeline, load_timeline, parse_timeline, timeline_from_data


__all__ = [
    "evaluate",
    "explain",
    "load_rulebook",
    "load_timeline",
    "parse_timeline",
    "timeline_from_data",
    "report_to_dict",
    "report_to_json",
    "compact_record",
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
    "State",
    "Reason",
    "Kind",
    "Action",
    "CaseReport",
    "Evidence",
    "Explanation",
    "Instance",
    "RuleVerdict",
]
