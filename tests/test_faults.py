"""Nothing lost under faults: a worker killed mid-run, Ctrl-C, and the order in which files are given."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
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


class Feed:
    """A caseload given on standard input in two parts: the run cannot end before ``rest()`` is called, so a
    fault is always injected mid-run, however fast the engine is."""

    def __init__(self, caseload: Path, *args: str) -> None:
        self.lines = caseload.read_bytes().splitlines(keepends=True)
        # Ctrl-C as a terminal sends it: a suite started where SIGINT is ignored (a background job of a script)
        # would otherwise pass that on, and ppcheck, rightly, would ignore it too.
        self.process = subprocess.Popen([PPCHECK, "-", *args], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.go_on = threading.Event()
        self.half_read = threading.Event()  # all but a pipe's buffer of the first half has been read
        self.writer = threading.Thread(target=self._write, daemon=True)
        self.writer.start()

    def _write(self) -> None:
        half = len(self.lines) // 2
        try:
            self.process.stdin.writelines(self.lines[:half])
            self.process.stdin.flush()
            self.half_read.set()
            self.go_on.wait()
            self.process.stdin.writelines(self.lines[half:])
            self.process.stdin.close()
        except (BrokenPipeError, ValueError):  # it stopped reading: interrupted
            pass

    def rest(self) -> tuple[int, str]:
        """Give the rest of the input; the exit status and standard error."""
        self.go_on.set()
        self.writer.join(timeout=300)
        err = self.process.stderr.read()  # to its end: the process has finished writing to it
        return self.process.wait(timeout=300), err.decode("utf-8")


def _until(check, what: str, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.02)
    raise AssertionError(f"gave up waiting for {what}")


def _temp_beside(target: Path) -> Path | None:
    found = sorted(target.parent.glob(f".{target.name}.*.tmp"))
    return found[0] if found else None


def _written(target: Path, size: int) -> bool:
    temp = _temp_beside(target)
    try:
        return temp is not None and temp.stat().st_size >= size
    except OSError:
        return False


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="needs /proc to find the worker processes")
def test_a_worker_killed_mid_run_loses_no_case(caseload, tmp_path):
    out = tmp_path / "out.jsonl"
    feed = Feed(caseload, "--as-of", AS_OF, "-f", "jsonl", "-o", str(out), "--jobs", "2")
    workers = _until(lambda: _children(feed.process.pid), "the worker processes")
    _until(lambda: _written(out, 10_000), "the first records")
    os.kill(workers[0], signal.SIGKILL)
    status, err = feed.rest()
    assert status == 0 or status == 1, err
    assert "Traceback" not in err, err
    assert "a worker process stopped (killed by SIGKILL)" in err
    assert "1,500 cases read: 1,500 evaluated, 0 rejected" in err
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    wanted = [json.loads(line)["case"]["id"] for line in caseload.read_text(encoding="utf-8").splitlines()]
    assert [r["case_id"] for r in records] == wanted  # every case, once, in input order


def test_ctrl_c_keeps_the_old_file_and_the_records_read_as_partial(caseload, tmp_path):
    out = tmp_path / "out.jsonl"
    out.write_text("last week's records\n", encoding="utf-8")
    feed = Feed(caseload, "--as-of", AS_OF, "-f", "jsonl", "--detail", "full", "-o", str(out), "--jobs", "2")
    _until(lambda: _written(out, 200_000), "the first records")
    feed.process.send_signal(signal.SIGINT)
    status, err = feed.rest()
    assert status == 130, err
    assert "Traceback" not in err
    partial = tmp_path / "out.partial.jsonl"
    assert "ppcheck: interrupted after" in err and "(the last was <stdin>:" in err
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
    feed = Feed(caseload, "--as-of", AS_OF, "-f", "csv", "-o", str(out), "--jobs", "1")
    _until(feed.half_read.is_set, "the first half of the input to be read")
    feed.process.send_signal(signal.SIGINT)
    status, err = feed.rest()
    assert status == 130, err
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
