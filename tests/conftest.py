"""Shared fixtures: the repository's folders and the bundled rulebook (compiled once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

import ppcompliance as pp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"
SCHEMAS = ROOT / "schemas"


@pytest.fixture(scope="session")
def rulebook() -> pp.Rulebook:
    """The default rulebook from rules/."""
    return pp.load_rulebook(RULES)
