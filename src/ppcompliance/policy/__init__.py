"""Tools for policy teams: lint, rule tests as data, the plain-English rulebook, and rule-change diffs."""
