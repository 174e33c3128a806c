"""The rulebook fingerprint: the same for the same meaning whatever the files look like, different when any
rule's meaning changes, and named by every output so that a report can be matched to the rules signed off."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import ppcompliance as pp

from conftest import EXAMPLES, RULES

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
AS_OF = "2024-06-30"
RULE = """\
rules:
  - id: T-01
    title: Plan within two weeks
    area: contingency
    stage: planning
    severity: high
    basis: {citation: A test rule, illustrative: true}
    deadline:
      trigger: {event: sentence, label: sentence}
      expect: {event: sentence_plan, label: a sentence plan}
      within: {weeks: 2}
"""
OTHER = """\
rules:
  - id: T-02
    title: Oversight within 5 working days
    area: oversight
    stage: induction
    severity: medium
    basis: {citation: Another test rule, illustrative: true}
    deadline:
      trigger: {event: allocation, label: allocation}
      expect: {event: management_oversight, label: management oversight}
      within: {working_days: 5}
"""


def fingerprint_of(folder: Path, files: dict[str, str]) -> str:
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return pp.load_rulebook(folder).fingerprint


def test_it_reads_sha256_and_sixteen_hex_digits():
    assert re.fullmatch(r"sha256:[0-9a-f]{16}", pp.load_rulebook(RULES).fingerprint)


def test_file_order_layout_comments_and_spelling_of_a_figure_do_not_change_it(tmp_path):
    base = fingerprint_of(tmp_path / "a", {"a.yaml": RULE, "b.yaml": OTHER})
    # The same rules, in one file, the other order, with comments, flow style and 14 days for 2 weeks.
    restyled = ("# both rules in one file\nrules:\n" + OTHER.split("rules:\n")[1] + "\n"
                + RULE.split("rules:\n")[1].replace("within: {weeks: 2}", "within:\n        days: 14  # two weeks"))
    assert fingerprint_of(tmp_path / "b", {"z.yaml": restyled}) == base
    assert fingerprint_of(tmp_path / "c", {"b.yaml": RULE, "a.yaml": OTHER}) == base


@pytest.mark.parametrize("change", [
    ("within: {weeks: 2}", "within: {weeks: 3}"),                             # a figure
    ("event: sentence_plan", "event: risk_management_plan"),                 # what is expected
    ("label: a sentence plan", "label: a plan"),                             # words a sentence uses
    ("citation: A test rule", "citation: A revised test rule"),              # the basis
    ("severity: high", "severity: medium"),
])
def test_any_change_of_meaning_changes_it(tmp_path, change):
    old, new = change
    assert old in RULE
    before = fingerprint_of(tmp_path / "before", {"a.yaml": RULE})
    after = fingerprint_of(tmp_path / "after", {"a.yaml": RULE.replace(old, new)})
    assert before != after


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([PPCHECK, *args], capture_output=True, text=True, timeout=300)


def test_ppcheck_rulebook_fingerprint_prints_it():
    result = run("rulebook", "fingerprint", str(RULES))
    assert (result.returncode, result.stdout) == (0, pp.load_rulebook(RULES).fingerprint + "\n")
    missing = run("rulebook", "fingerprint", "no-such-folder")
    assert missing.returncode == 2 and "no-such-folder" in missing.stderr and "Traceback" not in missing.stderr


def test_every_output_names_what_produced_it(tmp_path):
    produced = {"engine": pp.__version__, "rulebook": pp.load_rulebook(RULES).fingerprint}
    one = json.loads(run(str(EXAMPLES / "well-managed-high-rosh.json"), "--as-of", AS_OF, "-f", "json").stdout)
    assert one["produced_by"] == produced
    lines = run(str(EXAMPLES), "--as-of", AS_OF, "-f", "jsonl").stdout.splitlines()
    assert lines and all(json.loads(line)["produced_by"] == produced for line in lines)
    summary = json.loads(run(str(EXAMPLES), "--as-of", AS_OF, "-f", "json").stdout)
    assert summary["produced_by"] == produced
    for fmt in ("text", "markdown", "html"):
        assert produced["rulebook"] in run(str(EXAMPLES), "--as-of", AS_OF, "-f", fmt).stdout, fmt
    due = json.loads(run("due", str(EXAMPLES), "--as-of", AS_OF, "-f", "json").stdout)
    assert due["produced_by"] == produced
    assert produced["rulebook"] in run("doc").stdout
    changed = tmp_path / "rules"
    shutil.copytree(RULES, changed, ignore=shutil.ignore_patterns("*.tests.yaml"))
    text = (changed / "contingency.yaml").read_text(encoding="utf-8")
    (changed / "contingency.yaml").write_text(text.replace("within: {working_days: 15}", "within: {working_days: 20}",
                                                           1), encoding="utf-8")
    after = pp.load_rulebook(changed).fingerprint
    assert after != produced["rulebook"]
    diff = json.loads(run("diff", str(RULES), str(changed), str(EXAMPLES), "--as-of", AS_OF, "-f", "json").stdout)
    assert (diff["rulebooks"]["fingerprint_before"], diff["rulebooks"]["fingerprint_after"]) == (
        produced["rulebook"], after)
