"""The policy team's tools as they meet them: ppcheck lint, test, doc and diff, run as commands.

Rule files are never changed in place: a test that needs a broken or altered rulebook works on a copy in
tmp_path, and computes what it expects from the copy (line numbers, verdicts) rather than hard-coding it.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

import ppcompliance as pp
from ppcompliance.explain.describe import obligation_sentence

from conftest import EXAMPLES, ROOT, RULES

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
AS_OF = "2024-06-30"
LINT_CODES = ("lint-window-too-long", "lint-never-applies", "lint-never-holds", "lint-overlap", "lint-basis",
              "lint-always-met")


def run(*args, cwd=None) -> subprocess.CompletedProcess:
    """Run ppcheck; whatever it is given, it must never show a traceback."""
    result = subprocess.run([PPCHECK, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=120)
    assert "Traceback" not in result.stdout + result.stderr, result.stdout + result.stderr
    return result


def diagnostics(output: str, file: Path) -> list[tuple[int, int, str]]:
    """(line, column, code) of each `file:line:column: code: message` line about ``file``."""
    pattern = re.compile(rf"^{re.escape(str(file))}:(\d+):(\d+): ([a-z-]+): ", re.M)
    return [(int(m[1]), int(m[2]), m[3]) for m in pattern.finditer(output)]


def line_of(text: str, pattern: str) -> int:
    """The 1-based number of the only line matching ``pattern``."""
    found = [n for n, line in enumerate(text.splitlines(), 1) if re.search(pattern, line)]
    assert len(found) == 1, f"{pattern!r} should match exactly one line, matched lines {found}"
    return found[0]


def rule_block(text: str, rule_id: str) -> tuple[int, int]:
    """Where one rule (a list item under `rules:`) starts and ends in a rule file's text."""
    start = re.search(rf"^ *- id: {re.escape(rule_id)}\s*$", text, re.M)
    assert start, f"no rule {rule_id} in the copied rule file"
    following = re.compile(r"^ *- id: ", re.M).search(text, start.end())
    return start.start(), following.start() if following else len(text)


def edit_rule(text: str, rule_id: str, old: str, new: str, *, regex: bool = False) -> str:
    """Replace the first match of ``old`` inside one rule; fails if the rule does not contain it."""
    start, end = rule_block(text, rule_id)
    block = text[start:end]
    changed = re.sub(old, new, block, count=1, flags=re.M) if regex else block.replace(old, new, 1)
    assert changed != block, f"{rule_id} no longer contains {old!r}; update this test's edit"
    return text[:start] + changed + text[end:]


def copy_rules(tmp_path: Path, name: str = "rules") -> Path:
    target = tmp_path / name
    shutil.copytree(RULES, target)
    return target


# --- the command -----------------------------------------------------------------------------------------------


def test_help_lists_every_verb():
    result = run("--help")
    assert result.returncode == 0, result.stderr
    for verb in ("check", "lint", "test", "doc", "diff"):
        assert re.search(rf"^\s+{verb}\s", result.stdout, re.M), f"--help does not list {verb}:\n{result.stdout}"


# --- lint ------------------------------------------------------------------------------------------------------


def test_bundled_rulebook_lints_clean():
    result = run("lint", RULES)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "no problems found" in result.stdout


def _broken_copy(tmp_path: Path) -> tuple[Path, str, set[tuple[int, int, str]]]:
    """activity.yaml broken four ways, one per rule: (the file, its text, the wanted (line, column, code))."""
    text = (RULES / "activity.yaml").read_text(encoding="utf-8")
    text = edit_rule(text, "ACT-01", r"^(\s+)deadline:$", r"\1deadlin:", regex=True)  # unknown template key
    text = edit_rule(text, "ACT-02", r"^    stage: ", "   stage: ", regex=True)  # bad indentation
    text = edit_rule(text, "ACT-04", "event: appointment", "event: apointment")  # unknown event type
    text = edit_rule(text, "ACT-05", r"^    basis:.*\n(?:      .*\n)*", "", regex=True)  # no basis
    broken = tmp_path / "activity.yaml"
    broken.write_text(text, encoding="utf-8")
    lines = text.splitlines()

    def at(pattern: str, column_of: str) -> tuple[int, int]:
        number = line_of(text, pattern)
        return number, lines[number - 1].index(column_of) + 1

    wanted = {
        (*at(r"^\s+deadlin:$", "deadlin"), "rule-schema"),
        (*at(r"^   stage: ", "stage"), "rule-yaml-syntax"),
        (*at(r"event: apointment", "apointment"), "rule-unknown-event"),  # the caret under the misspelt type
        (*at(r"- id: ACT-05\s*$", "id:"), "rule-schema"),
    }
    return broken, text, wanted


def test_broken_copy_reports_every_problem_in_one_run(tmp_path):
    broken, _text, wanted = _broken_copy(tmp_path)
    result = run("lint", tmp_path)
    assert result.returncode == 1, result.stderr
    found = diagnostics(result.stderr, broken)
    assert {(line, code) for line, _, code in wanted} <= {(line, code) for line, _, code in found}, result.stderr
    assert found == sorted(found), "problems must be sorted by line and column"
    assert "did you mean 'deadline'" in result.stderr and "did you mean 'appointment'" in result.stderr


def test_broken_copy_locates_each_problem_at_its_column_with_a_caret(tmp_path):
    broken, text, wanted = _broken_copy(tmp_path)
    result = run("lint", tmp_path)
    lines, out = text.splitlines(), result.stderr.splitlines()
    found = diagnostics(result.stderr, broken)
    assert wanted <= set(found), f"wanted {sorted(wanted)} among {found}:\n{result.stderr}"
    # Each problem is followed by its line of the file and a caret under the column.
    for line, column, code in sorted(wanted):
        index = out.index(next(o for o in out if o.startswith(f"{broken}:{line}:{column}: {code}: ")))
        assert out[index + 1] == "    " + lines[line - 1], result.stderr
        assert out[index + 2] == "    " + " " * (column - 1) + "^", result.stderr


@pytest.mark.parametrize("kind", ["empty folder", "missing path", "not UTF-8"])
def test_lint_exits_2_when_the_rules_cannot_be_read(tmp_path, kind):
    if kind == "empty folder":
        path, code = tmp_path, "rules-not-found"
    elif kind == "missing path":
        path, code = tmp_path / "nowhere", "rules-not-found"
    else:
        path, code = tmp_path / "latin1.yaml", "rule-unreadable"
        path.write_bytes("rules:\n  - id: ACT-01\n    title: Caf\xe9\n".encode("latin-1"))
    result = run("lint", path)
    assert result.returncode == 2, result.stderr
    assert f"{path}" in result.stderr and code in result.stderr, result.stderr


RULE = """\
  - id: {id}
    title: {title}
    area: activity
    stage: delivery
    severity: low
    basis: {basis}
{applies}    deadline:
      trigger: {{event: sentence, label: sentence}}
      expect: {{event: {expect}, label: {label}}}
      within: {within}
"""
BASIS = "{citation: Local practice guidance on test rules, illustrative: true}"


def rule(rule_id, *, expect="sentence_plan", label="a sentence plan", within="{days: 10}", applies="", basis=BASIS):
    applies = "".join(f"    {line}\n" for line in applies.splitlines())
    return RULE.format(id=rule_id, title=f"Test rule {rule_id}", basis=basis, applies=applies, expect=expect,
                       label=label, within=within)


# Each lint finding from a small rule file: (the file's rules, the rule the finding is located at).
LINT_CASES = {
    "lint-never-applies": (
        rule("LNT-01", applies="applies_when:\n  all:\n    - supervision_type: [licence]\n"
                               "    - supervision_type: [community_order]"),
        "LNT-01"),
    "lint-never-holds": (
        rule("LNT-01", applies="applies_when:\n  any:\n    - rosh: {at_least: high}\n"
                               "    - all: [{in_custody: true}, {not: {in_custody: true}}]"),
        "LNT-01"),
    "lint-overlap": (
        rule("LNT-01", within="{days: 10}") + "\n" + rule("LNT-02", within="{days: 15}"),
        "LNT-02"),
    "lint-window-too-long": (rule("LNT-01", within="{days: 3651}"), "LNT-01"),
    "lint-basis": (rule("LNT-01", basis="{citation: Local practice guidance on test rules, illustrative: false}"),
                   "LNT-01"),
    # The trigger is itself the expected event: met on its own day, every time.
    "lint-always-met": (rule("LNT-01", expect="sentence", label="a sentence"), "LNT-01"),
}


@pytest.mark.parametrize("code", LINT_CODES)
def test_each_lint_finding(tmp_path, code):
    rules, located_at = LINT_CASES[code]
    text = "rules:\n" + rules
    file = tmp_path / "rules.yaml"
    file.write_text(text, encoding="utf-8")
    result = run("lint", tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    found = [(line, found_code) for line, _column, found_code in diagnostics(result.stderr, file)]
    assert found == [(line_of(text, rf"- id: {located_at}$"), code)], result.stderr


def test_lint_findings_within_limits_are_clean(tmp_path):
    # The same rules with the figures made sound: the findings above come from the flaw, not the scaffolding.
    text = ("rules:\n" + rule("LNT-01", within="{days: 3650}")
            + "\n" + rule("LNT-02", expect="allocation", label="an allocation")
            + "\n" + rule("LNT-03", expect="risk_management_plan", label="a plan",
                          basis="{citation: Local practice guidance on test rules, illustrative: false, "
                                "link: 'https://example.org/guidance'}"))
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    result = run("lint", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "3 rules in 1 file: no problems found" in result.stdout


def test_lint_codes_are_documented():
    documented = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    missing = [code for code in LINT_CODES if f"`{code}`" not in documented]
    assert not missing, f"docs/errors.md does not list {missing}"


# --- test ------------------------------------------------------------------------------------------------------


def test_bundled_rules_pass_their_tests_with_full_coverage():
    result = run("test", RULES, "--min-coverage", "100")
    assert result.returncode == 0, (
        "The bundled rulebook must pass its rule tests with every rule tested "
        "(`ppcheck test rules/ --min-coverage 100`, as CI runs it): write *.tests.yaml tests beside each new "
        "or untested rule.\n" + result.stdout + result.stderr)


def _tests_in(folder: Path) -> int:
    return sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["tests"]) for f in folder.rglob("*.tests.yaml"))


@pytest.fixture
def failing_copy(tmp_path):
    """A copy of the rules whose first rule test wants a different verdict: (folder, rule, name, wanted, got)."""
    folder = copy_rules(tmp_path)
    test_file = sorted(folder.rglob("*.tests.yaml"))[0]
    data = yaml.safe_load(test_file.read_text(encoding="utf-8"))
    test = data["tests"][0]
    got = test["want"] if isinstance(test["want"], str) else test["want"]["verdict"]
    wanted = "missed" if got != "missed" else "compliant"
    test["want"] = wanted
    test_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000), encoding="utf-8")
    return folder, test["rule"], test["name"], wanted, got


def test_a_failing_rule_test_names_the_rule_and_test_with_wanted_and_got(failing_copy):
    folder, rule_id, name, wanted, got = failing_copy
    result = run("test", folder)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"FAIL {rule_id}: {name}" in result.stdout, result.stdout
    assert f"wanted {wanted!r}" in result.stdout and f"got {got!r}" in result.stdout, result.stdout
    assert re.search(r"\b1 failed\b", result.stdout), result.stdout


def test_junit_xml(failing_copy, tmp_path):
    folder, rule_id, name, _wanted, _got = failing_copy
    report = tmp_path / "results.xml"
    result = run("test", folder, "--junit", report)
    assert result.returncode == 1, result.stdout + result.stderr
    root = ET.parse(report).getroot()
    cases = root.findall(".//testcase")
    failed = [case for case in cases if case.find("failure") is not None]
    assert len(cases) == _tests_in(folder)
    assert [case.get("name") for case in failed] == [f"{rule_id}: {name}"]
    assert root.get("tests") == str(len(cases)) and root.get("failures") == "1"


TWO_RULES = "rules:\n" + rule("TST-01") + "\n" + rule("TST-02", expect="allocation", label="an allocation")
ONE_TEST = """\
tests:
  - rule: TST-01
    name: sentence plan on day 4 is in time
    as_of: 2024-02-01
    events:
      - {type: sentence, date: 2024-01-01}
      - {type: sentence_plan, date: 2024-01-05}
    want: compliant
"""


def _half_tested(tmp_path: Path, tests: str = ONE_TEST) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "tst.yaml").write_text(TWO_RULES, encoding="utf-8")
    (folder / "tst.tests.yaml").write_text(tests, encoding="utf-8")
    return folder


def test_min_coverage_above_what_is_achieved_fails(tmp_path):
    folder = _half_tested(tmp_path)
    short = run("test", folder, "--min-coverage", "60")
    assert short.returncode == 1, short.stdout + short.stderr
    assert "50.0%" in short.stdout and "TST-02" in short.stdout, short.stdout
    enough = run("test", folder, "--min-coverage", "50")
    assert enough.returncode == 0, enough.stdout + enough.stderr


@pytest.mark.parametrize("breakage", ["unknown key", "unknown verdict"])
def test_a_test_file_that_breaks_the_schema_exits_2_with_its_line(tmp_path, breakage):
    if breakage == "unknown key":
        tests, pattern = ONE_TEST.replace("    want: compliant", "    wnat: compliant\n    want: compliant"), r"wnat:"
    else:
        tests, pattern = ONE_TEST.replace("want: compliant", "want: complaint"), r"want: complaint"
    folder = _half_tested(tmp_path, tests)
    result = run("test", folder)
    assert result.returncode == 2, result.stdout + result.stderr
    file = folder / "tst.tests.yaml"
    found = diagnostics(result.stderr, file)
    assert [(line, code) for line, _column, code in found] == [(line_of(tests, pattern), "rule-schema")], \
        result.stderr


# --- doc -------------------------------------------------------------------------------------------------------


def test_checked_in_rulebook_is_up_to_date():
    generated = run("doc", "rules/", cwd=ROOT)
    assert generated.returncode == 0, generated.stderr
    checked_in = (ROOT / "docs" / "rulebook.md").read_text(encoding="utf-8")
    assert checked_in == generated.stdout, (
        "docs/rulebook.md is stale: regenerate it with `ppcheck doc rules/ -o docs/rulebook.md`")


def test_doc_output_file_is_what_it_prints(tmp_path):
    out = tmp_path / "rulebook.md"
    written = run("doc", RULES, "-o", out)
    assert written.returncode == 0 and written.stdout == "", written.stderr
    assert out.read_text(encoding="utf-8") == run("doc", RULES).stdout


@pytest.mark.parametrize("which", ["generated", "checked in"])
def test_rulebook_has_every_rule_and_its_sentence(rulebook, which):
    text = (run("doc", RULES).stdout if which == "generated"
            else (ROOT / "docs" / "rulebook.md").read_text(encoding="utf-8"))
    for r in rulebook.rules:
        assert f"#### {r.id} — {r.title}\n" in text, f"{r.id} is missing from the {which} rulebook"
        assert f"**{obligation_sentence(r)}**" in text, f"{r.id}'s sentence is missing from the {which} rulebook"


class _Page(HTMLParser):
    """Every tag with its attributes, and the text inside <style>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.style = ""
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data


def _html(rules_path: Path) -> str:
    result = run("doc", rules_path, "--format", "html")
    assert result.returncode == 0, result.stderr
    return result.stdout


def _assert_self_contained(page: str, links: set[str]) -> None:
    parser = _Page()
    parser.feed(page)
    tags = [tag for tag, _ in parser.tags]
    assert page.startswith("<!DOCTYPE html>") and tags.count("html") == 1 and page.rstrip().endswith("</html>")
    assert not {"script", "link", "iframe", "img", "object", "embed", "frame", "base"} & set(tags), set(tags)
    assert "<script" not in page.lower()
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            assert not name.startswith("on"), f"<{tag} {name}=...>: an event handler"
            if name in ("src", "srcset", "href", "action", "data", "poster", "background", "formaction"):
                # A link within the page (#ENQ-01), or a basis link.
                internal = tag == "a" and name == "href" and value.startswith("#") and f'id="{value[1:]}"' in page
                assert internal or (tag == "a" and name == "href" and value in links), f"<{tag} {name}={value!r}>"
    assert "url(" not in parser.style and "@import" not in parser.style
    # A web address may only be a basis link's href (meta refresh, inline styles and the like included).
    for tag, attrs in parser.tags:
        for name, value in attrs.items():
            if value and re.search(r"https?:|//", value):
                assert tag == "a" and name == "href" and value in links, f"<{tag} {name}={value!r}>"


def test_html_rulebook_is_one_self_contained_page(rulebook):
    page = _html(RULES)
    _assert_self_contained(page, {r.basis.link for r in rulebook.rules if r.basis.link})
    for r in rulebook.rules:
        assert f'id="{r.id}"' in page, f"{r.id} is missing from the HTML rulebook"
        assert obligation_sentence(r) in html.unescape(page), f"{r.id}'s sentence is missing from the HTML rulebook"


def test_html_rulebook_escapes_what_the_rules_say(tmp_path):
    link = 'https://example.org/guide?a=1&b="><script>alert(2)</script>'
    text = f"""\
rules:
  - id: ESC-01
    title: Contact <b>weekly</b> & "chased"
    description: A description with <script>alert(1)</script> in it & more.
    area: activity
    stage: delivery
    severity: low
    basis:
      citation: Guidance <i>on</i> escaping & quoting
      link: '{link}'
      illustrative: true
      note: A note with <u>markup</u>.
    deadline:
      trigger: {{event: sentence, label: sentence}}
      expect: {{event: sentence_plan, label: a <em>sentence plan</em>}}
      within: {{days: 10}}
"""
    (tmp_path / "esc.yaml").write_text(text, encoding="utf-8")
    page = _html(tmp_path)
    _assert_self_contained(page, {link})
    for raw in ("<b>weekly</b>", "<i>on</i>", "<u>markup</u>", "<em>sentence plan</em>", "<script>"):
        assert raw not in page, f"{raw!r} reached the page unescaped"
    for said in ('Contact <b>weekly</b> & "chased"', "Guidance <i>on</i> escaping & quoting",
                 "A note with <u>markup</u>.", "a <em>sentence plan</em>"):
        escaped = html.escape(said, quote=False).replace('"', "&#34;")  # as the template engine writes quotes
        assert escaped in page, f"{said!r} is not on the page (escaped)"
    parser = _Page()
    parser.feed(page)
    assert ("a", link) in [(tag, attrs.get("href")) for tag, attrs in parser.tags]  # the link, whole, as an href
    assert 'id="ESC-01"' in page


# --- diff ------------------------------------------------------------------------------------------------------


def _rule_sections(output: str) -> dict[str, list[str]]:
    """The diff's sections: rule id -> [its heading, its move lines]."""
    sections: dict[str, list[str]] = {}
    current = None
    for line in output.splitlines():
        heading = re.match(r"^([A-Z][A-Z0-9-]*) \((\w+)\): ", line)
        if heading:
            current = sections.setdefault(heading[1], [])
        elif not line.startswith("  "):
            current = None
        if current is not None:
            current.append(line)
    return sections


def test_diff_of_identical_rulebooks(tmp_path):
    result = run("diff", RULES, copy_rules(tmp_path), EXAMPLES, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No case's verdict changes" in result.stdout
    assert _rule_sections(result.stdout) == {}


def test_diff_shows_the_cases_a_wider_window_moves(tmp_path, rulebook):
    new = copy_rules(tmp_path, "proposed")
    activity = new / "activity.yaml"
    activity.write_text(edit_rule(activity.read_text(encoding="utf-8"), "ACT-01", "within: {working_days: 5}",
                                  "within: {working_days: 10}"), encoding="utf-8")
    # Which cases move, worked out through the Python API rather than written down here.
    proposed = pp.load_rulebook(new)
    timelines = [pp.load_timeline(f) for f in sorted(EXAMPLES.glob("*.json"))]
    moves: dict[tuple[str, str], set[str]] = {}
    for timeline in timelines:
        before, after = (next(v.state for v in pp.evaluate(book, timeline, date.fromisoformat(AS_OF)).verdicts
                              if v.rule_id == "ACT-01") for book in (rulebook, proposed))
        if before != after:
            moves.setdefault((before, after), set()).add(timeline.case.id)
    moved = sum(len(cases) for cases in moves.values())
    assert moved, "no example case depends on ACT-01's 5 working days; the test needs one that does"

    result = run("diff", RULES, new, EXAMPLES, "--as-of", AS_OF)
    assert result.returncode == 1, result.stdout + result.stderr
    sections = _rule_sections(result.stdout)
    assert set(sections) == {"ACT-01"}, result.stdout
    heading, title, *listed = sections["ACT-01"]
    assert heading.startswith(f"ACT-01 (changed): {moved} of {len(timelines)} cases change"), result.stdout
    assert title == "  First appointment within 5 working days of sentence"
    shown = {}
    for line in listed:
        m = re.match(r"^  (\w+) -> (\w+): (\d+)  (.*)$", line)
        assert m, f"unexpected line {line!r}"
        shown[(m[1], m[2])] = set(m[4].split(", "))
        assert int(m[3]) == len(shown[(m[1], m[2])])
    assert shown == moves, result.stdout


def test_diff_reports_a_removed_rule(tmp_path, rulebook):
    new = copy_rules(tmp_path, "proposed")
    activity = new / "activity.yaml"
    text = activity.read_text(encoding="utf-8")
    last = re.findall(r"^ *- id: (\S+)\s*$", text, re.M)[-1]
    start, end = rule_block(text, last)
    activity.write_text(text[:start] + text[end:], encoding="utf-8")

    result = run("diff", RULES, new, EXAMPLES, "--as-of", AS_OF)
    assert result.returncode == 1, result.stdout + result.stderr
    count = len(rulebook.rules)
    assert f"{count} rules before, {count - 1} after" in result.stdout, result.stdout
    assert re.search(rf"^{re.escape(last)} \(removed\): ", result.stdout, re.M), result.stdout
    assert set(_rule_sections(result.stdout)) == {last}, result.stdout


def test_diff_with_a_missing_timeline_exits_2(tmp_path):
    result = run("diff", RULES, RULES, tmp_path / "nope.json", "--as-of", AS_OF)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "timeline-not-found" in result.stderr


# --- lint for tools, and findings accepted in the rule file ------------------------------------------------------


def _overlapping(tmp_path: Path, suppress: str = "") -> Path:
    text = "rules:\n" + rule("LNT-01", within="{days: 10}") + "\n" + rule("LNT-02", within="{days: 15}")
    if suppress:
        text = text.replace("    deadline:\n", f"    suppress_lint:\n{suppress}    deadline:\n", 2)
        text = text.replace(f"    suppress_lint:\n{suppress}", "", 1)  # only the second rule suppresses
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "rules.yaml"


def test_lint_writes_json_github_and_sarif(tmp_path):
    file = _overlapping(tmp_path)
    as_json = json.loads(run("lint", tmp_path, "--format", "json").stdout)
    assert [f["code"] for f in as_json["findings"]] == ["lint-overlap"] and as_json["suppressed"] == []
    assert as_json["findings"][0]["file"] == str(file)
    github = run("lint", tmp_path, "--format", "github")
    assert github.returncode == 1
    line = line_of(file.read_text(encoding="utf-8"), r"- id: LNT-02$")
    assert github.stdout.startswith(f"::error file={file},line={line},col=1,title=lint-overlap::LNT-02: ")
    log = json.loads(run("lint", tmp_path, "--format", "sarif").stdout)
    assert log["version"] == "2.1.0"
    (result,) = log["runs"][0]["results"]
    assert result["ruleId"] == "lint-overlap" and result["level"] == "warning"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == line
    assert [r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]] == ["lint-overlap"]


def test_a_finding_suppressed_with_a_reason_is_listed_not_failed(tmp_path):
    reason = "LNT-01 is the backstop; LNT-02 is the stricter figure for the cases both cover"
    _overlapping(tmp_path, f"      - code: lint-overlap\n        reason: {reason}\n")
    result = run("lint", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 finding suppressed in the rule files:" in result.stdout
    assert f"because: {reason}" in result.stdout
    log = json.loads(run("lint", tmp_path, "--format", "sarif").stdout)
    (found,) = log["runs"][0]["results"]
    assert found["suppressions"] == [{"kind": "inSource", "justification": reason}]


def test_a_suppression_that_matches_nothing_is_itself_a_finding(tmp_path):
    text = "rules:\n" + rule("LNT-01").replace(
        "    deadline:\n", "    suppress_lint:\n      - {code: lint-basis, reason: a basis nobody questions}\n"
                          "    deadline:\n")
    (tmp_path / "rules.yaml").write_text(text, encoding="utf-8")
    result = run("lint", tmp_path)
    assert result.returncode == 1
    assert "lint-suppression-unused: LNT-01: suppresses lint-basis, which lint no longer finds in this rule" \
        in result.stderr


def test_a_remedy_must_name_a_rule_in_the_rulebook(tmp_path):
    folder = copy_rules(tmp_path)
    enquiries = folder / "enquiries.yaml"
    enquiries.write_text(enquiries.read_text(encoding="utf-8").replace("remedy: [ENQ-03]", "remedy: [ENQ-33]"),
                         encoding="utf-8")
    result = run("lint", folder)
    assert result.returncode == 1
    assert "rule-unknown-rule: ENQ-01: its remedy 'ENQ-33' is not in the rulebook (did you mean 'ENQ-03'?)" \
        in result.stderr


# --- diff on the caseloads people actually have ----------------------------------------------------------------


def _act01_wider(tmp_path: Path) -> Path:
    new = copy_rules(tmp_path, "proposed")
    activity = new / "activity.yaml"
    activity.write_text(edit_rule(activity.read_text(encoding="utf-8"), "ACT-01", "within: {working_days: 5}",
                                  "within: {working_days: 10}"), encoding="utf-8")
    return new


def test_diff_reads_json_lines_and_keeps_going_past_a_bad_case(tmp_path):
    new = _act01_wider(tmp_path)
    lines = [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(EXAMPLES.glob("*.json"))]
    caseload = tmp_path / "cases.jsonl"
    caseload.write_text("\n".join([lines[0], "{broken", *lines[1:]]) + "\n", encoding="utf-8")
    folder = run("diff", RULES, new, EXAMPLES, "--as-of", AS_OF, "-f", "json")
    streamed = run("diff", RULES, new, caseload, "--as-of", AS_OF, "-f", "json", "--jobs", "2")
    assert streamed.returncode == 2  # a case was rejected; the others were compared
    assert f"{caseload}:2:" in streamed.stderr and "timeline-json" in streamed.stderr
    assert "ppcheck: 5 cases read: 4 compared, 1 rejected." in streamed.stderr
    a, b = json.loads(folder.stdout), json.loads(streamed.stdout)
    assert a["changed"] == b["changed"] and [c["rule_id"] for c in a["changed"]] == ["ACT-01"]
    assert b["inputs"] == {"read": 5, "evaluated": 4, "outside": 0, "rejected": 1}


def test_diff_markdown_for_a_sign_off_pack(tmp_path):
    new = _act01_wider(tmp_path)
    result = run("diff", RULES, new, EXAMPLES, "--as-of", AS_OF, "-f", "markdown", "--by", "region")
    assert result.returncode == 1
    assert result.stdout.startswith("# Rule change: 4 cases as of 2024-06-30\n")
    assert "## ACT-01 — First appointment within 5 working days of sentence" in result.stdout
    assert "| late | compliant |" in result.stdout


def test_a_rule_edited_with_no_verdict_moving_is_not_counted_as_a_change(tmp_path):
    new = copy_rules(tmp_path, "proposed")
    activity = new / "activity.yaml"
    activity.write_text(edit_rule(activity.read_text(encoding="utf-8"), "ACT-01", "severity: high",
                                  "severity: medium"), encoding="utf-8")
    result = run("diff", RULES, new, EXAMPLES, "--as-of", AS_OF)
    assert result.returncode == 0, result.stdout
    assert "No case's verdict changes." in result.stdout
    assert "Changed, but no verdict moves on these cases: ACT-01." in result.stdout
