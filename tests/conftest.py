"""Shared fixtures: the repository's folders, the bundled rulebook (compiled once per session), and the
Hypothesis profiles.

Profiles (docs/testing.md):

* ``ci`` (the default): derandomised and without an example database, so that every run of the suite tries
  the same examples and a failure seen once is seen every time, on every machine — and never replayed from a
  stale database after it is fixed;
* ``explore``: ten times the examples, random, remembering failures in ``.hypothesis/``, for longer runs by
  hand: ``HYPOTHESIS_PROFILE=explore pytest`` (or ``pytest --hypothesis-profile=explore``).

Tests ask for ``examples(n)``: n under ``ci``, scaled with the profile's ``max_examples`` otherwise.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import ppcompliance as pp

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
RULES = ROOT / "rules"
SCHEMAS = ROOT / "schemas"

_QUIET = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.function_scoped_fixture]
settings.register_profile("ci", max_examples=100, derandomize=True, database=None, deadline=None,
                          print_blob=True, suppress_health_check=_QUIET)
settings.register_profile("explore", max_examples=1000, deadline=None, print_blob=True,
                          suppress_health_check=_QUIET)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

# The engine's cache of derived data (bank holidays, rule files read cleanly) in a folder of this run's own, so
# that the suite neither depends on nor leaves behind anything in the user's cache. Child processes inherit it.
os.environ["PPCOMPLIANCE_CACHE_DIR"] = tempfile.mkdtemp(prefix="ppcompliance-cache-")


def examples(n: int) -> int:
    """``n`` examples under the ``ci`` profile, scaled by the loaded profile's ``max_examples`` otherwise."""
    return max(1, n * settings.default.max_examples // 100)


@pytest.fixture(scope="session")
def rulebook() -> pp.Rulebook:
    """The default rulebook from rules/."""
    return pp.load_rulebook(RULES)
