"""The published schemas and the Python vocabulary spell the same lists."""

import json

from ppcompliance import vocabulary as vocab
from ppcompliance.engine.facts import STATES

from conftest import SCHEMAS


def _load(name):
    return json.loads((SCHEMAS / f"{name}.schema.json").read_text(encoding="utf-8"))


def test_timeline_schema_event_types_and_fields_match_the_vocabulary():
    schema = _load("timeline")
    event = schema["$defs"]["event"]
    assert event["properties"]["type"]["enum"] == list(vocab.EVENT_TYPES)
    by_type = {c["if"]["properties"]["type"]["const"]: c["then"] for c in event["allOf"]}
    assert set(by_type) == set(vocab.EVENT_TYPES)
    for event_type, fields in vocab.EVENT_TYPES.items():
        then = by_type[event_type]
        own = {k: v for k, v in then["properties"].items() if k not in vocab.COMMON_EVENT_FIELDS}
        assert set(own) == set(fields), event_type
        for name, allowed in fields.items():
            if allowed is not None and own[name].get("type") == "boolean":
                assert allowed == (True, False), (event_type, name)
            elif allowed is not None:
                assert own[name]["enum"] == list(allowed), (event_type, name)
        assert then.get("required", []) == list(vocab.REQUIRED_FIELDS.get(event_type, ())), event_type


def test_rule_schema_areas_stages_and_states_match():
    schema = _load("rules")
    rule = schema["$defs"]["rule"]["properties"]
    assert rule["area"]["enum"] == list(vocab.PRACTICE_AREAS)
    assert rule["stage"]["enum"] == list(vocab.STAGES)
    assert rule["severity"]["enum"] == list(vocab.SEVERITIES)
    verdicts = _load("verdicts")
    assert verdicts["$defs"]["verdict"]["enum"] == list(STATES)


def test_the_seven_practice_areas_and_stages_of_the_brief():
    assert list(vocab.PRACTICE_AREAS) == [
        "enquiries", "curiosity", "activity", "interventions", "multi_agency", "contingency", "oversight"]
    assert list(vocab.STAGES) == ["court", "induction", "assessment", "planning", "delivery", "review", "end"]
