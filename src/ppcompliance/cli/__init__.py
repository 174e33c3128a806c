"""The ``ppcheck`` command: the only place that reads the clock, prints, or exits."""

from .app import app, main

__all__ = ["app", "main"]
