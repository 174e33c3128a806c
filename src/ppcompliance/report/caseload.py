"""Rendering a caseload summary (the dict ``Caseload.summary`` makes) as text, CSV and Markdown, and the
worklist as text and CSV. HTML is in ``_report_html``. Pure: these return text; only the CLI prints."""

from __future__ import annotations

import csv
import io

from ..dates import human, parse_date
from ..engine.facts import STATES


def _pct(rate: float | None) -> str:
    return "–" if rate is None else f"{rate:.1f}%"


def _line(label: str, m: dict, width: int = 44) -> str:
    c = m["counts"]
    return (f"{label[:width]:<{width}} {_pct(m['rate']):>7} {m['applicable']:>8} {c['compliant']:>9} {c['late']:>6} "
            f"{c['missed']:>7} {c['pending']:>8} {c['unknown']:>8} {c['not_applicable']:>7}")


_HEAD = f"{'':<44} {'rate':>7} {'resolved':>8} {'compliant':>9} {'late':>6} {'missed':>7} {'pending':>8} " \
        f"{'unknown':>8} {'n/a':>7}"


def summary_text(s: dict) -> str:
    """The summary as a plain-text report for a terminal or an email."""
    i = s["inputs"]
    o = s["overall"]
    out = [
        f"Caseload as of {human(parse_date(s['as_of']))}: {i['read']} cases read, {i['evaluated']} evaluated, "
        f"{i['rejected']} rejected.",
        f"Overall: {_pct(o['rate'])} of {o['applicable']} resolved obligations met in time "
        f"({o['cases_failing']} of {o['cases']} cases have something late, missed or unknown).",
        "Rates are compliant / (compliant + late + missed); pending, unknown and not applicable are not in them.",
        "",
        "By practice area",
        _HEAD,
    ]
    out += [_line(a["title"], a) for a in s["areas"]]
    out += ["", "By rule", _HEAD]
    out += [_line(f"{r['rule_id']} {r['title']}" + (" *" if r["illustrative"] else ""), r) for r in s["rules"]]
    out.append("* illustrative figure")
    if s["by"]:
        out += ["", f"By {s['by']}", _HEAD]
        out += [_line(f"{u['unit']} ({u['cases']} cases)", u["overall"]) for u in s["units"]]
    w = s["worklist"]
    out += ["", f"Worklist: {w['total']} actions missed or due within {w['within_days']} days"
            + (f" (the first {w['shown']} shown; ppcheck due lists them all)" if w["shown"] < w["total"] else "")]
    out += worklist_lines(w["rows"])
    if s["rejected"]:
        out += ["", f"Rejected inputs ({i['rejected']} cases):"]
        out += [f"  {where(r)}: {r['code']}: {r['message']}" for r in s["rejected"]]
    return "\n".join(out) + "\n"


def where(r: dict) -> str:
    """Where a rejected input was: ``file:line $.json.path``."""
    place = r["file"] + (f":{r['line']}" if r.get("line") else "")
    return place + (f" {r['json_path']}" if r.get("json_path") else "")


def worklist_lines(rows: list[dict]) -> list[str]:
    """Worklist rows as aligned text lines, soonest first."""
    out = []
    for r in rows:
        unit = "working day" if r["day_unit"] == "working_days" else "day"
        days = f"{r['days']} {unit}{'s' if r['days'] != 1 else ''}"
        when = f"{days} overdue" if r["state"] == "missed" else ("due today" if r["days"] == 0 else f"{days} left")
        out.append(f"  {human(parse_date(r['due'])):<16} {when:<26} {r['case_id']:<12} {r['unit'] or '-':<14} "
                   f"{r['rule_id']:<8} {r['action']}")
    return out


def summary_csv(s: dict) -> str:
    """One row per rule, per area and overall (and per unit and area with --by), for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["as_of", "scope", "unit", "id", "title", "rate", "resolved", *STATES])

    def row(scope, unit, ident, title, m):
        writer.writerow([s["as_of"], scope, unit, ident, title, "" if m["rate"] is None else m["rate"],
                         m["applicable"], *(m["counts"][state] for state in STATES)])

    row("overall", "", "", "all rules", s["overall"])
    for a in s["areas"]:
        row("area", "", a["area"], a["title"], a)
    for r in s["rules"]:
        row("rule", "", r["rule_id"], r["title"], r)
    for u in s["units"]:
        row(s["by"], u["unit"], "", "all rules", u["overall"])
        for area, m in u["areas"].items():
            row(s["by"], u["unit"], area, area, m)
    return buffer.getvalue()


def summary_markdown(s: dict) -> str:
    """The summary as Markdown tables."""
    i, o = s["inputs"], s["overall"]
    out = [f"# Caseload as of {s['as_of']}", "",
           f"{i['read']} cases read, {i['evaluated']} evaluated, {i['rejected']} rejected. Overall "
           f"**{_pct(o['rate'])}** of {o['applicable']} resolved obligations met in time.", "",
           "| | rate | resolved | compliant | late | missed | pending | unknown | n/a |",
           "|---|---|---|---|---|---|---|---|---|"]

    def md(label, m):
        c = m["counts"]
        return (f"| {label} | {_pct(m['rate'])} | {m['applicable']} | {c['compliant']} | {c['late']} | "
                f"{c['missed']} | {c['pending']} | {c['unknown']} | {c['not_applicable']} |")

    out += [md(f"**{a['title']}**", a) for a in s["areas"]]
    out += [md(f"{r['rule_id']} {r['title']}", r) for r in s["rules"]]
    if s["by"]:
        out += ["", f"## By {s['by']}", "", "| unit | cases | rate | resolved |", "|---|---|---|---|"]
        out += [f"| {u['unit']} | {u['cases']} | {_pct(u['overall']['rate'])} | {u['overall']['applicable']} |"
                for u in s["units"]]
    if s["rejected"]:
        out += ["", "## Rejected inputs", ""] + [f"- `{where(r)}` {r['code']}: {r['message']}" for r in s["rejected"]]
    return "\n".join(out) + "\n"


def worklist_csv(rows: list[dict]) -> str:
    """The worklist as CSV."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    fields = ["due", "state", "days", "day_unit", "case_id", "unit", "rule_id", "action"]
    writer.writerow(fields)
    for r in rows:
        writer.writerow([r[f] for f in fields])
    return buffer.getvalue()
