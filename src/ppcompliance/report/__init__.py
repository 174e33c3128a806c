"""Rendering: one case's report (JSON, compact record, terminal) and caseload summaries (text, CSV, Markdown,
HTML)."""
