"""The published rule schema (``schemas/rules.schema.json``), assembled from what defines each part of it.

What every rule has is written here; each obligation template and each condition kind brings its own fragment
(``Template.SCHEMA``, ``ConditionKind.SCHEMA``), and the lists of practice areas, stages, severities and event
types come from the vocabulary. The file in ``schemas/`` is what editors and the loader read; a test keeps it
equal to what this module builds, so that adding a template or a condition changes both together. To write it
after such a change, review the difference, then::

    python -m ppcompliance.rules.schema_build > schemas/rules.schema.json
"""

from __future__ import annotations

import json
import sys
from typing import Any

from ..engine.conditions import CONDITIONS
from ..engine.templates import TEMPLATES
from ..errors import CODES
from ..vocabulary import KNOWN_EVENT_TYPES, PRACTICE_AREAS, ROSH_LEVELS, SEVERITIES, STAGES

_BY_ROSH_NOTE = ("The rule applies only at the levels listed; every by_rosh table in a rule must list the same "
                 "levels. Where RoSH is not yet known, the figures for the highest level listed are used to decide "
                 "whether anything would have been missed.")
_DURATION_TEXT = ("A length of time: calendar days, weeks (7 calendar days each), working days (Monday to Friday, "
                  "not England & Wales bank holidays) or calendar months (the same day of the month N months "
                  "later, or the month's last day if it is shorter: 31 Jan + 1 month is 28 or 29 Feb). Day 0 is "
                  "the day counted from; the last day is included.")
_DAYS = {"type": "integer", "minimum": 0, "maximum": 36500, "description": "Calendar days."}
_WEEKS = {"type": "integer", "minimum": 0, "maximum": 5200, "description": "Weeks of 7 calendar days."}
_WORKING_DAYS = {"type": "integer", "minimum": 0, "maximum": 26000,
                 "description": "Working days (Mon-Fri, not bank holidays)."}
_MONTHS = {"type": "integer", "minimum": 1, "maximum": 1200,
           "description": "Calendar months (at least 1): the same day of the month, or the month's last day."}


def _by_rosh(fixed: str, examples: list[Any]) -> dict[str, Any]:
    return {
        "type": "object", "additionalProperties": False, "required": ["by_rosh"],
        "properties": {"by_rosh": {
            "type": "object", "additionalProperties": False, "minProperties": 1,
            "properties": {level: {"$ref": f"#/$defs/{fixed}"} for level in ROSH_LEVELS},
            "description": f"A different length of time for each RoSH level. {_BY_ROSH_NOTE}"}},
        "examples": examples,
    }


def _one_of(names: list[str]) -> dict[str, Any]:
    return {"oneOf": [{"anyOf": [{"enum": names}, {"type": "string", "pattern": "^[a-z][a-z_]{0,39}$"}]},
                      {"type": "array", "minItems": 1, "uniqueItems": True,
                       "items": {"anyOf": [{"enum": names}, {"type": "string", "pattern": "^[a-z][a-z_]{0,39}$"}]}}],
            "description": "The event type, or a list of types any of which counts. supervision_start is the case's "
                           "start date. Unknown types are reported when the rulebook is loaded, with a suggestion."}


def build_rules_schema() -> dict[str, Any]:
    """The rule schema, as data."""
    areas = "; ".join(f"{area}: {title}" for area, title in PRACTICE_AREAS.items())
    rule_properties: dict[str, Any] = {
        "id": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$", "maxLength": 40,
               "description": "A stable id, never reused: capitals, digits and hyphens.",
               "examples": ["ENQ-01", "ACT-03"]},
        "title": {"$ref": "#/$defs/text", "description": "A short title a practitioner understands.",
                  "examples": ["First appointment within 5 working days of sentence"]},
        "description": {"$ref": "#/$defs/text", "description": "What the rule expects and why, in plain English."},
        "area": {"enum": list(PRACTICE_AREAS), "description": f"The inspectorate's practice area: {areas}"},
        "stage": {"enum": list(STAGES), "description": "The supervision stage the rule belongs to."},
        "severity": {"enum": list(SEVERITIES), "description": "How serious a failure is: low, medium or high."},
        "basis": {"$ref": "#/$defs/basis"},
        "in_force": {"type": "object", "additionalProperties": False, "minProperties": 1,
                     "properties": {"from": {"$ref": "#/$defs/date"}, "until": {"$ref": "#/$defs/date"}},
                     "description": "The period in which the rule is in force (both ends included). An obligation "
                                    "whose trigger (or period) falls outside it does not apply.",
                     "examples": [{"from": "2024-06-07"}]},
        "remedy": {"type": "array", "minItems": 1, "uniqueItems": True, "maxItems": 10,
                   "items": {"type": "string", "pattern": "^[A-Z][A-Z0-9]*(-[A-Z0-9]+)*$"},
                   "description": "Rules that take over once this rule's obligation can no longer be met: a check "
                                  "due before sentence, missed, is remedied by the one due early in supervision. "
                                  "The worklist and the explanation name them.",
                   "examples": [["ENQ-03"]]},
        "suppress_lint": {
            "type": "array", "minItems": 1, "maxItems": 20,
            "items": {"type": "object", "additionalProperties": False, "required": ["code", "reason"],
                      "properties": {"code": {"enum": [code for code in CODES if code.startswith("lint-")
                                                       and code != "lint-suppression-unused"]},
                                     "reason": {"$ref": "#/$defs/text",
                                                "description": "Why the finding is accepted (ppcheck lint lists "
                                                               "it)."}}},
            "description": "Lint findings about this rule that its authors have looked at and accept, each with the "
                           "reason. ppcheck lint lists them as suppressed, and reports a suppression that no "
                           "longer matches anything.",
            "examples": [[{"code": "lint-overlap", "reason": "ACT-03 is the backstop for every case; ACT-02 sets "
                                                            "the figures by RoSH."}]]},
        "applies_within": {"$ref": "#/$defs/fixed_duration",
                           "description": "For deadline, precedence and response rules: the rule applies to a trigger "
                                          "if applies_when holds on any day from the trigger's day to this long after "
                                          "it (as far as the timeline has been read), not only on the trigger's day — "
                                          "a flag added a few days after allocation still counts.",
                           "examples": [{"working_days": 10}]},
        "when_unknown": {"enum": ["strictest", "first_assessed", "skip"],
                         "description": "Where the timeline does not yet say whether the rule applies (RoSH or tier "
                                        "not yet assessed): strictest (the default: judge as if it applied, at the "
                                        "strictest RoSH level, and report unknown what would fail), first_assessed "
                                        "(judge that time by the first level later assessed), or skip (do not judge "
                                        "it: listed as not checked)."},
        "applies_when": {"$ref": "#/$defs/condition",
                         "description": "When the rule applies. For deadline, precedence and response: checked on the "
                                        "trigger's day; for before_end: on the first day of the end window; for "
                                        "cadence and recurrence: the obligation runs in the periods in which it "
                                        "holds. Omit for every case."},
    }
    for keyword in TEMPLATES:
        rule_properties[keyword] = {"$ref": f"#/$defs/{keyword}"}
    event_names = list(KNOWN_EVENT_TYPES)
    defs: dict[str, Any] = {
        "text": {"type": "string", "minLength": 1, "maxLength": 2000},
        "date": {"type": "string", "format": "date", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}(?![\\s\\S])",
                 "description": "A date, YYYY-MM-DD."},
        "rule": {"type": "object", "additionalProperties": False,
                 "required": ["id", "title", "area", "stage", "severity", "basis"],
                 "properties": rule_properties,
                 "oneOf": [{"required": [keyword]} for keyword in TEMPLATES]},
        "basis": {
            "type": "object", "additionalProperties": False, "required": ["citation", "illustrative"],
            "description": "Why the rule exists. Every rule cites its basis; no rule pretends to be official when it "
                           "is not.",
            "properties": {
                "citation": {"$ref": "#/$defs/text",
                             "description": "The source: a performance measure, statute, guidance or inspectorate "
                                            "finding.",
                             "examples": ["Probation Service performance measure PS SL004"]},
                "link": {"type": "string", "pattern": "^https://", "maxLength": 500,
                         "description": "Where the source can be read, if it is public."},
                "illustrative": {"type": "boolean",
                                 "description": "true where the figure (the number of days) is not an official one "
                                                "and a policy team is expected to set it; false where it is the "
                                                "published figure."},
                "note": {"$ref": "#/$defs/text", "description": "Anything a policy officer should know about the "
                                                                "figure."},
            },
        },
        "value": {"type": ["string", "integer", "boolean"]},
        "matcher": {
            "type": "object", "additionalProperties": False, "required": ["event"],
            "description": "Which events count: a type (or a list of types) and, optionally, required field values.",
            "examples": [{"event": "enquiry", "where": {"agency": "police", "topic": "domestic_abuse",
                                                        "status": "requested"},
                          "label": "a police domestic abuse enquiry"}],
            "properties": {
                "event": _one_of(event_names),
                "where": {"type": "object", "maxProperties": 10,
                          "description": "Field values the event must have: a value, or a list of values any of "
                                         "which counts.",
                          "additionalProperties": {"oneOf": [{"$ref": "#/$defs/value"},
                                                             {"type": "array", "minItems": 1,
                                                              "items": {"$ref": "#/$defs/value"}}]}},
                "label": {"type": "string", "minLength": 1, "maxLength": 200,
                          "description": "How explanations name the event, with its article: 'a police domestic "
                                         "abuse enquiry'."},
                "about_trigger": {"type": "boolean",
                                  "description": "For what a deadline or response expects: only an event that names "
                                                 "its trigger (about: the trigger's id) counts, so a response must "
                                                 "answer the event that called for it."},
                "arranged": {"type": "boolean",
                             "description": "For appointments: count them as arranged — on the day they were "
                                            "arranged for, whatever their outcome, known from the day they were "
                                            "arranged (arranged_date) even if that day is still to come. Without "
                                            "it an appointment counts once its day has come."},
                "answered": {"type": "boolean",
                             "description": "For enquiries: count a request only once it is answered, on the day "
                                            "the answer (an enquiry with status response_received, the same agency "
                                            "and topic, naming the request in about or else the first after it) "
                                            "was received. Leave status out of where."},
            },
        },
        "trigger": {
            "type": "object", "additionalProperties": False, "required": ["event"],
            "description": "The event an obligation counts from.",
            "properties": {
                "event": {"$ref": "#/$defs/matcher/properties/event"},
                "where": {"$ref": "#/$defs/matcher/properties/where"},
                "label": {"$ref": "#/$defs/matcher/properties/label"},
                "occurrence": {"enum": ["first", "each"],
                               "description": "Count from the first such event only, or from each one (default: "
                                              "first for deadline and precedence, each for response)."},
                "nth": {"type": "integer", "minimum": 2, "maximum": 100,
                        "description": "Only an occurrence that is at least the nth such event (within nth_within, "
                                       "if given) triggers: e.g. 2 for a second failure."},
                "nth_within": {"$ref": "#/$defs/fixed_calendar_duration",
                               "description": "With nth: the earlier occurrences must fall within this time before it "
                                              "(e.g. 12 months)."},
                "since": {
                    "type": "object", "additionalProperties": False, "required": ["event"],
                    "oneOf": [{"required": ["within"]}, {"required": ["for"]}],
                    "description": "Anchor the trigger on an earlier event: it counts only within this time after the "
                                   "most recent such event before its day, and occurrence / nth count from that "
                                   "event (the enforcement clock runs from the warning).",
                    "examples": [{"event": "warning_letter", "for": {"months": 12}}],
                    "properties": {"event": {"$ref": "#/$defs/matcher/properties/event"},
                                   "where": {"$ref": "#/$defs/matcher/properties/where"},
                                   "label": {"$ref": "#/$defs/matcher/properties/label"},
                                   "within": {"$ref": "#/$defs/fixed_calendar_duration",
                                              "description": "Up to and including this long after the anchor's "
                                                             "day (day 0): within 12 months of 10 Jan includes "
                                                             "10 Jan next year."},
                                   "for": {"$ref": "#/$defs/fixed_calendar_duration",
                                           "description": "The period of this length beginning with the anchor's "
                                                          "day, as statute words it: 12 months beginning with 10 "
                                                          "Jan end on 9 Jan next year."}}},
            },
            "dependentRequired": {"nth_within": ["nth"]},
        },
    }
    for keyword, template in TEMPLATES.items():
        defs[keyword] = dict(template.SCHEMA)
    defs["condition"] = {
        "description": "A condition over case facts and derived state. Combine with all / any / not; each other "
                       "form is one fact.",
        "type": "object", "minProperties": 1, "maxProperties": 1,
        "examples": [{"all": [{"supervision_type": ["community_order"]}, {"rosh": {"at_least": "high"}}]}],
        "properties": {keyword: dict(kind.SCHEMA) for keyword, kind in CONDITIONS.items()},
        "additionalProperties": False,
    }
    defs["fixed_duration"] = {
        "type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
        "properties": {"days": _DAYS, "weeks": _WEEKS, "working_days": _WORKING_DAYS, "months": _MONTHS},
        "description": _DURATION_TEXT,
        "examples": [{"working_days": 5}, {"days": 14}, {"weeks": 4}, {"months": 12}],
    }
    defs["fixed_calendar_duration"] = {
        "type": "object", "additionalProperties": False, "minProperties": 1, "maxProperties": 1,
        "properties": {"days": _DAYS, "weeks": _WEEKS, "months": _MONTHS},
        "description": _DURATION_TEXT + " Working days are not allowed here.",
        "examples": [{"days": 7}, {"weeks": 13}, {"months": 3}],
    }
    example = [{"by_rosh": {"very_high": {"days": 7}, "high": {"days": 14}, "medium": {"days": 28}}}]
    defs["duration"] = {
        "oneOf": [{"$ref": "#/$defs/fixed_duration"}, _by_rosh("fixed_duration", example)],
        "description": _DURATION_TEXT + " Or a by_rosh table of such lengths.",
    }
    defs["calendar_duration"] = {
        "oneOf": [{"$ref": "#/$defs/fixed_calendar_duration"}, _by_rosh("fixed_calendar_duration", example)],
        "description": _DURATION_TEXT + " Working days are not allowed here. Or a by_rosh table of such lengths.",
    }
    defs["count"] = {"type": "integer", "minimum": 1, "maximum": 1000}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://ppcompliance.example/schemas/rules.schema.json",
        "title": "ppcompliance rule file",
        "description": "A file of rules for one practice area or supervision stage. Rules are data: no code, no "
                       "expressions. docs/rule-language.md explains every field and the exact meaning of each "
                       "obligation template.",
        "type": "object",
        "additionalProperties": False,
        "required": ["rules"],
        "properties": {"rules": {"type": "array", "minItems": 1, "maxItems": 1000, "items": {"$ref": "#/$defs/rule"},
                                 "description": "The rules in this file."}},
        "$defs": defs,
    }


def rules_schema_text() -> str:
    """The rule schema as the file in ``schemas/`` is written."""
    return json.dumps(build_rules_schema(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    sys.stdout.write(rules_schema_text())
