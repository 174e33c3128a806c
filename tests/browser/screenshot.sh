#!/bin/sh
# Manual check (not run by CI): render a realistic caseload HTML report to /tmp/report.html and screenshot it in headless Chromium to /tmp/report.png.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
python=${PYTHON:-python}
out=${1:-/tmp/report}
cd "$here"
"$python" -c "
import sys
from test_report_html import sample_summary
from ppcompliance.report.html import caseload_html
open(sys.argv[1], 'w', encoding='utf-8').write(caseload_html(sample_summary()))
" "$out.html"
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run --disable-background-networking \
  --disable-component-update --disable-sync --user-data-dir="$profile" --window-size=${SIZE:-1400,2200} \
  --screenshot="$out.png" "file://$out.html"
echo "$out.html -> $out.png"
