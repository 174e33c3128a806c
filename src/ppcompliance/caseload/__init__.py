"""Caseloads: reading many timelines, evaluating them on every core, and rolling the verdicts up."""
