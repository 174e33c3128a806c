"""A fast yes/no answer to "is this timeline valid against the published schema?", for the hot path.

``valid(data)`` returns exactly what ``_schema.validator("timeline").is_valid(data)`` returns, many times
faster, and says nothing about why: when it says no, run jsonschema for the full list of errors.

It is built once, at import, from ``schemas/timeline.schema.json`` itself: each subschema is compiled into a
plain Python function, so the enums, patterns, required and allowed fields per event type and the limits all
come from the file and cannot drift from it. Only a small set of keywords is implemented: those the timeline
schema uses and a few close neighbours. A schema using any other keyword, or a known keyword in a shape not
handled here, fails the import with ``SchemaNotSupported`` naming the keyword and where it is, rather than
being checked loosely.

Where an obvious Python check would disagree with python-jsonschema (Draft 2020-12, formats asserted), this
module does what jsonschema does; each case is noted where it is implemented:

* ``true``/``false`` are not integers, but ``1.0`` is; ``enum`` and ``const`` compare with JSON equality, so
  ``1 == 1.0`` but ``True != 1``;
* ``pattern`` is ``re.search`` with the pattern as written, and Python's ``$`` also matches before a final
  newline: ``"X1\\n"`` is a valid id. ``format: date`` uses ``fullmatch`` and rejects ``"2024-01-01\\n"``;
* ``format: date`` is ASCII ``NNNN-NN-NN`` that ``date.fromisoformat`` accepts (no year 0000, real leap days);
* lengths count code points; only a ``dict`` is an object and only a ``list`` an array (a tuple is neither);
* keywords other than ``type`` pass values of the types they do not apply to;
* ``if`` failing applies no ``then``: an event's type picks the one ``then`` that applies, or none.

Inputs are taken to be what ``json.loads`` builds (dicts, lists, str, int, float, bool, None), or those
types' subclasses that do not redefine equality, hashing or dict access.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date

from ._resources import schemas_dir

Check = Callable[[object], bool]

# Keywords that never change whether an instance is valid. "$id" and "$schema" only at the root (a nested
# "$id" would move the base of "$ref"s under it, which is not implemented).
_ANNOTATIONS = frozenset({"title", "description", "$comment", "examples", "default", "deprecated", "readOnly",
                          "writeOnly", "$defs"})
_ROOT_ONLY = frozenset({"$schema", "$id"})
_STRING_KEYWORDS = frozenset({"pattern", "minLength", "maxLength", "format"})
_OBJECT_KEYWORDS = frozenset({"properties", "required", "additionalProperties", "allOf"})
_ARRAY_KEYWORDS = frozenset({"items", "minItems", "maxItems"})
_KEYWORDS = _ANNOTATIONS | _STRING_KEYWORDS | _OBJECT_KEYWORDS | _ARRAY_KEYWORDS | {"type", "enum", "const", "$ref"}

# Dates repeat across a caseload (a few thousand distinct days), so verdicts on short strings are remembered, up
# to a bound on their number and length (so a hostile input cannot make the memory grow).
_MEMO_ENTRIES = 1 << 16
_MEMO_LONGEST = 64


class SchemaNotSupported(ValueError):
    """The schema uses a keyword, or a shape of one, that the fast check does not implement."""

    def __init__(self, where: str, what: str) -> None:
        super().__init__(f"{what} @ {where}")
        self.where = where
        self.what = what


# --- JSON Schema's idea of types and equality ---------------------------------------------------------------


def _is_integer(value: object) -> bool:
    # bool is an int in Python but not an integer in JSON Schema; 1.0 is an integer in JSON Schema.
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: object) -> bool:
    return not isinstance(value, bool) and isinstance(value, (int, float))


_TYPES: dict[str, Check] = {
    "string": lambda v: isinstance(v, str),
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "integer": _is_integer,
    "number": _is_number,
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}

_TRUE, _FALSE = object(), object()


def _unbool(value: object) -> object:
    return _TRUE if value is True else _FALSE if value is False else value


def _equal(one: object, two: object) -> bool:
    """JSON equality as python-jsonschema's ``enum`` and ``const`` see it: 1 == 1.0, True != 1, lists by item."""
    if one is two:
        return True
    if isinstance(one, str) or isinstance(two, str):
        return one == two
    if isinstance(one, Sequence) and isinstance(two, Sequence):
        return len(one) == len(two) and all(_equal(a, b) for a, b in zip(one, two))
    if isinstance(one, Mapping) and isinstance(two, Mapping):
        return len(one) == len(two) and all(k in two and _equal(v, two[k]) for k, v in one.items())
    return _unbool(one) == _unbool(two)


# The jsonschema date checker: this regex with fullmatch (so no trailing newline), ASCII digits only, and then
# whatever date.fromisoformat accepts (it raises ValueError for year 0000, month 13, 2023-02-29 ...).
_DATE_SHAPE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


def _is_date(text: str) -> bool:
    if _DATE_SHAPE.fullmatch(text) is None:
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


_FORMATS: dict[str, Callable[[str], bool]] = {"date": _is_date}


# --- small combinators --------------------------------------------------------------------------------------


def _never(value: object) -> bool:
    return False


def _all(checks: list[Check]) -> Check | None:
    """One check that passes when every one of ``checks`` does; None when there is nothing to check."""
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        first, second = checks
        return lambda v: first(v) and second(v)
    every = tuple(checks)
    return lambda v: all(c(v) for c in every)


def _memoised(check: Check) -> Check:
    """``check`` with its verdicts on short plain strings remembered: for values that repeat, like dates."""
    seen: dict[str, bool] = {}

    def remembered(value: object) -> bool:
        if type(value) is not str or len(value) > _MEMO_LONGEST:
            return check(value)
        known = seen.get(value)
        if known is None:
            if len(seen) >= _MEMO_ENTRIES:
                seen.clear()
            known = seen[value] = check(value)
        return known

    return remembered


# --- compiling the schema -----------------------------------------------------------------------------------


class _Compiler:
    """Turns a schema (a dict loaded from JSON) into checks, resolving local ``$ref``s once each."""

    def __init__(self, root: dict) -> None:
        self.root = root
        self.refs: dict[str, Check | None] = {}
        self.resolving: set[str] = set()

    def compile(self, schema: object, where: str) -> Check | None:
        """A check for ``schema``, or None if it accepts everything."""
        if schema is True:
            return None
        if schema is False:
            return _never
        if not isinstance(schema, dict):
            raise SchemaNotSupported(where, "a schema must be an object or a boolean")
        known = _KEYWORDS | (_ROOT_ONLY if schema is self.root else frozenset())
        for keyword in schema:
            if keyword not in known:
                raise SchemaNotSupported(where, f"keyword {keyword!r} is not implemented by the fast check")
        types = schema.get("type")
        types = [types] if isinstance(types, str) else types
        if types is not None and (not isinstance(types, list) or not all(t in _TYPES for t in types)):
            raise SchemaNotSupported(f"{where}/type", f"type {types!r} is not implemented")
        only = types[0] if types is not None and len(types) == 1 else None
        # A single type that one of the structural checks below implements is checked there (strictly);
        # anything else gets a check of its own.
        checks: list[Check] = []
        if types is not None and only not in ("string", "object", "array"):
            tests = tuple(_TYPES[t] for t in types)
            checks.append(lambda v: any(test(v) for test in tests))
        members = schema.get("enum")
        if members is not None and not isinstance(members, list):
            raise SchemaNotSupported(f"{where}/enum", "enum must be a list")
        string_members = None
        if members is not None and only == "string" and all(isinstance(m, str) for m in members):
            string_members = frozenset(members)  # the string check below tests them
        elif members is not None:
            checks.append(_enum_check(members))
        if "const" in schema:
            checks.append(_enum_check([schema["const"]]))
        if only == "string" or _STRING_KEYWORDS & schema.keys():
            checks.append(self._string(schema, where, strict=only == "string", members=string_members))
        if only == "object" or _OBJECT_KEYWORDS & schema.keys():
            checks.append(self._object(schema, where, strict=only == "object"))
        if only == "array" or _ARRAY_KEYWORDS & schema.keys():
            checks.append(self._array(schema, where, strict=only == "array"))
        if "$ref" in schema:
            # In 2020-12 the keywords beside a $ref apply too; here they are the ones compiled above.
            target = self._ref(schema["$ref"], f"{where}/$ref")
            if target is not None:
                checks.append(target)
        return _all(checks)

    def _ref(self, ref: object, where: str) -> Check | None:
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise SchemaNotSupported(where, f"only local references (#/...) are implemented, not {ref!r}")
        if ref not in self.refs:
            if ref in self.resolving:
                raise SchemaNotSupported(where, f"recursive reference {ref!r} is not implemented")
            self.resolving.add(ref)
            target: object = self.root
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if isinstance(target, dict) and part in target:
                    target = target[part]
                elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
                    target = target[int(part)]
                else:
                    raise SchemaNotSupported(where, f"reference {ref!r} leads nowhere")
            self.refs[ref] = self.compile(target, ref)
            self.resolving.discard(ref)
        return self.refs[ref]

    def _string(self, schema: dict, where: str, *, strict: bool, members: frozenset | None) -> Check:
        shortest = _count(schema, "minLength", where, default=0)
        longest = _count(schema, "maxLength", where, default=None)
        pattern = schema.get("pattern")
        if pattern is not None and not isinstance(pattern, str):
            raise SchemaNotSupported(f"{where}/pattern", "pattern must be a string")
        # jsonschema runs re.search(pattern, value): unanchored unless the pattern anchors itself, and Python's
        # "$" matches before a final "\n". Using the same pattern with the same call gives the same answers.
        search = re.compile(pattern).search if pattern is not None else None
        form = schema.get("format")
        if form is not None and form not in _FORMATS:
            raise SchemaNotSupported(f"{where}/format", f"format {form!r} is not implemented")
        conforms = _FORMATS[form] if form is not None else None
        longest_or_any = longest if longest is not None else float("inf")

        def check(value: object) -> bool:
            if not isinstance(value, str):
                return not strict  # string keywords pass other types; "type": "string" does not
            if members is not None and value not in members:
                return False
            size = len(value)  # code points, as JSON Schema counts
            if size < shortest or size > longest_or_any:
                return False
            if search is not None and search(value) is None:
                return False
            return conforms is None or conforms(value)

        return _memoised(check) if conforms is not None else check

    def _object(self, schema: dict, where: str, *, strict: bool) -> Check:
        base = self._plan(schema, where)
        key, dispatch = self._dispatch(schema, base, where)

        def check(value: object) -> bool:
            if not isinstance(value, dict):
                return not strict  # object keywords pass other types; "type": "object" does not
            plan = base
            if dispatch:
                # Each `if` is "key present and equal to this string": a non-string never equals a string, and
                # a string matching no `if` gets no `then`.
                tag = value.get(key)
                if isinstance(tag, str):
                    plan = dispatch.get(tag, base)
            allowed, required, checks = plan
            if allowed is not None and not value.keys() <= allowed:
                return False
            if not value.keys() >= required:
                return False
            for name, item in value.items():
                field = checks.get(name)
                if field is not None and not field(item):
                    return False
            return True

        return check

    def _plan(self, schema: dict, where: str) -> _Plan:
        """Allowed keys (None: any), required keys, and a check per property, for an object schema."""
        properties = schema.get("properties", {})
        if not isinstance(properties, dict):
            raise SchemaNotSupported(f"{where}/properties", "properties must be an object")
        required = schema.get("required", [])
        if not isinstance(required, list) or not all(isinstance(r, str) for r in required):
            raise SchemaNotSupported(f"{where}/required", "required must be a list of strings")
        checks = {}
        for name, subschema in properties.items():
            check = self.compile(subschema, f"{where}/properties/{name}")
            if check is not None:
                checks[name] = check
        extra = schema.get("additionalProperties", True)
        if extra is True:
            allowed = None
        elif extra is False:
            allowed = frozenset(properties)
        else:
            raise SchemaNotSupported(f"{where}/additionalProperties", "only true or false is implemented")
        return allowed, frozenset(required), checks

    def _dispatch(self, schema: dict, base: _Plan, where: str) -> tuple[str | None, dict[str, _Plan]]:
        """An ``allOf`` of ``if: {key: const}`` / ``then`` pairs, as one merged plan per value of the key."""
        if "allOf" not in schema:
            return None, {}
        branches = schema["allOf"]
        if not isinstance(branches, list):
            raise SchemaNotSupported(f"{where}/allOf", "allOf must be a list")
        key, dispatch = None, {}
        for index, branch in enumerate(branches):
            at = f"{where}/allOf/{index}"
            tag_key, tag = _if_key_equals(branch, at)
            if key not in (None, tag_key):
                raise SchemaNotSupported(at, "every `if` must test the same key")
            key = tag_key
            then = branch.get("then", True)
            if then is True:
                continue
            if not isinstance(then, dict) or set(then) - _ANNOTATIONS - {"properties", "required",
                                                                           "additionalProperties"}:
                raise SchemaNotSupported(f"{at}/then", "only properties, required and additionalProperties "
                                                       "are implemented in a `then`")
            dispatch[tag] = _merge(dispatch.get(tag, base), self._plan(then, f"{at}/then"))
        return key, dispatch

    def _array(self, schema: dict, where: str, *, strict: bool) -> Check:
        shortest = _count(schema, "minItems", where, default=0)
        longest = _count(schema, "maxItems", where, default=None)
        longest_or_any = longest if longest is not None else float("inf")
        item = self.compile(schema.get("items", True), f"{where}/items")

        def check(value: object) -> bool:
            if not isinstance(value, list):
                return not strict  # array keywords pass other types; "type": "array" does not
            if not shortest <= len(value) <= longest_or_any:
                return False
            return item is None or all(map(item, value))

        return check


_Plan = tuple  # (allowed: frozenset | None, required: frozenset, checks: dict[str, Check])


def _merge(first: _Plan, second: _Plan) -> _Plan:
    """The plan for an object that must satisfy both plans."""
    allowed_1, required_1, checks_1 = first
    allowed_2, required_2, checks_2 = second
    allowed = allowed_2 if allowed_1 is None else allowed_1 if allowed_2 is None else allowed_1 & allowed_2
    checks = dict(checks_1)
    for name, check in checks_2.items():
        checks[name] = _all([checks[name], check]) if name in checks else check
    return allowed, required_1 | required_2, checks


def _if_key_equals(branch: object, where: str) -> tuple[str, str]:
    """The key and string value an ``{"if": {"properties": {key: {"const": value}}, "required": [key]}}`` tests."""
    shape_error = SchemaNotSupported(where, 'an allOf item must be {"if": {"properties": {key: {"const": '
                                            '"value"}}, "required": [key]}, "then": ...}')
    if not isinstance(branch, dict) or set(branch) - _ANNOTATIONS - {"if", "then"} or "if" not in branch:
        raise shape_error
    test = branch["if"]
    if not isinstance(test, dict) or set(test) - _ANNOTATIONS != {"properties", "required"}:
        raise shape_error
    properties, required = test["properties"], test["required"]
    if not isinstance(properties, dict) or len(properties) != 1 or list(properties) != required:
        raise shape_error
    (key, value_schema), = properties.items()
    if not isinstance(value_schema, dict) or set(value_schema) - _ANNOTATIONS != {"const"}:
        raise shape_error
    if not isinstance(value_schema["const"], str):
        raise shape_error
    return key, value_schema["const"]


def _count(schema: dict, keyword: str, where: str, *, default: int | None) -> int | None:
    value = schema.get(keyword, default)
    if value is not default and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise SchemaNotSupported(f"{where}/{keyword}", f"{keyword} must be a non-negative integer")
    return value


def _enum_check(members: list) -> Check:
    if all(isinstance(m, str) for m in members):
        # A string equals only a string (a non-string compared with a string is never equal in JSON).
        allowed = frozenset(members)
        return lambda v: isinstance(v, str) and v in allowed
    # Numbers and the rest: JSON equality (True is not 1; 1.0 is 1), rarely needed, so done the plain way.
    return lambda v: any(_equal(m, v) for m in members)


def compile_schema(schema: object) -> Check:
    """A check answering as ``Draft202012Validator(schema, format_checker=...).is_valid`` does."""
    check = _Compiler(schema if isinstance(schema, dict) else {}).compile(schema, "#")
    return check if check is not None else (lambda v: True)


def _load(name: str) -> object:
    with open(schemas_dir() / f"{name}.schema.json", encoding="utf-8") as handle:
        return json.load(handle)


_timeline = compile_schema(_load("timeline"))


def valid(data: object) -> bool:
    """True if ``data`` (decoded JSON) is a valid timeline under schemas/timeline.schema.json, else False.

    Answers exactly as ``ppcompliance._schema.validator("timeline").is_valid(data)`` does, but gives no reasons:
    when it says False, run the jsonschema validator for the full list of errors.
    """
    return _timeline(data)
