"""Where the bundled schemas and the default rulebook are, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # A wheel carries copies under _data/ (pyproject's force-include); an editable install or a source
    # checkout uses the top-level folders of the repository.
    installed = _PACKAGE / "_data" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent.parent / name


def schemas_dir() -> Path:
    """The folder holding the published JSON Schemas."""
    return _bundled("schemas")


def default_rules_dir() -> Path:
    """The folder holding the default rulebook."""
    return _bundled("rules")
