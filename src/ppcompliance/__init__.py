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

Evaluation is pure: the same rulebook, timeline and as-of date always give the same report. A whole caseload
(files, folders, JSON Lines, or timelines' JSON data) is checked by ``check_caseload``, which gives the summary
and the worklist ``ppcheck`` writes. docs/api.md is the reference, generated from these docstrings.
"""

from ._version import __version__
from .caseload.api import check_caseload
from .caseload.summary import Summary
from .engine import (Action, CaseReport, Evidence, Instance, Kind, Reason, Rule, Rulebook, RuleVerdict, State,
                     evaluate)
from .engine.facts import STATES
from .errors import Diagnostic, InputError, RuleError, TimelineError
from .explain import Explanation, explain
from .report.case import compact_record, produced_by, report_to_dict, report_to_json
from .report.worklist import Section, WorkItem
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
    "produced_by",
    "check_caseload",
    "Summary",
    "Section",
    "WorkItem",
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
