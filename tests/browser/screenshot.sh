#!/bin/sh
# Manual check (not run by CI): render the three HTML pages from a generated caseload of 300 cases and screenshot
# each in headless Chromium:
#   $out-caseload.html  the caseload summary by team, as of 31 Mar 2025, teams under 3 cases hidden
#   $out-diff.html      a rule change: ACT-01's first appointment allowed 10 working days instead of 5
#   $out-rulebook.html  the bundled rulebook
# each with its .png beside it. Usage: tests/browser/screenshot.sh [OUT] (default /tmp/report);
# PYTHON, PPCHECK and SIZE (the window, default 1400,3000) may be set.
set -eu
here=$(cd "$(dirname "$0")/../.." && pwd)
python=${PYTHON:-python}
ppcheck=${PPCHECK:-ppcheck}
out=${1:-/tmp/report}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$here"
"$ppcheck" generate --cases 300 --seed 1 -o "$work/cases.jsonl"
cp -r rules "$work/rules"
sed 's/within: {working_days: 5}/within: {working_days: 10}/' rules/activity.yaml > "$work/rules/activity.yaml"
"$python" - "$work" "$out" <<'EOF'
import sys
from datetime import date

import ppcompliance as pp
from ppcompliance.caseload.batch import ordered_map
from ppcompliance.caseload.inputs import items
from ppcompliance.caseload.summary import Caseload
from ppcompliance.caseload.work import CheckOptions, task
from ppcompliance.policy import diff
from ppcompliance.policy.doc import rulebook_html
from ppcompliance.report.html import caseload_html, diff_html

work, out = sys.argv[1:]
cases, as_of = [f"{work}/cases.jsonl"], date(2025, 3, 31)
old, new = pp.load_rulebook("rules"), pp.load_rulebook(f"{work}/rules")
caseload = Caseload(old, as_of, by="team")
for result in ordered_map(task(old, CheckOptions(as_of)), items(cases)):
    caseload.add(result)
comparison = diff.Comparison(old, new, as_of, "team")
for change in ordered_map(diff.task(old, new, as_of, comparison.selection), items(cases)):
    comparison.add(change)
pages = {"caseload": caseload_html(caseload.summary(), min_cases=3), "diff": diff_html(comparison),
         "rulebook": rulebook_html(old)}
for name, page in pages.items():
    with open(f"{out}-{name}.html", "w", encoding="utf-8") as handle:
        handle.write(page)
EOF
for name in caseload diff rulebook; do
  profile=$(mktemp -d "$work/profile.XXXXXX")
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" --window-size="${SIZE:-1400,3000}" \
    --screenshot="$out-$name.png" "file://$out-$name.html" 2>/dev/null
  echo "$out-$name.html -> $out-$name.png"
done
