"""The caseload HTML page: self-contained, escaped, accessible, and showing the summary's own numbers."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

import ppcompliance as pp
from ppcompliance.report.html import caseload_html
from ppcompliance.vocabulary import PRACTICE_AREAS

from conftest import RULES

STATES = ("missed", "late", "unknown", "pending", "compliant", "not_applicable")
HOSTILE = "<script>alert(1)</script>"
ACTIONS = {"enquiries": "A police domestic abuse enquiry", "curiosity": "A risk review",
           "activity": "An appointment in person", "interventions": "A referral to a programme",
           "multi_agency": "A MAPPA or MARAC referral", "contingency": "A plan", "oversight": "Management oversight"}


def measure(counts: dict) -> dict:
    """A measure as the caseload summary spells it."""
    applicable = counts["compliant"] + counts["late"] + counts["missed"]
    rate = round(100.0 * counts["compliant"] / applicable, 1) if applicable else None
    return {"counts": dict(counts), "applicable": applicable, "rate": rate}


def add(total: dict, counts: dict) -> None:
    for state in STATES:
        total[state] = total.get(state, 0) + counts[state]


def sample_summary(cases: int = 997, units: int = 12, worklist_total: int = 5230, shown: int = 200,
                   rejected: int = 3, seed: int = 7, by: str | None = "team") -> dict:
    """A realistic caseload summary: the bundled rulebook's 33 rules, its 7 areas, and made-up counts."""
    rng = random.Random(seed)
    rules = pp.load_rulebook(RULES).rules
    unit_ids = [f"T-{region}-{n:02d}-1" for region, n in zip(["NE", "NW", "YH", "WM"] * 3, range(1, units + 1))]
    rule_rows, area_totals, unit_totals = [], {}, {u: {} for u in unit_ids}
    unit_area = {u: {} for u in unit_ids}
    for i, rule in enumerate(rules):
        counts = dict.fromkeys(STATES, 0)
        skill = rng.uniform(0.25, 0.9)
        for _ in range(cases):
            unit = unit_ids[rng.randrange(len(unit_ids))] if unit_ids else None
            roll = rng.random()
            if roll < 0.35:
                state = "not_applicable"
            elif roll < 0.42:
                state = "pending"
            elif roll < 0.44:
                state = "unknown"
            else:
                r = rng.random()
                state = "compliant" if r < skill else ("late" if r < skill + (1 - skill) / 2 else "missed")
            counts[state] += 1
            if unit:
                one = dict.fromkeys(STATES, 0)
                one[state] = 1
                add(unit_totals[unit], one)
                add(unit_area[unit].setdefault(rule.area, {}), one)
        if i == 5:  # a rule that nothing resolved: its rate is null
            counts = {**dict.fromkeys(STATES, 0), "not_applicable": cases}
        add(area_totals.setdefault(rule.area, {}), counts)
        rule_rows.append({"rule_id": rule.id, "title": rule.title, "area": rule.area, "stage": rule.stage,
                          "severity": rule.severity, "illustrative": rule.basis.illustrative, **measure(counts)})
    overall = dict.fromkeys(STATES, 0)
    for counts in area_totals.values():
        add(overall, counts)
    rows = []
    as_of = date(2025, 3, 31)
    for n in range(min(shown, worklist_total)):
        missed = n < shown * 0.6  # overdue ones come first, then those due in the next 14 days
        due = as_of - timedelta(days=90 - n * 90 // int(shown * 0.6)) if missed else \
            as_of + timedelta(days=(n - int(shown * 0.6)) * 14 // max(1, shown - int(shown * 0.6)))
        rule = rules[rng.randrange(len(rules))]
        working = rule.id in ("ACT-01", "CON-01", "CUR-01", "CUR-02", "CUR-03", "CUR-04", "MAG-04")
        days = abs((due - as_of).days) * (5 if working else 7) // 7
        rows.append({"case_id": f"X{rng.randrange(10**6):06d}", "unit": unit_ids[n % len(unit_ids)] if unit_ids
                     else "", "rule_id": rule.id, "state": "missed" if missed else "pending",
                     "due": due.isoformat(), "days": days, "day_unit": "working_days" if working else "days",
                     "action": f"{ACTIONS.get(rule.area, 'An action')} ({rule.title})"})
    return {
        "format": "ppcompliance.caseload/1",
        "as_of": "2025-03-31",
        "inputs": {"read": cases + rejected, "evaluated": cases, "rejected": rejected},
        "rejected": [{"source": "cases.jsonl", "line": 17 + 40 * k, "json_path": f"$.events[{k}].date",
                      "code": "timeline-schema", "message": f"'2025-02-3{k}' is not a date"} for k in range(rejected)],
        "rulebook": {"rules": len(rules)},
        "overall": {**measure(overall), "cases": cases, "cases_failing": int(cases * 0.642)},
        "areas": [{"area": a, "title": t, **measure(area_totals[a])} for a, t in PRACTICE_AREAS.items()
                  if a in area_totals],
        "rules": rule_rows,
        "by": by,
        "units": [{"unit": u, "cases": cases // max(units, 1), "overall": measure(unit_totals[u]),
                   "areas": {a: measure(c) for a, c in unit_area[u].items()}} for u in reversed(unit_ids)]
        if by else [],
        "worklist": {"within_days": 14, "total": worklist_total, "shown": len(rows), "rows": rows},
    }


def empty_summary() -> dict:
    zero = dict.fromkeys(STATES, 0)
    nothing = {"counts": dict(zero), "applicable": 0, "rate": None}
    return {
        "format": "ppcompliance.caseload/1", "as_of": "2025-03-31",
        "inputs": {"read": 0, "evaluated": 0, "rejected": 0}, "rejected": [], "rulebook": {"rules": 1},
        "overall": {**nothing, "cases": 0, "cases_failing": 0},
        "areas": [{"area": "enquiries", "title": PRACTICE_AREAS["enquiries"], **nothing}],
        "rules": [{"rule_id": "ENQ-01", "title": "Police domestic abuse enquiry made before sentence",
                   "area": "enquiries", "stage": "court", "severity": "high", "illustrative": False, **nothing}],
        "by": None, "units": [], "worklist": {"within_days": 14, "total": 0, "shown": 0, "rows": []},
    }


class Page(HTMLParser):
    """Collects what a check needs: tags, attributes, text, and which elements were left open."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}
    # Elements a reader sees as separate (cells, paragraphs, chart labels): their text is joined with a space.
    SPACED = {"td", "th", "tr", "caption", "p", "li", "dt", "dd", "div", "section", "h1", "h2", "title", "text",
              "style", "desc", "g"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.svg_titles = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SPACED:
            self.text.append(" ")
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag):
        if tag in self.SPACED:
            self.text.append(" ")
        if tag == "title" and "svg" in self.stack:
            self.svg_titles += 1
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)

    @property
    def words(self) -> str:
        return re.sub(r"\s+", " ", "".join(self.text))


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == [], (parser.errors, parser.stack)
    return parser


@pytest.fixture(scope="module")
def summary() -> dict:
    return sample_summary()


@pytest.fixture(scope="module")
def page(summary) -> str:
    return caseload_html(summary)


def test_page_is_well_formed_and_self_contained(page):
    parsed = parse(page)
    assert page.startswith("<!DOCTYPE html>")
    assert "script" not in parsed.tags
    assert not re.search(r"https?:", page)  # no link, font, image or namespace URL anywhere
    assert not {"img", "link", "iframe", "object", "embed"} & set(parsed.tags)
    assert not [a for a in parsed.attrs if a[1].startswith("on")]  # no event handlers
    hrefs = [v for tag, k, v in parsed.attrs if k in ("href", "src")]
    assert hrefs and all(v.startswith("#") for v in hrefs)  # in-page links only
    ids = [v for tag, k, v in parsed.attrs if k == "id"]
    assert len(ids) == len(set(ids))
    assert {h[1:] for h in hrefs} <= set(ids)
    fills = set(re.findall(r'url\(#([^)]+)\)', page))
    assert fills and fills <= set(ids)  # every chart pattern is defined once


def test_charts_are_inline_svg_with_titles_and_text_labels(page, summary):
    parsed = parse(page)
    assert parsed.tags.count("svg") >= 2
    assert parsed.svg_titles >= len(summary["rules"]) + len(summary["areas"])
    assert ("svg", "role", "img") in parsed.attrs
    words = parsed.words
    for a in summary["areas"]:
        assert f"{a['rate']:.1f}% of {a['applicable']:,}" in words  # the figure is written beside its bar


def test_tables_have_headers_and_captions(page):
    parsed = parse(page)
    assert parsed.tags.count("table") == parsed.tags.count("caption") == 5  # areas, rules, units, worklist, rejected
    assert ("th", "scope", "col") in parsed.attrs and ("th", "scope", "row") in parsed.attrs


def test_headline_shows_the_overall_rate_and_the_inputs(page, summary):
    words = parse(page).words
    overall = summary["overall"]
    assert f'id="overall-rate">{overall["rate"]:.1f}%<' in page
    assert f"of {overall['applicable']:,} resolved obligations" in words
    assert "Cases read 1,000" in words and "Evaluated 997" in words and "Rejected 3" in words
    assert f"{overall['cases_failing']:,} of 997 (64.2%)" in words
    assert "as of Mon 31 Mar 2025" in words


def test_every_area_and_rule_is_shown_with_its_numbers(page, summary):
    words = parse(page).words
    for a in summary["areas"]:
        assert a["title"] in words
    for r in summary["rules"]:
        assert r["rule_id"] in words and r["title"] in words
        c = r["counts"]
        rate = "–" if r["rate"] is None else f"{r['rate']:.1f}%"
        cells = f"{rate} {r['applicable']:,} {c['compliant']:,} {c['late']:,} {c['missed']:,} {c['pending']:,} " \
                f"{c['unknown']:,} {c['not_applicable']:,}"
        assert re.search(rf"{re.escape(r['rule_id'])} {re.escape(r['title'])} .*?{re.escape(cells)}", words), r


def test_illustrative_rules_are_marked(page, summary):
    words = parse(page).words
    for r in summary["rules"]:
        marked = f"{r['rule_id']}† " in words
        assert marked == r["illustrative"], r["rule_id"]
    assert page.count('class="tag illustrative"') == sum(r["illustrative"] for r in summary["rules"])


def test_a_rule_with_nothing_resolved_shows_a_dash(page, summary):
    empty = [r for r in summary["rules"] if r["rate"] is None]
    assert empty
    assert "– nothing resolved" in parse(page).words


def test_units_are_sorted_by_id_and_low_rates_marked(page, summary):
    words = parse(page).words
    ids = [u["unit"] for u in summary["units"]]
    positions = [words.index(f"{u} ") for u in sorted(ids)]
    assert positions == sorted(positions)
    assert "By team" in words
    low = [u for u in summary["units"] for m in u["areas"].values() if m["rate"] is not None and m["rate"] < 50]
    assert low and "▼" in words
    for u in summary["units"]:
        assert f"{u['overall']['rate']:.1f}%" in words


def test_low_rate_threshold_is_a_parameter(summary, page):
    marked = re.compile(r'class="[^"]*\blow\b|font-weight="700">▼')
    assert len(marked.findall(page)) > 10
    assert marked.findall(caseload_html(summary, low_below=0)) == []


def test_no_unit_breakdown_unless_asked():
    page = caseload_html(sample_summary(by=None, cases=50))
    assert 'id="units"' not in page
    assert parse(page).tags.count("table") == 4


def test_worklist_says_when_only_some_are_shown(page, summary):
    words = parse(page).words
    assert "Only the first 200 of 5,230 actions are listed" in words
    rows = summary["worklist"]["rows"]
    first, last = rows[0], rows[-1]
    assert first["case_id"] in words and last["case_id"] in words
    assert words.index(first["case_id"]) < words.index(last["case_id"])  # the summary's order is kept
    assert page.count('<tr class="missed">') == sum(r["state"] == "missed" for r in rows)


def test_worklist_days_read_as_a_practitioner_would():
    s = sample_summary(cases=10, worklist_total=3, shown=3)
    s["worklist"]["rows"] = [
        {"case_id": "X1", "unit": "T1", "rule_id": "ENQ-01", "state": "missed", "due": "2025-01-10", "days": 80,
         "day_unit": "days", "action": "A police domestic abuse enquiry"},
        {"case_id": "X2", "unit": "", "rule_id": "ACT-01", "state": "pending", "due": "2025-03-31", "days": 0,
         "day_unit": "working_days", "action": "A first appointment"},
        {"case_id": "X3", "unit": "T2", "rule_id": "CON-01", "state": "pending", "due": "2025-04-01", "days": 1,
         "day_unit": "working_days", "action": "A sentence plan"},
    ]
    words = parse(caseload_html(s)).words
    assert "Fri 10 Jan 2025 Missed 80 days overdue X1 T1 ENQ-01 A police domestic abuse enquiry" in words
    assert "Mon 31 Mar 2025 Due due today X2 – ACT-01" in words
    assert "Tue 1 Apr 2025 Due 1 working day left X3" in words
    assert "All 3 actions missed, or due within 14 days" in words


def test_rejected_inputs_are_all_listed(page, summary):
    words = parse(page).words
    for r in summary["rejected"]:
        assert f"{r['source']}:{r['line']} {r['json_path']} {r['code']} {r['message']}" in words
    assert "3 input cases could not be evaluated" in words


def test_rejected_rows_in_diagnostic_spelling_are_shown_too():
    s = sample_summary(cases=10, rejected=1)
    s["rejected"] = [{"file": "cases/x.json", "code": "timeline-json", "message": "not JSON"}]
    words = parse(caseload_html(s)).words
    assert "cases/x.json – timeline-json not JSON" in words


def test_hostile_text_is_escaped():
    s = sample_summary(cases=20, units=2, worklist_total=2, shown=2, rejected=1)
    s["areas"][0]["title"] = HOSTILE
    s["rules"][0]["title"] = HOSTILE
    s["rules"][1]["rule_id"] = HOSTILE
    s["rules"][2]["stage"] = HOSTILE
    s["units"][0]["unit"] = HOSTILE
    s["worklist"]["rows"][0].update(case_id=HOSTILE, unit=HOSTILE, action=HOSTILE, rule_id=HOSTILE, due=HOSTILE)
    s["rejected"][0].update(source=HOSTILE, json_path=HOSTILE, code=HOSTILE, message='"><img src=x onerror=alert(1)>')
    s["as_of"] = HOSTILE
    page = caseload_html(s)
    parsed = parse(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags
    assert "<script" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parsed.words.count(HOSTILE) >= 10  # shown as text, not lost


def test_an_empty_caseload_shows_dashes():
    page = caseload_html(empty_summary())
    words = parse(page).words
    assert 'id="overall-rate" class="none">–<' in page
    assert "No case was evaluated" in words
    assert "– nothing resolved" in words
    assert "No action is missed, or due within 14 days." in words
    assert "None: every case read was evaluated." in words
    assert "ENQ-01" in words and PRACTICE_AREAS["enquiries"] in words


def test_inputs_that_do_not_add_up_are_flagged():
    s = empty_summary()
    s["inputs"] = {"read": 5, "evaluated": 3, "rejected": 1}
    assert "The inputs do not add up" in parse(caseload_html(s)).words


def test_the_page_is_deterministic(summary):
    assert caseload_html(summary) == caseload_html(summary)


def test_another_format_is_refused():
    with pytest.raises(ValueError, match="not a caseload summary"):
        caseload_html({**empty_summary(), "format": "ppcompliance.verdicts/1"})
