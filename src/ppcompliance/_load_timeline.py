"""Loading a timeline: JSON -> validated against the published schema -> checked -> an immutable Timeline."""

from __future__ import annotations

import itertools
import json
import os
from types import MappingProxyType

from . import _fastcheck
from ._dates import parse_date
from ._schema import leaf_errors, message, validator
from .errors import Diagnostic, TimelineError
from .timeline import Case, Event, Timeline

# Bounded so that a hostile or mistaken input cannot exhaust memory (docs/limits.md).
MAX_TIMELINE_BYTES = 64 * 1024 * 1024
MAX_EVENTS = 100_000  # the schema's maxItems for events
MAX_PROBLEMS = 200  # schema problems named per timeline: enough to fix, bounded however broken it is


def load_timeline(path: str | os.PathLike) -> Timeline:
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
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _error(source, "timeline-unreadable", f"not UTF-8 text (byte {exc.start})") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        diag = Diagnostic(source, exc.lineno, exc.colno, code="timeline-json", message=exc.msg)
        raise TimelineError([diag]) from None
    except RecursionError:
        raise _error(source, "timeline-json", "nested too deeply") from None
    return timeline_from_data(data, source)


def timeline_from_data(data: object, source: str = "<timeline>") -> Timeline:
    """Build a timeline from already-decoded JSON data, validating it exactly as a file would be."""
    events = data.get("events") if isinstance(data, dict) else None
    if isinstance(events, list) and len(events) > MAX_EVENTS:
        # Said at once: listing every other problem of so many events would take minutes.
        raise TimelineError([Diagnostic(source, json_path="$.events", code="timeline-too-large",
                                        message=f"{len(events)} events; the limit is {MAX_EVENTS}")])
    # The fast check accepts exactly what the published schema accepts (tests/test_fastcheck.py proves it);
    # only a timeline it rejects pays for python-jsonschema, which then names every problem.
    problems = [] if _fastcheck.valid(data) else [
        Diagnostic(source, json_path=_json_path(leaf), code="timeline-schema", message=message(leaf))
        for error in itertools.islice(validator("timeline").iter_errors(data), MAX_PROBLEMS)
        for leaf in leaf_errors(error)
    ]
    problems += _duplicate_ids(data, source)
    if problems:
        raise TimelineError(_unique(problems))
    assert isinstance(data, dict)
    case_data = data["case"]
    case = Case(
        id=case_data["id"],
        supervision_type=case_data["supervision_type"],
        start_date=parse_date(case_data["start_date"]),
        expected_end_date=parse_date(case_data["expected_end_date"]),
        end_date=parse_date(case_data["end_date"]) if "end_date" in case_data else None,
        units=MappingProxyType(dict(case_data.get("units", {}))),
    )
    events = []
    for item in data["events"]:
        fields = {k: v for k, v in item.items() if k not in ("id", "type", "date")}
        events.append(Event(item["id"], item["type"], parse_date(item["date"]), MappingProxyType(fields)))
    if case.expected_end_date < case.start_date:
        problems.append(
            Diagnostic(source, json_path="$.case.expected_end_date", code="timeline-dates",
                       message="the expected end is before the start of supervision")
        )
    if case.end_date is not None and case.end_date < case.start_date:
        problems.append(
            Diagnostic(source, json_path="$.case.end_date", code="timeline-dates",
                       message="the end is before the start of supervision")
        )
    if problems:
        raise TimelineError(problems)
    return Timeline(case, tuple(events), source)


def _duplicate_ids(data: object, source: str) -> list[Diagnostic]:
    """Event ids used twice (checked even when the schema found other problems, to report all at once)."""
    events = data.get("events") if isinstance(data, dict) else None
    if not isinstance(events, list):
        return []
    seen: dict[str, int] = {}
    out = []
    for index, item in enumerate(events):
        event_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(event_id, str):
            continue
        if event_id in seen:
            out.append(Diagnostic(source, json_path=f"$.events[{index}].id", code="timeline-duplicate-event-id",
                                  message=f"event id {event_id!r} is already used by $.events[{seen[event_id]}]"))
        seen.setdefault(event_id, index)
    return out


def _json_path(error) -> str:
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
