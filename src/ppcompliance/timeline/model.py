"""A case timeline: the case, its dated events, and indexes the evaluator uses. Immutable once built.

Events are ``msgspec`` structs, one class per event type, **made from the published timeline schema** when
this module is imported: each type's fields, allowed values, patterns and lengths are the schema's. Decoding
a timeline into them (``timeline.load``) both parses and checks it in one pass in C, which is most of why
loading a timeline is fast; ``docs/architecture.md`` has the measurements and the proof that nothing it
accepts is refused by the schema.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter
from types import MappingProxyType
from typing import Annotated, Any, ClassVar, Literal, Mapping, Union

import msgspec


from .._resources import schemas_dir
from ..vocabulary import (MAPPA_LEVEL_INCREASED, ROSH_DECREASED, ROSH_INCREASED, ROSH_LEVELS, SUPERVISION_START)


class Event(msgspec.Struct, frozen=True, kw_only=True, tag_field="type", forbid_unknown_fields=True):
    """One dated event: an id (cited as evidence), a type, a date and its type-specific fields.

    Each event type is a subclass (``event_class``); ``Event.make`` builds one from plain values.
    """

    id: str
    date: dt.date

    type_name: ClassVar[str] = ""
    own_fields: ClassVar[tuple[str, ...]] = ()

    @property
    def type(self) -> str:
        """The event type, e.g. ``appointment``."""
        return self.type_name

    @property
    def event_id(self) -> str:
        """The event's id (as cited evidence names it)."""
        return self.id

    def get(self, name: str) -> Any:
        """A type-specific field, or None when the event does not carry it."""
        value = getattr(self, name, None)
        return None if value is msgspec.UNSET else value

    @property
    def fields(self) -> Mapping[str, Any]:
        """The type-specific fields the event carries (and its nDelius code, if any)."""
        return MappingProxyType({f: v for f in self.own_fields if (v := getattr(self, f)) is not msgspec.UNSET})

    @staticmethod
    def make(id: str, type: str, date: dt.date, **fields: Any) -> "Event":
        """An event of ``type``; raises KeyError for an unknown type and TypeError for an unknown field."""
        made: Event = EVENT_CLASSES[type](id=id, date=date, **fields)
        return made


def _schema() -> dict[str, Any]:
    with open(schemas_dir() / "timeline.schema.json", encoding="utf-8") as handle:
        loaded: dict[str, Any] = json.load(handle)
    return loaded


def _python_type(spec: Any, defs: dict[str, Any]) -> Any:
    """The Python type (with msgspec constraints) for one field's subschema."""
    if isinstance(spec, dict) and "$ref" in spec:
        name = spec["$ref"].rsplit("/", 1)[1]
        return date if name == "date" else _python_type(defs[name], defs)
    if "enum" in spec:
        return Literal[tuple(spec["enum"])]
    if spec.get("type") == "boolean":
        return bool
    if spec.get("type") == "string":
        meta = {key: spec[word] for word, key in (("pattern", "pattern"), ("minLength", "min_length"),
                                                  ("maxLength", "max_length")) if word in spec}
        return Annotated[str, msgspec.Meta(**meta)] if meta else str
    raise ValueError(f"no Python type for the schema fragment {spec!r}")


def _event_classes(schema: dict[str, Any]) -> dict[str, type[Event]]:
    defs = schema["$defs"]
    event = defs["event"]
    common = event["properties"]
    classes: dict[str, type[Event]] = {}
    id_type = _python_type(common["id"], defs)
    for branch in event["allOf"]:
        name = branch["if"]["properties"]["type"]["const"]
        then = branch["then"]
        required = set(then.get("required", ()))
        needed: list[tuple[str, Any]] = [("id", id_type)]
        optional: list[tuple[str, Any, Any]] = []
        own: list[str] = []
        for field_name, spec in then["properties"].items():
            if field_name in ("id", "type", "date"):
                continue
            spec = common[field_name] if spec is True else spec
            kind = _python_type(spec, defs)
            own.append(field_name)
            if field_name in required:
                needed.append((field_name, kind))
            else:
                # May be left out, but not null: the schema has no nulls.
                optional.append((field_name, Union[kind, msgspec.UnsetType], msgspec.UNSET))
        classes[name] = msgspec.defstruct(  # type: ignore[assignment]  # a subclass of Event, by its bases
            name.title().replace("_", ""), [*needed, *optional], bases=(Event,), tag=name,
            namespace={"type_name": name, "own_fields": tuple(own), "__doc__": then.get("description", "")},
            frozen=True, kw_only=True, forbid_unknown_fields=True)
    return classes


_SCHEMA = _schema()
#: The struct class of each event type.
EVENT_CLASSES: Mapping[str, type[Event]] = MappingProxyType(_event_classes(_SCHEMA))
#: Any event, decoded by its ``type``.
AnyEvent: Any = Union[tuple(EVENT_CLASSES.values())]


def _case_document(schema: dict[str, Any]) -> tuple[type[msgspec.Struct], type[msgspec.Struct]]:
    """The struct classes of a whole timeline document and of its case, from the schema."""
    defs = schema["$defs"]
    case = defs["case"]["properties"]
    absent: Any = msgspec.UnsetType
    units = msgspec.defstruct("UnitsDocument", [(k, Union[_python_type(v, defs), absent], msgspec.UNSET)
                                                for k, v in case["units"]["properties"].items()],
                              frozen=True, forbid_unknown_fields=True)
    required = set(defs["case"]["required"])
    fields: list[Any] = []
    for name, spec in case.items():
        kind = units if name == "units" else _python_type(spec, defs)
        fields.append((name, kind) if name in required else (name, Union[kind, absent], msgspec.UNSET))
    case_doc = msgspec.defstruct("CaseDocument", sorted(fields, key=len), frozen=True, forbid_unknown_fields=True)
    events = schema["properties"]["events"]
    top = msgspec.defstruct(
        "TimelineDocument",
        [("case", case_doc), ("events", Annotated[list[AnyEvent], msgspec.Meta(max_length=events["maxItems"])]),
         ("schema_ref", Union[str, absent], msgspec.UNSET)],
        rename={"schema_ref": "$schema"}, frozen=True, forbid_unknown_fields=True)
    return top, case_doc


TimelineDocument, CaseDocument = _case_document(_SCHEMA)


@dataclass(frozen=True, slots=True)
class Case:
    """The supervised case: ids and dates only, no personal details."""

    id: str
    supervision_type: str
    start_date: date
    expected_end_date: date
    end_date: date | None = None
    units: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def end(self) -> date:
        """The day supervision ends: the actual end if it has ended, otherwise the expected end."""
        return self.end_date or self.expected_end_date


_ORDER = attrgetter("date", "id")


@dataclass(frozen=True, slots=True)
class Timeline:
    """A case and its events, sorted by (date, id) whatever order they were recorded in."""

    case: Case
    events: tuple[Event, ...]
    source: str = "<memory>"
    by_type: Mapping[str, tuple[Event, ...]] = field(init=False, repr=False, compare=False)
    #: The event ids in the order the timeline gave them, so that a problem found later can name the event's
    #: place in the file (``$.events[3]``).
    order: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "order", tuple(e.id for e in self.events))
        ordered = tuple(sorted(self.events, key=_ORDER))
        object.__setattr__(self, "events", ordered)
        index: dict[str, list[Event]] = {}
        for event in ordered:
            index.setdefault(event.type_name, []).append(event)
        # The start of supervision is an event rules can count from, though nobody records it as one; so are
        # changes of state, made from the events that changed it.
        index[SUPERVISION_START] = [SupervisionStart(id="case.start_date", date=self.case.start_date)]
        for kind, changes in _changes(index).items():
            if changes:
                index[kind] = changes
        object.__setattr__(self, "by_type", MappingProxyType({k: tuple(v) for k, v in index.items()}))

    def of_type(self, event_type: str) -> tuple[Event, ...]:
        """The events of one type, in date order."""
        return self.by_type.get(event_type, ())

    def json_path(self, event_id: str) -> str:
        """Where the event with this id is in the timeline document: ``$.events[3]``."""
        return f"$.events[{self.order.index(event_id)}]"


class SupervisionStart(Event, frozen=True, kw_only=True, tag="supervision_start"):
    """The start of supervision, made from the case's start date (never in a timeline file)."""

    type_name: ClassVar[str] = SUPERVISION_START


class RoshIncreased(Event, frozen=True, kw_only=True, tag=ROSH_INCREASED):
    """A risk assessment that raised the RoSH level (its id is the assessment's)."""

    rosh: str
    previous: str
    type_name: ClassVar[str] = ROSH_INCREASED
    own_fields: ClassVar[tuple[str, ...]] = ("rosh", "previous")


class RoshDecreased(Event, frozen=True, kw_only=True, tag=ROSH_DECREASED):
    """A risk assessment that lowered the RoSH level (its id is the assessment's)."""

    rosh: str
    previous: str
    type_name: ClassVar[str] = ROSH_DECREASED
    own_fields: ClassVar[tuple[str, ...]] = ("rosh", "previous")


class MappaLevelIncreased(Event, frozen=True, kw_only=True, tag=MAPPA_LEVEL_INCREASED):
    """A MAPPA level set higher than the one before (its id is the level-setting event's)."""

    level: int
    previous: int
    type_name: ClassVar[str] = MAPPA_LEVEL_INCREASED
    own_fields: ClassVar[tuple[str, ...]] = ("level", "previous")


def _changes(index: Mapping[str, list[Event]]) -> dict[str, list[Event]]:
    """The changes of state rules can count from, in date order: RoSH raised or lowered by an assessment (the
    first assessment changes nothing: there was no level before), and the MAPPA level raised (removing the MAPP
    registration ends the management, so the next level set is a start, not a rise)."""
    rank = {level: i for i, level in enumerate(ROSH_LEVELS)}
    up: list[Event] = []
    down: list[Event] = []
    previous: str | None = None
    for e in index.get("risk_assessment", ()):
        level = e.get("rosh")
        if previous is not None and level != previous:
            made = RoshIncreased if rank[level] > rank[previous] else RoshDecreased
            (up if made is RoshIncreased else down).append(made(id=e.id, date=e.date, rosh=level, previous=previous))
        previous = level
    raised: list[Event] = []
    mappa: int | None = None
    steps = sorted([*index.get("mappa_level_set", ()), *(e for e in index.get("registration_removed", ())
                                                          if e.get("code") == "MAPP")], key=_ORDER)
    for e in steps:
        if e.type_name == "registration_removed":
            mappa = None
            continue
        level = e.get("level")
        if mappa is not None and level > mappa:
            raised.append(MappaLevelIncreased(id=e.id, date=e.date, level=level, previous=mappa))
        mappa = level
    return {ROSH_INCREASED: up, ROSH_DECREASED: down, MAPPA_LEVEL_INCREASED: raised}
