"""Compiling validated rule data into frozen rules, with the semantic checks the schema cannot make.

Input has already passed the JSON Schema. Every problem found is collected (with its path, which the loader
turns into file:line:column); a rule with problems is left out, and the loader reports them all together.
"""

from __future__ import annotations

import difflib
from datetime import date

from ._vocabulary import EVENT_TYPES, REGISTRATIONS, ROSH_LEVELS, SYNTHETIC_EVENT_TYPES
from .rulebook import (
    All,
    Always,
    Any,
    Basis,
    BeforeEnd,
    Cadence,
    Condition,
    Deadline,
    Duration,
    Elapsed,
    InCustody,
    Mappa,
    Matcher,
    Not,
    Precedence,
    Recurrence,
    Registration,
    Response,
    Rosh,
    Rule,
    SupervisionType,
    Tier,
    Trigger,
)

Problem = tuple[tuple, str, str]  # (path, code, message)

_KNOWN_TYPES = {**EVENT_TYPES, **SYNTHETIC_EVENT_TYPES}


class _Compiler:
    def __init__(self, file: str = "") -> None:
        self.problems: list[Problem] = []
        self.file = file

    def problem(self, path: tuple, code: str, message: str) -> None:
        self.problems.append((path, code, message))

    # durations and matchers

    def duration(self, data: dict) -> Duration:
        (key, n), = data.items()
        if key == "weeks":
            return Duration(7 * n)
        return Duration(n, working=key == "working_days")

    def matcher(self, data: dict, path: tuple) -> Matcher:
        types = data["event"] if isinstance(data["event"], list) else [data["event"]]
        for i, event_type in enumerate(types):
            if event_type not in _KNOWN_TYPES:
                at = path + ("event", i) if isinstance(data["event"], list) else path + ("event",)
                self.problem(at, "rule-unknown-event", f"unknown event type {event_type!r}{_suggest(event_type, _KNOWN_TYPES)}")
        known = [t for t in types if t in _KNOWN_TYPES]
        where = []
        for name, wanted in sorted(data.get("where", {}).items()):
            values = wanted if isinstance(wanted, list) else [wanted]
            lacking = [t for t in known if name not in _KNOWN_TYPES[t]]
            if lacking:
                fields = sorted({f for t in known for f in _KNOWN_TYPES[t]})
                self.problem(path + ("where", name), "rule-unknown-field",
                             f"{', '.join(lacking)} events have no field {name!r}"
                             f" (fields: {', '.join(fields) or 'none'})")
                continue
            for t in known:
                allowed = _KNOWN_TYPES[t][name]
                for v in values:
                    if allowed is not None and v not in allowed:
                        self.problem(path + ("where", name), "rule-unknown-value",
                                     f"{name} of {t} cannot be {v!r}{_suggest(str(v), [str(a) for a in allowed])}"
                                     f" (allowed: {', '.join(str(a) for a in allowed)})")
            where.append((name, frozenset(values)))
        return Matcher(tuple(types), tuple(where), data.get("label", ""))

    def trigger(self, data: dict, path: tuple, default_occurrence: str) -> Trigger:
        within = self.duration(data["nth_within"]) if "nth_within" in data else None
        return Trigger(self.matcher(data, path), data.get("occurrence", default_occurrence), data.get("nth", 1), within)

    # conditions

    def condition(self, data: dict, path: tuple) -> Condition:
        (key, value), = data.items()
        at = path + (key,)
        if key == "all":
            return All(tuple(self.condition(c, at + (i,)) for i, c in enumerate(value)))
        if key == "any":
            return Any(tuple(self.condition(c, at + (i,)) for i, c in enumerate(value)))
        if key == "not":
            return Not(self.condition(value, at))
        if key == "supervision_type":
            return SupervisionType(frozenset(value))
        if key == "rosh":
            if "at_least" in value:
                return Rosh(frozenset(ROSH_LEVELS[ROSH_LEVELS.index(value["at_least"]):]))
            return Rosh(frozenset(value["in"]))
        if key == "registration":
            codes = value if isinstance(value, list) else [value]
            for code in codes:
                if code not in REGISTRATIONS:
                    self.problem(at, "rule-unknown-state",
                                 f"unknown registration {code!r}{_suggest(code, REGISTRATIONS)}"
                                 f" (known: {', '.join(REGISTRATIONS)})")
            return Registration(tuple(codes))
        if key == "mappa":
            levels, categories = value.get("level"), value.get("category")
            return Mappa(frozenset(levels) if levels else None, frozenset(categories) if categories else None)
        if key == "in_custody":
            return InCustody(value)
        if key == "tier":
            return Tier(frozenset(value))
        if key == "supervision_elapsed":
            return Elapsed(value["at_least_percent"])
        raise AssertionError(f"schema admitted an unknown condition {key!r}")

    # obligations

    def deadline(self, data: dict, path: tuple) -> Deadline:
        return Deadline(
            self.trigger(data["trigger"], path + ("trigger",), "first"),
            self.matcher(data["expect"], path + ("expect",)),
            self.duration(data["within"]),
            self.duration(data["look_back"]) if "look_back" in data else None,
            data.get("pause_in_custody", False),
        )

    def precedence(self, data: dict, path: tuple) -> Precedence:
        look_back = self.duration(data["look_back"]) if "look_back" in data else None
        strictly = data.get("strictly_before", False)
        if strictly and look_back is not None and look_back.days == 0:
            self.problem(path + ("look_back",), "rule-impossible-window",
                         "a look-back of 0 days with strictly_before leaves no day on which the event could count")
        return Precedence(
            self.trigger(data["trigger"], path + ("trigger",), "first"),
            self.matcher(data["expect"], path + ("expect",)),
            look_back,
            strictly,
        )

    def cadence(self, data: dict, path: tuple) -> Cadence:
        per = self.duration(data["per"]) if "per" in data else None
        max_gap = self.duration(data["max_gap"]) if "max_gap" in data else None
        if per is not None and per.days == 0:
            self.problem(path + ("per",), "rule-impossible-window", "a window of 0 days can never hold an event")
        if max_gap is not None and max_gap.days == 0:
            self.problem(path + ("max_gap",), "rule-impossible-window",
                         "a maximum gap of 0 days would need an event every day with none between")
        return Cadence(
            self.matcher(data["qualifying"], path + ("qualifying",)),
            data.get("at_least"),
            per,
            max_gap,
            data.get("pause_in_custody", False),
        )

    def recurrence(self, data: dict, path: tuple) -> Recurrence:
        every = self.duration(data["every"])
        if every.days == 0:
            self.problem(path + ("every",), "rule-impossible-window", "an interval of 0 days never ends")
        return Recurrence(
            self.matcher(data["qualifying"], path + ("qualifying",)),
            every,
            self.duration(data["first_within"]),
            data.get("pause_in_custody", False),
        )

    def before_end(self, data: dict, path: tuple) -> BeforeEnd:
        within_last = self.duration(data["within_last"])
        at_least_before = self.duration(data["at_least_before"]) if "at_least_before" in data else Duration(0)
        if at_least_before.days >= within_last.days and at_least_before.working == within_last.working:
            self.problem(path + ("at_least_before",), "rule-impossible-window",
                         f"the window closes ({at_least_before} before the end) before it opens "
                         f"({within_last} before the end)")
        return BeforeEnd(self.matcher(data["qualifying"], path + ("qualifying",)), within_last, at_least_before)

    def response(self, data: dict, path: tuple) -> Response:
        return Response(
            self.trigger(data["trigger"], path + ("trigger",), "each"),
            self.matcher(data["respond"], path + ("respond",)),
            self.duration(data["within"]),
            data.get("pause_in_custody", False),
        )

    # rules

    def by_rosh(self, template: str, data: dict, path: tuple) -> tuple:
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
            found = getattr(self, template)(concrete, path)
            variants.append((level, found))
        # Each level's copy reports the same problems; keep one of each.
        self.problems = list(dict.fromkeys(self.problems))
        return tuple(variants)

    def rule(self, data: dict, path: tuple, source: str) -> Rule | None:
        before = len(self.problems)
        template = next(t for t in _TEMPLATES if t in data)
        by_rosh = self.by_rosh(template, data[template], path + (template,))
        obligation = by_rosh[0][1] if by_rosh else getattr(self, template)(data[template], path + (template,))
        applies_when = self.condition(data["applies_when"], path + ("applies_when",)) if "applies_when" in data else Always()
        in_force = data.get("in_force", {})
        start = date.fromisoformat(in_force["from"]) if "from" in in_force else None
        until = date.fromisoformat(in_force["until"]) if "until" in in_force else None
        if start and until and until < start:
            self.problem(path + ("in_force", "until"), "rule-impossible-window", "the rule stops being in force before it starts")
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
            source=source,
            file=self.file,
        )


_TEMPLATES = ("deadline", "precedence", "cadence", "recurrence", "before_end", "response")


def _suggest(word: str, known) -> str:
    close = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def compile_rules(data: dict, source_of, skip: set = frozenset(), file: str = "") -> tuple[list[Rule], list[Problem]]:
    """Compile one rule file's data (rules at indexes in ``skip`` failed the schema and are left out).

    ``source_of(path)`` names a rule's origin as ``file:line``.
    """
    compiler = _Compiler(file)
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
