"""Loading rules: YAML files -> validated against the published schema -> compiled -> a frozen Rulebook."""

from .load import load_rulebook, parse_rules, rule_files

__all__ = ["load_rulebook", "parse_rules", "rule_files"]
