"""Synthetic caseloads for demos, tests and benchmarks (no real personal data)."""
