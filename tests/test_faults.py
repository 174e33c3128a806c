"""Nothing lost under faults: a worker killed mid-run, Ctrl-C, and the order in which files are given."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
AS_OF = "2025-06-30"


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("faults") / "cases.jsonl"
    subprocess.run([PPCHECK, "generate", "--cases", "1500", "--seed", "3", "-o", str(path)], check=True)
    return path


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


def _start(*args, stdout) -> subprocess.Popen:
    return subprocess.Popen([PPCHECK, *args], stdout=stdout, stderr=subprocess.PIPE, text=True)


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the worker processes")
def test_a_worker_killed_mid_run_loses_no_case(caseload, tmp_path):
    out = tmp_path / "out.jsonl"
    process = _start(str(caseload), "--as-of", AS_OF, "-f", "jsonl", "-o", str(out), "--jobs", "2",
                     stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while not workers and time.monotonic() < deadline and process.poll() is None:
        workers = _children(process.pid)
        time.sleep(0.05)
    assert workers, "no worker process appeared"
    time.sleep(0.5)  # let it get going
    os.kill(workers[0], signal.SIGKILL)
    _, err = process.communicate(timeout=300)
    assert "Traceback" not in err, err
    assert "a worker process stopped" in err
    assert "1500 cases read: 1500 evaluated, 0 rejected" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    wanted = [json.loads(line)["case"]["id"] for line in caseload.read_text(encoding="utf-8").splitlines()]
    assert [r["case_id"] for r in records] == wanted  # every case, once, in input order


def test_ctrl_c_leaves_complete_records_and_says_where_it_stopped(caseload, tmp_path):
    out = tmp_path / "out.jsonl"
    process = _start(str(caseload), "--as-of", AS_OF, "-f", "jsonl", "-o", str(out), "--jobs", "2",
                     stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while (not out.exists() or out.stat().st_size < 200_000) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "ppcheck: interrupted after" in err and f"(the last was {caseload}:" in err
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["case_id"] for line in lines)  # every record whole
    read = int(err.split("interrupted after ")[1].split()[0])
    assert len(lines) == read


def test_the_summary_does_not_depend_on_the_order_of_the_files(tmp_path):
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
    forward = subprocess.run([PPCHECK, *map(str, examples), "--as-of", "2024-06-30", "-f", "json"],
                             capture_output=True, text=True)
    backward = subprocess.run([PPCHECK, *map(str, reversed(examples)), "--as-of", "2024-06-30", "-f", "json"],
                              capture_output=True, text=True)
    assert forward.returncode == backward.returncode == 1
    assert forward.stdout == backward.stdout
