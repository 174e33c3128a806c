"""HTML pages: the caseload summary for a quality lead or a team manager, and a rule change's sign-off page.

Each page is one self-contained file: inline CSS, charts as inline SVG, no links, fonts or images from anywhere,
so it can be mailed or archived and reads the same offline. A Content-Security-Policy forbids every fetch and
every script except the one a caseload page may carry (the units table's sort), which it allows by its hash.

The pages are jinja2 templates (``report/templates``) with autoescaping: every piece of text from a summary is
escaped by the template engine, never by hand. Colour is never the only cue: low rates are also marked ▼ and in
words, chart segments also differ by pattern, and the worklist's two sections are two tables with headings.

Pure: takes typed values (``caseload.summary.Summary``, ``policy.diff.Comparison``), returns text; only the CLI
writes it. ``environment()`` is shared with ``policy.doc`` for the rulebook page.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Mapping, NamedTuple, Protocol, Sequence

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from .. import words
from .._version import __version__
from ..dates import human
from ..engine.facts import State
from ..errors import Diagnostic
from ..vocabulary import STAGES
from .caseload import COUNTED, JUSTIFIED_TITLE
from .justified import JustifiedRow
from .worklist import TITLES, Section, WorkItem

LOW = "\u25bc"  # ▼ beside a low rate, so the mark survives greyscale printing and colour blindness
DASH = "\u2013"  # – for a rate with nothing resolved
ILLUSTRATIVE = "\u2020"  # † beside a rule whose figure is illustrative
SORT_SCRIPT = "sort-units.js"  # the one script a page may run, allowed by its hash

#: The units a caseload can be broken down by, as a page names them: in a heading, then one and many.
UNIT_NAMES = {"team": ("team", "team", "teams"), "pdu": ("probation delivery unit (PDU)", "PDU", "PDUs"),
              "region": ("region", "region", "regions")}
#: A verdict in a diff's moves, in words ("absent": the rule is not in that rulebook).
VERDICT_WORDS = {"missed": "missed", "late": "late", "unknown": "unknown", "pending": "pending",
                 "justified": "justified", "compliant": "compliant", "not_applicable": "not applicable",
                 "absent": "no such rule"}
IDS_SHOWN = 50  # case ids listed per kind of move on the diff page


# --- what the pages read ---------------------------------------------------------------------------------------


class Measure(Protocol):
    """Verdict counts, how many resolved, and the rate (``caseload.summary.Measure``)."""

    @property
    def counts(self) -> Mapping[State, int]: ...

    @property
    def applicable(self) -> int: ...

    @property
    def rate(self) -> float | None: ...


class Unit(Protocol):
    """One organisational unit's cases and measures (``caseload.summary.UnitMeasure``)."""

    @property
    def unit(self) -> str: ...

    @property
    def cases(self) -> int: ...

    @property
    def overall(self) -> Measure: ...


class Summary(Protocol):
    """The parts of a caseload summary (``caseload.summary.Summary``) the page arranges before rendering;
    the template reads the rest."""

    @property
    def as_of(self) -> date: ...

    @property
    def by(self) -> str | None: ...

    @property
    def units(self) -> Sequence[Unit]: ...

    @property
    def rules(self) -> Sequence[Any]: ...

    @property
    def areas(self) -> Sequence[Any]: ...

    @property
    def selection(self) -> Any: ...

    @property
    def worklist(self) -> Any: ...

    @property
    def justified(self) -> Any: ...

    @property
    def produced_by(self) -> Mapping[str, str]: ...

    def rows(self, section: Section) -> list[WorkItem]: ...

    def justified_rows(self) -> list[JustifiedRow]: ...


class Comparison(Protocol):
    """The parts of a rule-change comparison (``policy.diff.Comparison``) the page arranges before rendering."""

    @property
    def as_of(self) -> date: ...

    @property
    def read(self) -> int: ...

    @property
    def evaluated(self) -> int: ...

    @property
    def outside(self) -> int: ...

    @property
    def rejected_cases(self) -> int: ...

    @property
    def rules_before(self) -> int: ...

    @property
    def rules_after(self) -> int: ...

    @property
    def fingerprints(self) -> tuple[str, str]: ...

    @property
    def by(self) -> str | None: ...

    @property
    def selection(self) -> Any: ...

    @property
    def changes(self) -> Mapping[str, Any]: ...

    @property
    def rejected(self) -> Sequence[Diagnostic]: ...

    def moved(self) -> Sequence[Any]: ...

    def still(self) -> Sequence[Any]: ...


class Bar(NamedTuple):
    """One row of a bar chart: its label (clipped to fit), the full label (for its tooltip), and its measure;
    a row without a measure is a heading spanning the chart."""

    label: str
    full: str
    measure: Measure | None


class RuleGroup(NamedTuple):
    """A practice area's rules, as the rules chart and table group them."""

    title: str
    rules: Sequence[Any]


class Listed(NamedTuple):
    """One worklist section as the page lists it: its rows (soonest first) out of how many."""

    section: Section
    title: str
    total: int
    rows: Sequence[WorkItem]


class Move(NamedTuple):
    """One kind of verdict move of a changed rule: how many cases made it, and the ids listed."""

    before: str
    after: str
    cases: int
    ids: Sequence[str]


class UnitRates(NamedTuple):
    """A unit's rate for one rule before and after a change."""

    unit: str
    before: float | None
    after: float | None

    @property
    def moves(self) -> bool:
        """Whether the rate differs."""
        return self.before != self.after


# --- the template environment ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The jinja2 environment of every HTML page: the package's templates, autoescaped, strict about names."""
    env = Environment(loader=PackageLoader("ppcompliance", "report/templates"), autoescape=True,
                      undefined=StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(n=number, pct=pct, count=count, human=human, clip=clip, unit=words.unit,
                       verdict=lambda v: VERDICT_WORDS.get(v, v), points=points)
    env.globals.update(LOW=LOW, DASH=DASH, ILLUSTRATIVE=ILLUSTRATIVE, STAGES=STAGES, COUNTED=COUNTED,
                       Section=Section, State=State, capital=words.capital, produced=None)
    return env


def asset(name: str) -> str:
    """The exact text of a file in the templates folder (a script, whose hash the page's policy names)."""
    env = environment()
    assert env.loader is not None
    return env.loader.get_source(env, name)[0]


def script_hash(script: str) -> str:
    """A script's CSP source: ``'sha256-...'`` of its exact text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(script: str | None = None) -> str:
    """The Content-Security-Policy of a page: nothing fetched, no form, no base, and no script but ``script``."""
    rules = ["default-src 'none'", "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'none'"]
    if script is not None:
        rules.append(f"script-src {script_hash(script)}")
    return "; ".join(rules)


# --- filters ---------------------------------------------------------------------------------------------------


def number(value: int | None) -> str:
    """``1,234``; a dash for none."""
    return DASH if value is None else f"{value:,}"


def pct(rate: float | None) -> str:
    """A rate as ``62.5%``; a dash for none."""
    return DASH if rate is None else f"{rate:.1f}%"


def count(n: int, word: str, many: str | None = None) -> str:
    """``1 case``, ``1,234 cases``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def clip(text: str, width: int) -> str:
    """The text cut to ``width`` characters with an ellipsis (a chart label that must fit its margin)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


def points(before: float | None, after: float | None) -> str:
    """How far a rate moved: ``up 3.2 points``, ``down 0.5 points``, ``no change``; a dash if either is none."""
    if before is None or after is None:
        return DASH
    change = round(after - before, 1)
    if change == 0:
        return "no change"
    return f"{'up' if change > 0 else 'down'} {abs(change):.1f} point{'' if abs(change) == 1 else 's'}"


# --- the caseload page -----------------------------------------------------------------------------------------


def caseload_html(summary: Summary, *, low_below: float = 50.0, min_cases: int = 1) -> str:
    """The caseload summary as one self-contained HTML page.

    ``low_below`` is the rate, in percent, under which a rate is marked low; units (with ``by``) with fewer
    than ``min_cases`` cases are left out of the units table (their cases still count everywhere else), and the
    page says how many. The units table sorts by rate with a small script, the only one the page may run.
    """
    units = sorted((u for u in summary.units if u.cases >= min_cases), key=lambda u: u.unit)
    hidden = [u for u in summary.units if u.cases < min_cases]
    script = asset(SORT_SCRIPT) if summary.by and units else None
    chosen = summary.selection.describe() if summary.selection.units else ""
    title = (f"Public-protection compliance{' for ' + chosen if chosen else ''}: caseload as of "
             f"{human(summary.as_of)}")
    return environment().get_template("caseload.html.j2").render(
        s=summary, title=title, chosen=chosen, csp=policy(script),
        script=Markup(script) if script else None,  # our own file's text, whose hash the policy names
        low=_low(low_below), low_below=low_below, min_cases=min_cases,
        area_bars=[Bar(clip(a.title, 56), a.title, a.measure) for a in summary.areas],
        groups=_rule_groups(summary), rule_bars=_rule_bars(summary),
        unit_names=unit_names(summary.by), units=units,
        hidden_units=len(hidden), hidden_cases=sum(u.cases for u in hidden),
        listed=[Listed(section, TITLES[section], summary.worklist.totals[section], summary.rows(section))
                for section in (Section.OVERDUE, Section.DUE)],
        past=summary.worklist.totals[Section.PAST],
        justified_title=JUSTIFIED_TITLE, justified=summary.justified_rows(), justified_total=summary.justified.total,
        produced=summary.produced_by,
    )


def unit_names(by: str | None) -> tuple[str, str, str]:
    """How a page names the units of ``by``: in a heading, then one and many (``team``, ``team``, ``teams``)."""
    name = by or "unit"
    return UNIT_NAMES.get(name, (name, name, name + "s"))


def _low(low_below: float) -> Callable[[float | None], bool]:
    return lambda rate: rate is not None and rate < low_below


def _rule_groups(summary: Summary) -> list[RuleGroup]:
    """Rules grouped by practice area, in the summary's area order (areas it does not list come last)."""
    titles = {a.area: a.title or a.area for a in summary.areas}
    for r in summary.rules:
        titles.setdefault(r.area, r.area or "Other")
    groups = [RuleGroup(title, [r for r in summary.rules if r.area == area]) for area, title in titles.items()]
    return [g for g in groups if g.rules]


def _rule_bars(summary: Summary) -> list[Bar]:
    bars = []
    for group in _rule_groups(summary):
        bars.append(Bar(clip(group.title, 110), group.title, None))
        for r in group.rules:
            full = f"{r.rule_id}{ILLUSTRATIVE if r.illustrative else ''} {r.title}"
            bars.append(Bar(clip(full, 80), full, r.measure))
    return bars


# --- the rule-change page --------------------------------------------------------------------------------------


def diff_html(comparison: Comparison) -> str:
    """What a rule change does to a caseload, as one self-contained page for sign-off: the rules that move
    verdicts, each move with its cases, the rates before and after (by unit too), and the inputs' account."""
    c = comparison
    moved = list(c.moved())
    chosen = c.selection.describe() if c.selection.units else ""
    title = f"Rule change: what it does to {count(c.evaluated, 'case')} as of {human(c.as_of)}"
    return environment().get_template("diff.html.j2").render(
        c=c, title=title, chosen=chosen, csp=policy(), moved=moved, still=list(c.still()),
        unchanged=sum(1 for x in c.changes.values() if x.status == "unchanged" and not x.moved),
        moves={x.rule_id: _moves(x) for x in moved}, unit_rates={x.rule_id: _unit_rates(x) for x in moved},
        unit_names=unit_names(c.by), ids_shown=IDS_SHOWN,
        counted=[s.value for s in COUNTED],
        produced={"engine": __version__, "rulebook": c.fingerprints[1]},
    )


def _moves(change: Any) -> list[Move]:
    return [Move(a, b, n, change.cases.get((a, b), [])[:IDS_SHOWN]) for (a, b), n in sorted(change.moves.items())]


def _unit_rates(change: Any) -> list[UnitRates]:
    """Each unit's rate before and after, as the comparison itself reckons them (its JSON form)."""
    return [UnitRates(unit, r["rate_before"], r["rate_after"]) for unit, r in change.as_dict()["units"].items()]
