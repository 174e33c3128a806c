"""``ppcheck lint``: every problem in the rule files at once, in the format a person or a tool reads."""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .. import words
from ..errors import Diagnostic, InputError
from .app import app
from .common import EXIT_FINDINGS, EXIT_INPUT, report_errors

# Diagnostics that mean the rules could not be read at all (lint exits 2 for these, 1 for any other problem).
UNREADABLE = {"rules-not-found", "rule-unreadable", "rule-too-large"}


class LintFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"
    sarif = "sarif"


@app.command()
def lint(
    rules: Optional[Path] = typer.Argument(None, help="A folder of YAML rule files, or one file [default: the "
                                           "bundled rulebook].", show_default=False, metavar="RULES"),
    fmt: LintFormat = typer.Option(LintFormat.text, "--format", "-f",
                                   help="text (for people, with the offending line), json, github (GitHub Actions "
                                        "annotations) or sarif (SARIF 2.1.0, for code-scanning tools), on "
                                        "standard output."),
) -> None:
    """Check rule files: every problem at once, sorted, with file:line:column and a stable code; then lint's
    checks on a rulebook that loads. Findings a rule suppresses (``suppress_lint``, with a reason) are listed
    as suppressed.

    Exit status: 0 clean; 1 problems found; 2 the rules could not be read.
    """
    from ..policy.lint import lint as lint_rules
    from ..rules import load_rulebook

    try:
        rulebook = load_rulebook(rules)
    except InputError as exc:
        status = EXIT_INPUT if any(d.code in UNREADABLE for d in exc.diagnostics) else EXIT_FINDINGS
        if fmt is LintFormat.text:
            report_errors(exc.diagnostics, checked="the rules have problems")
        else:
            _machine(fmt, exc.diagnostics, [])
        raise typer.Exit(status)
    found = lint_rules(rulebook)
    suppressed = [(s.finding, s.reason) for s in found.suppressed]
    if fmt is not LintFormat.text:
        _machine(fmt, list(found.findings), suppressed, rules=len(rulebook.rules))
        raise typer.Exit(EXIT_FINDINGS if found.findings else 0)
    if found.findings:
        report_errors(list(found.findings), checked="the rules load, but lint found problems")
    else:
        files = len(rulebook.sources)
        sys.stdout.write(f"{words.plural(len(rulebook.rules), 'rule')} in {words.plural(files, 'file')}: "
                         f"no problems found.\n")
    if suppressed:
        out = sys.stderr if found.findings else sys.stdout
        out.write(f"{words.plural(len(suppressed), 'finding')} suppressed in the rule files:\n")
        for finding, reason in suppressed:
            out.write(f"  {finding}\n    because: {reason}\n")
    if found.findings:
        raise typer.Exit(EXIT_FINDINGS)


def _machine(fmt: LintFormat, findings: list[Diagnostic], suppressed: list[tuple[Diagnostic, str]],
             **extra: object) -> None:
    from ..report.diagnostics import diagnostics_json, github_annotations, sarif

    if fmt is LintFormat.json:
        sys.stdout.write(diagnostics_json(findings, suppressed, **extra))
    elif fmt is LintFormat.github:
        sys.stdout.write(github_annotations(findings))
    else:
        sys.stdout.write(sarif(findings, suppressed))
