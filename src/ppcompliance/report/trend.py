"""Rendering a trend (``caseload.trend.TrendSummary``) as text, CSV, JSON and an HTML page of line charts.

Every point is a caseload summary, so each format says of a point what the same format of a one-date run says
of that date: the CSV rows of a point are the rows ``ppcheck --as-of DATE --format csv`` writes, and the JSON
points are the rate sections of ``ppcompliance.caseload/3``. Pure: these return text; only the CLI writes it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple, Protocol, Sequence

from markupsafe import Markup

from .. import words
from ..dates import human
from .caseload import accounts, pct, produced_line, summary_csv, where
from .html import clip, environment, policy, unit_names

# The chart's frame, in SVG user units: the plot area's left edge, width, top and height.
_LEFT, _WIDTH, _TOP, _HEIGHT = 56.0, 640.0, 16.0, 180.0
_LOW = 50.0  # a rate below this is marked on the page, as on the caseload page


class TrendSummary(Protocol):
    """The parts of a trend the renderers read (``caseload.trend.TrendSummary``)."""

    every: str
    first: date
    last: date
    summaries: Sequence[Any]

    @property
    def points(self) -> tuple[date, ...]: ...

    @property
    def latest(self) -> Any: ...

    def as_dict(self) -> dict[str, Any]: ...


def trend_json(trend: TrendSummary) -> str:
    """The trend as one JSON document (``ppcompliance.trend/1``)."""
    return json.dumps(trend.as_dict(), indent=2, ensure_ascii=False) + "\n"


def trend_csv(trend: TrendSummary) -> str:
    """Every point's rows, one after another under one header: the columns of ``ppcheck --format csv``."""
    parts = []
    for n, summary in enumerate(trend.summaries):
        text = summary_csv(summary)
        parts.append(text if n == 0 else text.split("\n", 1)[1])
    return "".join(parts)


def _label(day: date) -> str:
    return day.isoformat()


def trend_text(trend: TrendSummary) -> str:
    """The trend as plain text: the overall and per-area rate at each point, then each rule's."""
    s = trend.latest
    areas = [(a.area, a.title) for a in s.areas]
    width = {area: max(len(area), 7) for area, _ in areas}
    out = [f"Compliance trend, {trend.every} by {trend.every}, {human(trend.first)} to {human(trend.last)} "
           f"({words.plural(len(trend.summaries), 'point')}): {accounts(s)}.",
           "Each point is what ppcheck --as-of that date gives: compliant / (compliant + late + missed); "
           "justified, pending, unknown and not applicable are counted apart.",
           "",
           "By practice area (rate; resolved obligations in brackets for the overall)",
           f"{'as of':<10} {'overall':>18} " + " ".join(f"{area:>{width[area]}}" for area, _ in areas)]
    for summary in trend.summaries:
        by_area = {a.area: a.measure for a in summary.areas}
        overall = f"{pct(summary.overall.rate)} ({summary.overall.applicable:,})"
        out.append(f"{_label(summary.as_of):<10} {overall:>18} " + " ".join(
            f"{pct(by_area[area].rate) if area in by_area else '-':>{width[area]}}" for area, _ in areas))
    out += ["", "Areas: " + "; ".join(f"{area} = {title}" for area, title in areas)]
    out += ["", "By rule (rate at each point)"]
    head = f"{'rule':<8} " + " ".join(f"{d.isoformat()[2:]:>8}" for d in trend.points)
    out.append(head)
    for i, rule in enumerate(s.rules):
        out.append(f"{rule.rule_id:<8} " + " ".join(f"{pct(p.rules[i].measure.rate):>8}" for p in trend.summaries))
    if s.by:
        out += ["", f"By {s.by} (overall rate at each point)",
                f"{s.by:<14} " + " ".join(f"{d.isoformat()[2:]:>8}" for d in trend.points)]
        for name in _unit_names(trend):
            cells = []
            for p in trend.summaries:
                unit = next((u for u in p.units if u.unit == name), None)
                cells.append(f"{'-' if unit is None else pct(unit.overall.rate):>8}")
            out.append(f"{name:<14} " + " ".join(cells))
    if s.rejected:
        out += ["", f"Rejected inputs ({words.plural(s.inputs.rejected, 'case')}):"]
        out += [f"  {where(d)}: {d.code}: {d.message}" for d in s.rejected]
    out += ["", produced_line(s.produced_by)]
    return "\n".join(out) + "\n"


def _unit_names(trend: TrendSummary) -> list[str]:
    return sorted({u.unit for p in trend.summaries for u in p.units})


# --- the HTML page ---------------------------------------------------------------------------------------------


class Point(NamedTuple):
    """A point of a line: where it is drawn, and what it says."""

    x: float
    y: float
    day: date
    rate: float
    applicable: int


class Line(NamedTuple):
    """One line of a chart: its points, and its label and style. A line breaks where nothing resolved."""

    label: str
    segments: list[list[Point]]
    dash: str
    colour: str


class Chart(NamedTuple):
    """One line chart: the rate over time of one measure (or of several, one line each)."""

    key: str
    title: str
    lines: list[Line]
    ticks: list[tuple[float, str]]
    empty: bool
    measures: list[Any]  # the first line's measure at each date (None where the measure has no row), for its table


# Lines of one chart differ by dash as well as colour, so a chart reads in greyscale.
_STYLES = (("", "#1d70b8"), ("6 3", "#d4351c"), ("2 3", "#00703c"), ("10 3 2 3", "#4c2c92"), ("4 4", "#f47738"),
           ("1 2", "#505a5f"), ("8 2 2 2 2 2", "#912b88"))


def _x(n: int, count: int) -> float:
    return _LEFT + (_WIDTH * n / (count - 1) if count > 1 else _WIDTH / 2)


def _y(rate: float) -> float:
    return _TOP + _HEIGHT * (1 - max(0.0, min(rate, 100.0)) / 100)


def _line(label: str, measures: Sequence[Any], days: Sequence[date], style: int) -> Line:
    segments: list[list[Point]] = []
    current: list[Point] = []
    for n, (m, day) in enumerate(zip(measures, days)):
        if m is None or m.rate is None:
            if current:
                segments.append(current)
            current = []
            continue
        current.append(Point(round(_x(n, len(days)), 1), round(_y(m.rate), 1), day, m.rate, m.applicable))
    if current:
        segments.append(current)
    dash, colour = _STYLES[style % len(_STYLES)]
    return Line(label, segments, dash, colour)


def _ticks(days: Sequence[date]) -> list[tuple[float, str]]:
    """Labels under the x axis (``30 Apr 24``): every point when there are few, else about six spread evenly."""
    step = max(1, -(-len(days) // 6))
    return [(round(_x(n, len(days)), 1), f"{d.day} {d:%b} {d:%y}") for n, d in enumerate(days) if n % step == 0]


def _chart(key: str, title: str, measures: Sequence[Any], days: Sequence[date]) -> Chart:
    lines = [_line(title, measures, days, 0)]
    return Chart(key, title, lines, _ticks(days), not any(line.segments for line in lines), list(measures))


def trend_html(trend: TrendSummary, *, units: bool = True) -> str:
    """The trend as one self-contained HTML page: a line chart of the overall rate and one per practice area
    (inline SVG, nothing fetched, no script), the rates as tables beneath each, and — with ``by`` and ``units``
    — one chart per unit of its overall rate."""
    days = list(trend.points)
    s = trend.latest
    charts = [_chart("overall", "All rules", [p.overall for p in trend.summaries], days)]
    for n, area in enumerate(s.areas):
        measures = [next((a.measure for a in p.areas if a.area == area.area), None) for p in trend.summaries]
        charts.append(_chart(f"area-{n}", area.title, measures, days))
    unit_charts = []
    if s.by and units:
        for n, name in enumerate(_unit_names(trend)):
            measures = [next((u.overall for u in p.units if u.unit == name), None) for p in trend.summaries]
            unit_charts.append(_chart(f"unit-{n}", name, measures, days))
    chosen = s.selection.describe() if s.selection.units else ""
    title = (f"Public-protection compliance{' for ' + chosen if chosen else ''}: {trend.every}ly trend, "
             f"{human(trend.first)} to {human(trend.last)}")
    rule_rows = [(clip(f"{r.rule_id} {r.title}", 70), [p.rules[i].measure for p in trend.summaries])
                 for i, r in enumerate(s.rules)]
    return environment().get_template("trend.html.j2").render(
        t=trend, s=s, title=title, chosen=chosen, csp=policy(None), charts=charts, unit_charts=unit_charts,
        unit_names=unit_names(s.by), days=days, rule_rows=rule_rows, accounts=accounts(s),
        frame=Markup(f'x="{_LEFT}" y="{_TOP}" width="{_WIDTH}" height="{_HEIGHT}"'),
        left=_LEFT, width=_WIDTH, top=_TOP, height=_HEIGHT, y=_y, low=lambda r: r is not None and r < _LOW,
        low_below=_LOW, produced=s.produced_by,
    )
