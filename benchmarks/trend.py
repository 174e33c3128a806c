"""The trend benchmark: ``ppcheck trend`` over 12 month ends against one ``ppcheck --as-of`` run, side by side in
one run on the same file, and where a trend's time goes.

    python benchmarks/trend.py [--cases 2000] [--jobs 1] [--repeat 3]

It generates a synthetic caseload (``ppcheck generate --seed 2024``, natural event counts), then times, in
alternation so that drift in the machine's load falls on both alike:

- ``ppcheck FILE --as-of 2025-03-31 --format json`` (one date: read, decode, evaluate, roll up, worklist);
- ``ppcheck trend FILE --from 2024-04-30 --to 2025-03-31 --every month --format json`` (12 month ends: each
  case read and decoded once, evaluated at each date);

and prints the ratio (target: at most 3). It then splits one core's time a case, in process, between decoding,
one evaluation and the series of 12 dates, and counts the rule evaluations the series made.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BIN = Path(sys.executable).parent
PPCHECK = str(BIN / "ppcheck")
FIRST, LAST, AS_OF = "2024-04-30", "2025-03-31", "2025-03-31"


def timed(args: list[str]) -> float:
    start = time.perf_counter()
    result = subprocess.run([PPCHECK, *args], capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        raise SystemExit(f"ppcheck {' '.join(args)} failed: {result.stderr.decode()[-500:]}")
    return elapsed


def split(path: Path, cases: int) -> None:
    """One core's time a case, in process: decoding, one evaluation, and the 12 dates evaluated as a series
    (``engine.series``); and how many rule evaluations the series made of the 12 × rules that evaluating every
    rule at every date would make."""
    from ppcompliance.caseload.trend import points
    from ppcompliance.engine import series
    from ppcompliance.engine.evaluate import evaluate
    from ppcompliance.rules import load_rulebook
    from ppcompliance.timeline.load import parse_timeline

    rulebook = load_rulebook(None)
    lines = path.read_bytes().splitlines()[:cases]
    days = points(date.fromisoformat(FIRST), date.fromisoformat(LAST), "month")
    start = time.perf_counter()
    timelines = [parse_timeline(line, "x") for line in lines]
    decoded = time.perf_counter()
    for timeline in timelines:
        evaluate(rulebook, timeline, date.fromisoformat(AS_OF))
    evaluated = time.perf_counter()
    for timeline in timelines:
        series.states_over(rulebook, timeline, days)
    done = time.perf_counter()
    made = 0
    state = series.rule_state

    def counted(rule: object, view: object) -> object:
        nonlocal made
        made += 1
        return state(rule, view)  # type: ignore[arg-type]

    series.rule_state = counted  # type: ignore[assignment]
    for timeline in timelines:
        series.states_over(rulebook, timeline, days)
    series.rule_state = state
    n = len(lines)
    decode_us, evaluate_us, series_us = ((b - a) / n * 1e6 for a, b in
                                         ((start, decoded), (decoded, evaluated), (evaluated, done)))
    print(f"one core, per case: decode and check {decode_us:,.0f} µs, evaluate once {evaluate_us:,.0f} µs, "
          f"{len(days)} dates as a series {series_us:,.0f} µs ({series_us / evaluate_us:.2f} × one evaluation)")
    whole = n * len(days) * len(rulebook.rules)
    print(f"rule evaluations in the series: {made:,} of {whole:,} ({100 * made / whole:.0f}%); the rest kept a "
          f"verdict no event or date could have changed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "caseload.jsonl"
        subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "2024", "-o", str(path)],
                       check=True)
        jobs = ["--jobs", str(args.jobs)]
        one, trend = [], []
        for _ in range(args.repeat):
            one.append(timed([str(path), "--as-of", AS_OF, "--format", "json", *jobs]))
            trend.append(timed(["trend", str(path), "--from", FIRST, "--to", LAST, "--every", "month",
                                "--format", "json", *jobs]))
        best_one, best_trend = min(one), min(trend)
        print(f"{args.cases:,} cases, {args.jobs} job(s), best of {args.repeat}:")
        print(f"  one date  (ppcheck --as-of {AS_OF} --format json): {best_one:6.2f} s  "
              f"{args.cases / best_one:8,.0f} cases/s")
        print(f"  12 month ends (ppcheck trend --every month):       {best_trend:6.2f} s  "
              f"{args.cases / best_trend:8,.0f} cases/s")
        print(f"  trend / one date = {best_trend / best_one:.2f} × (target: at most 3 ×)")
        split(path, min(args.cases, 1000))


if __name__ == "__main__":
    main()
