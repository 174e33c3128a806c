"""The HTML pages (caseload summary, rule change, rulebook): self-contained, escaped, accessible, and showing
the numbers of what they render.

Summaries come from real caseloads (the example timelines, checked by ``Caseload``) or, for edge cases, are
built from the typed values directly. Sentences a reader sees are written out here by hand.
"""

from __future__ import annotations

import base64
import hashlib
import re
import shutil
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser

import pytest

import ppcompliance as pp
from ppcompliance.caseload.batch import ordered_map
from ppcompliance.caseload.inputs import items
from ppcompliance.caseload.summary import AreaMeasure, Caseload, Inputs, Measure, RuleMeasure, Summary, UnitMeasure
from ppcompliance.caseload.work import CheckOptions, Selection, task
from ppcompliance.caseload.worklist import Worklist
from ppcompliance.engine.facts import State
from ppcompliance.errors import Diagnostic
from ppcompliance.policy import diff
from ppcompliance.policy.doc import rulebook_html
from ppcompliance.report.html import caseload_html, diff_html
from ppcompliance.report.worklist import Section, WorkItem
from ppcompliance.vocabulary import PRACTICE_AREAS

from conftest import EXAMPLES, RULES

HOSTILE = "<script>alert(1)</script>"
AS_OF = date(2025, 3, 31)
EXAMPLES_AS_OF = date(2024, 6, 30)  # the date the example timelines are written for


# --- reading a page --------------------------------------------------------------------------------------------


class Page(HTMLParser):
    """Collects what a check needs: tags, attributes, text, tables, scripts, and elements left open."""

    VOID = {"meta", "br", "img", "input", "link", "hr", "col", "source", "wbr"}
    # Elements a reader sees as separate (cells, paragraphs, chart labels): their text is joined with a space.
    SPACED = {"td", "th", "tr", "caption", "p", "li", "dt", "dd", "div", "section", "h1", "h2", "h3", "h4", "title",
              "text", "style", "desc", "g", "span", "button"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.svg_titles = 0
        self.scripts: list[str] = []
        self.tables: list[dict] = []  # {"caption": str, "rows": [[cell text, ...], ...]}
        self._cell: list[str] | None = None
        self._caption: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag in self.SPACED:
            self.text.append(" ")
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]
        if tag not in self.VOID:
            self.stack.append(tag)
        if tag == "table":
            self.tables.append({"caption": "", "rows": [], "attrs": dict(attrs)})
        elif tag == "caption":
            self._caption = []
        elif tag == "tr":
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th") and "table" in self.stack:
            self._cell = []
        elif tag == "script":
            self.scripts.append("")

    def handle_startendtag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v) for k, v in attrs]

    def handle_endtag(self, tag):
        if tag in self.SPACED:
            self.text.append(" ")
        if tag == "title" and "svg" in self.stack:
            self.svg_titles += 1
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1]["rows"][-1].append(squash("".join(self._cell)))
            self._cell = None
        elif tag == "caption" and self._caption is not None:
            self.tables[-1]["caption"] = squash("".join(self._caption))
            self._caption = None
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)
        if self.stack and self.stack[-1] == "script":
            self.scripts[-1] += data
        if self._cell is not None:
            self._cell.append(data)
        if self._caption is not None:
            self._caption.append(data)

    @property
    def words(self) -> str:
        return squash("".join(self.text))

    def table(self, caption: str) -> list[list[str]]:
        """The rows of the table whose caption starts with ``caption`` (its head row first)."""
        found = [t["rows"] for t in self.tables if t["caption"].startswith(caption)]
        assert len(found) == 1, [t["caption"] for t in self.tables]
        return found[0]

    def attr(self, tag: str, name: str) -> list[str | None]:
        return [v for t, k, v in self.attrs if t == tag and k == name]


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse(page: str) -> Page:
    parser = Page()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == [], (parser.errors, parser.stack)
    return parser


def csp(parsed: Page) -> dict[str, list[str]]:
    """The page's Content-Security-Policy, directive by directive."""
    values = [v for t, k, v in parsed.attrs if t == "meta" and k == "content" and v and "default-src" in v]
    assert len(values) == 1
    return {d.split()[0]: d.split()[1:] for d in values[0].split(";")}


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def assert_self_contained(page: str, parsed: Page) -> None:
    assert page.startswith("<!DOCTYPE html>")
    assert not re.search(r"https?:", page)  # no link, font, image or namespace URL anywhere
    assert not {"img", "link", "iframe", "object", "embed", "form", "base"} & set(parsed.tags)
    assert not [a for a in parsed.attrs if a[1].startswith("on")]  # no event handlers
    hrefs = [v for tag, k, v in parsed.attrs if k in ("href", "src")]
    assert all(v.startswith("#") for v in hrefs)  # in-page links only
    ids = [v for tag, k, v in parsed.attrs if k == "id"]
    assert len(ids) == len(set(ids))
    assert {h[1:] for h in hrefs} <= set(ids)
    assert set(re.findall(r'url\(#([^)]+)\)', page)) <= set(ids)  # every chart pattern is defined


# --- summaries -------------------------------------------------------------------------------------------------


def checked(paths: list[str], as_of: date, by: str | None = "team") -> Summary:
    """The summary of a real caseload, checked against the bundled rulebook."""
    rulebook = pp.load_rulebook(RULES)
    caseload = Caseload(rulebook, as_of, by=by)
    for result in ordered_map(task(rulebook, CheckOptions(as_of)), items(paths), jobs=1):
        caseload.add(result)
    return caseload.summary()


def measure(compliant=0, late=0, missed=0, pending=0, unknown=0, not_applicable=0) -> Measure:
    return Measure({State.COMPLIANT: compliant, State.LATE: late, State.MISSED: missed, State.PENDING: pending,
                    State.UNKNOWN: unknown, State.NOT_APPLICABLE: not_applicable})


def work(due: str, case_id: str, rule_id: str, section: Section, days: int, working: bool, action: str = "An action",
         team: str = "T1", closed: bool = False) -> WorkItem:
    state = State.PENDING if section is Section.DUE else State.MISSED
    return WorkItem(date.fromisoformat(due), case_id, rule_id, section, state, days, working, action,
                    ("R1", "P1", team), (), closed)


def worklist(rows: list[WorkItem], closed: int = 0) -> Worklist:
    w = Worklist()
    w.extend(rows)
    w.closed += closed
    return w


def summary(**changes) -> Summary:
    """A small summary built by hand: one area, one rule, no units, an empty worklist."""
    m = measure(compliant=3, late=1, missed=1, pending=2, not_applicable=3)
    base = Summary(
        as_of=AS_OF, inputs=Inputs(10, 10, 0, 0), rejected=(), selection=Selection(), rules_count=1,
        produced_by={"engine": "0.2.0", "rulebook": "sha256:0123456789abcdef"}, overall=m,
        cases=10, cases_failing=2,
        areas=(AreaMeasure("enquiries", PRACTICE_AREAS["enquiries"], m),),
        rules=(RuleMeasure("ENQ-01", "Police domestic abuse enquiry made before sentence", "enquiries", "court", "high",
                           False, m),),
        by=None, units=(), worklist=Worklist(), within_days=14, shown=200)
    return replace(base, **changes)


def nothing() -> Summary:
    """No case read at all."""
    zero = measure()
    return summary(inputs=Inputs(0, 0, 0, 0), overall=zero, cases=0, cases_failing=0,
                   areas=(AreaMeasure("enquiries", PRACTICE_AREAS["enquiries"], zero),),
                   rules=(RuleMeasure("ENQ-01", "Police domestic abuse enquiry made before sentence", "enquiries",
                                      "court", "high", False, zero),))


@pytest.fixture(scope="module")
def examples() -> Summary:
    return checked([str(EXAMPLES)], EXAMPLES_AS_OF)


@pytest.fixture(scope="module")
def page(examples) -> str:
    return caseload_html(examples)


# --- the caseload page -----------------------------------------------------------------------------------------


def test_page_is_well_formed_and_self_contained(page):
    parsed = parse(page)
    assert_self_contained(page, parsed)
    assert ("svg", "role", "img") in parsed.attrs


def test_the_policy_allows_nothing_but_the_one_hashed_script(page):
    parsed = parse(page)
    assert parsed.tags.count("script") == 1 and parsed.attr("script", "src") == []
    assert csp(parsed) == {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "base-uri": ["'none'"],
                           "form-action": ["'none'"], "script-src": [sha256(parsed.scripts[0])]}


def test_without_a_units_table_there_is_no_script_at_all(examples):
    parsed = parse(caseload_html(replace(examples, by=None, units=())))
    assert "script" not in parsed.tags
    assert "script-src" not in csp(parsed) and csp(parsed)["default-src"] == ["'none'"]


def test_charts_are_inline_svg_with_titles_and_text_labels(page, examples):
    parsed = parse(page)
    assert parsed.tags.count("svg") >= 2
    assert parsed.svg_titles >= len(examples.rules) + len(examples.areas)
    for a in examples.areas:
        m = a.measure
        assert f"{a.title}: {m.rate:.1f}% of {m.applicable:,} resolved" in parsed.words  # each bar's tooltip
        assert f"{m.rate:.1f}% of {m.applicable:,}" in parsed.words  # the figure written beside its bar


def test_tables_have_headers_and_captions(page):
    parsed = parse(page)
    # areas, rules, units, the two worklist sections (rejected inputs: none)
    assert parsed.tags.count("table") == parsed.tags.count("caption") == 5
    assert ("th", "scope", "col") in parsed.attrs and ("th", "scope", "row") in parsed.attrs


def test_headline_shows_the_overall_rate_and_the_inputs(page, examples):
    words = parse(page).words
    o = examples.overall
    assert f'id="overall-rate">{o.rate:.1f}%<' in page
    assert f"of {o.applicable} resolved obligations across the caseload were met in time" in words
    assert "Cases read 4 Evaluated 4 Rejected 0" in words
    assert f"Cases with something late, missed or unknown {examples.cases_failing} of 4" in words
    overdue, due = (examples.worklist.totals[s] for s in (Section.OVERDUE, Section.DUE))
    assert f"Overdue and still to do {overdue} actions Due soon {due} actions" in words
    assert "Public-protection compliance: caseload as of Sun 30 Jun 2024" in words


def test_every_area_and_rule_is_shown_with_its_numbers(page, examples):
    parsed = parse(page)
    areas = {row[0]: row[1:] for row in parsed.table("Verdicts by practice area")[1:]}
    rules = {row[0]: row for row in parsed.table("Verdicts by rule")[1:] if len(row) > 1}

    def cells(m: Measure) -> list[str]:
        rate = "–" if m.rate is None else ("▼ " if m.rate < 50 else "") + f"{m.rate:.1f}%"
        order = (State.COMPLIANT, State.LATE, State.MISSED, State.JUSTIFIED, State.PENDING, State.UNKNOWN,
                 State.NOT_APPLICABLE)
        return [rate, str(m.applicable), *(str(m.counts.get(s, 0)) for s in order)]

    assert areas == {**{a.title: cells(a.measure) for a in examples.areas}, "All areas": cells(examples.overall)}
    assert len(rules) == len(examples.rules)
    for r in examples.rules:
        assert rules[r.rule_id][1] == r.title and rules[r.rule_id][5:] == cells(r.measure)


def test_rules_are_grouped_by_practice_area_in_order(page, examples):
    rows = parse(page).table("Verdicts by rule")[1:]
    headings = [row[0] for row in rows if len(row) == 1]
    assert headings == [a.title for a in examples.areas]


def test_illustrative_rules_are_marked(page, examples):
    words = parse(page).words
    for r in examples.rules:
        assert (f"{r.rule_id}† " in words) == r.illustrative, r.rule_id
    assert page.count('class="tag illustrative"') == sum(r.illustrative for r in examples.rules)


def test_a_rule_with_nothing_resolved_shows_a_dash():
    s = summary(rules=(RuleMeasure("ENQ-01", "Police domestic abuse enquiry made before sentence", "enquiries",
                                   "court", "high", False, measure(pending=4, not_applicable=6)),))
    parsed = parse(caseload_html(s))
    assert "ENQ-01 Police domestic abuse enquiry made before sentence – nothing resolved" in parsed.words
    assert parsed.table("Verdicts by rule")[2][5:7] == ["–", "0"]


def test_units_are_sorted_by_name_with_their_rates(page, examples):
    parsed = parse(page)
    rows = parsed.table("Compliance rate by team")
    assert rows[0][:3] == ["Team", "Cases", "All areas"]
    assert [row[0] for row in rows[1:]] == sorted(u.unit for u in examples.units)
    by_unit = {u.unit: u for u in examples.units}
    for row in rows[1:]:
        u = by_unit[row[0]]
        assert row[1] == str(u.cases)
        assert f"{u.overall.rate:.1f}%" in row[2] and row[2].endswith(f"of {u.overall.applicable}")
    assert parsed.attr("tr", "data-rate") == [str(by_unit[row[0]].overall.rate) for row in rows[1:]]


def test_unit_headers_sort_with_buttons_and_say_how_they_are_sorted(page):
    parsed = parse(page)
    assert parsed.attr("th", "data-sort") == ["name", "rate"]
    assert parsed.attr("th", "aria-sort") == ["ascending"]  # the order the page is written in: by name
    assert parsed.attr("button", "type") == ["button", "button"]
    assert 'data-sort="rate"><button type="button">All areas</button>' in page
    assert 'id="units-table"' in page  # the table the script sorts


def test_a_unit_without_a_rate_has_an_empty_data_rate():
    units = (UnitMeasure("T1", 2, measure(pending=2), {}), UnitMeasure("T2", 3, measure(compliant=1), {}))
    parsed = parse(caseload_html(summary(by="team", units=units)))
    assert parsed.attr("tr", "data-rate") == ["", "100.0"]


def units_summary(by: str = "team") -> Summary:
    m = measure(compliant=1, late=1)
    return summary(by=by, units=tuple(UnitMeasure(u, cases, m, {"enquiries": m})
                                      for u, cases in (("T4", 10), ("T1", 1), ("T3", 3), ("T2", 2))))


def test_small_units_are_hidden_and_the_page_says_so():
    parsed = parse(caseload_html(units_summary(), min_cases=3))
    assert [row[0] for row in parsed.table("Compliance rate by team")[1:]] == ["T3", "T4"]
    assert "Teams with fewer than 3 cases are not shown: 2 teams, 3 cases." in parsed.words
    words = parse(caseload_html(units_summary(), min_cases=2)).words
    assert "Teams with fewer than 2 cases are not shown: 1 team, 1 case." in words
    words = parse(caseload_html(units_summary("pdu"), min_cases=3)).words
    assert "PDUs with fewer than 3 cases are not shown: 2 PDUs, 3 cases." in words


def test_with_min_cases_1_nothing_is_hidden_and_nothing_is_said():
    parsed = parse(caseload_html(units_summary(), min_cases=1))
    assert [row[0] for row in parsed.table("Compliance rate by team")[1:]] == ["T1", "T2", "T3", "T4"]
    assert "not shown" not in parsed.words


def test_when_every_unit_is_too_small_there_is_no_table_and_no_script():
    parsed = parse(caseload_html(units_summary(), min_cases=11))
    assert "No team has 11 cases or more." in parsed.words
    assert "Teams with fewer than 11 cases are not shown: 4 teams, 16 cases." in parsed.words
    assert "script" not in parsed.tags and "script-src" not in csp(parsed)


def test_low_rate_threshold_is_a_parameter(examples, page):
    marked = re.compile(r'class="[^"]*\blow\b|font-weight="700">▼')
    assert len(marked.findall(page)) > 5
    assert marked.findall(caseload_html(examples, low_below=0)) == []


def test_no_unit_breakdown_unless_asked(examples):
    page = caseload_html(replace(examples, by=None, units=()))
    assert 'id="units"' not in page
    assert parse(page).tags.count("table") == 4


# --- the worklist ----------------------------------------------------------------------------------------------


def worklist_summary(shown: int = 200, closed: int = 0, past: int = 3) -> Summary:
    rows = [
        work("2025-03-26", "X1", "ACT-01", Section.OVERDUE, 3, True, "A first appointment in person"),
        work("2025-03-19", "X2", "ENQ-03", Section.OVERDUE, 12, False, "A police domestic abuse enquiry", team=""),
        work("2025-03-30", "X3", "OVS-05", Section.OVERDUE, 1, False, "Management oversight"),
        work("2025-03-28", "X4", "CUR-02", Section.OVERDUE, 1, True, "A risk review"),
        work("2025-03-31", "Y1", "ACT-03", Section.DUE, 0, False, "An attended contact"),
        work("2025-04-03", "Y3", "CUR-02", Section.DUE, 3, True, "A risk review"),
        work("2025-04-01", "Y2", "ACT-02", Section.DUE, 1, False, "A contact in person", team="T2"),
        *(work("2024-01-08", f"P{n}", "ENQ-01", Section.PAST, 448, False) for n in range(past)),
    ]
    return summary(worklist=worklist(rows, closed), shown=shown)


def test_the_worklist_lists_overdue_then_due_each_soonest_first_with_days_in_words():
    parsed = parse(caseload_html(worklist_summary()))
    assert parsed.table("Overdue and still to do") == [
        ["Due", "Overdue", "Case", "Team", "Rule", "Action"],
        ["Wed 19 Mar 2025", "12 days", "X2", "–", "ENQ-03", "A police domestic abuse enquiry"],
        ["Wed 26 Mar 2025", "3 working days", "X1", "T1", "ACT-01", "A first appointment in person"],
        ["Fri 28 Mar 2025", "1 working day", "X4", "T1", "CUR-02", "A risk review"],
        ["Sun 30 Mar 2025", "1 day", "X3", "T1", "OVS-05", "Management oversight"],
    ]
    assert parsed.table("Due soon") == [
        ["Due", "Left", "Case", "Team", "Rule", "Action"],
        ["Mon 31 Mar 2025", "due today", "Y1", "T1", "ACT-03", "An attended contact"],
        ["Tue 1 Apr 2025", "1 day", "Y2", "T2", "ACT-02", "A contact in person"],
        ["Thu 3 Apr 2025", "3 working days", "Y3", "T1", "CUR-02", "A risk review"],
    ]
    assert parsed.attr("time", "datetime")[:2] == ["2025-03-19", "2025-03-26"]


def test_actions_that_can_no_longer_be_done_are_counted_not_listed():
    parsed = parse(caseload_html(worklist_summary()))
    assert "P0" not in parsed.words
    assert "3 missed actions can no longer be done" in parsed.words
    assert "ppcheck due --past lists them" in parsed.words
    one = parse(caseload_html(worklist_summary(past=1))).words
    assert "1 missed action can no longer be done" in one and "so it is not listed here" in one
    assert "--past" not in parse(caseload_html(worklist_summary(past=0))).words


def test_the_worklist_says_when_only_the_first_rows_are_listed():
    words = parse(caseload_html(worklist_summary(shown=2))).words
    assert "Overdue and still to do 4 actions: the first 2 of 4 are listed, soonest due first; ppcheck due lists " \
           "them all." in words
    assert "Due soon 3 actions: the first 2 of 3 are listed" in words
    assert "Y3" not in words and "X3" not in words  # the latest of each section is left out
    words = parse(caseload_html(worklist_summary())).words
    assert "4 actions, all listed, soonest due first." in words


def test_a_long_worklist_is_counted_in_thousands():
    w = Worklist(limit=200)
    w.extend(work(f"2025-0{1 + n % 3}-{1 + n % 28:02d}", f"X{n:05d}", "ACT-01", Section.OVERDUE, 5, True)
             for n in range(5230))
    parsed = parse(caseload_html(summary(worklist=w, shown=200)))
    assert "5,230 actions: the first 200 of 5,230 are listed, soonest due first; ppcheck due lists them all." \
        in parsed.words
    assert len(parsed.table("Overdue and still to do (200 of 5,230)")) == 201
    assert "Overdue and still to do 5,230 actions" in parsed.words  # the headline


def test_actions_on_closed_cases_are_counted_not_listed():
    words = parse(caseload_html(worklist_summary(closed=5))).words
    assert "5 actions on closed cases are not listed (--include-closed lists them)." in words
    assert "closed cases" not in parse(caseload_html(worklist_summary())).words


def test_an_empty_worklist_says_so():
    words = parse(caseload_html(summary())).words
    assert "Overdue and still to do No action is overdue." in words
    assert "Due soon No action falls due within 14 days." in words


def test_the_worklist_of_a_real_caseload_matches_the_summary(page, examples):
    parsed = parse(page)
    for section, caption in ((Section.OVERDUE, "Overdue and still to do"), (Section.DUE, "Due soon")):
        rows = examples.rows(section)
        table = parsed.table(caption)
        assert [r[2] for r in table[1:]] == [r.case_id for r in rows]
        assert [r[4] for r in table[1:]] == [r.rule_id for r in rows]
        assert len(table) - 1 == examples.worklist.totals[section]  # a small caseload: every row is listed


def test_a_selection_is_named_in_the_title_and_the_account():
    s = summary(selection=Selection({"team": frozenset({"T2", "T1"})}), inputs=Inputs(15, 10, 5, 0))
    words = parse(caseload_html(s)).words
    assert "Public-protection compliance for team T1 or T2: caseload as of Mon 31 Mar 2025" in words
    assert "Team T1 or T2 only: 5 outside the selection are left out of every figure." in words
    assert "Outside the selection 5" in words
    assert "outside the selection" not in parse(caseload_html(summary())).words


# --- rejected inputs, empty and odd caseloads ------------------------------------------------------------------


def test_rejected_inputs_are_all_listed(tmp_path):
    (tmp_path / "broken.json").write_text("{", encoding="utf-8")
    shutil.copy(EXAMPLES / "licence-near-end.json", tmp_path / "again.json")
    s = checked([str(EXAMPLES), str(tmp_path)], EXAMPLES_AS_OF)
    assert s.inputs.rejected == 2
    parsed = parse(caseload_html(s))
    assert "2 input cases could not be evaluated and are not in any figure above." in parsed.words
    rows = parsed.table("Problems in rejected inputs")[1:]
    assert [(r[0], r[2]) for r in rows] == [(d.file + (f":{d.line}" if d.line else ""), d.code) for d in s.rejected]
    assert {d.code for d in s.rejected} == {"timeline-json", "caseload-duplicate-case"}
    assert "Rejected 2 (listed below)" in parsed.words


def test_an_empty_caseload_shows_dashes():
    page = caseload_html(nothing())
    words = parse(page).words
    assert 'id="overall-rate" class="none">–<' in page
    assert "no obligation has been resolved, so there is no rate" in words
    assert "No case was evaluated, so there are no rates" in words
    assert "– nothing resolved" in words
    assert "None: every case read was evaluated." in words
    assert "Cases with something late, missed or unknown 0 of 0" in words


def test_inputs_that_do_not_add_up_are_flagged():
    words = parse(caseload_html(summary(inputs=Inputs(12, 10, 0, 1)))).words
    assert "The inputs do not add up: 12 read, but 10 evaluated, 0 outside the selection and 1 rejected." in words


def test_hostile_text_is_escaped():
    m = measure(compliant=1, missed=1)
    rows = [work("2025-03-20", HOSTILE, HOSTILE, Section.OVERDUE, 7, False, HOSTILE, team=HOSTILE),
            work("2025-04-02", HOSTILE, "ACT-01", Section.DUE, 2, True, HOSTILE, team=HOSTILE)]
    s = summary(
        areas=(AreaMeasure(HOSTILE, HOSTILE, m),),
        rules=(RuleMeasure(HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE, True, m),),
        by="team", units=(UnitMeasure(HOSTILE, 3, m, {HOSTILE: m}),),
        selection=Selection({"team": frozenset({HOSTILE})}), inputs=Inputs(12, 10, 1, 1),
        rejected=(Diagnostic(HOSTILE, 3, 0, HOSTILE, "timeline-schema", '"><img src=x onerror=alert(1)>'),),
        worklist=worklist(rows))
    page = caseload_html(s)
    parsed = parse(page)
    assert parsed.tags.count("script") == 1 and page.count("<script") == 1  # the sort script, and no other
    assert "img" not in parsed.tags and not [a for a in parsed.attrs if a[1].startswith("on")]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert parsed.words.count(HOSTILE) >= 15  # shown as text, not lost
    assert '"><img src=x onerror=alert(1)>' in parsed.words


def test_the_page_is_deterministic(examples):
    assert caseload_html(examples) == caseload_html(examples)


# --- the rule-change page --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proposed(tmp_path_factory) -> pp.Rulebook:
    """The bundled rulebook with ACT-01's first appointment allowed 10 working days instead of 5."""
    folder = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(RULES, folder)
    text = (folder / "activity.yaml").read_text(encoding="utf-8")
    assert text.count("within: {working_days: 5}") == 1
    (folder / "activity.yaml").write_text(text.replace("within: {working_days: 5}", "within: {working_days: 10}"),
                                          encoding="utf-8")
    return pp.load_rulebook(folder)


def compare(old: pp.Rulebook, new: pp.Rulebook, by: str | None = "team") -> diff.Comparison:
    comparison = diff.Comparison(old, new, EXAMPLES_AS_OF, by)
    for result in ordered_map(diff.task(old, new, EXAMPLES_AS_OF, comparison.selection), items([str(EXAMPLES)]),
                              jobs=1):
        comparison.add(result)
    return comparison


@pytest.fixture(scope="module")
def comparison(rulebook, proposed) -> diff.Comparison:
    return compare(rulebook, proposed)


def test_the_rule_change_page_is_self_contained_and_runs_nothing(comparison):
    page = diff_html(comparison)
    parsed = parse(page)
    assert_self_contained(page, parsed)
    assert "script" not in parsed.tags
    assert csp(parsed) == {"default-src": ["'none'"], "style-src": ["'unsafe-inline'"], "base-uri": ["'none'"],
                           "form-action": ["'none'"]}


def test_the_rule_change_page_shows_what_moves(comparison):
    [change] = comparison.moved()
    assert change.rule_id == "ACT-01" and change.moves == {("late", "compliant"): 1}
    before, after = change.rates()
    parsed = parse(diff_html(comparison))
    words = parsed.words
    assert "Rule change: what it does to 4 cases as of Sun 30 Jun 2024" in words
    assert parsed.table("Rules whose verdicts move")[1:] == [
        ["ACT-01", change.title, "changed", "1 of 4", f"{before:.1f}%", f"{after:.1f}%",
         f"up {after - before:.1f} points"]]
    assert parsed.table("Cases whose verdict moves") == [["From", "To", "Cases", "Case ids"],
                                                         ["late", "compliant", "1", "X100001"]]
    verdicts = parsed.table("Verdicts before and after")
    assert verdicts[1:4] == [["compliant", str(change.before.get("compliant", 0)), str(change.after["compliant"])],
                             ["late", str(change.before["late"]), str(change.after.get("late", 0))],
                             ["missed", str(change.before.get("missed", 0)), str(change.after.get("missed", 0))]]
    assert "1 case of 4 changes verdict." in words
    assert "Unchanged 49 rules" in words  # the bundled 50 rules (33 + 17 new in 0.2.0) but ACT-01


def test_the_rule_change_page_shows_the_units_whose_rate_moves(comparison, rulebook, proposed):
    parsed = parse(diff_html(comparison))
    units = comparison.moved()[0].as_dict()["units"]
    moving = [u for u, r in units.items() if r["rate_before"] != r["rate_after"]]
    assert moving == ["T-NE-03-2"]  # the team of case X100001
    rows = parsed.table("Teams whose rate for ACT-01 moves")[1:]
    assert [r[0] for r in rows] == moving
    assert f"{len(units) - 1} teams keep their rate." in parsed.words
    assert "Teams whose rate" not in parse(diff_html(compare(rulebook, proposed, by=None))).words


def test_no_move_is_said_in_words(rulebook):
    words = parse(diff_html(compare(rulebook, rulebook))).words
    assert "No case's verdict changes under the proposed rulebook." in words
    assert "None: every rule whose text changed moves some verdict." in words


def test_many_case_ids_are_cut_short_and_the_rest_counted(rulebook, proposed):
    c = diff.Comparison(rulebook, proposed, EXAMPLES_AS_OF)
    for n in range(60):
        c.add(diff.CaseDiff("cases.jsonl", n + 1, f"C{n:03d}", ("R1", "P1", "T1"), {"ACT-01": "late"},
                            {"ACT-01": "compliant"}))
    rows = parse(diff_html(c)).table("Cases whose verdict moves")[1:]
    assert rows[0][:3] == ["late", "compliant", "60"]
    assert rows[0][3] == ", ".join(f"C{n:03d}" for n in range(50)) + " and 10 more"


def test_the_rule_change_page_escapes_what_it_shows(rulebook, proposed):
    c = diff.Comparison(rulebook, proposed, EXAMPLES_AS_OF, "team")
    c.add(diff.CaseDiff(HOSTILE, 1, HOSTILE, ("R1", "P1", HOSTILE), {"ACT-01": "late"}, {"ACT-01": "compliant"}))
    c.add(diff.CaseDiff(HOSTILE, 2, problems=(Diagnostic(HOSTILE, 2, 0, HOSTILE, "timeline-json", HOSTILE),)))
    page = diff_html(c)
    parsed = parse(page)
    assert "script" not in parsed.tags and "<script" not in page
    assert parsed.words.count(HOSTILE) >= 5


# --- the rulebook page -----------------------------------------------------------------------------------------


def test_the_rulebook_page_shows_every_rule(rulebook):
    page = rulebook_html(rulebook)
    parsed = parse(page)
    ids = parsed.attr("div", "id")
    assert sorted(ids) == sorted(r.id for r in rulebook.rules)
    areas = [list(PRACTICE_AREAS).index(rulebook.by_id[i].area) for i in ids]
    assert areas == sorted(areas)  # grouped by practice area, in order
    for r in rulebook.rules:
        assert f"{r.id} {r.title}" in parsed.words
    official = sum(not r.basis.illustrative for r in rulebook.rules)
    assert f"{len(rulebook.rules)} rules: {official} with an official figure, {len(rulebook.rules) - official} " \
           "with an illustrative figure" in parsed.words
    overview = parsed.table("Which rules cover each practice area")
    assert sorted(re.findall(r"[A-Z]+-\d+", " ".join(" ".join(row) for row in overview))) == sorted(ids)
    assert "script" not in parsed.tags and "script-src" not in csp(parsed)
    links = parsed.attr("a", "href")
    assert {h[1:] for h in links if h.startswith("#")} <= set(parsed.attr("div", "id") + parsed.attr("section", "id"))
    assert all(h.startswith(("#", "https://")) for h in links)


def test_the_rulebook_page_escapes_rule_text_and_links_only_to_the_web(rulebook):
    first, *rest = rulebook.rules
    hostile = replace(first, title=HOSTILE, description=HOSTILE,
                      basis=replace(first.basis, citation=HOSTILE, link="javascript:alert(1)", note=HOSTILE))
    page = rulebook_html(pp.Rulebook((hostile, *rest)), title=HOSTILE)
    parsed = parse(page)
    assert "script" not in parsed.tags and "<script" not in page
    assert parsed.words.count(HOSTILE) >= 5
    assert "javascript:alert(1)" in parsed.words and "javascript:alert(1)" not in parsed.attr("a", "href")
    assert all(h.startswith(("#", "https://")) for h in parsed.attr("a", "href"))
