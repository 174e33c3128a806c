"""The Dask benchmark: ``ppcheck --scheduler`` on one and on two Dask workers, against the local ``--jobs`` run on
the same number of cores, side by side in one run on one generated caseload.

    python benchmarks/dask.py [--cases 20000] [--input FILE]

It generates a caseload (``ppcheck generate --cases N --seed 2024 --events 150``) unless given one, and then
times, as of 2025-06-30, the caseload summary (``--format json``) of:

- ``--jobs 1`` and ``--jobs 2`` (the local run: forked worker processes);
- ``--scheduler`` of a running local Dask cluster of 1, then 2, worker processes (one thread each), started
  before the timing: the cost of using an existing cluster, not of starting one;
- ``--cluster local:2``, which starts its cluster for the run (startup included);
- the same caseload as a Parquet caseload (``generate -o NAME.parquet``, row groups of 1,000 cases), with
  ``--jobs 2`` and on the 2-worker cluster, where each worker reads its own row groups.

Every Dask output is checked to be byte for byte the local one. It prints the ratios the analytics issue asks
for: 2 Dask workers against 1 (target >= 1.7 x) and the Dask run's overhead against ``--jobs`` on the same
cores (target <= 15%).
"""

from __future__ import annotations

import argparse
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# This file is named dask.py: its folder must not be on the path when Dask is imported.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

BIN = Path(sys.executable).parent
PPCHECK = str(BIN / "ppcheck")
AS_OF = "2025-06-30"


def timed(*args: str) -> tuple[float, bytes]:
    start = time.perf_counter()
    done = subprocess.run([PPCHECK, *args], capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 1):
        raise SystemExit(f"ppcheck {' '.join(args)} failed:\n{done.stderr.decode()}")
    return elapsed, done.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--input", type=Path, help="an existing JSON Lines caseload (no generation)")
    args = parser.parse_args()

    from distributed import LocalCluster

    with tempfile.TemporaryDirectory() as scratch:
        path = args.input
        if path is None:
            path = Path(scratch) / "caseload.jsonl"
            subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "2024", "--events", "150",
                            "-o", str(path)], check=True)
        cases = sum(1 for line in open(path, "rb") if line.strip())
        run = [str(path), "--as-of", AS_OF, "--format", "json"]
        timed(*run, "--jobs", "1")  # warm the page cache and the rule cache
        times: dict[str, float] = {}
        outputs: dict[str, bytes] = {}
        for jobs in (1, 2):
            times[f"jobs {jobs}"], outputs[f"jobs {jobs}"] = timed(*run, "--jobs", str(jobs))
        for workers in (1, 2):
            with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                              scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                              silence_logs=logging.ERROR) as cluster:
                key = f"dask {workers}"
                times[key], outputs[key] = timed(*run, "--scheduler", cluster.scheduler_address)
        times["cluster local:2"], outputs["cluster local:2"] = timed(*run, "--cluster", "local:2")
        if args.input is None:
            table = Path(scratch) / "caseload.parquet"
            subprocess.run([PPCHECK, "generate", "--cases", str(args.cases), "--seed", "2024", "--events", "150",
                            "-o", str(table)], check=True)
            parquet = [str(table), "--as-of", AS_OF, "--format", "json"]
            times["parquet jobs 2"], outputs["parquet jobs 2"] = timed(*parquet, "--jobs", "2")
            with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                              scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                              silence_logs=logging.ERROR) as cluster:
                times["parquet dask 2"], outputs["parquet dask 2"] = timed(*parquet, "--scheduler",
                                                                           cluster.scheduler_address)

    same = all(out == outputs["jobs 1"] for out in outputs.values())
    print(f"{cases:,} cases (~150 events each), summary as of {AS_OF}; outputs identical: {same}")
    for key, seconds in times.items():
        print(f"  {key:<16} {seconds:7.1f} s  {cases / seconds:7,.0f} cases/s")
    scale = times["dask 1"] / times["dask 2"]
    overhead = times["dask 2"] / times["jobs 2"] - 1
    overhead_1 = times["dask 1"] / times["jobs 1"] - 1
    startup = times["cluster local:2"] / times["jobs 2"] - 1
    print(f"2 Dask workers against 1: {scale:.2f} x (target >= 1.7 x)")
    print(f"Dask (existing cluster, 2 workers) against --jobs 2: {overhead:+.1%} (target <= +15%)")
    print(f"Dask (existing cluster, 1 worker) against --jobs 1: {overhead_1:+.1%}")
    print(f"--cluster local:2 (cluster started for the run) against --jobs 2: {startup:+.1%}")
    if "parquet dask 2" in times:
        print(f"Parquet caseload, Dask (2 workers) against --jobs 2: "
              f"{times['parquet dask 2'] / times['parquet jobs 2'] - 1:+.1%}; against the JSON Lines caseload "
              f"on the same cluster: {times['parquet dask 2'] / times['dask 2'] - 1:+.1%}")
    if not same:
        raise SystemExit("a Dask run's output differs from the local run's")


if __name__ == "__main__":
    main()
