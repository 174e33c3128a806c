"""The caseload benchmark: ppcheck end to end against the floor of reading the same file, and against the
previous release of the engine, side by side in one run.

Run from a fresh clone (with its history, for the previous release):

    pip install -e '.[bench]' && python benchmarks/caseload.py

It generates a synthetic caseload (20,000 cases, ~150 events each, the full default rulebook), installs the
previous release (0.1.0, the engine before the v2 redesign, from this repository's history) into a virtual
environment of its own, then measures, in one run on the same files:

- the floor: reading the file and decoding every case into typed objects (msgspec), nothing else;
- ``ppcheck FILE --format jsonl`` (the compact record) and a caseload summary, on one core, this engine and the
  previous release on the same cases: the ratios are the speed-ups;
- this engine on all cores against one, and the size of the compact record per case;
- peak memory of the whole ppcheck process tree at 20,000 and at 100,000 cases (it must not grow);
- durable-rules (a Rete engine) evaluating the deadline-type rules, one ruleset per rule, as a baseline.

Targets (the engine v2 issue): jsonl on one core >= 10x the previous release, summaries >= 15x; all cores
>= 1.8x one; memory at 100,000 cases within 10% of 20,000. ``--cases``, ``--big``, ``--previous-cases`` and
``--baseline-cases`` scale it down for a quick look.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PPCHECK = str(BIN / "ppcheck")
AS_OF = "2025-06-30"


def generate(path: Path, cases: int) -> None:
    subprocess.run([PPCHECK, "generate", "--cases", str(cases), "--seed", "2024", "--events", "150", "-o",
                    str(path)], check=True)


def enlarge(small: Path, big: Path, times: int) -> None:
    """A larger caseload made of copies of a smaller one, each copy's case ids made unique."""
    with open(big, "w", encoding="utf-8") as out:
        for copy in range(times):
            with open(small, encoding="utf-8") as source:
                for line in source:
                    out.write(line.replace('"id":"', f'"id":"K{copy}-', 1))


FLOOR = r"""
import sys, time, msgspec
from typing import Optional
class Event(msgspec.Struct):
    id: str; type: str; date: str
    ndelius_code: Optional[str] = None; mode: Optional[str] = None; outcome: Optional[str] = None
    agency: Optional[str] = None; topic: Optional[str] = None; status: Optional[str] = None
    rosh: Optional[str] = None; tool: Optional[str] = None; service: Optional[str] = None
    programme: Optional[str] = None; category: Optional[int] = None; level: Optional[int] = None
    kind: Optional[str] = None; reason: Optional[str] = None; code: Optional[str] = None; tier: Optional[str] = None
class Units(msgspec.Struct):
    region: Optional[str] = None; pdu: Optional[str] = None; team: Optional[str] = None
class Case(msgspec.Struct):
    id: str; supervision_type: str; start_date: str; expected_end_date: str
    end_date: Optional[str] = None; units: Optional[Units] = None
class Timeline(msgspec.Struct):
    case: Case; events: list[Event]
decoder = msgspec.json.Decoder(Timeline)
start = time.perf_counter(); n = 0
with open(sys.argv[1], "rb") as handle:
    for line in handle:
        decoder.decode(line); n += 1
print(n, time.perf_counter() - start)
"""


def floor(path: Path) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", FLOOR, str(path)], capture_output=True, text=True, check=True)
    n, seconds = out.stdout.split()
    return int(n), float(seconds)


PREVIOUS = "29bcbf4"  # release 0.1.0: the engine before the v2 redesign


def previous_release(workdir: Path, ref: str) -> str:
    """The ppcheck of an earlier commit of this repository, installed in a virtual environment of its own."""
    venv = workdir / f"venv-{ref}"
    command = venv / "bin" / "ppcheck"
    if not command.exists():
        source = workdir / f"source-{ref}"
        source.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(source)], input=archive, check=True)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(venv / "bin" / "pip"), "install", "--quiet", str(source)], check=True)
    return str(command)


def ppcheck(path: Path, jobs: int, fmt: str = "jsonl", program: str = PPCHECK, output: str = os.devnull,
            extra: tuple[str, ...] = ()) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB, summed over the process tree, sampled) of one run."""
    import psutil

    command = [program, str(path), "--as-of", AS_OF, "--format", fmt, "-o", output, "--jobs", str(jobs), *extra]
    start = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while process.poll() is None:
        try:
            tree = [process] + process.children(recursive=True)
            peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()) // 1024)
        except psutil.Error:
            pass
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode not in (0, 1):
        raise SystemExit(f"ppcheck failed with status {process.returncode}: {' '.join(command)}")
    return seconds, peak


BASELINE = r"""
import json, sys, time, datetime
from durable import engine
engine.Host._run = lambda self: None  # its timer threads race the asserts (tests/durable_oracle.py says why)
from durable.lang import ruleset, when_all, m, c, assert_fact, delete_state
r = json.loads(sys.argv[2])  # one rule a process: with more, durable-rules crashes (tests/durable_oracle.py)
first, last = int(sys.argv[3]), int(sys.argv[4])
name = r["id"]
count = 0
with ruleset(name):
    @when_all(c.t << (m.k == r["trigger"]),
              c.e << (m.k == r["expect"]) & (m.d >= c.t.d) & (m.d <= c.t.d + r["within"]))
    def met(c):
        global count
        count += 1
def day(text):
    return datetime.date.fromisoformat(text).toordinal()
wanted = (r["trigger"], r["expect"])
with open(sys.argv[1], encoding="utf-8") as lines:
    cases = [json.loads(line) for n, line in zip(range(last), lines) if n >= first]
for n, case in enumerate(cases, first):
    start = time.perf_counter()
    asserted = False
    for i, e in enumerate(case["events"]):
        if e["type"] in wanted:
            assert_fact(name, {"sid": n + 1, "id": f"{n}-{i}", "k": e["type"], "d": day(e["date"])})
            asserted = True
    if asserted:  # durable-rules refuses to delete a session it never saw (error 309)
        delete_state(name, n + 1)
    print(n, time.perf_counter() - start, flush=True)  # the parent restarts after a case that crashed it
"""

OURS = r"""
import json, sys, time, datetime
import ppcompliance as pp
from ppcompliance.engine.rulebook import Rulebook
ids = set(json.loads(sys.argv[2]))
rulebook = pp.load_rulebook()
subset = Rulebook(tuple(r for r in rulebook.rules if r.id in ids))
lines = [line for _, line in zip(range(int(sys.argv[3])), open(sys.argv[1], "rb"))]
as_of = datetime.date.fromisoformat(sys.argv[4])
start = time.perf_counter()
for line in lines:
    pp.evaluate(subset, pp.parse_timeline(line), as_of)
print(len(lines), time.perf_counter() - start)
"""


def deadline_rules() -> list[dict]:
    """The default rulebook's deadline and response rules as (trigger type, expected type, days)."""
    import ppcompliance as pp

    out = []
    for rule in pp.load_rulebook().rules:
        if rule.template not in ("deadline", "response") or rule.by_rosh:
            continue
        ob = rule.obligation
        expect = getattr(ob, "expect", None) or ob.respond
        days = ob.within.days * 7 // 5 if ob.within.working else ob.within.days  # working days, roughly
        out.append({"id": rule.id, "trigger": ob.trigger.matcher.types[0], "expect": expect.types[0],
                    "within": days})
    return out


def durable(path: Path, rule: dict, cases: int) -> tuple[int, float, int]:
    """durable-rules on one rule over the first ``cases`` cases: (cases done, seconds matching them, cases it
    crashed on). It crashes (SIGSEGV) on some cases, whatever its configuration (benchmarks/README.md): after a
    crash the process is started again from the next case, and the crashed case is counted, not timed."""
    done, seconds, crashed, start = 0, 0.0, 0, 0
    while start < cases:
        process = subprocess.Popen([sys.executable, "-c", BASELINE, str(path), json.dumps(rule), str(start),
                                    str(cases)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        assert process.stdout is not None
        for line in process.stdout:
            number, took = line.split()
            done, seconds, start = done + 1, seconds + float(took), int(number) + 1
        if process.wait() != 0:
            crashed, start = crashed + 1, start + 1
    return done, seconds, crashed


def baseline(path: Path, cases: int) -> tuple[tuple[float, int, int], tuple[int, float]]:
    """durable-rules and ppcompliance on the same deadline-type rules and cases. durable-rules runs one process
    per rule (tests/durable_oracle.py says why); its time for all the rules is the sum, over the rules, of its
    mean time a case on the cases it survived times the number of cases. Start-up and reading are left out."""
    rules = deadline_rules()
    seconds, crashed, pairs = 0.0, 0, 0
    for rule in rules:
        done, took, lost = durable(path, rule, cases)
        seconds += took / max(done, 1) * cases
        crashed, pairs = crashed + lost, pairs + done + lost
    ours_out = subprocess.run([sys.executable, "-c", OURS, str(path), json.dumps([r["id"] for r in rules]),
                               str(cases), AS_OF], capture_output=True, text=True, check=True)
    n, ours_seconds = ours_out.stdout.split()
    return (cases / seconds, crashed, pairs), (int(n), float(ours_seconds))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--big", type=int, default=100_000, help="cases for the second memory measurement")
    parser.add_argument("--baseline-cases", type=int, default=2_000)
    parser.add_argument("--previous-cases", type=int, default=5_000,
                        help="cases both engines evaluate for the side-by-side speed-up")
    parser.add_argument("--previous", default=PREVIOUS, help="the commit of the previous release")
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    jobs = len(os.sched_getaffinity(0))
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ppcompliance-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    small, big = workdir / f"caseload-{args.cases}.jsonl", workdir / f"caseload-{args.big}.jsonl"
    if not small.exists():
        generate(small, args.cases)
    if not big.exists():
        enlarge(small, big, max(1, args.big // args.cases))
    events = sum(len(json.loads(line)["events"]) for _, line in zip(range(500), open(small, encoding="utf-8")))
    print(f"{platform.node()}: {platform.machine()}, {jobs} cores, Python {platform.python_version()}; "
          f"{args.cases} cases, ~{events / 500:.0f} events each; as of {AS_OF}")

    n, floor_s = floor(small)
    floor_rate = n / floor_s
    # Side by side with the previous release, on the same cases, one core each.
    part = workdir / f"caseload-{args.previous_cases}.jsonl"
    if not part.exists():
        with open(small, "rb") as source, open(part, "wb") as out:
            for _, line in zip(range(args.previous_cases), source):
                out.write(line)
    older = previous_release(workdir, args.previous)
    record = workdir / "records.jsonl"
    compact_s, _ = ppcheck(part, 1, "jsonl", output=str(record))
    sizes = [len(line) for line in open(record, "rb")]
    full_s, _ = ppcheck(part, 1, "jsonl", extra=("--detail", "full"))
    summary_s, _ = ppcheck(part, 1, "json")
    old_jsonl_s, _ = ppcheck(part, 1, "jsonl", program=older)
    old_summary_s, _ = ppcheck(part, 1, "json", program=older)
    p = args.previous_cases
    print(f"\n{'':<52} {'cases/s':>10} {'ratio':>26}")
    print(f"{'floor: read + decode into typed objects':<52} {floor_rate:>10,.0f}")
    print(f"{f'previous release ({args.previous}) --format jsonl, 1 core':<52} {p / old_jsonl_s:>10,.0f}")
    print(f"{'this engine --format jsonl (compact), 1 core':<52} {p / compact_s:>10,.0f} "
          f"{old_jsonl_s / compact_s:>8.1f} x previous, {p / compact_s / floor_rate:.3f} x floor")
    print(f"{'this engine --format jsonl --detail full, 1 core':<52} {p / full_s:>10,.0f} "
          f"{old_jsonl_s / full_s:>8.1f} x previous")
    print(f"{f'previous release ({args.previous}) summary (json), 1 core':<52} {p / old_summary_s:>10,.0f}")
    print(f"{'this engine summary (json), 1 core':<52} {p / summary_s:>10,.0f} "
          f"{old_summary_s / summary_s:>8.1f} x previous")
    print(f"compact record: {sum(sizes) / len(sizes) / 1024:.2f} KiB a case on average, "
          f"{max(sizes) / 1024:.1f} KiB at most ({len(sizes)} cases)")

    one_s, one_mem = ppcheck(small, 1)
    all_s, all_mem = ppcheck(small, jobs)
    big_s, big_mem = ppcheck(big, jobs)
    one_rate, all_rate = n / one_s, n / all_s
    print(f"\n{f'this engine --format jsonl, {args.cases} cases, 1 core':<52} {one_rate:>10,.0f} "
          f"{one_rate / floor_rate:>8.3f} x floor")
    print(f"{f'this engine --format jsonl, {args.cases} cases, {jobs} cores':<52} {all_rate:>10,.0f} "
          f"{all_rate / one_rate:>8.2f} x 1 core")
    print(f"\npeak memory (process tree): {args.cases} cases {one_mem / 1024:,.0f} MiB on 1 core, "
          f"{all_mem / 1024:,.0f} MiB on {jobs}; {args.big} cases {big_mem / 1024:,.0f} MiB on {jobs} "
          f"({big_mem / all_mem:.2f} x the {args.cases}-case peak); {args.big} cases took {big_s:.0f} s")

    theirs, ours = baseline(small, args.baseline_cases)
    rules = len(deadline_rules())
    print(f"\nbaseline: the {rules} deadline-type rules alone, {args.baseline_cases} cases, one core, in-process:")
    print(f"  ppcompliance (decode, validate, evaluate): {ours[0] / ours[1]:,.0f} cases/s")
    their_rate, crashed, pairs = theirs
    print(f"  durable-rules (one ruleset per rule, match only, no explanation): {their_rate:,.0f} cases/s; "
          f"ppcompliance is {(ours[0] / ours[1]) / their_rate:.1f}x")
    print(f"  durable-rules crashed (SIGSEGV) on {crashed:,} of {pairs:,} rule-case pairs (restarted after each)")


if __name__ == "__main__":
    main()
