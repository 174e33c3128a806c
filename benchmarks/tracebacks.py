"""Run each caseload command many times and count the runs whose standard error shows a traceback.

    pip install -e . && python benchmarks/tracebacks.py --runs 100

A process pool shut down without waiting used to race the interpreter's exit and print
``OSError: [Errno 9] Bad file descriptor`` with a traceback in some runs (12 of 30 ``ppcheck due`` runs on a
folder). This counts, for ``check`` (a summary), ``check --format jsonl -o``, ``due``, ``trend``, ``import`` (of
the caseload written as tables) and, with the analytics extra, ``check --format parquet``, ``check --cluster
local:2`` and ``check`` of a Parquet caseload (locally and on the cluster), on a generated caseload of 300
cases with two worker processes, how many runs printed ``Traceback`` or ``Exception ignored``. ``--only NAME``
runs the commands whose name contains NAME.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--only", default="", help="only the commands whose name contains this")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        cases = Path(folder) / "cases.jsonl"
        subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "11", "-o", str(cases)], check=True)
        tables = Path(folder) / "tables"
        subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "11", "--tables", str(tables)],
                       check=True)
        commands = {
            "check (summary)": [str(cases), "--as-of", "2025-03-31", "--jobs", "2"],
            "check --format jsonl -o": [str(cases), "--as-of", "2025-03-31", "--jobs", "2", "-f", "jsonl", "-o",
                                        str(Path(folder) / "out.jsonl")],
            "due": ["due", str(cases), "--as-of", "2025-03-31", "--jobs", "2"],
            "trend": ["trend", str(cases), "--from", "2024-04-30", "--to", "2025-03-31", "--jobs", "2"],
            "import": ["import", "--mapping", str(tables / "mapping.yaml"), "--cases", str(tables / "cases.csv"),
                       "--events", str(tables / "events.csv"), "--registrations", str(tables / "registrations.csv"),
                       "--assessments", str(tables / "assessments.csv"), "-o", str(Path(folder) / "imported.jsonl")],
        }
        # (Not imported here: benchmarks/dask.py would shadow the dask package.)
        if importlib.util.find_spec("distributed") is not None and importlib.util.find_spec("pyarrow") is not None:
            commands["check --format parquet"] = [str(cases), "--as-of", "2025-03-31", "--jobs", "2", "-f", "parquet",
                                                  "-o", str(Path(folder) / "out.parquet")]
            commands["check --cluster local:2"] = [str(cases), "--as-of", "2025-03-31", "--cluster", "local:2"]
            table = Path(folder) / "cases.parquet"
            subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "11", "-o", str(table)],
                           check=True)
            commands["check (Parquet caseload)"] = [str(table), "--as-of", "2025-03-31", "--jobs", "2"]
            commands["check (Parquet caseload) --cluster local:2"] = [str(table), "--as-of", "2025-03-31",
                                                                      "--cluster", "local:2"]
        commands = {name: command for name, command in commands.items() if args.only in name}
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
