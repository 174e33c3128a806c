"""Loading rules: YAML files -> validated against the published schema -> compiled -> a frozen Rulebook.

All problems in all files are collected and reported together, sorted by file and line.
"""

from __future__ import annotations

import hashlib
import os
import re
from functools import lru_cache
from pathlib import Path

from .._resources import default_rules_dir
from ..engine.conditions.suggest import suggest
from ..engine.rulebook import Rule, Rulebook
from ..errors import Diagnostic, RuleError
from ..schemas import located_problems
from .located import LocatedYaml
from .compile import compile_rules

MAX_RULE_FILE_BYTES = 1024 * 1024
_SUFFIXES = (".yaml", ".yml")


def rule_files(path: str | os.PathLike[str]) -> list[Path]:
    """The rule files a path names: the file itself, or a folder's *.yaml / *.yml files (recursively, sorted;
    hidden folders and ``*.tests.yaml`` rule-test files are not rules)."""
    root = Path(path)
    if root.is_file():
        return [root]
    if root.is_dir():
        return sorted(p for p in root.rglob("*") if p.suffix in _SUFFIXES and p.is_file()
                      and not p.name.endswith(".tests.yaml")  # rule tests sit beside the rules
                      and not any(part.startswith(".") for part in p.relative_to(root).parts))
    return []


def load_rulebook(path: str | os.PathLike[str] | None = None) -> Rulebook:
    """Load and compile the rulebook at ``path`` (a folder or one file; default: the bundled rulebook).

    Raises RuleError with every problem found, each with file:line:column and a stable code.
    """
    root = Path(path) if path is not None else default_rules_dir()
    files = rule_files(root)
    if not files:
        why = "no such file or folder" if not root.exists() else "no .yaml rule files in it"
        raise RuleError([Diagnostic(str(root), code="rules-not-found", message=why)])
    problems: list[Diagnostic] = []
    rules = []
    first_seen: dict[str, str] = {}
    shared: dict[object, object] = {}  # matchers and conditions, one object each across the rulebook
    for file in files:
        # Rules name their origin relative to the rulebook's folder, so reports do not depend on where it is.
        name = file.relative_to(root).as_posix() if root.is_dir() else file.name
        found, file_problems = _load_file(file, name, shared)
        problems += file_problems
        for rule in found:
            if rule.id in first_seen and first_seen[rule.id].split(":")[0] == name:
                continue  # a duplicate within one file is reported by parse_rules
            if rule.id in first_seen:
                line = rule.source.rsplit(":", 1)[1]
                problems.append(Diagnostic(str(file), int(line), 1, code="rule-duplicate-id",
                                           message=f"rule id {rule.id!r} is already used at {first_seen[rule.id]}"))
                continue
            first_seen[rule.id] = rule.source
            rules.append(rule)
    known = {rule.id for rule in rules}
    for rule in rules:
        for other in rule.remedy:
            if other not in known or other == rule.id:
                why = "is the rule itself" if other == rule.id else f"is not in the rulebook{suggest(other, known)}"
                problems.append(Diagnostic(rule.file or rule.source, rule.line, 1, code="rule-unknown-rule",
                                           message=f"{rule.id}: its remedy {other!r} {why}"))
    if problems:
        raise RuleError(problems)
    return Rulebook(tuple(rules), tuple(str(f) for f in files))


def _load_file(file: Path, name: str, shared: dict[object, object]) -> tuple[list[Rule], list[Diagnostic]]:
    source = str(file)
    try:
        if file.stat().st_size > MAX_RULE_FILE_BYTES:
            return [], [Diagnostic(source, code="rule-too-large",
                                   message=f"larger than {MAX_RULE_FILE_BYTES} bytes")]
        text = file.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        return [], [Diagnostic(source, code="rule-unreadable", message=f"not UTF-8 text (byte {exc.start})")]
    except OSError as exc:
        return [], [Diagnostic(source, code="rule-unreadable", message=exc.strerror or str(exc))]
    return parse_rules(text, source, name, shared)


def parse_rules(text: str, source: str = "<rules>", name: str | None = None,
                shared: dict[object, object] | None = None) -> tuple[list[Rule], list[Diagnostic]]:
    """Parse, validate and compile one rule file's text: (rules, problems).

    ``source`` names the file in diagnostics; ``name`` (default: the same) in each rule's ``source``.
    """
    key = _cache_key(text)
    located = _cached(key)
    problems: list[Diagnostic] = []
    broken: set[int] = set()
    if located is None:
        from . import yaml as reader

        located, problems = reader.load(text, source)
        if located is None:
            if problems and problems[0].code == "rule-yaml-syntax":
                return _recover(text, source, name, problems, shared)
            return [], problems
        if "\t" in text:
            line = text[: text.index("\t")].count("\n") + 1
            problems.append(Diagnostic(source, line, 1, code="rule-yaml-syntax",
                                       message="a tab character: indent rule files with spaces"))
        schema_problems, bad_paths = located_problems("rules", located, source)
        problems += schema_problems
        problems += _duplicate_ids(located, source)
        # Rules the schema rejected are not compiled; the others are, so their problems are reported too.
        broken = {p[1] for p in bad_paths if len(p) >= 2 and p[0] == "rules"}
        if any(len(p) < 2 or p[0] != "rules" for p in bad_paths):
            return [], problems
        if not problems:
            _keep(key, located)

    def source_of(path: tuple[object, ...]) -> str:
        return f"{name or source}:{located.locate(path)[0]}"

    rules, semantic = compile_rules(located.data, source_of, skip=broken, file=source, shared=shared)
    for path, code, text_ in semantic:
        line, column = located.locate_key(path) if code == "rule-unknown-field" else located.locate(path)
        problems.append(Diagnostic(source, line, column, code=code, message=text_))
    return rules, sorted(problems, key=Diagnostic.sort_key)


def _duplicate_ids(located: LocatedYaml, source: str) -> list[Diagnostic]:
    """Rule ids used twice in one file, found in the raw data so that broken rules are counted too."""
    items = located.data.get("rules") if isinstance(located.data, dict) else None
    seen: dict[str, int] = {}
    out = []
    for i, item in enumerate(items if isinstance(items, list) else []):
        rule_id = item.get("id") if isinstance(item, dict) else None
        if not isinstance(rule_id, str):
            continue
        line, column = located.locate(("rules", i, "id"))
        if rule_id in seen:
            out.append(Diagnostic(source, line, column, code="rule-duplicate-id",
                                  message=f"rule id {rule_id!r} is already used on line {seen[rule_id]}"))
        seen.setdefault(rule_id, line)
    return out


_ITEM = re.compile(r"^( *)- ")


def _recover(text: str, source: str, name: str | None, problems: list[Diagnostic],
             shared: dict[object, object] | None) -> tuple[list[Rule], list[Diagnostic]]:
    """After a YAML syntax error, check each rule on its own so that one typo does not hide other problems.

    Each rule (a list item under ``rules:``) is parsed alone, padded with blank lines so that line numbers stay
    those of the file. The rules that parse are validated and compiled as usual.
    """
    lines = text.splitlines(keepends=True)
    header = next((i for i, line in enumerate(lines) if line.rstrip() == "rules:"), None)
    if header is None:
        return [], problems
    starts = []
    indent = None
    for i in range(header + 1, len(lines)):
        match = _ITEM.match(lines[i])
        if match and (indent is None or len(match.group(1)) == indent):
            indent = len(match.group(1))
            starts.append(i)
    if len(starts) < 2:
        return [], problems
    rules, found = [], []
    for start, end in zip(starts, starts[1:] + [len(lines)]):
        chunk = "rules:\n" + "\n" * (start - 1) + "".join(lines[start:end])
        chunk_rules, chunk_problems = parse_rules(chunk, source, name, shared) if "\t" not in chunk else ([], [])
        rules += chunk_rules
        found += chunk_problems
    if not any(p.code == "rule-yaml-syntax" for p in found):
        found += problems
    return rules, found


# --- the cache of files that read and checked cleanly (``_cache``: JSON only) ------------------------------------


def _cache_key(text: str) -> str:
    """A name for a rule file's checked contents: what the text, the rule schema and this reader are."""
    from .. import _cache
    from ..schemas import schema_text

    if _cache.folder() is None:
        return ""
    digest = hashlib.sha256()
    for part in (text, schema_text("rules"), _reader_source()):
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return f"rules-{digest.hexdigest()[:32]}.json"


@lru_cache(maxsize=1)
def _reader_source() -> str:
    """The source of what turns a rule file's text into checked data (a change to it is a cache miss)."""
    here = Path(__file__).parent
    return "".join((here / name).read_text(encoding="utf-8") for name in ("yaml.py", "located.py", "load.py"))


def _cached(key: str) -> LocatedYaml | None:
    from .. import _cache

    found = _cache.read(key) if key else None
    if not isinstance(found, dict):
        return None
    try:
        marks = {tuple(path): (line, column) for path, line, column in found["marks"]}
        keys = {tuple(path): (line, column) for path, line, column in found["keys"]}
        return LocatedYaml(found["data"], marks, frozenset(), keys)
    except (KeyError, TypeError, ValueError):
        return None


def _keep(key: str, located: LocatedYaml) -> None:
    from .. import _cache

    if key:
        _cache.write(key, {"data": located.data,
                           "marks": [[list(p), line, column] for p, (line, column) in located.marks.items()],
                           "keys": [[list(p), line, column] for p, (line, column) in located.keys.items()]})
