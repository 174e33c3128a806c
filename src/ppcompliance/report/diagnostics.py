"""Diagnostics in the formats tools read: JSON, GitHub Actions annotations, and SARIF 2.1.0 (code-scanning
tools, editors). Pure: these return text; only the CLI prints."""

from __future__ import annotations

import json
from typing import Any, Iterable, Sequence

from .._version import __version__
from ..errors import CODES, Diagnostic

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def diagnostics_json(findings: Sequence[Diagnostic], suppressed: Iterable[tuple[Diagnostic, str]] = (),
                     **extra: Any) -> str:
    """``{"findings": [...], "suppressed": [...]}`` — each a diagnostic's fields (and the reason it is
    suppressed)."""
    doc = {"findings": [d.as_dict() for d in findings],
           "suppressed": [{**d.as_dict(), "reason": reason} for d, reason in suppressed], **extra}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _escape(text: str, property_: bool = False) -> str:
    out = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return out.replace(":", "%3A").replace(",", "%2C") if property_ else out


def github_annotations(findings: Sequence[Diagnostic], level: str = "error") -> str:
    """One ``::error file=...,line=...::message`` line per finding, as GitHub Actions reads them."""
    lines = []
    for d in findings:
        where = [f"file={_escape(d.file, True)}"]
        if d.line:
            where.append(f"line={d.line}")
            if d.column:
                where.append(f"col={d.column}")
        where.append(f"title={_escape(d.code, True)}")
        message = d.message + (f" ({d.json_path})" if d.json_path else "")
        lines.append(f"::{level} {','.join(where)}::{_escape(message)}")
    return "".join(line + "\n" for line in lines)


def sarif(findings: Sequence[Diagnostic], suppressed: Iterable[tuple[Diagnostic, str]] = ()) -> str:
    """The findings (and the suppressed ones, marked as suppressed in source) as a SARIF 2.1.0 log."""
    every = [(d, None) for d in findings] + [(d, reason) for d, reason in suppressed]
    codes = sorted({d.code for d, _ in every})
    results = []
    for d, reason in every:
        region: dict[str, int] = {}
        if d.line:
            region["startLine"] = d.line
            if d.column:
                region["startColumn"] = d.column
        location: dict[str, Any] = {"physicalLocation": {"artifactLocation": {"uri": d.file}}}
        if region:
            location["physicalLocation"]["region"] = region
        result: dict[str, Any] = {
            "ruleId": d.code, "ruleIndex": codes.index(d.code),
            "level": "warning" if d.code.startswith("lint-") else "error",
            "message": {"text": d.message + (f" ({d.json_path})" if d.json_path else "")},
            "locations": [location],
        }
        if reason is not None:
            result["suppressions"] = [{"kind": "inSource", "justification": reason}]
        results.append(result)
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "ppcheck", "version": __version__,
                "informationUri": "https://ppcompliance.example/docs/errors",
                "rules": [{"id": code, "shortDescription": {"text": CODES[code]}} for code in codes],
            }},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"
