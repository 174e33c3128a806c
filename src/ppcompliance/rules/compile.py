"""Compiling validated rule data into frozen rules, with the semantic checks the schema cannot make.

Input has already passed the JSON Schema. What every rule has (ids, basis, ``in_force``, ``by_rosh``) and the
parts every template shares (durations, matchers, triggers) are compiled here; each template and condition
kind compiles its own part (``engine.templates``, ``engine.conditions``). Every problem found is collected
(with its path, which the loader turns into file:line:column); a rule with problems is left out, and the
loader reports them all together.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Callable, Mapping

from ..engine.conditions import CONDITIONS
from ..engine.conditions.suggest import suggest
from ..engine.rulebook import ALWAYS, Basis, Condition, Duration, Matcher, Obligation, Path, Rule, Trigger
from ..engine.templates import TEMPLATES
from ..vocabulary import KNOWN_EVENT_TYPES, ROSH_LEVELS

Problem = tuple[Path, str, str]  # (path, code, message)


class Compiler:
    """The compile context the templates and condition kinds see (``engine.compiling.CompileContext``)."""

    def __init__(self, file: str = "", shared: dict[object, object] | None = None) -> None:
        self.problems: list[Problem] = []
        self.file = file
        # Equal matchers and conditions are made one object, so that a case computes each once (the engine
        # keeps what it found per object).
        self.shared: dict[object, object] = {} if shared is None else shared

    def intern(self, value: object) -> object:
        """The one object equal to ``value``."""
        return self.shared.setdefault(value, value)

    def problem(self, path: Path, code: str, message: str) -> None:
        self.problems.append((path, code, message))

    def duration(self, data: Mapping[str, Any], path: Path, roll: bool = False) -> Duration:
        ((key, n),) = data.items()
        if key == "weeks":
            return Duration(7 * n, roll=roll)
        if key == "months":
            return Duration(months=n, roll=roll)
        return Duration(n, working=key == "working_days", roll=roll and key != "working_days")

    def matcher(self, data: Mapping[str, Any], path: Path, about_trigger: bool = False) -> Matcher:
        listed = isinstance(data["event"], list)
        types = data["event"] if listed else [data["event"]]
        for i, event_type in enumerate(types):
            if event_type not in KNOWN_EVENT_TYPES:
                at = path + ("event", i) if listed else path + ("event",)
                self.problem(at, "rule-unknown-event",
                             f"unknown event type {event_type!r}{suggest(event_type, KNOWN_EVENT_TYPES)}")
        known = [t for t in types if t in KNOWN_EVENT_TYPES]
        where = []
        for name, wanted in sorted(data.get("where", {}).items()):
            values = wanted if isinstance(wanted, list) else [wanted]
            lacking = [t for t in known if name not in KNOWN_EVENT_TYPES[t]]
            if lacking:
                fields = sorted({f for t in known for f in KNOWN_EVENT_TYPES[t]})
                self.problem(path + ("where", name), "rule-unknown-field",
                             f"{', '.join(lacking)} events have no field {name!r}"
                             f" (fields: {', '.join(fields) or 'none'})")
                continue
            for t in known:
                allowed = KNOWN_EVENT_TYPES[t][name]
                for v in values:
                    if allowed is not None and v not in allowed:
                        self.problem(path + ("where", name), "rule-unknown-value",
                                     f"{name} of {t} cannot be {v!r}{suggest(str(v), [str(a) for a in allowed])}"
                                     f" (allowed: {', '.join(str(a) for a in allowed)})")
            where.append((name, frozenset(values)))
        self._options(data, path, types, about_trigger)
        made = self.intern(Matcher(tuple(types), tuple(where), data.get("label", ""), data.get("about_trigger", False),
                                   data.get("arranged", False), data.get("answered", False)))
        assert isinstance(made, Matcher)
        return made

    def _options(self, data: Mapping[str, Any], path: Path, types: list[str], about_trigger: bool) -> None:
        """The matcher's options make sense where they are written."""
        if data.get("about_trigger") and not about_trigger:
            self.problem(path + ("about_trigger",), "rule-option",
                         "about_trigger is for what a deadline or response expects: the event must name its trigger")
        if data.get("arranged") and set(types) != {"appointment"}:
            self.problem(path + ("arranged",), "rule-option",
                         "arranged applies to appointments only (they record the day they were arranged)")
        if data.get("answered"):
            if set(types) != {"enquiry"}:
                self.problem(path + ("answered",), "rule-option",
                             "answered applies to enquiries only (a request answered by a response received)")
            elif "status" in data.get("where", {}):
                self.problem(path + ("where", "status"), "rule-option",
                             "with answered, the request is matched and its answer found: leave status out")

    def trigger(self, data: Mapping[str, Any], path: Path, default_occurrence: str) -> Trigger:
        within = self.duration(data["nth_within"], path + ("nth_within",)) if "nth_within" in data else None
        since = since_within = None
        since_for = False
        if "since" in data:
            since = self.matcher(data["since"], path + ("since",))
            since_for = "for" in data["since"]
            key = "for" if since_for else "within"
            since_within = self.duration(data["since"][key], path + ("since", key))
            if within is not None:
                self.problem(path + ("nth_within",), "rule-option",
                             "with since, occurrences are counted from the anchor event: nth_within has no meaning")
        return Trigger(self.matcher(data, path), data.get("occurrence", default_occurrence), data.get("nth", 1),
                       within, since, since_within, since_for)

    def condition(self, data: Mapping[str, Any], path: Path) -> Condition:
        ((key, value),) = data.items()
        made = self.intern(CONDITIONS[key].compile(value, path + (key,), self))
        assert isinstance(made, Condition)
        return made

    # rules

    def by_rosh(self, keyword: str, data: Mapping[str, Any], path: Path) -> tuple[tuple[str, Obligation], ...]:
        """Compile an obligation whose figures differ by RoSH level: ((level, obligation), ...), highest first."""
        tables = {k: v["by_rosh"] for k, v in data.items() if isinstance(v, dict) and "by_rosh" in v}
        if not tables:
            return ()
        levels = [level for level in reversed(ROSH_LEVELS) if level in next(iter(tables.values()))]
        for key, table in tables.items():
            if set(table) != set(levels):
                self.problem(path + (key, "by_rosh"), "rule-schema",
                             f"every by_rosh table in a rule must list the same levels ({', '.join(levels)})")
                return ()
        variants = []
        for level in levels:
            concrete = {k: (v["by_rosh"][level] if k in tables else v) for k, v in data.items()}
            variants.append((level, TEMPLATES[keyword].compile(concrete, path, self)))
        # Each level's copy reports the same problems; keep one of each.
        self.problems = list(dict.fromkeys(self.problems))
        return tuple(variants)

    def rule(self, data: Mapping[str, Any], path: Path, source: str) -> Rule | None:
        before = len(self.problems)
        keyword = next(t for t in TEMPLATES if t in data)
        by_rosh = self.by_rosh(keyword, data[keyword], path + (keyword,))
        obligation = by_rosh[0][1] if by_rosh else TEMPLATES[keyword].compile(data[keyword], path + (keyword,), self)
        applies_when = self.condition(data["applies_when"], path + ("applies_when",)) \
            if "applies_when" in data else ALWAYS
        applies_within = self.duration(data["applies_within"], path + ("applies_within",)) \
            if "applies_within" in data else None
        if applies_within is not None and keyword not in ("deadline", "precedence", "response"):
            self.problem(path + ("applies_within",), "rule-option",
                         f"applies_within is for rules counted from a trigger; a {keyword} rule follows the periods "
                         f"in which its condition holds")
        if applies_within is not None and "applies_when" not in data:
            self.problem(path + ("applies_within",), "rule-option", "applies_within needs an applies_when")
        in_force = data.get("in_force", {})
        start = date.fromisoformat(in_force["from"]) if "from" in in_force else None
        until = date.fromisoformat(in_force["until"]) if "until" in in_force else None
        if start and until and until < start:
            self.problem(path + ("in_force", "until"), "rule-impossible-window",
                         "the rule stops being in force before it starts")
        if len(self.problems) > before:
            return None
        basis = data["basis"]
        return Rule(
            id=data["id"],
            title=data["title"],
            area=data["area"],
            stage=data["stage"],
            severity=data["severity"],
            basis=Basis(basis["citation"], basis["illustrative"], basis.get("link"), basis.get("note")),
            obligation=obligation,
            applies_when=applies_when,
            by_rosh=by_rosh,
            in_force_from=start,
            in_force_until=until,
            description=data.get("description", ""),
            remedy=tuple(data.get("remedy", ())),
            applies_within=applies_within,
            when_unknown=data.get("when_unknown", "strictest"),
            suppress=tuple((item["code"], item["reason"]) for item in data.get("suppress_lint", ())),
            source=source,
            file=self.file,
        )


def compile_rules(data: Mapping[str, Any], source_of: Callable[[Path], str], skip: frozenset[int] | set[int] = frozenset(),
                  file: str = "", shared: dict[object, object] | None = None) -> tuple[list[Rule], list[Problem]]:
    """Compile one rule file's data (rules at indexes in ``skip`` failed the schema and are left out).

    ``source_of(path)`` names a rule's origin as ``file:line``; ``shared`` holds the matchers and conditions
    already made (for the whole rulebook).
    """
    compiler = Compiler(file, shared)
    rules = []
    for i, item in enumerate(data["rules"]):
        path = ("rules", i)
        if i in skip:
            # The schema rejected this rule; still look for unknown names in what can be read of it, so the
            # file's problems are all reported in one run. The rule itself is not kept.
            try:
                compiler.rule(item, path, source_of(path))
            except (KeyError, TypeError, ValueError, AttributeError, StopIteration):
                pass
            continue
        rule = compiler.rule(item, path, source_of(path))
        if rule is not None:
            rules.append(rule)
    return rules, compiler.problems
