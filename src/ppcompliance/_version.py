"""The engine's version, named in every output (kept apart so that any stage can import it)."""

__version__ = "0.2.0.dev0"
