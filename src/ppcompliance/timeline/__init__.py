"""Timelines: the case and its dated events (``model``), and loading them from JSON (``load``)."""

from .load import load_timeline, parse_timeline, timeline_from_data
from .model import Case, Event, Timeline

__all__ = ["Case", "Event", "Timeline", "load_timeline", "parse_timeline", "timeline_from_data"]
