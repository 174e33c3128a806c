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
    assert "1,500 cases read: 1,500 evaluated, 0 rejected" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    wanted = [json.loads(line)["case"]["id"] for line in caseload.read_text(encoding="utf-8").splitlines()]
    assert [r["case_id"] for r in records] == wanted  # every case, once, in input order


def _temp_beside(target: Path) -> Path | None:
    found = sorted(target.parent.glob(f".{target.name}.*.tmp"))
    return found[0] if found else None


def test_ctrl_c_keeps_the_old_file_and_the_records_read_as_partial(caseload, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("last week's records\n", encoding="utf-8")
    process = _start(str(caseload), "--as-of", AS_OF, "-f", "jsonl", "--detail", "full", "-o", str(out),
                     "--jobs", "2", stdout=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        temp = _temp_beside(out)
        if temp is not None and temp.exists() and temp.stat().st_size > 2_000_000:
            break
        time.sleep(0.02)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    partial = tmp_path / "out.partial.jsonl"
    assert "ppcheck: interrupted after" in err and f"(the last was {caseload}:" in err
    assert f"the records of the cases read are in {partial} ({out} is unchanged)" in err
    assert out.read_text(encoding="utf-8") == "last week's records\n"  # the old file is untouched
    lines = partial.read_text(encoding="utf-8").splitlines()
    assert lines and all(json.loads(line)["case_id"] for line in lines)  # every record whole
    read = int(err.split("interrupted after ")[1].split()[0].replace(",", ""))
    assert len(lines) == read
    assert _temp_beside(out) is None  # nothing left behind


def test_ctrl_c_during_a_summary_keeps_the_old_report(caseload, tmp_path):
    out = tmp_path / "report.html"
    out.write_text("<p>last week</p>\n", encoding="utf-8")
    process = _start(str(caseload), str(caseload), "--as-of", AS_OF, "-f", "csv", "-o", str(out), "--jobs", "1",
                     stdout=subprocess.DEVNULL)
    time.sleep(1.0)
    assert process.poll() is None, "the run ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=120)
    assert process.returncode == 130, err
    assert "Traceback" not in err and f"no summary was written ({out} is unchanged)" in err
    assert out.read_text(encoding="utf-8") == "<p>last week</p>\n"
    assert _temp_beside(out) is None


def test_the_summary_does_not_depend_on_the_order_of_the_files(tmp_path):
    examples = sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.json"))
    forward = subprocess.run([PPCHECK, *map(str, examples), "--as-of", "2024-06-30", "-f", "json"],
                             capture_output=True, text=True)
    backward = subprocess.run([PPCHECK, *map(str, reversed(examples)), "--as-of", "2024-06-30", "-f", "json"],
                              capture_output=True, text=True)
    assert forward.returncode == backward.returncode == 1
    assert forward.stdout == backward.stdout
