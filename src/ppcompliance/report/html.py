"""The caseload summary (``ppcompliance.caseload/1``) as one self-contained HTML page for a quality lead.

Inline CSS, charts as inline SVG, no scripts, no links, no fonts or images from anywhere: the page can be mailed
or archived and reads the same offline. Every piece of text from the summary is escaped. Colour is never the only
cue: low rates are also marked with a symbol and words, and the chart segments also differ by pattern.

Pure: takes the summary dict, returns text; only the CLI writes it.
"""

from __future__ import annotations

from html import escape as e

from ..dates import human, parse_date
from ..vocabulary import STAGES

FORMAT = "ppcompliance.caseload/1"
LOW = "\u25bc"  # ▼ beside a low rate, so the mark survives greyscale printing and colour blindness
DASH = "\u2013"  # – for a rate with nothing resolved
ILLUSTRATIVE = "\u2020"  # † beside a rule whose figure is illustrative

_BY = {"team": "team", "pdu": "probation delivery unit (PDU)", "region": "region"}

_STYLE = """
:root{--blue:#1d70b8;--green:#00703c;--amber:#f47738;--red:#d4351c;--grey:#505a5f;--line:#b1b4b6;--pale:#f3f2f1}
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0b0c0c;line-height:1.4;
margin:0 auto;padding:1.5rem 1.5rem 3rem;max-width:84rem;font-size:15px}
h1{font-size:1.7rem;margin:0 0 .25rem}h2{font-size:1.3rem;border-bottom:3px solid var(--blue);padding-bottom:.2rem;
margin:2.5rem 0 .8rem}
p{margin:.4rem 0 .8rem;max-width:60rem}.meta{color:var(--grey)}
nav ul{display:flex;flex-wrap:wrap;gap:.3rem 1.2rem;padding:0;margin:.6rem 0;list-style:none}
.headline{display:flex;flex-wrap:wrap;gap:1rem 2.5rem;align-items:center;background:var(--pale);
border-left:6px solid var(--blue);padding:1rem 1.5rem;margin:1rem 0}
.headline .figure{font-size:3.4rem;font-weight:700;line-height:1}
.headline .figure .none{color:var(--grey);font-weight:400}
.headline .figure small{display:block;font-size:.9rem;font-weight:400;color:var(--grey);max-width:16rem;
line-height:1.3;margin-top:.3rem}
.headline dl{display:grid;grid-template-columns:max-content max-content;gap:.15rem 1rem;margin:0}
.headline dt{color:var(--grey)}.headline dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums}
.warning{border-left:6px solid var(--red);padding:.5rem 1rem;background:#fbe9e6;font-weight:600}
svg.chart{display:block;width:100%;max-width:1240px;min-width:1000px;height:auto;margin:.5rem 0 1rem}
svg.chart text{font-family:inherit;fill:#0b0c0c}svg.chart .axis{fill:var(--grey)}
.legend{display:flex;flex-wrap:wrap;gap:.3rem 1.5rem;font-size:.9rem;margin:.3rem 0}
.legend svg{vertical-align:middle;margin-right:.3rem}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.88rem}
caption{text-align:left;font-weight:600;padding:.3rem 0;caption-side:top}
th,td{border:1px solid var(--line);padding:.25rem .5rem;vertical-align:top;text-align:left}
thead th{background:var(--pale);vertical-align:bottom}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}thead th.n{white-space:normal}
td.title{min-width:15rem}td.status{white-space:nowrap}
tbody th[scope=rowgroup]{background:#e8f1f8;font-size:.95rem}
.id,code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem;white-space:nowrap}
.low{background:#fbe9e6;font-weight:700;color:#942514}
.sub{display:block;color:var(--grey);font-size:.78rem;font-weight:400}
.tag{display:inline-block;border:1px solid currentColor;border-radius:3px;padding:0 .3rem;font-size:.78rem;
white-space:nowrap}
.tag.illustrative{color:#8a3c07}.tag.missed{color:#fff;background:var(--red);border-color:var(--red);font-weight:700}
.tag.pending{color:var(--blue)}
tr.missed td:first-child{border-left:4px solid var(--red)}
.units th.area{font-size:.78rem;font-weight:600;min-width:6.5rem}
.units tbody th{white-space:normal;overflow-wrap:anywhere;max-width:14rem}
@media print{body{max-width:none;font-size:11px}section{break-inside:auto}svg.chart{break-inside:avoid}}
"""


def caseload_html(summary: dict, *, low_below: float = 50.0) -> str:
    """The caseload summary as one self-contained HTML page (no scripts, no network, no external resources).

    ``low_below`` is the rate, in percent, under which a rate is highlighted as low.
    """
    if summary.get("format") != FORMAT:
        raise ValueError(f"not a caseload summary: format is {summary.get('format')!r}, expected {FORMAT!r}")
    as_of = _day(summary.get("as_of"))
    title = f"Public-protection compliance: caseload as of {as_of}"
    by = summary.get("by")
    sections = [("areas", "Practice areas"), ("rules", "Rules")]
    if by:
        sections.append(("units", f"By {_BY.get(by, by)}"))
    sections += [("worklist", "Worklist"), ("rejected", "Rejected inputs"), ("method", "How the rates are counted")]
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # Belt and braces: even if a renderer bug let markup through, the page could neither run code nor fetch.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{e(title)}</title><style>{_STYLE}</style></head><body>",
        "<header>",
        f"<h1>{e(title)}</h1>",
        f'<p class="meta">{_count(summary.get("rulebook", {}).get("rules", 0), "rule")} in the rulebook. Rates are '
        "compliant \u00f7 (compliant + late + missed); pending, unknown and not-applicable verdicts are counted "
        "separately and are not in any rate.</p>",
        '<nav aria-label="Contents"><ul>'
        + "".join(f'<li><a href="#{key}">{e(label)}</a></li>' for key, label in sections)
        + "</ul></nav>",
        "</header><main>",
        *_headline(summary, low_below),
        *_areas(summary, low_below),
        *_rules(summary, low_below),
    ]
    if by:
        out += _units(summary, low_below)
    out += _worklist(summary)
    out += _rejected(summary)
    out += _method(summary, low_below)
    out.append("</main></body></html>")
    return "\n".join(out) + "\n"


# --- formatting ------------------------------------------------------------------------------------------------


def _n(value) -> str:
    return f"{value:,}" if isinstance(value, int) else DASH if value is None else str(value)


def _count(n, noun: str) -> str:
    return f"{_n(n)} {noun}{'' if n == 1 else 's'}"


def _pct(rate) -> str:
    return DASH if rate is None else f"{rate:.1f}%"


def _is_low(rate, low_below: float) -> bool:
    return rate is not None and rate < low_below


def _day(text) -> str:
    try:
        return human(parse_date(text))
    except (TypeError, ValueError):
        return str(text)


def _time(text) -> str:
    return f'<time datetime="{e(str(text))}">{e(_day(text))}</time>'


def _rate_cell(m: dict | None, low_below: float) -> str:
    """A table cell with a rate, its denominator beneath, marked if low."""
    if not m:
        return f'<td class="n">{DASH}</td>'
    rate = m.get("rate")
    if _is_low(rate, low_below):
        return (f'<td class="n low">{LOW} {_pct(rate)} <span class="sub">low; of {_n(m.get("applicable"))}</span>'
                "</td>")
    return f'<td class="n">{_pct(rate)} <span class="sub">of {_n(m.get("applicable"))}</span></td>'


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1].rstrip() + "\u2026"


# --- headline --------------------------------------------------------------------------------------------------


def _headline(s: dict, low_below: float) -> list[str]:
    inputs = s.get("inputs", {})
    overall = s.get("overall", {})
    read, evaluated, rejected = inputs.get("read", 0), inputs.get("evaluated", 0), inputs.get("rejected", 0)
    cases, failing = overall.get("cases", evaluated), overall.get("cases_failing", 0)
    rate = overall.get("rate")
    mark = f'<span class="low">{LOW}</span> ' if _is_low(rate, low_below) else ""
    share = f" ({100.0 * failing / cases:.1f}%)" if cases else ""
    none = "" if rate is not None else ' class="none"'
    out = [
        '<section class="headline" aria-label="Headline">',
        f'<p class="figure">{mark}<span id="overall-rate"{none}>{_pct(rate)}</span>'
        + (f"<small>of {_count(overall.get('applicable', 0), 'resolved obligation')} across the caseload "
           f"{'was' if overall.get('applicable') == 1 else 'were'} met in time</small></p>" if rate is not None
           else "<small>no obligation has been resolved, so there is no rate</small></p>"),
        "<dl>",
        f"<dt>Cases read</dt><dd>{_n(read)}</dd>",
        f"<dt>Evaluated</dt><dd>{_n(evaluated)}</dd>",
        f"<dt>Rejected</dt><dd>{_n(rejected)}" + (' (<a href="#rejected">listed below</a>)' if rejected else "")
        + "</dd>",
        f"<dt>Cases with something late, missed or unknown</dt><dd>{_n(failing)} of {_n(cases)}{share}</dd>",
        f"<dt>Worklist</dt><dd>{_n(s.get('worklist', {}).get('total', 0))} actions missed or due soon</dd>",
        "</dl></section>",
    ]
    if read != evaluated + rejected:
        out.append(f'<p class="warning">The inputs do not add up: {_n(read)} read, but {_n(evaluated)} evaluated '
                   f"and {_n(rejected)} rejected.</p>")
    if not evaluated:
        out.append("<p>No case was evaluated, so there are no rates: every figure below shows "
                   f"{DASH}.</p>")
    return out


# --- charts ----------------------------------------------------------------------------------------------------

_WIDTH = 1240
_ROW = 24
_BAR = 16
_TOP = 28


def _svg_open(key: str, height: int, title: str, desc: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {_WIDTH} {height}" width="{_WIDTH}" height="{height}" role="img" '
            f'aria-labelledby="{key}-title {key}-desc"><title id="{key}-title">{e(title)}</title>'
            f'<desc id="{key}-desc">{e(desc)}</desc>')


def _axis(x0: int, span: int, height: int) -> list[str]:
    """Gridlines and percentage labels at 0, 25, 50, 75 and 100%."""
    out = []
    for pct in (0, 25, 50, 75, 100):
        x = x0 + span * pct / 100
        out.append(f'<line x1="{x:.1f}" y1="{_TOP - 6}" x2="{x:.1f}" y2="{height - 4}" stroke="#d8dadb" '
                   f'stroke-width="1"/><text class="axis" x="{x:.1f}" y="{_TOP - 10}" font-size="12" '
                   f'text-anchor="middle">{pct}%</text>')
    return out


def _patterns(key: str) -> str:
    """Fills for the late and missed segments: a hatch and a dense cross-hatch, so they differ without colour."""
    return (f'<defs><pattern id="{key}-late" width="6" height="6" patternUnits="userSpaceOnUse" '
            'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fde0c8"/>'
            '<rect width="3" height="6" fill="#f47738"/></pattern>'
            f'<pattern id="{key}-missed" width="5" height="5" patternUnits="userSpaceOnUse">'
            '<rect width="5" height="5" fill="#d4351c"/><path d="M0 0L5 5M5 0L0 5" stroke="#6e1a0d" '
            'stroke-width="1"/></pattern></defs>')


def _rate_bars(key: str, title: str, desc: str, rows: list[tuple[str, str, dict]], low_below: float) -> str:
    """One horizontal bar per row (label, full label, measure): the rate, and beside it the rate as text."""
    label_w, span = 460, 560
    height = _TOP + _ROW * len(rows) + 6
    out = [_svg_open(key, height, title, desc), *_axis(label_w, span, height)]
    for i, (label, full, m) in enumerate(rows):
        y = _TOP + i * _ROW
        rate = m.get("rate")
        low = _is_low(rate, low_below)
        tip = f"{full}: {_pct(rate)} of {_n(m.get('applicable'))} resolved"
        out.append(f"<g><title>{e(tip)}</title>")
        out.append(f'<text x="{label_w - 8}" y="{y + 13}" font-size="13" text-anchor="end">{e(label)}</text>')
        if rate is None:
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{span}" height="{_BAR}" fill="none" '
                       'stroke="#b1b4b6" stroke-dasharray="3 3"/>')
            text = f"{DASH} nothing resolved"
        else:
            w = span * max(0.0, min(rate, 100.0)) / 100
            fill = "#d4351c" if low else "#1d70b8"
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{w:.1f}" height="{_BAR}" fill="{fill}"/>')
            text = (f"{LOW} " if low else "") + f"{_pct(rate)} of {_n(m.get('applicable'))}"
        weight = ' font-weight="700"' if low else ""
        out.append(f'<text x="{label_w + span + 10}" y="{y + 13}" font-size="13"{weight}>{e(text)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _stacked_bars(key: str, title: str, desc: str, rows: list[tuple[str, str, dict]], low_below: float) -> str:
    """One bar per rule over its resolved cases: compliant, late and missed side by side, the rate beside it.

    A row whose label is empty and measure is None is a heading (the practice area) spanning the chart.
    """
    label_w, span = 560, 500
    height = _TOP + _ROW * len(rows) + 6
    out = [_svg_open(key, height, title, desc), _patterns(key), *_axis(label_w, span, height)]
    for i, (label, full, m) in enumerate(rows):
        y = _TOP + i * _ROW
        if m is None:
            out.append(f'<text x="4" y="{y + 16}" font-size="13" font-weight="700">{e(label)}</text>')
            continue
        c = m.get("counts", {})
        applicable = m.get("applicable") or 0
        rate = m.get("rate")
        low = _is_low(rate, low_below)
        tip = (f"{full}: {_pct(rate)}; {_n(c.get('compliant', 0))} compliant, {_n(c.get('late', 0))} late, "
               f"{_n(c.get('missed', 0))} missed")
        out.append(f"<g><title>{e(tip)}</title>")
        out.append(f'<text x="{label_w - 8}" y="{y + 13}" font-size="12.5" text-anchor="end">{e(label)}</text>')
        if not applicable:
            out.append(f'<rect x="{label_w}" y="{y + 2}" width="{span}" height="{_BAR}" fill="none" '
                       'stroke="#b1b4b6" stroke-dasharray="3 3"/>')
            text = f"{DASH} nothing resolved"
        else:
            x = float(label_w)
            for state, fill in (("compliant", "#00703c"), ("late", f"url(#{key}-late)"),
                                ("missed", f"url(#{key}-missed)")):
                w = span * (c.get(state, 0) or 0) / applicable
                if w > 0:
                    out.append(f'<rect x="{x:.1f}" y="{y + 2}" width="{w:.1f}" height="{_BAR}" fill="{fill}"/>')
                x += w
            text = (f"{LOW} " if low else "") + f"{_pct(rate)} of {_n(applicable)}"
        weight = ' font-weight="700"' if low else ""
        out.append(f'<text x="{label_w + span + 10}" y="{y + 13}" font-size="12.5"{weight}>{e(text)}</text></g>')
    out.append("</svg>")
    return "".join(out)


def _scroll(chart: str) -> str:
    """A chart in a box that scrolls on a narrow screen, rather than shrinking its labels out of legibility."""
    return f'<div class="scroll">{chart}</div>'


def _swatch(fill: str) -> str:
    return f'<svg width="22" height="14" aria-hidden="true"><rect width="22" height="14" fill="{fill}"/></svg>'


def _legend(low_below: float, patterns: str | None = None) -> str:
    """The key to a chart; ``patterns`` names the stacked chart whose late and missed fills it shows."""
    if patterns:
        items = [f"<span>{_swatch(fill)}{label}</span>" for fill, label in (
            ("#00703c", "compliant (met in time)"),
            (f"url(#{patterns}-late)", "late (done after the deadline)"),
            (f"url(#{patterns}-missed)", "missed (not done, overdue)"))]
        items.append(f"<span><strong>{LOW} bold</strong>: rate below {low_below:g}%</span>")
        items.append(f"<span>{ILLUSTRATIVE} illustrative figure, set by a policy team, not an official one</span>")
    else:
        items = [f"<span>{_swatch('#1d70b8')}rate</span>",
                 f"<span>{_swatch('#d4351c')}<strong>{LOW} red, bold</strong>: rate below {low_below:g}%</span>"]
    return '<p class="legend">' + "".join(items) + "</p>"


# --- sections --------------------------------------------------------------------------------------------------

_COUNT_HEADS = (
    '<th scope="col" class="n">Rate</th><th scope="col" class="n">Resolved</th>'
    '<th scope="col" class="n">Compliant</th><th scope="col" class="n">Late</th>'
    '<th scope="col" class="n">Missed</th><th scope="col" class="n">Pending</th>'
    '<th scope="col" class="n">Unknown</th><th scope="col" class="n">Not applicable</th>'
)


def _count_cells(m: dict, low_below: float) -> str:
    c = m.get("counts", {})
    rate = m.get("rate")
    cls = "n low" if _is_low(rate, low_below) else "n"
    mark = f"{LOW} " if _is_low(rate, low_below) else ""
    return (f'<td class="{cls}">{mark}{_pct(rate)}</td><td class="n">{_n(m.get("applicable"))}</td>'
            + "".join(f'<td class="n">{_n(c.get(state, 0))}</td>'
                      for state in ("compliant", "late", "missed", "pending", "unknown", "not_applicable")))


def _areas(s: dict, low_below: float) -> list[str]:
    areas = s.get("areas", [])
    out = ['<section id="areas">', "<h2>Practice areas</h2>",
           "<p>The share of obligations met in time in each of the seven areas where the inspectorate found "
           "practice falls short.</p>"]
    if not areas:
        return out + ["<p>No practice area has rules in this rulebook.</p></section>"]
    rows = [(_clip(a.get("title") or a.get("area", ""), 56), a.get("title") or a.get("area", ""), a)
            for a in areas]
    desc = "; ".join(f"{full}: {_pct(m.get('rate'))}" for _, full, m in rows)
    out.append(_scroll(_rate_bars("areas-chart", "Compliance rate by practice area", desc, rows, low_below)))
    out.append(_legend(low_below))
    out += ['<div class="scroll"><table>', "<caption>Verdicts by practice area</caption>",
            f'<thead><tr><th scope="col">Practice area</th>{_COUNT_HEADS}</tr></thead><tbody>']
    for a in areas:
        out.append(f'<tr><th scope="row">{e(a.get("title") or a.get("area", ""))}</th>{_count_cells(a, low_below)}'
                   "</tr>")
    overall = s.get("overall", {})
    out.append(f'<tr><th scope="row">All areas</th>{_count_cells(overall, low_below)}</tr>')
    out.append("</tbody></table></div></section>")
    return out


def _rule_groups(s: dict) -> list[tuple[str, list[dict]]]:
    """Rules grouped by practice area, in the summary's area order (areas it does not list come last)."""
    titles = {a.get("area"): a.get("title") or a.get("area") for a in s.get("areas", [])}
    order = list(titles)
    for r in s.get("rules", []):
        if r.get("area") not in titles:
            titles[r.get("area")] = r.get("area") or "Other"
            order.append(r.get("area"))
    return [(titles[a], [r for r in s.get("rules", []) if r.get("area") == a]) for a in order
            if any(r.get("area") == a for r in s.get("rules", []))]


def _rules(s: dict, low_below: float) -> list[str]:
    groups = _rule_groups(s)
    out = ['<section id="rules">', "<h2>Rules</h2>",
           "<p>Each rule's resolved cases split into compliant, late and missed; the figure beside each bar is the "
           f"rate. Rules marked {ILLUSTRATIVE} use an illustrative figure (a time limit or frequency that is not "
           "published), which a policy team is expected to set.</p>"]
    if not groups:
        return out + ["<p>The summary lists no rules.</p></section>"]
    rows: list[tuple[str, str, dict | None]] = []
    for area_title, rules in groups:
        rows.append((_clip(area_title, 110), area_title, None))
        for r in rules:
            mark = ILLUSTRATIVE if r.get("illustrative") else ""
            full = f"{r.get('rule_id', '')}{mark} {r.get('title', '')}"
            rows.append((_clip(full, 80), full, r))
    desc = "; ".join(f"{full}: {_pct(m.get('rate'))}" for _, full, m in rows if m is not None)
    out.append(_scroll(_stacked_bars("rules-chart", "Compliant, late and missed by rule", desc, rows, low_below)))
    out.append(_legend(low_below, "rules-chart"))
    out += ['<div class="scroll"><table>', "<caption>Verdicts by rule</caption>",
            '<thead><tr><th scope="col">Rule</th><th scope="col">Title</th><th scope="col">Stage</th>'
            f'<th scope="col">Severity</th><th scope="col">Figure</th>{_COUNT_HEADS}</tr></thead>']
    for area_title, rules in groups:
        out.append(f'<tbody><tr><th scope="rowgroup" colspan="13">{e(area_title)}</th></tr>')
        for r in rules:
            stage = r.get("stage") or ""
            figure = ('<span class="tag illustrative">' + ILLUSTRATIVE + " illustrative</span>"
                      if r.get("illustrative") else "official")
            out.append(f'<tr><th scope="row" class="id">{e(str(r.get("rule_id", "")))}</th>'
                       f'<td class="title">{e(str(r.get("title", "")))}</td><td>{e(STAGES.get(stage, stage))}</td>'
                       f'<td>{e(str(r.get("severity") or ""))}</td><td>{figure}</td>{_count_cells(r, low_below)}</tr>')
        out.append("</tbody>")
    out.append("</table></div></section>")
    return out


def _units(s: dict, low_below: float) -> list[str]:
    by = s.get("by")
    kind = _BY.get(by, str(by))
    areas = [(a.get("area"), a.get("title") or a.get("area")) for a in s.get("areas", [])]
    units = sorted(s.get("units", []), key=lambda u: str(u.get("unit", "")))
    out = ['<section id="units">', f"<h2>By {e(kind)}</h2>",
           f"<p>Rates for each {e(kind)} overall and in each practice area, with the number of resolved obligations "
           f"beneath. Rates below {low_below:g}% are shaded and marked {LOW}. A small number of resolved obligations "
           "makes a rate unsteady.</p>"]
    if not units:
        return out + [f"<p>No {e(kind)} to show.</p></section>"]
    out += ['<div class="scroll"><table class="units">',
            f"<caption>Compliance rate by {e(kind)} and practice area</caption>",
            f'<thead><tr><th scope="col">{e(kind.capitalize())}</th><th scope="col" class="n">Cases</th>'
            '<th scope="col" class="n">All areas</th>'
            + "".join(f'<th scope="col" class="area">{e(title)}</th>' for _, title in areas)
            + "</tr></thead><tbody>"]
    for u in units:
        unit_areas = u.get("areas") or {}
        out.append(f'<tr><th scope="row" class="id">{e(str(u.get("unit", "")))}</th>'
                   f'<td class="n">{_n(u.get("cases"))}</td>{_rate_cell(u.get("overall"), low_below)}'
                   + "".join(_rate_cell(unit_areas.get(area), low_below) for area, _ in areas) + "</tr>")
    out.append("</tbody></table></div></section>")
    return out


def _days(row: dict) -> str:
    days = row.get("days")
    if days is None:
        return ""
    unit = "working day" if row.get("day_unit") == "working_days" else "day"
    text = f"{_n(days)} {unit}{'' if days == 1 else 's'}"
    if row.get("state") == "missed":
        return f"{text} overdue"
    return "due today" if days == 0 else f"{text} left"


def _worklist(s: dict) -> list[str]:
    w = s.get("worklist") or {}
    rows = w.get("rows", [])
    total, shown, within = w.get("total", len(rows)), w.get("shown", len(rows)), w.get("within_days")
    scope = "missed, or due within " + (f"{_n(within)} days" if within is not None else "the look-ahead")
    out = ['<section id="worklist">', "<h2>Worklist</h2>"]
    if not total:
        return out + [f"<p>No action is {e(scope)}.</p></section>"]
    if shown < total:
        note = (f'<p class="note" id="worklist-note"><strong>Only the first {_n(shown)} of {_n(total)} actions are '
                f"listed</strong> ({e(scope)}), soonest due first; <code>ppcheck due</code> lists them all.</p>")
    else:
        note = (f'<p class="note" id="worklist-note">All {_n(total)} actions {e(scope)}, soonest due first; missed '
                "ones are overdue, so they come first.</p>")
    out += [note, '<div class="scroll"><table>',
            f"<caption>Actions {e(scope)} ({_n(shown)} of {_n(total)})</caption>",
            '<thead><tr><th scope="col">Due</th><th scope="col">Status</th><th scope="col">Case</th>'
            '<th scope="col">Unit</th><th scope="col">Rule</th><th scope="col">Action</th></tr></thead><tbody>']
    for r in rows:
        state = r.get("state")
        tag = ('<span class="tag missed">Missed</span>' if state == "missed"
               else '<span class="tag pending">Due</span>' if state == "pending"
               else f'<span class="tag">{e(str(state))}</span>')
        out.append(f'<tr class="{"missed" if state == "missed" else "due"}"><td class="n">{_time(r.get("due"))}</td>'
                   f'<td class="status">{tag} {e(_days(r))}</td><td class="id">{e(str(r.get("case_id", "")))}</td>'
                   f'<td class="id">{e(str(r.get("unit") or DASH))}</td><td class="id">{e(str(r.get("rule_id", "")))}'
                   f'</td><td>{e(str(r.get("action", "")))}</td></tr>')
    out.append("</tbody></table></div></section>")
    return out


def _rejected(s: dict) -> list[str]:
    count = s.get("inputs", {}).get("rejected", 0)
    problems = s.get("rejected") or []
    out = ['<section id="rejected">', "<h2>Rejected inputs</h2>"]
    if not count and not problems:
        return out + ["<p>None: every case read was evaluated.</p></section>"]
    out.append(f"<p>{_n(count)} input case{'' if count == 1 else 's'} could not be evaluated and "
               f"{'is' if count == 1 else 'are'} not in any figure above. {_n(len(problems))} "
               f"problem{'' if len(problems) == 1 else 's'} listed, by input and JSON path.</p>")
    if count and not problems:
        out.append('<p class="warning">The summary does not list the problems.</p>')
    if problems:
        out += ['<div class="scroll"><table>', "<caption>Problems in rejected inputs</caption>",
                '<thead><tr><th scope="col">Input</th><th scope="col">JSON path</th><th scope="col">Code</th>'
                '<th scope="col">Message</th></tr></thead><tbody>']
        for p in problems:
            # "source" in the summary contract; a Diagnostic's own dict calls it "file".
            where = str(p.get("source") or p.get("file") or "")
            if p.get("line"):
                where += f":{p['line']}"
            out.append(f'<tr><td><code>{e(where)}</code></td><td><code>{e(str(p.get("json_path") or DASH))}</code>'
                       f'</td><td><code>{e(str(p.get("code", "")))}</code></td><td>{e(str(p.get("message", "")))}'
                       "</td></tr>")
        out.append("</tbody></table></div>")
    out.append("</section>")
    return out


def _method(s: dict, low_below: float) -> list[str]:
    return [
        '<section id="method">', "<h2>How the rates are counted</h2>",
        "<p>Every rule is checked against every case as of the report date. A rule's rate is the share of its "
        "resolved cases that were <strong>compliant</strong> (done in time): compliant \u00f7 (compliant + late + "
        "missed). <strong>Late</strong> means done after the deadline; <strong>missed</strong> means not done and "
        "overdue. Cases where the rule does not apply (<strong>not applicable</strong>), is not yet due "
        "(<strong>pending</strong>) or cannot be judged because the timeline lacks data (<strong>unknown</strong>) "
        f"are counted separately and are in no rate; a rate with nothing resolved shows {DASH}. Area and unit rates "
        "add up their rules' case checks in the same way.</p>",
        f"<p>Rates below {low_below:g}% are marked {LOW} and shaded. Rules marked {ILLUSTRATIVE} use an "
        "illustrative figure rather than a published one. Report format "
        f"<code>{e(str(s.get('format')))}</code>, as of <code>{e(str(s.get('as_of')))}</code>.</p>",
        "</section>",
    ]
