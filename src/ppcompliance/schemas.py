"""The published JSON Schemas, validation against them, and readable messages for their errors.

python-jsonschema is imported only when something is validated with it (rule files, and timelines the fast
decoder refused): a run that reads only valid timelines never pays for it.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ._resources import schemas_dir

if TYPE_CHECKING:
    import jsonschema
    from jsonschema import Draft202012Validator


@lru_cache(maxsize=None)
def schema_text(name: str) -> str:
    """``schemas/<name>.schema.json``, as text."""
    return (schemas_dir() / f"{name}.schema.json").read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def schema(name: str) -> dict[str, Any]:
    """``schemas/<name>.schema.json``, as data."""
    loaded: dict[str, Any] = json.loads(schema_text(name))
    return loaded


@lru_cache(maxsize=None)
def validator(name: str) -> "Draft202012Validator":
    """A validator for ``schemas/<name>.schema.json``, with formats (dates) checked."""
    from jsonschema import Draft202012Validator

    return Draft202012Validator(schema(name), format_checker=Draft202012Validator.FORMAT_CHECKER)


def leaf_errors(error: "jsonschema.ValidationError") -> list["jsonschema.ValidationError"]:
    """The most specific errors behind one error, one problem one message.

    For a ``oneOf`` / ``anyOf`` the alternative the input came closest to is chosen, as jsonschema's
    ``best_match`` does: one that fits the input's type, with the fewest and deepest errors — so a typo in
    ``within: {working_dayz: 5}`` is one message about that key, not three about alternatives nobody wrote.
    ``if``/``then`` keep their errors in ``context`` too.
    """
    if _is_choice_of_keys(error):
        return [error]
    if not error.context:
        return [error]
    if error.validator in ("oneOf", "anyOf"):
        alternatives: dict[object, list["jsonschema.ValidationError"]] = {}
        for e in error.context:
            alternatives.setdefault(e.relative_schema_path[0], []).append(e)
        depth = len(error.absolute_path)
        closest = min(alternatives.values(), key=lambda errors: (
            any(e.validator == "type" and len(e.absolute_path) == depth for e in errors),
            len(errors),
            -max(len(e.absolute_path) for e in errors)))
        return [leaf for e in closest for leaf in leaf_errors(e)]
    deepest = max(len(e.absolute_path) for e in error.context)
    found = [e for e in error.context if len(e.absolute_path) == deepest]
    telling = [e for e in found if e.validator != "type"] or found
    return [leaf for e in telling for leaf in leaf_errors(e)]


def one_per_place(errors: list["jsonschema.ValidationError"]) -> list["jsonschema.ValidationError"]:
    """At most one error per place where a value breaks more than one keyword for one reason: a date in the
    wrong form fails both its pattern and its format; only the pattern (which names the form) is kept."""
    wrong_form = {tuple(e.absolute_path) for e in errors if e.validator == "pattern" and _is_date(e)}
    return [e for e in errors if not (e.validator == "format" and tuple(e.absolute_path) in wrong_form)]


def _is_date(error: "jsonschema.ValidationError") -> bool:
    return isinstance(error.schema, dict) and error.schema.get("format") == "date"


def _is_choice_of_keys(error: "jsonschema.ValidationError") -> bool:
    """A ``oneOf`` of ``required`` alternatives: "exactly one of these keys" (the obligation templates)."""
    return error.validator == "oneOf" and all(
        isinstance(alt, dict) and set(alt) == {"required"} and len(alt["required"]) == 1 for alt in error.validator_value
    )


def message(error: "jsonschema.ValidationError") -> str:
    """A plain-English message for one schema error."""
    keyword, value = error.validator, error.validator_value
    if _is_choice_of_keys(error):
        keys = [alt["required"][0] for alt in value]
        present = [k for k in keys if isinstance(error.instance, dict) and k in error.instance]
        found = f"found {len(present)}: {', '.join(present)}" if present else "found none"
        return f"exactly one of {', '.join(keys[:-1])} or {keys[-1]} is needed ({found})"
    if keyword == "required":
        missing = [name for name in value if isinstance(error.instance, dict) and name not in error.instance]
        return "missing required field " + ", ".join(repr(m) for m in missing)
    if keyword == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = sorted(k for k in error.instance if k not in allowed)
        known = ", ".join(sorted(allowed)) or "none"
        close = _close(extra[0], sorted(allowed), n=1) if extra else []
        hint = f"; did you mean {close[0]!r}?" if close else ""
        return f"unexpected field {', '.join(repr(k) for k in extra)} (allowed here: {known}{hint})"
    if keyword == "enum":
        if len(value) > 8:
            close = _close(str(error.instance), [str(v) for v in value], n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return f"{_short(error.instance)} is not one of the {len(value)} allowed values{hint}"
        close = _close(str(error.instance), [str(v) for v in value], n=1)
        hint = f" (did you mean {close[0]!r}?)" if close and isinstance(error.instance, str) else ""
        return f"{_short(error.instance)} is not one of: {', '.join(str(v) for v in value)}{hint}"
    if keyword == "const":
        return f"{_short(error.instance)} should be {value!r}"
    if keyword == "format" and value == "date":
        return f"{_short(error.instance)} is not a real calendar date (YYYY-MM-DD)"
    if keyword == "pattern" and _is_date(error):
        return f"{_short(error.instance)} is not a date of the form YYYY-MM-DD (such as 2024-01-08)"
    if keyword == "pattern":
        return f"{_short(error.instance)} does not have the expected form"
    if keyword == "type":
        wanted = value if isinstance(value, str) else " or ".join(value)
        return f"{_short(error.instance)} should be {_article(wanted)} {wanted}"
    if keyword in ("maxItems", "maxLength", "maxProperties"):
        return f"too long: at most {value} allowed"
    if keyword in ("minItems", "minLength", "minProperties"):
        return f"too short: at least {value} needed"
    if keyword in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        return f"{_short(error.instance)} is out of range ({keyword} {value})"
    return str(error.message)


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _short(instance: object) -> str:
    text = json.dumps(instance, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


def located_problems(name: str, located: Any, source: str) -> tuple[list[Any], list[tuple[Any, ...]]]:
    """Validate YAML data (a ``_yaml.LocatedYaml``) against ``schemas/<name>.schema.json``.

    Returns the problems as ``rule-schema`` diagnostics at file:line:column (an unexpected key is located at
    the key itself), and the paths of the top-level errors, so a caller can tell which items were rejected.
    """
    from .errors import Diagnostic

    problems: list[Diagnostic] = []
    bad_paths: list[tuple[Any, ...]] = []
    seen: set[tuple[int, int, str]] = set()
    leaves: list["jsonschema.ValidationError"] = []
    for error in validator(name).iter_errors(located.data):
        bad_paths.append(tuple(error.absolute_path))
        leaves += leaf_errors(error)
    for leaf in one_per_place(leaves):
        path = tuple(leaf.absolute_path)
        if path in located.refused:
            continue  # its tag was refused and reported already
        if leaf.validator == "additionalProperties" and isinstance(leaf.instance, dict):
            allowed = set(leaf.schema.get("properties", {}))
            extras = [k for k in leaf.instance if k not in allowed]
            path = path + (extras[0],) if extras else path
        unexpected = leaf.validator == "additionalProperties"
        line, column = located.locate_key(path) if unexpected else located.locate(path)
        text = message(leaf)
        if (line, column, text) not in seen:
            seen.add((line, column, text))
            problems.append(Diagnostic(source, line, column, code="rule-schema", message=text))
    return problems, bad_paths


def _close(word: str, choices: list[str], n: int = 1) -> list[str]:
    from difflib import get_close_matches  # only when a message needs a suggestion

    return get_close_matches(word, choices, n=n)
