"""Loading a timeline answers exactly as the published schema does: the fast decoder (msgspec structs made
from the schema) never accepts what the schema refuses, and what it refuses goes to python-jsonschema, so the
loader's answer is always the schema's.

The evidence: hypothesis properties over valid timelines generated from the schema and over mutations of them
(wrong types at every level, missing and extra fields, lookalike keys, unknown values, bad dates, booleans and
floats for integers, huge numbers, long strings, junk); every single change to a timeline of each event type;
a corpus of tricky cases, each with the answer the schema gives; and the example timelines. Speed is measured by
benchmarks/validation.py, not here.
"""

from __future__ import annotations

import copy
import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import msgspec

from ppcompliance.errors import TimelineError
from ppcompliance.schemas import validator
from ppcompliance.timeline.load import parse_timeline
from ppcompliance.timeline.model import TimelineDocument

from conftest import EXAMPLES, SCHEMAS, examples

SCHEMA = json.loads((SCHEMAS / "timeline.schema.json").read_text(encoding="utf-8"))
DEFS = SCHEMA["$defs"]
EVENT = DEFS["event"]
COMMON_FIELDS = tuple(EVENT["properties"])
# Event type -> its `then`: the fields it may carry and those it must.
BY_TYPE = {branch["if"]["properties"]["type"]["const"]: branch["then"] for branch in EVENT["allOf"]}
EVENT_TYPES = tuple(EVENT["properties"]["type"]["enum"])
KNOWN_KEYS = sorted({k for then in BY_TYPE.values() for k in then["properties"]}
                    | set(DEFS["case"]["properties"]) | set(DEFS["case"]["properties"]["units"]["properties"])
                    | set(SCHEMA["properties"]))
ENUM_VALUES = sorted({v for then in BY_TYPE.values() for p in then["properties"].values() if isinstance(p, dict)
                      for v in p.get("enum", ())}, key=repr)

CHECKS = settings()  # the loaded profile (tests/conftest.py); each test sets its number of examples


# Checks the loader makes beyond the schema (tested in tests/test_loading.py).
_NOT_SCHEMA = {"timeline-duplicate-event-id", "timeline-dates", "timeline-event-dates", "timeline-reference",
               "timeline-deviation"}


def fast_accepts(text: str) -> bool:
    """Whether the fast decoder alone accepts the JSON text."""
    try:
        msgspec.json.decode(text, type=TimelineDocument)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return False
    return True


def loader_accepts(text: str) -> bool:
    """Whether loading the text passes the schema's checks (the loader's other checks aside)."""
    try:
        parse_timeline(text, "<generated>")
    except TimelineError as exc:
        return not ({d.code for d in exc.diagnostics} - _NOT_SCHEMA)
    return True


def agree(data: object) -> bool:
    """The schema's answer on the JSON form of ``data``, asserted to be the loader's; the fast decoder may
    refuse what the schema accepts (then the loader asks the schema) but never accept what it refuses."""
    text = json.dumps(data)
    wanted = validator("timeline").is_valid(json.loads(text))
    if fast_accepts(text):
        assert wanted, f"the fast decoder accepts what the schema refuses: {text[:2000]}"
    assert loader_accepts(text) is wanted, text[:2000]
    return wanted


# --- valid timelines, generated from the schema itself -------------------------------------------------------

# Real calendar dates anywhere jsonschema allows them (years 0001-9999), often at the leap-day edges.
DATES = st.one_of(
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
    st.sampled_from((date(2024, 2, 29), date(2000, 2, 29), date(2024, 2, 28), date(2023, 3, 1), date(1, 1, 1),
                     date(9999, 12, 31), date(2024, 12, 31))),
).map(date.isoformat)


def _string(schema: dict) -> st.SearchStrategy[str]:
    """Strings a pattern accepts (hypothesis also tries the one trailing newline that "$" lets through)."""
    longest = schema.get("maxLength", 10**6)
    shortest = schema.get("minLength", 0)
    return st.from_regex(schema["pattern"]).filter(lambda s: shortest <= len(s) <= longest)


IDS = st.one_of(st.from_regex(r"\A[A-Z][0-9]{1,6}\Z"), _string(DEFS["id"]))


def _field(schema: dict) -> st.SearchStrategy:
    if "$ref" in schema:
        return DATES if schema["$ref"].endswith("/date") else IDS
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("type") == "boolean":
        return st.booleans()
    return _string(schema)


@st.composite
def events(draw, event_type: str | None = None) -> dict:
    """One valid event: its required fields always, its optional ones sometimes, in any key order."""
    event_type = event_type or draw(st.sampled_from(EVENT_TYPES))
    then = BY_TYPE[event_type]
    out = {"id": draw(IDS), "type": event_type, "date": draw(DATES)}
    for name, schema in then["properties"].items():
        if name in ("id", "type", "date"):
            continue
        if name in then.get("required", ()) or draw(st.booleans()):
            out[name] = draw(_field(EVENT["properties"][name] if name in COMMON_FIELDS else schema))
    keys = draw(st.permutations(list(out)))
    return {k: out[k] for k in keys}


@st.composite
def timelines(draw, max_events: int = 6) -> dict:
    """A valid timeline: a case with some or all of its optional parts, and 0 to ``max_events`` events."""
    case = {"id": draw(IDS), "supervision_type": draw(st.sampled_from(DEFS["case"]["properties"]["supervision_type"]
                                                                      ["enum"])),
            "start_date": draw(DATES), "expected_end_date": draw(DATES)}
    if draw(st.booleans()):
        case["end_date"] = draw(DATES)
    if draw(st.booleans()):
        units = DEFS["case"]["properties"]["units"]["properties"]
        case["units"] = {name: draw(IDS) for name in units if draw(st.booleans())}
    out = {"case": case, "events": draw(st.lists(events(), max_size=max_events))}
    if draw(st.integers(0, 4)) == 0:
        out["$schema"] = draw(st.sampled_from(("https://ppcompliance.example/schemas/timeline.schema.json", "")))
    return out


# --- mutations -----------------------------------------------------------------------------------------------

TRICKY_STRINGS = (
    # dates: impossible days, year 0, wrong widths, trailing and leading whitespace, non-ASCII digits, other ISO forms
    "2024-02-29", "2023-02-29", "1900-02-29", "2000-02-29", "2024-02-30", "2024-04-31", "2024-13-01", "2024-00-10",
    "2024-01-00", "2024-01-32", "0000-01-01", "0001-01-01", "9999-12-31", "2024-1-01", "2024-01-1", "24-01-01",
    "2024-01-01\n", "2024-01-01\n\n", "\n2024-01-01", " 2024-01-01", "2024-01-01 ", "2024/01/01", "20240101",
    "2024-W01-1", "2024-001", "+2024-01-01", "2024-01-01T00:00:00", "\uff12\uff10\uff12\uff14-01-01",
    "\u0662\u0660\u0662\u0664-01-01", "2024-01-0\u0661", "\u0967\u096f\u096f\u096f-01-01",
    # ids: what "$" lets through, and what it does not
    "", "X", "X1\n", "X1\n\n", "\nX1", "X 1", "-X1", ".X1", "X1/a:b.c_d-e", "A" * 64, "A" * 65, "A" * 63 + "\n",
    "A" * 64 + "\n", "X\u00e9", "X\u0661", "X1\r", "X1\x00",
    # codes, tiers and programmes
    "ADVP", "ADVP\n", "advp", "A", "AB", "A" * 8, "A" * 9, "A" * 12, "A" * 13, "A_B", "B2", "B2\n", "E1", "B4", "b2",
    "a" * 64, "a" * 65, "a" * 64 + "\n", "kaizen\n", "Kaizen", "kai zen",
    # enum values with a difference a naive comparison might forgive
    "office ", "Office", "office\n", "home-visit", "licence\n", "sentence\n", "Appointment",
)
NUMBERS = st.one_of(
    st.sampled_from((0, 1, 2, 3, 4, 5, -1, 1.0, 2.0, 3.0, 4.0, 5.0, 0.5, 1.5, -0.0, 3.0000000000000004,
                     2**53 + 1, 2**63, 2**64 + 1, 10**100, -10**100, 1e308, float("inf"), float("-inf"),
                     float("nan"))),
    st.integers(),
    st.floats(),
)
SCALARS = st.one_of(st.none(), st.booleans(), NUMBERS, st.sampled_from(TRICKY_STRINGS), st.sampled_from(ENUM_VALUES),
                    st.sampled_from(EVENT_TYPES), st.text(max_size=70), DATES)
JUNK = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(KNOWN_KEYS) | st.text(max_size=4),
                                                                 inner, max_size=3),
    max_leaves=6,
)
# Keys that look like real ones: stray spaces, case, invisible characters, newlines.
LOOKALIKE = (lambda k: k + " ", lambda k: " " + k, str.upper, str.title, lambda k: k + "\n", lambda k: k + "\u200b",
             lambda k: k.replace("_", "-"), lambda k: k + "s")


def _slots(node: object, path: tuple = ()):
    """Every place in a document: the paths to it and to everything inside it."""
    yield path
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _slots(value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _slots(value, path + (index,))


def _at(doc: object, path: tuple) -> object:
    for part in path:
        doc = doc[part]
    return doc


def _tweak(value: object, draw) -> object:
    """A near miss for a value of the right kind: a string edited, a number turned into its lookalikes."""
    if isinstance(value, str):
        edit = draw(st.sampled_from(("newline", "space", "upper", "lower", "pad64", "pad65", "cut", "digit",
                                     "double")))
        return {"newline": value + "\n", "space": value + " ", "upper": value.upper(), "lower": value.lower(),
                "pad64": (value * 64)[:64] if value else "a" * 64, "pad65": (value * 65)[:65] if value else "a" * 65,
                "cut": value[:-1], "digit": value.replace("2", "\u0662", 1), "double": value + value}[edit]
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return draw(st.sampled_from((float(value), bool(value % 2), str(value), value + 4, -value, value * 2**64)))
    return draw(JUNK)


@st.composite
def mutations(draw, base: st.SearchStrategy[dict] | None = None) -> object:
    """A valid timeline changed in one to three places."""
    doc = copy.deepcopy(draw(base if base is not None else timelines(max_events=4)))
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(list(_slots(doc))))
        node = _at(doc, path)
        parent, key = (_at(doc, path[:-1]), path[-1]) if path else (None, None)
        how = draw(st.sampled_from(("replace", "replace", "tweak", "tweak", "delete", "add", "lookalike", "retype",
                                    "wrap", "copy")))
        if how == "replace":
            value = draw(JUNK)
        elif how == "tweak":
            value = _tweak(node, draw)
        elif how == "wrap":
            value = draw(st.sampled_from(("list", "dict", "tuple", "items")))
            value = {"list": [node], "dict": {"value": node},
                     "tuple": tuple(node) if isinstance(node, list) else (node,),
                     "items": [list(p) for p in node.items()] if isinstance(node, dict) else node}[value]
        elif how == "delete":
            if isinstance(parent, dict):
                del parent[key]
            elif isinstance(parent, list):
                del parent[key]
            continue
        elif how in ("add", "lookalike") and isinstance(node, dict):
            names = sorted(k for k in node if isinstance(k, str))
            if how == "add" or not names:
                name = draw(st.sampled_from(KNOWN_KEYS) | st.text(max_size=6) | st.just(1))
            else:
                name = draw(st.sampled_from(LOOKALIKE))(draw(st.sampled_from(names)))
            node[name] = draw(st.one_of(JUNK, st.sampled_from(ENUM_VALUES), st.builds(dict), st.just(True)))
            continue
        elif how == "retype" and isinstance(node, dict) and "type" in node:
            node["type"] = draw(st.sampled_from(EVENT_TYPES) | st.sampled_from(TRICKY_STRINGS) | JUNK)
            continue
        elif how == "copy" and isinstance(parent, list):
            parent.append(copy.deepcopy(node))
            continue
        else:
            continue
        if parent is None:
            doc = value
        else:
            parent[key] = value
    return doc


# --- properties ----------------------------------------------------------------------------------------------


@settings(CHECKS, max_examples=examples(150))
@given(timelines())
def test_generated_valid_timelines_are_valid_for_both(data):
    assert agree(data) is True


@settings(CHECKS, max_examples=examples(400))
@given(mutations())
def test_both_agree_on_mutated_timelines(data):
    agree(data)


@settings(CHECKS, max_examples=examples(300))
@given(st.sampled_from(EVENT_TYPES).flatmap(lambda t: mutations(st.builds(
    lambda case, event: {"case": case, "events": [event]}, st.just(
        {"id": "X1", "supervision_type": "licence", "start_date": "2024-01-01", "expected_end_date": "2025-01-01"}),
    events(t)))))
def test_both_agree_on_mutated_events_of_every_type(data):
    agree(data)


@settings(CHECKS, max_examples=examples(200))
@given(JUNK)
def test_both_agree_on_junk_in_place_of_a_timeline(data):
    agree(data)


@settings(CHECKS, max_examples=examples(200))
@given(st.sampled_from(("start_date", "expected_end_date", "end_date")),
       st.text(alphabet="0123456789-\n ", max_size=12))
def test_both_agree_on_date_like_strings(field, text):
    data = copy.deepcopy(GOOD)
    data["case"][field] = text
    agree(data)


@settings(CHECKS, max_examples=examples(200))
@given(st.integers(1, 9999), st.integers(0, 13), st.integers(0, 32))
def test_both_agree_on_every_day_number_in_every_month(year, month, day):
    data = copy.deepcopy(GOOD)
    data["events"][0]["date"] = f"{year:04d}-{month:02d}-{day:02d}"
    agree(data)


# --- a corpus of tricky cases, each with the answer jsonschema gives ---------------------------------------------

GOOD = {
    "case": {"id": "X1", "supervision_type": "licence", "start_date": "2024-01-08", "expected_end_date": "2025-01-07"},
    "events": [
        {"id": "E1", "type": "sentence", "date": "2024-01-08"},
        {"id": "E2", "type": "appointment", "date": "2024-01-09", "mode": "office", "outcome": "attended"},
        {"id": "E3", "type": "mappa_level_set", "date": "2024-01-10", "category": 2, "level": 1},
    ],
}


def _case(**fields):
    data = copy.deepcopy(GOOD)
    for name, value in fields.items():
        if value is _DROP:
            del data["case"][name]
        else:
            data["case"][name] = value
    return data


def _event(index: int, **fields):
    data = copy.deepcopy(GOOD)
    for name, value in fields.items():
        if value is _DROP:
            del data["events"][index][name]
        else:
            data["events"][index][name] = value
    return data


def _top(**fields):
    data = copy.deepcopy(GOOD)
    data.update(fields)
    return data


_DROP = object()

CORPUS = [
    # the document itself
    ("the good timeline", GOOD, True),
    ("no events", _top(events=[]), True),
    ("$schema as a string", _top(**{"$schema": "anything at all"}), True),
    ("$schema as a number", _top(**{"$schema": 1}), False),
    ("null", None, False),
    ("a list", [GOOD], False),
    ("a tuple of pairs", tuple(GOOD.items()), False),
    ("an empty object", {}, False),
    ("an extra top-level field", _top(extra=1), False),
    ("events as an object", _top(events={"0": GOOD["events"][0]}), False),
    ("events null", _top(events=None), False),
    ("100,001 events (maxItems)", _top(events=[GOOD["events"][0]] * 100_001), False),
    ("duplicate event ids (not a schema matter)", _top(events=[GOOD["events"][0]] * 2), True),
    # keys repeated or escaped in the JSON text: json.loads keeps the last of a repeated key
    ("a repeated key, the last one bad", json.loads('{"case": %s, "events": [], "events": 5}'
                                                    % json.dumps(GOOD["case"])), False),
    ("a repeated key, the last one good", json.loads('{"case": %s, "events": 5, "events": []}'
                                                     % json.dumps(GOOD["case"])), True),
    ("an escaped key", json.loads('{"case": %s, "\\u0065vents": []}' % json.dumps(GOOD["case"])), True),
    # the case
    ("case missing", {"events": []}, False),
    ("case a list", _top(case=[GOOD["case"]]), False),
    ("case without its id", _case(id=_DROP), False),
    ("unknown supervision type", _case(supervision_type="parole"), False),
    ("supervision type with a trailing newline", _case(supervision_type="licence\n"), False),
    ("an end date", _case(end_date="2024-06-30"), True),
    ("end date null", _case(end_date=None), False),
    ("units empty", _case(units={}), True),
    ("units with an unknown level", _case(units={"area": "A1"}), False),
    ("a unit id with a space", _case(units={"team": "T 1"}), False),
    ("a unit id of 64 characters", _case(units={"team": "T" * 64}), True),
    ("a unit id of 65 characters", _case(units={"team": "T" * 65}), False),
    ("a name on the case", _case(name="somebody"), False),
    # dates: format "date" and the pattern together
    ("leap day 2024", _case(start_date="2024-02-29"), True),
    ("leap day 2000", _case(start_date="2000-02-29"), True),
    ("no leap day 2023", _case(start_date="2023-02-29"), False),
    ("no leap day 1900", _case(start_date="1900-02-29"), False),
    ("30 February", _case(start_date="2024-02-30"), False),
    ("31 April", _case(start_date="2024-04-31"), False),
    ("month 13", _case(start_date="2024-13-01"), False),
    ("month 00", _case(start_date="2024-00-10"), False),
    ("day 00", _case(start_date="2024-01-00"), False),
    ("year 0000 (no such year in Python)", _case(start_date="0000-01-01"), False),
    ("year 0001", _case(start_date="0001-01-01"), True),
    ("year 9999", _case(start_date="9999-12-31"), True),
    ("one-digit month", _case(start_date="2024-1-01"), False),
    ("compact form", _case(start_date="20240101"), False),
    ("week date", _case(start_date="2024-W01-1"), False),
    ("date and time", _case(start_date="2024-01-01T00:00:00"), False),
    ("date with a trailing newline (pattern passes, format does not)", _case(start_date="2024-01-01\n"), False),
    ("date with a leading space", _case(start_date=" 2024-01-01"), False),
    ("date in Arabic-Indic digits", _case(start_date="\u0662\u0660\u0662\u0664-01-01"), False),
    ("date in full-width digits", _case(start_date="\uff12\uff10\uff12\uff14-01-01"), False),
    ("date as a number", _case(start_date=20240101), False),
    # ids: no trailing newline (the schema's patterns end in "nothing follows", not "$")
    ("id with a trailing newline", _case(id="X1\n"), False),
    ("id with two trailing newlines", _case(id="X1\n\n"), False),
    ("id with a trailing carriage return", _case(id="X1\r"), False),
    ("id with a leading newline", _case(id="\nX1"), False),
    ("id of 64 characters", _case(id="X" * 64), True),
    ("id of 63 characters and a newline", _case(id="X" * 63 + "\n"), False),
    ("id of 64 characters and a newline (65 code points)", _case(id="X" * 64 + "\n"), False),
    ("empty id", _case(id=""), False),
    ("id starting with a dash", _case(id="-X1"), False),
    ("id with every allowed sign", _case(id="X1._:/-a"), True),
    ("id with an accented letter", _case(id="X\u00e9"), False),
    ("id with an Arabic-Indic digit", _case(id="X\u0661"), False),
    ("id as a number", _case(id=1), False),
    ("event id with a trailing newline", _event(0, id="E1\n"), False),
    # event types and their fields
    ("event without a type", _event(0, type=_DROP), False),
    ("unknown event type", _event(0, type="home_visit"), False),
    ("event type null", _event(0, type=None), False),
    ("event type as a list", _event(0, type=["sentence"]), False),
    ("event type with a trailing newline", _event(0, type="sentence\n"), False),
    ("event without a date", _event(0, date=_DROP), False),
    ("event date null", _event(0, date=None), False),
    ("a sentence with an appointment's field", _event(0, mode="office"), False),
    ("a sentence with an nDelius code", _event(0, ndelius_code="COAP"), True),
    ("an nDelius code with a trailing newline", _event(0, ndelius_code="COAP\n"), False),
    ("an nDelius code of 9 characters", _event(0, ndelius_code="A" * 9), False),
    ("an nDelius code in lower case", _event(0, ndelius_code="coap"), False),
    ("an appointment turned into a sentence keeps its fields", _event(1, type="sentence"), False),
    ("a sentence turned into an appointment lacks its fields", _event(0, type="appointment"), False),
    ("an appointment without an outcome", _event(1, outcome=_DROP), False),
    ("an appointment with an unknown mode", _event(1, mode="email"), False),
    ("an appointment mode in capitals", _event(1, mode="Office"), False),
    ("an appointment mode with a trailing newline", _event(1, mode="office\n"), False),
    ("an appointment with a stray space in a key", _event(1, **{"mode ": "office"}), False),
    ("an appointment with a capitalised key", _event(1, **{"Mode": "office"}), False),
    ("a key that is not a string", _top(events=[{**GOOD["events"][0], 1: "x"}]), False),
    ("an event as a list", _top(events=[list(GOOD["events"][0].items())]), False),
    ("an event null", _top(events=[None]), False),
    ("an event as a string", _top(events=["sentence"]), False),
    # integers: booleans are not integers, 1.0 is, enums compare as JSON
    ("MAPPA category 2.0", _event(2, category=2.0), True),
    ("MAPPA level 1.0", _event(2, level=1.0), True),
    ("MAPPA category true (a boolean is not 1)", _event(2, category=True), False),
    ("MAPPA level true", _event(2, level=True), False),
    ("MAPPA level false", _event(2, level=False), False),
    ("MAPPA category 2.5", _event(2, category=2.5), False),
    ("MAPPA category '2'", _event(2, category="2"), False),
    ("MAPPA category 5", _event(2, category=5), False),
    ("MAPPA category 0", _event(2, category=0), False),
    ("MAPPA category -0.0", _event(2, category=-0.0), False),
    ("MAPPA category 2 + 2**64", _event(2, category=2 + 2**64), False),
    ("MAPPA category 10**100", _event(2, category=10**100), False),
    ("MAPPA category infinity", _event(2, category=float("inf")), False),
    ("MAPPA category NaN", _event(2, category=float("nan")), False),
    ("MAPPA category 2.0000000000000004", _event(2, category=2.0000000000000004), False),
    ("MAPPA category 1e308", _event(2, category=1e308), False),
    ("MAPPA level as a list", _event(2, level=[1]), False),
    # patterns of the other fields
    ("tier B2", _top(events=[{"id": "E1", "type": "tier_calculation", "date": "2024-01-01", "tier": "B2"}]), True),
    ("tier B2 and a newline", _top(events=[{"id": "E1", "type": "tier_calculation", "date": "2024-01-01",
                                            "tier": "B2\n"}]), False),
    ("tier E1", _top(events=[{"id": "E1", "type": "tier_calculation", "date": "2024-01-01", "tier": "E1"}]), False),
    ("tier B2B2", _top(events=[{"id": "E1", "type": "tier_calculation", "date": "2024-01-01", "tier": "B2B2"}]),
     False),
    ("code of 12", _top(events=[{"id": "E1", "type": "registration_added", "date": "2024-01-01",
                                 "code": "A" * 12}]), True),
    ("code of 13", _top(events=[{"id": "E1", "type": "registration_added", "date": "2024-01-01",
                                 "code": "A" * 13}]), False),
    ("programme of 64 and a newline",
     _top(events=[{"id": "E1", "type": "referral", "date": "2024-01-01", "service": "other",
                   "programme": "a" * 64 + "\n"}]), False),
    ("programme of 65", _top(events=[{"id": "E1", "type": "referral", "date": "2024-01-01", "service": "other",
                                      "programme": "a" * 65}]), False),
    ("custody start without its optional reason", _top(events=[{"id": "E1", "type": "custody_start",
                                                                "date": "2024-01-01"}]), True),
]


@pytest.mark.parametrize("data, wanted", [(d, w) for _, d, w in CORPUS], ids=[name for name, _, _ in CORPUS])
def test_the_tricky_cases(data, wanted):
    assert agree(data) is wanted


# --- every place of a small timeline, changed in every simple way ------------------------------------------------

# Chosen rather than drawn: each event type with all its fields, and each place in it deleted, replaced by each
# kind of JSON value, edited as a string, wrapped, or given an extra key. Random mutations (above) then need far
# fewer examples to cover the rest.
_REPLACEMENTS = (None, True, False, 0, 1, 2.0, 1.5, "", "x", "E1\n", "2024-01-01", [], {})


def _full_event(event_type: str) -> dict:
    then = BY_TYPE[event_type]
    event = {"id": "E1", "type": event_type, "date": "2024-01-01", "ndelius_code": "COAP"}
    for name, schema in then["properties"].items():
        if name not in event and name not in COMMON_FIELDS:
            event[name] = schema["enum"][-1] if "enum" in schema else SAMPLES[name]
    return event


def _single_changes(doc: dict):
    for path in _slots(doc):
        if not path:
            continue
        for how in ("delete", *range(len(_REPLACEMENTS)), "newline", "space", "upper", "wrap", "extra"):
            changed = copy.deepcopy(doc)
            parent, key = _at(changed, path[:-1]), path[-1]
            value = parent[key]
            if how == "delete":
                del parent[key]
            elif isinstance(how, int):
                parent[key] = _REPLACEMENTS[how]
            elif how in ("newline", "space", "upper"):
                if not isinstance(value, str):
                    continue
                parent[key] = {"newline": value + "\n", "space": value + " ", "upper": value.upper()}[how]
            elif how == "wrap":
                parent[key] = [value]
            elif isinstance(value, dict):
                value["extra"] = 1
            else:
                continue
            yield changed


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_both_agree_on_every_single_change_to_a_timeline_with_this_event(event_type):
    doc = {"case": {"id": "X1", "supervision_type": "licence", "start_date": "2024-01-01",
                    "expected_end_date": "2025-01-01", "end_date": "2024-12-01", "units": {"team": "T1"}},
           "events": [_full_event(event_type)]}
    assert agree(doc) is True
    answers = [agree(changed) for changed in _single_changes(doc)]
    assert answers.count(False) > len(answers) // 2  # most single changes break it; the rest are near misses


# --- the examples, and the guard against schema drift --------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.json")), ids=lambda p: p.stem)
def test_the_example_timelines_are_valid(path):
    assert fast_accepts(path.read_text(encoding="utf-8")) is True


# A value each pattern-checked field accepts (enums take their first value).
SAMPLES = {"code": "ADVP", "tier": "B2", "programme": "kaizen", "rule": "ACT-01", "about": "E0",
           "recorded_date": "2024-01-02", "arranged_date": "2024-01-01", "period_start": "2024-01-01",
           "period_end": "2024-01-31", "involves_children": True}


@pytest.mark.parametrize("event_type", EVENT_TYPES)
def test_each_event_type_takes_its_own_fields_and_no_others(event_type):
    then = BY_TYPE[event_type]
    event = {"id": "E1", "type": event_type, "date": "2024-01-01"}
    for name in then.get("required", ()):
        event[name] = then["properties"][name]["enum"][0] if "enum" in then["properties"][name] else SAMPLES[name]
    assert agree(_top(events=[event])) is True
    assert agree(_top(events=[{**event, "unexpected": 1}])) is False
    for name in then.get("required", ()):
        assert agree(_top(events=[{k: v for k, v in event.items() if k != name}])) is False
    others = {k for t in BY_TYPE.values() for k in t["properties"]} - set(then["properties"])
    for name in sorted(others):
        value = next(t["properties"][name] for t in BY_TYPE.values() if name in t["properties"])
        value = value["enum"][0] if "enum" in value else SAMPLES[name]
        assert agree(_top(events=[{**event, name: value}])) is False, name


def test_the_maxitems_boundary():
    # jsonschema needs about a minute for 100,000 events on a slow machine, so only the fast decoder is run at
    # the limit; one over it, both refuse at once.
    assert fast_accepts(json.dumps(_top(events=[GOOD["events"][0]] * 100_000))) is True
    assert agree(_top(events=[GOOD["events"][0]] * 100_001)) is False


def test_a_tuple_is_read_as_the_array_json_would_write():
    # Python data handed to timeline_from_data is read as its JSON form: a tuple has no JSON form of its own.
    from ppcompliance.timeline.load import timeline_from_data

    assert len(timeline_from_data(_top(events=tuple(GOOD["events"]))).events) == 3


def test_integers_written_as_whole_floats_are_accepted_as_the_schema_accepts_them():
    text = json.dumps(_event(2, category=2.0, level=1.0))
    assert not fast_accepts(text) and loader_accepts(text)
    event = next(e for e in parse_timeline(text).events if e.type == "mappa_level_set")
    assert (event.get("category"), event.get("level")) == (2, 1)
