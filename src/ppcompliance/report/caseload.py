"""Rendering a caseload summary as text, CSV and Markdown, and the worklist as text, CSV and JSON. HTML is in
``report.html``. Pure: these return text; only the CLI prints.

The renderers take the typed summary (``caseload.summary.Summary``) through a small protocol, so that this
stage does not depend on how a caseload is evaluated.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any, Iterable, Protocol, Sequence

from .. import words
from ..dates import human
from ..engine.facts import STATES, State


class _Measure(Protocol):
    counts: Any
    applicable: int
    rate: float | None


def pct(rate: float | None) -> str:
    """A rate as ``62.5%``, or a dash for none."""
    return "\u2013" if rate is None else f"{rate:.1f}%"


#: The verdict counts a summary shows, in the order a reader meets them: the rate's three, then justified (counted
#: apart: never in a rate), then the rest.
COUNTED = (State.COMPLIANT, State.LATE, State.MISSED, State.JUSTIFIED, State.PENDING, State.UNKNOWN,
           State.NOT_APPLICABLE)
#: Each count's column heading in text and Markdown.
HEADINGS = {State.COMPLIANT: "compliant", State.LATE: "late", State.MISSED: "missed", State.JUSTIFIED: "justified",
            State.PENDING: "pending", State.UNKNOWN: "unknown", State.NOT_APPLICABLE: "n/a"}
_WIDTHS = {state: max(len(HEADINGS[state]), 6) for state in COUNTED}
JUSTIFIED_TITLE = "Justified deviations"
JUSTIFIED_NOTE = ("A manager excused a rule on a case for a period: the reason and who approved it (by role). "
                  "Not a failure, never an action, and in no rate.")


def _line(label: str, m: _Measure, width: int = 44) -> str:
    c = m.counts
    label = label if len(label) <= width else label[: width - 1] + "\u2026"
    return f"{label:<{width}} {pct(m.rate):>7} {m.applicable:>8} " + \
        " ".join(f"{c.get(state, 0):>{_WIDTHS[state]}}" for state in COUNTED)


_HEAD = f"{'':<44} {'rate':>7} {'resolved':>8} " + " ".join(f"{HEADINGS[s]:>{_WIDTHS[s]}}" for s in COUNTED)


def accounts(s: Any) -> str:
    """``1,000 cases read: 998 evaluated, 2 rejected`` (and those outside the selection, if any)."""
    i = s.inputs
    parts = [f"{i.evaluated:,} evaluated"]
    if i.outside:
        parts.append(f"{i.outside:,} outside {s.selection.describe()}")
    parts.append(f"{i.rejected:,} rejected")
    return f"{words.plural(i.read, 'case')} read: " + ", ".join(parts)


def summary_text(s: Any, sections: Sequence[Any] | None = None) -> str:
    """The summary as a plain-text report for a terminal or an email (the worklist's first two sections)."""
    from .worklist import Section

    out = [
        f"Caseload as of {human(s.as_of)}: {accounts(s)}.",
        f"Overall: {pct(s.overall.rate)} of {s.overall.applicable:,} resolved obligations met in time "
        f"({s.cases_failing:,} of {words.plural(s.cases, 'case')} have something late, missed or unknown).",
        "Rates are compliant / (compliant + late + missed); justified, pending, unknown and not applicable are "
        "counted apart and are not in them.",
        "",
        "By practice area",
        _HEAD,
    ]
    out += [_line(a.title, a.measure) for a in s.areas]
    out += ["", "By rule", _HEAD]
    out += [_line(f"{r.rule_id} {r.title}" + (" *" if r.illustrative else ""), r.measure) for r in s.rules]
    out.append("* illustrative figure")
    if s.by:
        out += ["", f"By {s.by}", _HEAD]
        out += [_line(f"{u.unit} ({words.plural(u.cases, 'case')})", u.overall) for u in s.units]
    out += ["", *worklist_text(s, sections or (Section.OVERDUE, Section.DUE), summary=True)]
    out += ["", *justified_text(s)]
    if s.rejected:
        out += ["", f"Rejected inputs ({words.plural(s.inputs.rejected, 'case')}):"]
        out += [f"  {where(d)}: {d.code}: {d.message}" for d in s.rejected]
    out += ["", produced_line(s.produced_by)]
    return "\n".join(out) + "\n"


def produced_line(produced: Any) -> str:
    """``Produced by ppcheck 0.2.0 with the rulebook sha256:...``."""
    return f"Produced by ppcheck {produced['engine']} with the rulebook {produced['rulebook']}."


def where(d: Any) -> str:
    """Where a rejected input was: ``file:line:column $.json.path (event E4)``."""
    return str(d.location)


def _when(row: Any) -> str:
    days = words.days(row.days, row.working)
    if row.state == State.MISSED:
        return f"{days} overdue"
    return "due today" if row.days == 0 else f"{days} left"


def worklist_lines(rows: Iterable[Any]) -> list[str]:
    """Worklist rows as aligned text lines."""
    out = []
    for r in rows:
        remedy = f" [now: {', '.join(r.remedy)}]" if r.remedy else ""
        out.append(f"  {human(r.due):<16} {_when(r):<26} {r.case_id:<12} {r.team or '-':<14} {r.rule_id:<8} "
                   f"{r.action}{remedy}")
    return out


def worklist_text(s: Any, sections: Sequence[Any], summary: bool = False) -> list[str]:
    """The worklist's sections as text, each with its heading and how many rows it has."""
    from .worklist import SECTIONS, TITLES, Section

    w = s.worklist
    out = [f"Worklist as of {human(s.as_of)}: what is overdue, and what falls due within {s.within_days} days"
           + (f" ({s.selection.describe()})" if s.selection.units else "")]
    for section in sections:
        rows = s.rows(section)
        total = w.totals[section]
        head = f"{TITLES[section]}: {words.plural(total, 'action')}"
        if len(rows) < total:
            head += f" (the first {len(rows)} shown; ppcheck due lists them all)"
        out += ["", head]
        out += worklist_lines(rows) if rows else ["  (none)"]
    hidden = [x for x in SECTIONS if x not in sections and w.totals[x]]
    if Section.PAST in hidden:
        out += ["", f"{words.plural(w.totals[Section.PAST], 'missed action')} can no longer be done "
                    f"({'ppcheck due --past' if summary else '--past'} lists them)."]
    if w.closed:
        out.append(f"{words.plural(w.closed, 'action')} on closed cases not listed (--include-closed lists them).")
    return out


def justified_heading(s: Any) -> str:
    """``Justified deviations: 3`` (each a deviation that excused a rule on a case), saying how many are listed
    when not all are."""
    rows, total = s.justified_rows(), s.justified.total
    head = f"{JUSTIFIED_TITLE}: {total:,}"
    if len(rows) < total:
        head += f" (the first {len(rows)} shown, by the first day excused)"
    return head


def justified_lines(rows: Iterable[Any]) -> list[str]:
    """Justified deviations as aligned text lines: period, case, team, rule, deviation id, then why and who
    approved it (by role) and what it excused."""
    out = []
    for r in rows:
        period = f"{human(r.period_from)} to {human(r.period_to)}"
        excused = f"{words.plural(r.checks, 'check')} that would be {r.excused.value}"
        out.append(f"  {period:<34} {r.case_id:<12} {r.team or '-':<14} {r.rule_id:<8} {r.deviation_id:<8} "
                   f"{words.capital(r.reason_words)}; approved by {r.approver_words} ({excused})")
    return out


def justified_text(s: Any) -> list[str]:
    """The justified deviations as text, for audit: not failures, never actions, each with why and who approved
    it."""
    rows = s.justified_rows()
    return [justified_heading(s), f"  {JUSTIFIED_NOTE}", *(justified_lines(rows) if rows else ["  (none)"])]


def summary_csv(s: Any) -> str:
    """One row per rule, per area and overall (and per unit and area with --by), for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["as_of", "scope", "unit", "id", "title", "rate", "resolved", *(x.value for x in STATES)])

    def row(scope: str, unit: str, ident: str, title: str, m: _Measure) -> None:
        writer.writerow([s.as_of.isoformat(), scope, unit, ident, title, "" if m.rate is None else m.rate,
                         m.applicable, *(m.counts[state] for state in STATES)])

    row("overall", "", "", "all rules", s.overall)
    for a in s.areas:
        row("area", "", a.area, a.title, a.measure)
    for r in s.rules:
        row("rule", "", r.rule_id, r.title, r.measure)
    for u in s.units:
        row(s.by, u.unit, "", "all rules", u.overall)
        for area, m in u.areas.items():
            row(s.by, u.unit, area, area, m)
    return buffer.getvalue()


def summary_markdown(s: Any) -> str:
    """The summary as Markdown tables."""
    from .worklist import Section, TITLES

    o = s.overall
    out = [f"# Caseload as of {s.as_of.isoformat()}", "",
           f"{accounts(s)}. Overall **{pct(o.rate)}** of {o.applicable:,} resolved obligations met in time "
           f"(rates are compliant / (compliant + late + missed); justified is counted apart).", "",
           "| | rate | resolved | " + " | ".join(HEADINGS[state] for state in COUNTED) + " |",
           "|---|---|---|" + "---|" * len(COUNTED)]

    def md(label: str, m: _Measure) -> str:
        c = m.counts
        return f"| {label} | {pct(m.rate)} | {m.applicable} | " + \
            " | ".join(str(c.get(state, 0)) for state in COUNTED) + " |"

    out += [md(f"**{a.title}**", a.measure) for a in s.areas]
    out += [md(f"{r.rule_id} {r.title}", r.measure) for r in s.rules]
    if s.by:
        out += ["", f"## By {s.by}", "", "| unit | cases | rate | resolved |", "|---|---|---|---|"]
        out += [f"| {u.unit} | {u.cases} | {pct(u.overall.rate)} | {u.overall.applicable} |" for u in s.units]
    for section in (Section.OVERDUE, Section.DUE):
        rows = s.rows(section)
        out += ["", f"## {TITLES[section]} ({s.worklist.totals[section]})", ""]
        if rows:
            out += ["| due | days | case | team | rule | action |", "|---|---|---|---|---|---|"]
            out += [f"| {r.due.isoformat()} | {_when(r)} | {r.case_id} | {r.team or '-'} | {r.rule_id} | {r.action} |"
                    for r in rows]
        else:
            out.append("None.")
    rows = s.justified_rows()
    out += ["", f"## {JUSTIFIED_TITLE} ({s.justified.total})", ""]
    if len(rows) < s.justified.total:
        out += [f"The first {len(rows)}, by the first day excused.", ""]
    if rows:
        out += ["| period | case | team | rule | deviation | reason | approved by | checks excused |",
                "|---|---|---|---|---|---|---|---|"]
        out += [f"| {r.period_from.isoformat()} to {r.period_to.isoformat()} | {r.case_id} | {r.team or '-'} | "
                f"{r.rule_id} | {r.deviation_id} | {words.capital(r.reason_words)} | "
                f"{words.capital(r.approver_words)} | {r.checks} ({r.excused.value}) |" for r in rows]
    else:
        out.append("None.")
    if s.rejected:
        out += ["", "## Rejected inputs", ""] + [f"- `{where(d)}` {d.code}: {d.message}" for d in s.rejected]
    out += ["", produced_line(s.produced_by)]
    return "\n".join(out) + "\n"


def worklist_csv(rows: Iterable[Any]) -> str:
    """The worklist as CSV: one row per action, its section and both units of days spelled out."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["section", "due", "state", "days", "day_unit", "case_id", "region", "pdu", "team", "rule_id",
                     "action", "remedy"])
    for r in rows:
        writer.writerow([r.section.value, r.due.isoformat(), r.state.value, r.days,
                         "working_days" if r.working else "days", r.case_id, *r.units, r.rule_id, r.action,
                         " ".join(r.remedy)])
    return buffer.getvalue()


def worklist_json(s: Any, sections: Sequence[Any]) -> str:
    """The worklist as one JSON document, by section."""
    w = s.worklist
    doc = {"format": "ppcompliance.worklist/2", "as_of": s.as_of.isoformat(), "within_days": s.within_days,
           "selection": s.selection.as_dict(), "include_closed": w.include_closed, "closed_left_out": w.closed,
           "sections": {x.value: {"total": w.totals[x], "rows": [r.as_dict() for r in s.rows(x)]} for x in sections},
           "produced_by": dict(s.produced_by)}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
