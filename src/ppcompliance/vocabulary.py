"""The domain vocabulary shared by timelines, rules, reports and the generator.

**One source of truth.** What a timeline may say — the supervision types, the event types, each type's fields
and their allowed values, which fields are required — is read from the published timeline schema
(``schemas/timeline.schema.json``) when this module is imported; nothing here spells those lists again. The
rule schema's event lists are generated from the same lists (``rules.schema_build``), and docs/timeline.md's
table is checked against them by a test. What only rules speak of (practice areas, stages, severities, the
registrations a rule may name) is defined here, and the rule schema is generated from it.
"""

from __future__ import annotations

import json
from types import MappingProxyType
from typing import Any, Mapping

from ._resources import schemas_dir

PRACTICE_AREAS: Mapping[str, str] = MappingProxyType({
    "enquiries": "Enquiries about domestic abuse and child safeguarding",
    "curiosity": "Professional curiosity: reacting to new information",
    "activity": "Sufficient activity throughout supervision",
    "interventions": "Interventions: relevant and timely referrals",
    "multi_agency": "Multi-agency working (MAPPA, MARAC, children's services, victims)",
    "contingency": "Contingency planning and preparing for the end",
    "oversight": "Management oversight",
})

STAGES: Mapping[str, str] = MappingProxyType({
    "court": "Court (pre-sentence)",
    "induction": "Induction",
    "assessment": "Assessment",
    "planning": "Planning",
    "delivery": "Delivery",
    "review": "Review",
    "end": "End of supervision",
})

SEVERITIES = ("low", "medium", "high")

# Registration codes as nDelius records them. Timelines may carry any code (real data has many more); rules
# may only name these, so that a typo in a rule is caught rather than silently never matching.
REGISTRATIONS: Mapping[str, str] = MappingProxyType({
    "ADVP": "domestic abuse perpetrator",
    "REG30": "domestic abuse history",
    "ADVV": "domestic abuse victim",
    "RCCO": "child concerns",
    "RCPR": "child protection",
    "RCHD": "risk to children",
    "IMAR": "MARAC",
    "MAPP": "MAPPA",
    "ARSO": "registered sex offender",
    "STRK": "stalking",
    "AV2S": "risk to staff",
    "INVI": "victim contact",
    "WRSM": "warrant or summons",
})

TIERS = tuple(f"{p}{c}" for p in "ABCD" for c in "3210")

# Not recorded by anyone: made from the case itself so that rules can count from the start of supervision,
# and from the events so that rules can count from a change of state (the RoSH level rose, the MAPPA level
# rose). Each change is dated on the event that made it, and cites that event's id.
SUPERVISION_START = "supervision_start"
ROSH_INCREASED = "rosh_increased"
ROSH_DECREASED = "rosh_decreased"
MAPPA_LEVEL_INCREASED = "mappa_level_increased"

UNIT_KINDS = ("region", "pdu", "team")


def _timeline_schema() -> dict[str, Any]:
    with open(schemas_dir() / "timeline.schema.json", encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema


def _allowed(spec: object) -> tuple[object, ...] | None:
    """The values a field may take (None: any value of its pattern)."""
    if isinstance(spec, dict) and "enum" in spec:
        return tuple(spec["enum"])
    if isinstance(spec, dict) and spec.get("type") == "boolean":
        return (True, False)
    return None


def _vocabulary(schema: dict[str, Any]) -> tuple[Any, ...]:
    defs = schema["$defs"]
    event = defs["event"]
    common = tuple(event["properties"])
    types: dict[str, Mapping[str, tuple[object, ...] | None]] = {}
    required: dict[str, tuple[str, ...]] = {}
    descriptions: dict[str, str] = {}
    for branch in event["allOf"]:
        name = branch["if"]["properties"]["type"]["const"]
        then = branch["then"]
        fields = {f: _allowed(s) for f, s in then["properties"].items() if f not in common}
        types[name] = MappingProxyType(fields)
        if then.get("required"):
            required[name] = tuple(then["required"])
        descriptions[name] = then.get("description", "")
    order = event["properties"]["type"]["enum"]
    types = {name: types[name] for name in order}
    supervision = tuple(defs["case"]["properties"]["supervision_type"]["enum"])
    return common, types, required, descriptions, supervision


(COMMON_EVENT_FIELDS, _TYPES, _REQUIRED, _DESCRIPTIONS, SUPERVISION_TYPES) = _vocabulary(_timeline_schema())

#: Each event type, with its type-specific fields: field -> allowed values (a tuple), or None for free ids.
EVENT_TYPES: Mapping[str, Mapping[str, tuple[object, ...] | None]] = MappingProxyType(_TYPES)
#: Fields an event of a type must carry.
REQUIRED_FIELDS: Mapping[str, tuple[str, ...]] = MappingProxyType(_REQUIRED)
#: What each event type is, in a sentence (from the schema's descriptions).
EVENT_DESCRIPTIONS: Mapping[str, str] = MappingProxyType(_DESCRIPTIONS)
#: RoSH levels, lowest first (the values a risk assessment's ``rosh`` may take).
ROSH_LEVELS: tuple[str, ...] = tuple(str(v) for v in (EVENT_TYPES["risk_assessment"]["rosh"] or ()))

_LEVELS_OF_MAPPA: tuple[object, ...] = (1, 2, 3)
SYNTHETIC_EVENT_TYPES: Mapping[str, Mapping[str, tuple[object, ...] | None]] = MappingProxyType({
    SUPERVISION_START: MappingProxyType({}),
    ROSH_INCREASED: MappingProxyType({"rosh": ROSH_LEVELS, "previous": ROSH_LEVELS}),
    ROSH_DECREASED: MappingProxyType({"rosh": ROSH_LEVELS, "previous": ROSH_LEVELS}),
    MAPPA_LEVEL_INCREASED: MappingProxyType({"level": _LEVELS_OF_MAPPA, "previous": _LEVELS_OF_MAPPA}),
})
#: What each synthetic event type is, in a sentence.
SYNTHETIC_DESCRIPTIONS: Mapping[str, str] = MappingProxyType({
    SUPERVISION_START: "The start of supervision (the case's start date).",
    ROSH_INCREASED: "A risk assessment raised the RoSH level (rosh: the new level; previous: the level before).",
    ROSH_DECREASED: "A risk assessment lowered the RoSH level (rosh: the new level; previous: the level before).",
    MAPPA_LEVEL_INCREASED: "The MAPPA management level was raised (level: the new level; previous: the level "
                           "before).",
})

#: Event types a rule may name: the timeline's, and the synthetic ones.
KNOWN_EVENT_TYPES: Mapping[str, Mapping[str, tuple[object, ...] | None]] = MappingProxyType(
    {**EVENT_TYPES, **SYNTHETIC_EVENT_TYPES})
