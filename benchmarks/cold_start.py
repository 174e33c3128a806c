"""How long one `ppcheck` on one example takes from a cold process, next to what any Python program pays.

Run: python benchmarks/cold_start.py [--runs N]

Prints the median wall time of each command over N runs, measured side by side in one run, and the ratios to
the bare interpreter's start-up, so the figures can be compared on a noisy, shared machine.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "domestic-abuse-missed-enquiries.json"
PPCHECK = str(Path(sys.executable).with_name("ppcheck"))


def timed(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15)
    runs = parser.parse_args().runs
    commands = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "import ppcompliance": [sys.executable, "-c", "import ppcompliance"],
        "ppcheck --help": [PPCHECK, "--help"],
        "ppcheck example --format json": [PPCHECK, str(EXAMPLE), "--as-of", "2024-06-30", "--format", "json"],
        "ppcheck example (text)": [PPCHECK, str(EXAMPLE), "--as-of", "2024-06-30"],
    }
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(runs):  # interleaved, so drift on a shared machine hits every command alike
        for name, command in commands.items():
            times[name].append(timed(command))
    floor = statistics.median(times["python -c pass (floor)"])
    print(f"{'command':<34} {'median':>9} {'x floor':>8}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<34} {median * 1000:>7.0f}ms {median / floor:>8.1f}")


if __name__ == "__main__":
    main()
