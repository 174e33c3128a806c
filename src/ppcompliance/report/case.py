"""Rendering one case's report: the full JSON document and the compact record (schemas/verdicts.schema.json),
and the terminal report.

Pure: these functions return text or data; only the CLI prints.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Mapping

from .._version import __version__

from .. import words
from ..dates import human
from ..engine.facts import FAILING, STATES, CaseReport, Evidence, Instance, RuleVerdict, State, worst
from ..engine.rulebook import Rule, Rulebook
from ..explain import Explanation, explain
from ..explain.sentences import InstanceText, RuleText
from ..timeline.model import Case
from ..vocabulary import PRACTICE_AREAS, STAGES
from .worklist import Section, WorkItem, work_items

FORMAT = "ppcompliance.verdicts/2"
COMPACT_FORMAT = "ppcompliance.verdicts.compact/2"
_DAYS_KEY = {State.LATE: "days_late", State.MISSED: "days_overdue", State.PENDING: "days_left"}


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _evidence(e: Evidence) -> dict[str, str]:
    return {"event_id": e.event_id, "type": e.type, "date": e.date.isoformat()}


def _days_key(i: Instance) -> str | None:
    """Which count of days an instance's ``days`` is, by the verdict it has (or, if unknown or justified, would
    have): ``days_late``, ``days_overdue`` or ``days_left``."""
    return _DAYS_KEY.get(i.if_applies or i.excused or i.state)


def deviation(e: Evidence) -> dict[str, Any]:
    """A deviation event as a justified instance cites it: its id and date, the rule or practice area it
    excuses, the period, the reason and who approved it (by role)."""
    out: dict[str, Any] = {"event_id": e.event_id, "date": e.date.isoformat()}
    for scope in ("rule", "area"):
        if e.get(scope) is not None:
            out[scope] = e.get(scope)
    out["period"] = {"from": e.get("period_start").isoformat(), "to": e.get("period_end").isoformat()}
    out["reason"] = e.get("reason")
    out["approved_by"] = e.get("approved_by")
    return out


def _window(i: Instance) -> dict[str, str | None] | None:
    if i.window_from and i.window_from != date.min and i.window_to:
        return {"from": _iso(i.window_from), "to": _iso(i.window_to)}
    if i.window_to:
        return {"from": None, "to": _iso(i.window_to)}
    return None


def _instance(i: Instance, text: InstanceText) -> dict[str, Any]:
    out: dict[str, Any] = {"verdict": i.state.value, "kind": i.kind.value}
    window = _window(i)
    if window is not None:
        out["window"] = window
    if i.due:
        out["due"] = _iso(i.due)
    if i.trigger:
        out["trigger"] = _evidence(i.trigger)
    out["evidence"] = [_evidence(e) for e in i.evidence]
    days_key = _days_key(i)
    if i.days is not None and days_key is not None:
        out[days_key] = i.days
        out["day_unit"] = "working_days" if i.working else "days"
    if i.required is not None:
        out["count"], out["required"] = i.count, i.required
    if i.reason:
        out["reason"] = i.reason.value
    if i.if_applies:
        out["if_applies"] = i.if_applies.value
    if i.paused_days:
        out["paused_days"] = i.paused_days
    if i.provisional:
        out["provisional"] = True
    if i.anchor_event:
        out["anchor"] = _evidence(i.anchor_event)
    if i.excused:
        out["excused"] = i.excused.value
    if i.deviation:
        out["deviation"] = deviation(i.deviation)
    out["sentence"] = text.sentence
    if text.would_have_met:
        out["would_have_met"] = text.would_have_met
    return out


def _rule(rule: Rule, v: RuleVerdict, text: RuleText) -> dict[str, Any]:
    deciding = v.deciding
    out: dict[str, Any] = {
        "rule_id": rule.id,
        "title": rule.title,
        "area": rule.area,
        "stage": rule.stage,
        "severity": rule.severity,
        "template": rule.template,
        "verdict": v.state.value,
        "sentence": text.sentence,
    }
    if text.would_have_met:
        out["would_have_met"] = text.would_have_met
    if deciding is not None and deciding.due:
        out["due"] = _iso(deciding.due)
    if v.next_due:
        out["next_due"] = _iso(v.next_due)
    if text.not_checked:
        out["not_checked"] = text.not_checked
    out["evidence"] = [_evidence(e) for e in (deciding.evidence if deciding else ())]
    out["basis"] = rule.basis.as_dict()
    out["source"] = rule.source
    out["instances"] = [_instance(i, t) for i, t in zip(v.instances, text.instances)]
    return out


def _counts(counts: dict[State, int]) -> dict[str, int]:
    return {state.value: n for state, n in counts.items()}


def areas(report: CaseReport, rulebook: Rulebook) -> list[dict[str, Any]]:
    """The report rolled up per practice area: each area's verdict and its rules' counts."""
    out = []
    for area, title in PRACTICE_AREAS.items():
        ids = {r.id for r in rulebook.rules if r.area == area}
        if not ids:
            continue
        states = [v.state for v in report.verdicts if v.rule_id in ids]
        out.append({"area": area, "title": title, "verdict": worst(states).value,
                    "counts": _counts(report.counts(ids))})
    return out


def _case(case: Case) -> dict[str, Any]:
    out: dict[str, Any] = {
        "supervision_type": case.supervision_type,
        "start_date": case.start_date.isoformat(),
        "expected_end_date": case.expected_end_date.isoformat(),
    }
    if case.end_date:
        out["end_date"] = case.end_date.isoformat()
    out["units"] = dict(sorted(case.units.items()))
    return out


def produced_by(rulebook: Rulebook) -> dict[str, str]:
    """What produced an output: the engine's version and the rulebook's fingerprint (docs/service.md)."""
    return {"engine": __version__, "rulebook": rulebook.fingerprint}


def report_to_dict(report: CaseReport, rulebook: Rulebook, explanation: Explanation | None = None) -> dict[str, Any]:
    """The report as JSON-ready data, in the shape of schemas/verdicts.schema.json (every instance, with its
    sentences)."""
    said = explanation or explain(rulebook, report)
    rules = rulebook.by_id
    return {
        "format": FORMAT,
        "case_id": report.case_id,
        "as_of": report.as_of.isoformat(),
        "case": _case(report.case),
        "verdict": report.state.value,
        "counts": _counts(report.counts()),
        "areas": areas(report, rulebook),
        "rules": [_rule(rules[v.rule_id], v, said.rules[v.rule_id]) for v in report.verdicts],
        "overdue_actions": [
            {"rule_id": w.rule_id, "due": w.due.isoformat(), "days_overdue": w.days,
             "day_unit": "working_days" if w.working else "days", "action": w.action}
            for w in to_do(rulebook, report, Section.OVERDUE)
        ],
        "next_actions": [
            {"rule_id": a.rule_id, "due": a.due.isoformat(), "days_left": a.days_left,
             "day_unit": "working_days" if a.working else "days", "action": text}
            for a, text in zip(report.next_actions, said.actions)
        ],
        "no_longer_possible": [
            {"rule_id": w.rule_id, "due": w.due.isoformat(), "action": w.action, "remedy": list(w.remedy)}
            for w in to_do(rulebook, report, Section.PAST)
        ],
        "produced_by": produced_by(rulebook),
    }


def to_do(rulebook: Rulebook, report: CaseReport, section: Section) -> list[WorkItem]:
    """One section of a case's work, soonest first: overdue and still to do, or missed and no longer possible
    (the pending actions are ``report.next_actions``)."""
    return sorted(w for w in work_items(rulebook, report, 0) if w.section == section)


def report_to_json(report: CaseReport, rulebook: Rulebook) -> str:
    """The report as a JSON document (stable key order and formatting, so byte-identical across runs)."""
    return json.dumps(report_to_dict(report, rulebook), indent=2, ensure_ascii=False) + "\n"


# --- the compact record ---------------------------------------------------------------------------------------


def _compact_instance(i: Instance) -> dict[str, Any]:
    out: dict[str, Any] = {"verdict": i.state.value, "kind": i.kind.value}
    if i.due:
        out["due"] = i.due.isoformat()
    if i.trigger:
        out["trigger"] = i.trigger.event_id
    if i.evidence:
        out["evidence"] = [e.event_id for e in i.evidence]
    days_key = _days_key(i)
    if i.days is not None and days_key is not None:
        out[days_key] = i.days
        if i.working:
            out["day_unit"] = "working_days"
    if i.required is not None:
        out["count"], out["required"] = i.count, i.required
    if i.reason:
        out["reason"] = i.reason.value
    if i.if_applies:
        out["if_applies"] = i.if_applies.value
    if i.provisional:
        out["provisional"] = True
    if i.anchor_event:
        out["anchor"] = i.anchor_event.event_id
    if i.excused:
        out["excused"] = i.excused.value
    if i.deviation:
        out["deviation"] = deviation(i.deviation)
    return out


def compact_record(report: CaseReport, rulebook: Rulebook) -> dict[str, Any]:
    """The record an analyst loads: per rule its verdict, how many instances had each verdict (left out when
    the rule had one instance: its verdict says it), the next due date, the failing instances and the justified
    ones (with the deviation that excuses each) — no compliant windows, no sentences (``--detail compact``)."""
    rules: dict[str, Any] = {}
    for v in report.verdicts:
        entry: dict[str, Any] = {"verdict": v.state.value}
        if len(v.instances) > 1:
            entry["counts"] = {s.value: n for s, n in v.counts().items() if n}
        if v.next_due:
            entry["next_due"] = v.next_due.isoformat()
        failing = [_compact_instance(i) for i in v.instances if i.state in FAILING]
        if failing:
            entry["failing"] = failing
        justified = [_compact_instance(i) for i in v.instances if i.state == State.JUSTIFIED]
        if justified:
            entry["justified"] = justified
        rules[v.rule_id] = entry
    record = {
        "format": COMPACT_FORMAT,
        "case_id": report.case_id,
        "as_of": report.as_of.isoformat(),
        "case": _case(report.case),
        "verdict": report.state.value,
        "counts": _counts(report.counts()),
        "rules": rules,
        "produced_by": produced_by(rulebook),
    }
    return record


# --- terminal ---------------------------------------------------------------------------------------------

MARKS = {
    State.MISSED: ("MISSED", "bold red"),
    State.LATE: ("LATE", "yellow"),
    State.UNKNOWN: ("UNKNOWN", "magenta"),
    State.PENDING: ("PENDING", "cyan"),
    State.JUSTIFIED: ("JUSTIFIED", "blue"),  # not a failure: never red
    State.COMPLIANT: ("OK", "green"),
    State.NOT_APPLICABLE: ("N/A", "dim"),
}
MARK_WIDTH = 8  # the marks' column; wider only in a report that shows a longer mark (JUSTIFIED)
#: Checks listed under a rule beyond its deciding one: the failing ones, and the justified ones for audit.
LISTED = FAILING | {State.JUSTIFIED}
EXTRA_SHOWN = 5  # checks listed under a rule beyond its deciding one, unless --verbose


def _other_checks(v: RuleVerdict, text: RuleText) -> list[str]:
    """A rule's checks listed under its sentence, beyond its deciding one: the failing ones (``MISSED: ...``),
    then the justified ones, for audit (their sentence says ``Justified: ...``)."""
    decider = v.deciding
    said = [(i, t.sentence) for i, t in zip(v.instances, text.instances) if i is not decider]
    return [f"{MARKS[i.state][0]}: {sentence}" for i, sentence in said if i.state in FAILING] + \
        [sentence for i, sentence in said if i.state == State.JUSTIFIED]


def report_to_rich(report: CaseReport, rulebook: Rulebook, verbose: bool = False) -> Any:
    """The report as rich renderables for a terminal: header, per-area rules, and the next actions."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    said = explain(rulebook, report)
    parts: list[Any] = []
    counts = report.counts()
    label, style = MARKS[report.state]
    header = Text()
    header.append(f"Case {report.case_id}", style="bold")
    header.append(f"  as of {human(report.as_of)}  ")
    header.append(label, style=style)
    parts.append(header)
    case = report.case
    facts = f"  {words.capital(words.describe_type(case.supervision_type))} from {human(case.start_date)} "
    facts += f"to {human(case.end_date)} (ended)" if case.end_date else f"to {human(case.expected_end_date)} (expected)"
    if case.units:
        names = {"region": "region", "pdu": "PDU", "team": "team"}
        facts += "; " + ", ".join(f"{names.get(k, k)} {v}" for k, v in case.units.items())
    parts.append(Text(facts))
    parts.append(Text("  " + ", ".join(f"{n} {MARKS[s][0].lower() if s != State.COMPLIANT else 'compliant'}"
                                        for s, n in counts.items() if n)))
    rules = rulebook.by_id
    width = max([MARK_WIDTH, *(len(MARKS[v.state][0]) for v in report.verdicts)])  # alike in every area
    for area in areas(report, rulebook):
        parts.append(Text(""))
        title = Text()
        area_label, area_style = MARKS[State(area["verdict"])]
        title.append(area["title"], style="bold underline")
        title.append(f"  {area_label}", style=area_style)
        parts.append(title)
        table = Table(show_header=False, box=None, padding=(0, 1), expand=False)
        table.add_column(width=width, no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(ratio=1)
        for v in report.verdicts:
            rule = rules[v.rule_id]
            if rule.area != area["area"]:
                continue
            text = said.rules[v.rule_id]
            mark, mstyle = MARKS[v.state]
            body = Text()
            body.append(rule.title, style="bold")
            body.append(f"  [{STAGES[rule.stage].lower()}; {rule.severity} severity]", style="dim")
            body.append("\n" + text.sentence)
            if text.would_have_met:
                body.append("\n" + text.would_have_met, style="italic")
            if verbose or v.state in LISTED:
                extra = _other_checks(v, text)
                shown = extra if verbose else extra[:EXTRA_SHOWN]
                for line in shown:
                    body.append(f"\n  - {line}", style="dim")
                if len(extra) > len(shown):
                    body.append(f"\n  - ... and {len(extra) - len(shown)} more (see --verbose or --format json)",
                                style="dim")
            if text.not_checked:
                body.append(f"\n{text.not_checked}", style="dim")
            basis = rule.basis.citation + (" (illustrative figure)" if rule.basis.illustrative else "")
            body.append(f"\nBasis: {basis}", style="dim")
            table.add_row(Text(mark, style=mstyle), Text(rule.id, style="dim"), body)
        parts.append(table)
    parts.append(Text(""))
    parts += _what_to_do(report, rulebook, said)
    return Group(*parts)


def _what_to_do(report: CaseReport, rulebook: Rulebook, said: Explanation) -> list[Any]:
    """What to do on the case: what is overdue and can still be done first, then what falls due next, then
    what was missed and can no longer be done (with the rule that takes over)."""
    from rich.table import Table
    from rich.text import Text

    overdue, past = to_do(rulebook, report, Section.OVERDUE), to_do(rulebook, report, Section.PAST)
    if not (overdue or report.next_actions or past):
        return [Text("Nothing is overdue or due.", style="dim")]
    parts: list[Any] = [Text("What to do", style="bold underline")]

    def table(title: str, when: str, days: str) -> Any:
        parts.append(Text(title, style="bold"))
        found = Table(show_header=True, box=None, padding=(0, 1))
        found.add_column(when, no_wrap=True)
        found.add_column(days, no_wrap=True, justify="right")
        found.add_column("Rule", no_wrap=True, style="dim")
        found.add_column("Action")
        parts.append(found)
        return found

    if overdue:
        rows = table("Overdue and still to do", "Was due", "Overdue")
        for w in overdue:
            rows.add_row(human(w.due), words.days(w.days, w.working), w.rule_id, w.action)
    if report.next_actions:
        rows = table("Due next", "Due by", "Left")
        for a, action in zip(report.next_actions, said.actions):
            rows.add_row(human(a.due), "today" if a.days_left == 0 else words.days(a.days_left, a.working),
                         a.rule_id, action)
    if past:
        parts.append(Text("Missed and no longer possible", style="bold"))
        found = Table(show_header=True, box=None, padding=(0, 1))
        found.add_column("Was due", no_wrap=True)
        found.add_column("Rule", no_wrap=True, style="dim")
        found.add_column("Action")
        found.add_column("Now", no_wrap=True)
        for w in past:
            found.add_row(human(w.due), w.rule_id, w.action, ", ".join(w.remedy) or "-")
        parts.append(found)
    return parts


__all__ = ["FORMAT", "COMPACT_FORMAT", "STATES", "areas", "compact_record", "report_to_dict", "report_to_json",
           "report_to_rich"]
