"""Rendering a case report as JSON (schemas/verdicts.schema.json) and as a terminal report.

Pure: these functions return text or data; only the CLI prints.
"""

from __future__ import annotations

import json
from datetime import date

from ._dates import human
from ._vocabulary import PRACTICE_AREAS, STAGES, describe_type
from .rulebook import Rule, Rulebook, unit
from .timeline import Case
from .verdicts import FAILING, CaseReport, Evidence, Instance, RuleVerdict, worst

FORMAT = "ppcompliance.verdicts/1"


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _evidence(e: Evidence) -> dict:
    return {"event_id": e.event_id, "type": e.type, "date": e.date.isoformat()}


def _instance(i: Instance) -> dict:
    out: dict = {"verdict": i.state, "kind": i.kind}
    if i.window_from and i.window_from != date.min and i.window_to:
        out["window"] = {"from": _iso(i.window_from), "to": _iso(i.window_to)}
    elif i.window_to:
        out["window"] = {"from": None, "to": _iso(i.window_to)}
    if i.due:
        out["due"] = _iso(i.due)
    if i.trigger:
        out["trigger"] = _evidence(i.trigger)
    out["evidence"] = [_evidence(e) for e in i.evidence]
    if i.days is not None:
        key = {"late": "days_late", "missed": "days_overdue", "pending": "days_left"}[i.if_applies or i.state]
        out[key] = i.days
        out["day_unit"] = "working_days" if i.working else "days"
    if i.required is not None:
        out["count"], out["required"] = i.count, i.required
    if i.reason:
        out["reason"] = i.reason
    if i.if_applies:
        out["if_applies"] = i.if_applies
    if i.paused_days:
        out["paused_days"] = i.paused_days
    out["sentence"] = i.sentence
    if i.would_have_met:
        out["would_have_met"] = i.would_have_met
    return out


def _rule(rule: Rule, v: RuleVerdict) -> dict:
    deciding = v.deciding
    out: dict = {
        "rule_id": rule.id,
        "title": rule.title,
        "area": rule.area,
        "stage": rule.stage,
        "severity": rule.severity,
        "template": rule.template,
        "verdict": v.state,
        "sentence": v.sentence,
    }
    if v.would_have_met:
        out["would_have_met"] = v.would_have_met
    if deciding is not None and deciding.due:
        out["due"] = _iso(deciding.due)
    if v.next_due:
        out["next_due"] = _iso(v.next_due)
    if v.not_checked:
        out["not_checked"] = v.not_checked
    out["evidence"] = [_evidence(e) for e in (deciding.evidence if deciding else ())]
    out["basis"] = rule.basis.as_dict()
    out["source"] = rule.source
    out["instances"] = [_instance(i) for i in v.instances]
    return out


def _areas(report: CaseReport, rulebook: Rulebook) -> list[dict]:
    out = []
    for area, title in PRACTICE_AREAS.items():
        ids = {r.id for r in rulebook.rules if r.area == area}
        if not ids:
            continue
        states = [v.state for v in report.verdicts if v.rule_id in ids]
        out.append({"area": area, "title": title, "verdict": worst(states), "counts": report.counts(ids)})
    return out


def _case(case: Case) -> dict:
    out = {
        "supervision_type": case.supervision_type,
        "start_date": case.start_date.isoformat(),
        "expected_end_date": case.expected_end_date.isoformat(),
    }
    if case.end_date:
        out["end_date"] = case.end_date.isoformat()
    out["units"] = dict(sorted(case.units.items()))
    return out


def report_to_dict(report: CaseReport, rulebook: Rulebook) -> dict:
    """The report as JSON-ready data, in the shape of schemas/verdicts.schema.json."""
    rules = rulebook.by_id
    return {
        "format": FORMAT,
        "case_id": report.case_id,
        "as_of": report.as_of.isoformat(),
        "case": _case(report.case),
        "verdict": report.state,
        "counts": report.counts(),
        "areas": _areas(report, rulebook),
        "rules": [_rule(rules[v.rule_id], v) for v in report.verdicts],
        "next_actions": [
            {"rule_id": a.rule_id, "due": a.due.isoformat(), "days_left": a.days_left,
             "day_unit": "working_days" if a.working else "days", "action": a.text}
            for a in report.next_actions
        ],
    }


def report_to_json(report: CaseReport, rulebook: Rulebook) -> str:
    """The report as a JSON document (stable key order and formatting, so byte-identical across runs)."""
    return json.dumps(report_to_dict(report, rulebook), indent=2, ensure_ascii=False) + "\n"


# --- terminal ---------------------------------------------------------------------------------------------

MARKS = {
    "missed": ("MISSED", "bold red"),
    "late": ("LATE", "yellow"),
    "unknown": ("UNKNOWN", "magenta"),
    "pending": ("PENDING", "cyan"),
    "compliant": ("OK", "green"),
    "not_applicable": ("N/A", "dim"),
}


def report_to_rich(report: CaseReport, rulebook: Rulebook, verbose: bool = False):
    """The report as rich renderables for a terminal: header, per-area rules, and the next actions."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    parts: list = []
    counts = report.counts()
    label, style = MARKS[report.state]
    header = Text()
    header.append(f"Case {report.case_id}", style="bold")
    header.append(f"  as of {human(report.as_of)}  ")
    header.append(label, style=style)
    parts.append(header)
    case = report.case
    facts = f"  {describe_type(case.supervision_type).capitalize()} from {human(case.start_date)} "
    facts += f"to {human(case.end_date)} (ended)" if case.end_date else f"to {human(case.expected_end_date)} (expected)"
    if case.units:
        names = {"region": "region", "pdu": "PDU", "team": "team"}
        facts += "; " + ", ".join(f"{names.get(k, k)} {v}" for k, v in case.units.items())
    parts.append(Text(facts))
    parts.append(Text("  " + ", ".join(f"{n} {MARKS[s][0].lower() if s != 'compliant' else 'compliant'}"
                                        for s, n in counts.items() if n)))
    rules = rulebook.by_id
    for area in _areas(report, rulebook):
        parts.append(Text(""))
        title = Text()
        area_label, area_style = MARKS[area["verdict"]]
        title.append(area["title"], style="bold underline")
        title.append(f"  {area_label}", style=area_style)
        parts.append(title)
        table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
        table.add_column(width=8, no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for v in report.verdicts:
            rule = rules[v.rule_id]
            if rule.area != area["area"]:
                continue
            mark, mstyle = MARKS[v.state]
            body = Text()
            body.append(rule.title, style="bold")
            body.append(f"  [{STAGES[rule.stage].lower()}; {rule.severity} severity]", style="dim")
            body.append("\n" + v.sentence)
            if v.would_have_met:
                body.append("\n" + v.would_have_met, style="italic")
            if verbose or v.state in FAILING:
                extra = [i for i in v.instances if i.state in FAILING and i is not v.deciding]
                for i in extra[:5]:
                    body.append(f"\n  - {MARKS[i.state][0]}: {i.sentence}", style="dim")
                if len(extra) > 5:
                    body.append(f"\n  - ... and {len(extra) - 5} more (see --format json)", style="dim")
            if v.not_checked:
                body.append(f"\n{v.not_checked}", style="dim")
            basis = rule.basis.citation + (" (illustrative figure)" if rule.basis.illustrative else "")
            body.append(f"\nBasis: {basis}", style="dim")
            table.add_row(Text(mark, style=mstyle), Text(rule.id, style="dim"), body)
        parts.append(table)
    parts.append(Text(""))
    if report.next_actions:
        parts.append(Text("Next actions due", style="bold underline"))
        table = Table(show_header=True, box=None, padding=(0, 1))
        table.add_column("Due by", no_wrap=True)
        table.add_column("Left", no_wrap=True, justify="right")
        table.add_column("Rule", no_wrap=True, style="dim")
        table.add_column("Action")
        for a in report.next_actions:
            left = "today" if a.days_left == 0 else f"{a.days_left} {unit(a.days_left, a.working)}"
            table.add_row(human(a.due), left, a.rule_id, a.text)
        parts.append(table)
    else:
        parts.append(Text("No actions pending.", style="dim"))
    return Group(*parts)

