"""Loading a timeline: JSON -> validated against the published schema -> checked -> an immutable Timeline.

Two paths, one answer:

* the fast path decodes the JSON straight into the event structs made from the schema (``timeline.model``):
  parsing, the schema's checks and building the events happen in one pass in C. Whatever it accepts the
  published schema accepts too (tests/test_timeline_decoding.py proves it on generated and mutated timelines);
* anything it refuses is parsed again with ``json`` (for the line and column of a syntax error) and checked by
  python-jsonschema against the published schema, which names every problem. The fast decoder is a little
  stricter than the schema in one place — it wants ``2`` where the schema also takes ``2.0`` — so a timeline
  the schema accepts is built from the parsed data; the answer is always the schema's.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from types import MappingProxyType
from typing import Any

import msgspec

from ..errors import Diagnostic, TimelineError
from ..schemas import leaf_errors, message, one_per_place, validator
from ..vocabulary import UNIT_KINDS
from .locate import positions
from .model import Case, Event, Timeline, TimelineDocument

# Bounded so that a hostile or mistaken input cannot exhaust memory (docs/errors.md).
MAX_TIMELINE_BYTES = 64 * 1024 * 1024
MAX_EVENTS = 100_000  # the schema's maxItems for events
MAX_PROBLEMS = 200  # schema problems named per timeline: enough to fix, bounded however broken it is
#: The column of a Parquet caseload that holds each case's timeline, as JSON text (``caseload.inputs``).
TIMELINE_COLUMN = "timeline"

_DECODER = msgspec.json.Decoder(TimelineDocument)


def load_timeline(path: str | os.PathLike[str]) -> Timeline:
    """Read, validate and build the timeline in ``path``; raises TimelineError naming the file and location."""
    source = os.fspath(path)
    try:
        size = os.path.getsize(source)
        if size > MAX_TIMELINE_BYTES:
            raise _error(source, "timeline-too-large", f"{size} bytes; the limit is {MAX_TIMELINE_BYTES}")
        with open(source, "rb") as handle:
            raw = handle.read()
    except FileNotFoundError:
        raise _error(source, "timeline-not-found", "no such file") from None
    except IsADirectoryError:
        raise _error(source, "timeline-unreadable", "this is a folder, not a timeline file") from None
    except OSError as exc:
        raise _error(source, "timeline-unreadable", exc.strerror or str(exc)) from None
    return parse_timeline(raw, source)


def parse_timeline(raw: bytes | str, source: str = "<timeline>") -> Timeline:
    """Build a timeline from JSON text; raises TimelineError with the line and column of a syntax error."""
    try:
        document = _DECODER.decode(raw)
    except (msgspec.ValidationError, msgspec.DecodeError):
        return _slow(raw, source)
    try:
        return _build(document, source)
    except TimelineError as exc:
        raise TimelineError(located(exc.diagnostics, raw)) from None


def timeline_from_data(data: object, source: str = "<timeline>") -> Timeline:
    """Build a timeline from already-decoded JSON data, validating it exactly as a file would be."""
    try:
        document = msgspec.convert(data, TimelineDocument)
    except msgspec.ValidationError:
        return _checked(data, source)
    return _build(document, source)


def _slow(raw: bytes | str, source: str) -> Timeline:
    """The fast decoder refused the text: parse it plainly and let the published schema decide."""
    if isinstance(raw, bytes):
        if not raw.strip():
            raise _error(source, "timeline-json", "the file is empty")
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _error(source, "timeline-unreadable", f"not UTF-8 text (byte {exc.start})") from None
    if not raw.strip():
        raise _error(source, "timeline-json", "the file is empty")
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise TimelineError([Diagnostic(source, exc.lineno, exc.colno, code="timeline-json", message=exc.msg)]) \
            from None
    except RecursionError:
        raise _error(source, "timeline-json", "nested too deeply") from None
    try:
        return _checked(data, source)
    except TimelineError as exc:
        raise TimelineError(_located(exc.diagnostics, data, raw)) from None


def located(problems: list[Diagnostic], raw: bytes | str) -> list[Diagnostic]:
    """Problems found in a timeline after it was read (against a rulebook), with their line and column in its
    text and the event named by its id."""
    text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
    return _located(problems, json.loads(text), text)


def _located(problems: list[Diagnostic], data: object, text: str) -> list[Diagnostic]:
    """The problems with the line and column of their value in the text, and the event they are in named by
    its id (``event E12``) rather than only by its index."""
    paths = {p.json_path: _parse_path(p.json_path) for p in problems if p.json_path}
    found = positions(text, set(paths.values()))
    events = data.get("events") if isinstance(data, dict) else None
    out = []
    for p in problems:
        path = paths.get(p.json_path, ())
        line, column = found.get(path, (p.line, p.column))
        subject = p.subject
        if isinstance(events, list) and len(path) >= 2 and path[0] == "events" and isinstance(path[1], int) \
                and path[1] < len(events) and isinstance(events[path[1]], dict) \
                and isinstance(events[path[1]].get("id"), str):
            subject = f"event {events[path[1]]['id']}"
        out.append(Diagnostic(p.file, line, column, p.json_path, p.code, p.message, subject))
    return out


def _parse_path(json_path: str) -> tuple[object, ...]:
    """``$.events[3].date`` -> ``("events", 3, "date")``."""
    out: list[object] = []
    for part in re.findall(r"\.([^.\[]+)|\[(\d+)\]", json_path):
        out.append(part[0] if part[0] else int(part[1]))
    return tuple(out)


def _checked(data: object, source: str) -> Timeline:
    events = data.get("events") if isinstance(data, dict) else None
    if isinstance(events, list) and len(events) > MAX_EVENTS:
        # Said at once: listing every other problem of so many events would take minutes.
        raise TimelineError([Diagnostic(source, json_path="$.events", code="timeline-too-large",
                                        message=f"{len(events)} events; the limit is {MAX_EVENTS}")])
    leaves = [leaf for error in itertools.islice(validator("timeline").iter_errors(data), MAX_PROBLEMS)
              for leaf in leaf_errors(error)]
    problems = [Diagnostic(source, json_path=_json_path(leaf), code="timeline-schema", message=message(leaf))
                for leaf in one_per_place(leaves)]
    problems += _duplicate_ids(events if isinstance(events, list) else [], source)
    if problems:
        raise TimelineError(_unique(problems))
    # Valid for the schema, refused by the fast decoder: integers written as 2.0 are the one known difference.
    try:
        document = msgspec.convert(_integral(data), TimelineDocument)
    except msgspec.ValidationError as exc:  # a difference nobody has found yet: say so rather than guess
        raise _error(source, "timeline-schema", f"accepted by the schema but not readable here ({exc}); please "
                                                f"report it") from None
    return _build(document, source)


def _integral(value: Any) -> Any:
    """The data with floats that are whole numbers made integers (JSON Schema counts 2.0 as an integer)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _integral(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_integral(v) for v in value]
    return value


def _build(document: Any, source: str) -> Timeline:
    case_doc: Any = document.case
    events: list[Event] = document.events
    problems = [] if len({e.id for e in events}) == len(events) else _duplicate_ids(events, source)
    units = case_doc.units
    case = Case(
        id=case_doc.id,
        supervision_type=case_doc.supervision_type,
        start_date=case_doc.start_date,
        expected_end_date=case_doc.expected_end_date,
        end_date=None if case_doc.end_date is msgspec.UNSET else case_doc.end_date,
        units=MappingProxyType({k: v for k in UNIT_KINDS if (v := getattr(units, k)) is not msgspec.UNSET}
                               if units is not msgspec.UNSET else {}),
    )
    if case.expected_end_date < case.start_date:
        problems.append(Diagnostic(source, json_path="$.case.expected_end_date", code="timeline-dates",
                                   message="the expected end is before the start of supervision"))
    if case.end_date is not None and case.end_date < case.start_date:
        problems.append(Diagnostic(source, json_path="$.case.end_date", code="timeline-dates",
                                   message="the end is before the start of supervision"))
    problems += _event_problems(events, source)
    if problems:
        raise TimelineError(problems)
    return Timeline(case, tuple(events), source)


def _event_problems(events: list[Event], source: str) -> list[Diagnostic]:
    """What the schema cannot say about events: references to other events, and dates that contradict."""
    ids = {e.id for e in events}
    out = []
    for index, e in enumerate(events):
        at = f"$.events[{index}]"
        about, recorded = e.get("about"), e.get("recorded_date")
        if about is not None and (about not in ids or about == e.id):
            out.append(Diagnostic(source, json_path=f"{at}.about", code="timeline-reference",
                                  message=f"about names {about!r}, " + ("the event itself" if about == e.id else
                                                                        "which is no event of this timeline")))
        if recorded is not None and recorded < e.date:
            out.append(Diagnostic(source, json_path=f"{at}.recorded_date", code="timeline-event-dates",
                                  message=f"recorded on {recorded.isoformat()}, before the day it happened "
                                          f"({e.date.isoformat()})"))
        arranged = e.get("arranged_date")
        if arranged is not None and arranged > e.date:
            out.append(Diagnostic(source, json_path=f"{at}.arranged_date", code="timeline-event-dates",
                                  message=f"arranged on {arranged.isoformat()}, after the day it was for "
                                          f"({e.date.isoformat()})"))
        if e.type == "deviation":
            if e.get("rule") is None and e.get("area") is None:
                out.append(Diagnostic(source, json_path=at, code="timeline-deviation",
                                      message="a deviation must name the rule (rule) or the practice area (area) "
                                              "it excuses"))
            if e.get("period_end") < e.get("period_start"):
                out.append(Diagnostic(source, json_path=f"{at}.period_end", code="timeline-event-dates",
                                      message="the period excused ends before it starts"))
    return out


def _duplicate_ids(events: list[Any], source: str) -> list[Diagnostic]:
    """Event ids used twice (checked even when the schema found other problems, to report all at once)."""
    ids = [e.id if isinstance(e, Event) else e.get("id") if isinstance(e, dict) else None for e in events]
    named = [i for i in ids if isinstance(i, str)]
    if len(set(named)) == len(named):
        return []
    seen: dict[str, int] = {}
    out = []
    for index, event_id in enumerate(ids):
        if not isinstance(event_id, str):
            continue
        if event_id in seen:
            out.append(Diagnostic(source, json_path=f"$.events[{index}].id", code="timeline-duplicate-event-id",
                                  message=f"event id {event_id!r} is already used by $.events[{seen[event_id]}]"))
        seen.setdefault(event_id, index)
    return out


def _json_path(error: Any) -> str:
    path = "$"
    for part in error.absolute_path:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _unique(problems: list[Diagnostic]) -> list[Diagnostic]:
    seen, out = set(), []
    for p in problems:
        key = (p.json_path, p.code, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _error(source: str, code: str, text: str) -> TimelineError:
    return TimelineError([Diagnostic(source, code=code, message=text)])
