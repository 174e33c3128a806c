"""The ``ppcheck`` command: the only place that reads the clock, prints, or exits."""

from .app import app, main
from . import importer  # noqa: E402,F401 - registers `ppcheck import`

__all__ = ["app", "main"]
