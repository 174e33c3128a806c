"""Run each caseload command many times and count the runs whose standard error shows a traceback.

    pip install -e . && python benchmarks/tracebacks.py --runs 100

A process pool shut down without waiting used to race the interpreter's exit and print
``OSError: [Errno 9] Bad file descriptor`` with a traceback in some runs (12 of 30 ``ppcheck due`` runs on a
folder). This counts, for ``check`` (a summary), ``check --format jsonl -o`` and ``due``, on a generated caseload
of 300 cases with two worker processes, how many runs printed ``Traceback`` or ``Exception ignored``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cases", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = Path(folder) / "cases.jsonl"
        subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "11", "-o", str(cases)], check=True)
        commands = {
            "check (summary)": [str(cases), "--as-of", "2025-03-31", "--jobs", "2"],
            "check --format jsonl -o": [str(cases), "--as-of", "2025-03-31", "--jobs", "2", "-f", "jsonl", "-o",
                                        str(Path(folder) / "out.jsonl")],
            "due": ["due", str(cases), "--as-of", "2025-03-31", "--jobs", "2"],
        }
        total = 0
        for name, command in commands.items():
            bad = 0
            for _ in range(args.runs):
                result = subprocess.run([PPCHECK, *command], capture_output=True, text=True)
                if "Traceback" in result.stderr or "Exception ignored" in result.stderr or result.returncode > 1:
                    bad += 1
            total += bad
            print(f"{name:<26} {bad} of {args.runs} runs showed a traceback")
        print(f"all                        {total} of {args.runs * len(commands)} runs")


if __name__ == "__main__":
    main()
