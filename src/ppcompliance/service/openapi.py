"""The service's OpenAPI 3.1 document, made from the published JSON Schemas: one source for both.

Each request and response body is one of ``schemas/*.schema.json``, placed under ``components/schemas`` with its
``$defs`` kept and its internal references (``#/$defs/x``) pointed at their new place. The document is checked
into ``schemas/openapi.json``; a test keeps the two equal. To write it after a change, review the difference,
then::

    python -m ppcompliance.service.openapi > schemas/openapi.json
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from .._version import __version__
from ..schemas import schema

#: Component name -> published schema name.
COMPONENTS = {"Timeline": "timeline", "Verdicts": "verdicts", "Worklist": "worklist", "Rulebook": "rulebook",
              "Problem": "problem", "Decision": "decision"}


def _placed(name: str, value: Any) -> Any:
    """A schema's references moved under ``#/components/schemas/<name>``; its ``$id`` and ``$schema`` dropped."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if key in ("$id", "$schema"):
                continue
            if key == "$ref" and isinstance(item, str) and item.startswith("#/"):
                item = f"#/components/schemas/{name}/" + item[2:]
            out[key] = _placed(name, item)
        return out
    if isinstance(value, list):
        return [_placed(name, item) for item in value]
    return value


def _json(component: str) -> dict[str, Any]:
    return {"schema": {"$ref": f"#/components/schemas/{component}"}}


def _problems(*statuses: int) -> dict[str, Any]:
    words = {400: "The request is malformed (bad JSON, a bad date or parameter)", 401: "No valid bearer token",
             404: "Not found", 409: "The new rulebook was refused; the old one is still serving",
             413: "The body is over the limit", 422: "The timeline cannot be checked (a schema problem, with its "
             "JSON path and code)", 500: "An internal error (only a request id, never a traceback)",
             503: "The rulebook is not loaded yet", 504: "The request took too long"}
    return {str(s): {"description": words[s], "content": {"application/problem+json": _json("Problem")}}
            for s in statuses}


_AS_OF = {"name": "as_of", "in": "query", "required": False,
          "description": "Judge as of this date (YYYY-MM-DD); default today in Europe/London.",
          "schema": {"type": "string", "format": "date",
                     "pattern": "^(19|20|21)[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"}}
_UNITS = [{"name": kind, "in": "query", "required": False, "description": f"Only cases of this {kind} (repeatable).",
           "schema": {"type": "array", "items": {"type": "string"}}, "style": "form", "explode": True}
          for kind in ("team", "pdu", "region")]
_FINGERPRINT = {"X-Rulebook-Fingerprint": {"description": "The fingerprint of the rulebook that decided.",
                                           "schema": {"type": "string"}},
                "X-Engine-Version": {"description": "The engine's version.", "schema": {"type": "string"}},
                "X-Request-Id": {"description": "The request's id (also in the decision log).",
                                 "schema": {"type": "string"}}}
_SECURED: list[dict[str, list[str]]] = [{"bearer": []}, {}]
_NDJSON = {"application/x-ndjson": {"schema": {"type": "string",
                                               "description": "One timeline a line (JSON Lines)."}}}


@lru_cache(maxsize=1)
def openapi_document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of the service."""
    timeline_body = {"required": True, "content": {"application/json": _json("Timeline")}}
    paths: dict[str, Any] = {
        "/v1/check": {"post": {
            "summary": "Check one timeline", "operationId": "check", "tags": ["check"],
            "description": "The same document `ppcheck TIMELINE --format json` writes (`detail=full`, the "
                           "default), or the compact record of `ppcheck --format jsonl` (`detail=compact`: verdicts, "
                           "counts and failing instances, no sentences).",
            "parameters": [_AS_OF, {"name": "detail", "in": "query", "required": False,
                                    "schema": {"enum": ["full", "compact"], "default": "full"}}],
            "requestBody": timeline_body, "security": _SECURED,
            "responses": {"200": {"description": "Every rule's verdict, with evidence and sentences.",
                                  "headers": _FINGERPRINT, "content": {"application/json": _json("Verdicts")}},
                          **_problems(400, 401, 413, 422, 500, 504)}}},
        "/v1/check/batch": {"post": {
            "summary": "Check many timelines", "operationId": "check_batch", "tags": ["check"],
            "description": "JSON Lines in, JSON Lines out, streamed in order: one record per case (compact or "
                           "full, as `ppcheck --format jsonl --detail`), a rejected line as a record naming its "
                           "problems.",
            "parameters": [_AS_OF, {"name": "detail", "in": "query", "required": False,
                                    "schema": {"enum": ["compact", "full"], "default": "compact"}}],
            "requestBody": {"required": True, "content": _NDJSON}, "security": _SECURED,
            "responses": {"200": {"description": "One JSON record a line.", "headers": _FINGERPRINT,
                                  "content": {"application/x-ndjson": {"schema": {"type": "string"}}}},
                          **_problems(400, 401, 413, 500, 504)}}},
        "/v1/due": {"post": {
            "summary": "The worklist", "operationId": "due", "tags": ["check"],
            "description": "What is overdue and can still be done, and what falls due within the window, for one "
                           "timeline (application/json) or many (application/x-ndjson), as `ppcheck due --format "
                           "json`.",
            "parameters": [_AS_OF, {"name": "within", "in": "query", "required": False,
                                    "schema": {"type": "integer", "minimum": 0, "maximum": 3650, "default": 14}},
                           {"name": "past", "in": "query", "required": False,
                            "schema": {"type": "boolean", "default": False}},
                           {"name": "include_closed", "in": "query", "required": False,
                            "schema": {"type": "boolean", "default": False}}, *_UNITS],
            "requestBody": {"required": True, "content": {"application/json": _json("Timeline"), **_NDJSON}},
            "security": _SECURED,
            "responses": {"200": {"description": "The worklist by section.", "headers": _FINGERPRINT,
                                  "content": {"application/json": _json("Worklist")}},
                          **_problems(400, 401, 413, 422, 500, 504)}}},
        "/v1/rulebook": {"get": {
            "summary": "The rules", "operationId": "rulebook", "tags": ["rulebook"], "security": _SECURED,
            "responses": {"200": {"description": "Every rule in plain English, with its basis, and the fingerprint.",
                                  "headers": _FINGERPRINT, "content": {"application/json": _json("Rulebook")}},
                          **_problems(401, 500)}}},
        "/v1/rules/{rule_id}": {"get": {
            "summary": "One rule", "operationId": "rule", "tags": ["rulebook"], "security": _SECURED,
            "parameters": [{"name": "rule_id", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The rule in plain English, with its basis.",
                                  "headers": _FINGERPRINT, "content": {"application/json": _json("Rulebook")}},
                          **_problems(401, 404, 500)}}},
        "/v1/admin/reload": {"post": {
            "summary": "Reload the rules", "operationId": "reload", "tags": ["service"],
            "description": "Compile, lint and swap in the rules again (behind its own admin token; also on "
                           "SIGHUP). A rulebook that does not load or fails lint is refused and the old one goes "
                           "on serving.",
            "security": [{"bearer": []}],
            "responses": {"200": {"description": "Reloaded.", "headers": _FINGERPRINT,
                                  "content": {"application/json": {"schema": {
                                      "type": "object", "required": ["status", "produced_by"],
                                      "properties": {"status": {"const": "reloaded"},
                                                     "produced_by": {"type": "object"}}}}}},
                          **_problems(401, 409, 500)}}},
        "/healthz": {"get": {
            "summary": "Alive", "operationId": "healthz", "tags": ["service"], "security": [],
            "responses": {"200": {"description": "The service is running.", "content": {"application/json": {
                "schema": {"type": "object", "required": ["status"], "properties": {"status": {"const": "alive"}}}}}}}}},
        "/readyz": {"get": {
            "summary": "Ready", "operationId": "readyz", "tags": ["service"], "security": [],
            "responses": {"200": {"description": "The rulebook is loaded.", "content": {"application/json": {
                "schema": {"type": "object", "required": ["status", "engine", "rulebook"],
                           "properties": {"status": {"const": "ready"}, "engine": {"type": "string"},
                                          "rulebook": {"type": "string"}}}}}},
                          **_problems(503)}}},
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "ppcompliance", "version": __version__,
                 "description": "Checks probation case timelines against the public-protection rulebook: verdicts "
                                "with evidence, the worklist, and the rules in plain English. Every response names "
                                "the engine version and the rulebook's fingerprint."},
        "servers": [{"url": "http://127.0.0.1:8080"}],
        "paths": paths,
        "components": {"schemas": {name: _placed(name, schema(source)) for name, source in COMPONENTS.items()},
                       "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
    }


def openapi_text() -> str:
    """The document as ``schemas/openapi.json`` is written."""
    return json.dumps(openapi_document(), indent=2, ensure_ascii=False) + "\n"


if __name__ == "__main__":
    import sys

    sys.stdout.write(openapi_text())
