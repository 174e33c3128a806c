"""A caseload in partitions, and on Dask: the merged parts are exactly a single run's, in every output format,
even when a worker is killed mid-run; a cluster that cannot be reached is a located, coded error.

The partition tests need no Dask; the cluster tests run on one LocalCluster of two worker processes.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from ppcompliance.caseload.distributed import Spec, Total, check_items, check_partition, merge_all, plan
from ppcompliance.caseload.distributed.partition import Files, Lines, Rows, line_ranges, partition_items
from ppcompliance.caseload.ids import repeated
from ppcompliance.caseload.inputs import items
from ppcompliance.caseload.summary import Caseload
from ppcompliance.caseload.work import CheckOptions, CaseResult, Selection, check_case, rejected_record

from conftest import EXAMPLES, ROOT

PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
AS_OF = "2025-06-30"
DAY = date(2025, 6, 30)


def run(*args, stdin=None):
    return subprocess.run([PPCHECK, *args], capture_output=True, timeout=180, input=stdin)


@pytest.fixture(scope="module")
def caseload(tmp_path_factory) -> Path:
    """A caseload of 400 generated cases in one JSON Lines file with what a run must account for: a line that
    is not JSON, a blank line, an invalid case, case ids repeated far apart (so in different partitions), and
    a repeat of a repeat; beside it a folder with one whole-file timeline and a second JSON Lines file."""
    folder = tmp_path_factory.mktemp("caseload")
    made = run("generate", "--cases", "400", "--seed", "11", "-o", str(folder / "generated.jsonl"))
    assert made.returncode == 0, made.stderr
    lines = (folder / "generated.jsonl").read_bytes().splitlines(keepends=True)
    broken = json.loads(lines[40])
    broken["case"]["start_date"] = "2024-02-30"
    lines[40] = json.dumps(broken).encode() + b"\n"
    lines[7:7] = [b"{not json\n", b"\n"]
    lines.insert(300, lines[3])  # read again ~300 lines later: rejected, as caseload-duplicate-case
    lines.append(lines[3])  # and again at the very end
    lines.append(lines[120])
    (folder / "cases.jsonl").write_bytes(b"".join(lines))
    (folder / "generated.jsonl").unlink()
    more = folder / "more"
    more.mkdir()
    (more / "a.json").write_bytes((EXAMPLES / "licence-near-end.json").read_bytes())
    (more / "b.jsonl").write_bytes(lines[200] + lines[5])  # a repeat of an id read in the other file
    return folder


def _single_run(found, spec: Spec, rulebook):
    """What ``ppcheck check`` does with the cases, written out by hand: its loop over the results in order."""
    caseload = spec.caseload(rulebook)
    records = []
    for item in found:
        result = check_case(rulebook, spec.options, item)
        accepted = caseload.add(result)
        if spec.records and (accepted or caseload.last_problems):
            records.append(result.record if accepted else rejected_record(result, caseload.last_problems))
    return caseload, "".join(r + "\n" for r in records)


def _paths(folder: Path) -> list[str]:
    return [str(folder / "cases.jsonl"), str(folder / "more")]


# --- partitions, without Dask ------------------------------------------------------------------------------------


def test_line_ranges_cover_the_file_on_line_boundaries_with_the_right_line_numbers(caseload):
    path = caseload / "cases.jsonl"
    data = path.read_bytes()
    ranges = list(line_ranges(path, 50_000))
    assert len(ranges) > 10
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    for (_, end, first), (start, _, next_first) in zip(ranges, ranges[1:]):
        assert end == start and data[start - 1:start] == b"\n"
        assert next_first == data[:start].count(b"\n") + 1
    read = [item for start, end, first in ranges for item in partition_items(Lines(str(path), start, end, first))]
    assert read == list(items([str(path)]))


def test_a_file_gone_since_planning_is_reported_once_as_a_single_run_reports_it(tmp_path):
    gone = str(tmp_path / "gone.jsonl")
    assert list(partition_items(Lines(gone, 0, 100, 1))) == list(items([gone]))
    assert list(partition_items(Lines(gone, 100, 200, 3))) == []
    assert [i.problem.code for i in partition_items(Files((gone,)))] == ["timeline-not-found"]


@pytest.mark.parametrize("by, limit, detail", [(None, 200, "compact"), ("team", 3, "none"), ("pdu", 0, "full")])
def test_parts_merged_in_order_are_the_single_run(caseload, rulebook, by, limit, detail):
    """Counts add, the bounded worklists and justified lists keep the rows a single run keeps (here as few as 3,
    or none), rejected cases keep their order, and an id repeated in a later partition is rejected there."""
    spec = Spec(CheckOptions(DAY, 14, detail, Selection({"region": frozenset({"R1", "R2"})}) if by == "pdu"
                             else Selection()), by, include_closed=by == "team", worklist_limit=limit)
    paths = _paths(caseload)
    whole, whole_records = _single_run(items(paths), spec, rulebook)
    planned = list(plan(paths, 40_000))
    assert len(planned) > 10 and {type(p.partition) for p in planned} == {Lines, Files}
    parts = [check_partition(rulebook, spec, p.partition) for p in planned]
    redone = []

    def again(i, earlier):
        redone.append(i)
        return check_partition(rulebook, spec, planned[i].partition, earlier)

    total = Total(rulebook, spec)
    records = []
    for i, part in enumerate(parts):
        if not total.add(part):
            part = again(i, total.caseload.seen)
            assert total.add(part)
        records.append(part.records)
    assert len(redone) >= 2  # the repeats far down the file, and the one in the other file
    assert total.caseload.summary().as_dict() == whole.summary().as_dict()
    assert "".join(records) == whole_records
    assert merge_all(rulebook, spec, parts, again).summary().as_dict() == whole.summary().as_dict()
    summary = whole.summary()
    # Not JSON, invalid, and five repeats: two of case 4, one of case 121 at the end, two in more/b.jsonl.
    assert summary.inputs.rejected == 7
    assert [d.code for d in summary.rejected].count("caseload-duplicate-case") == 5


@pytest.fixture(scope="module")
def parquet_caseload(caseload) -> Path:
    """The JSON Lines caseload's lines as a Parquet caseload in row groups of 40 rows (a row with no timeline in
    place of the blank line), and a second file with one more case and a repeat of a case of the first."""
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    lines = [line.decode() or None for line in (caseload / "cases.jsonl").read_bytes().splitlines()]
    path = caseload.parent / f"{caseload.name}-cases.parquet"
    pq.write_table(pa.table({"timeline": lines}), path, row_group_size=40)
    more = caseload.parent / f"{caseload.name}-more.parquet"
    pq.write_table(pa.table({"timeline": [lines[200], lines[5]]}), more)
    return path


def test_row_group_ranges_cover_a_parquet_caseload_in_order_with_its_row_numbers(parquet_caseload, rulebook):
    planned = list(plan([str(parquet_caseload)], 60_000))
    assert len(planned) > 3 and all(isinstance(p.partition, Rows) for p in planned)
    assert [(p.partition.start, p.partition.stop) for p in planned][0][0] == 0
    for before, after in zip(planned, planned[1:]):
        assert before.partition.stop == after.partition.start
    read = [item for p in planned for item in partition_items(p.partition)]
    assert read == list(items([str(parquet_caseload)]))
    assert [i.line for i in read] == list(range(1, len(read) + 1))
    assert sum(i.size for i in read) == sum(p.size for p in planned) == parquet_caseload.stat().st_size
    spec = Spec(CheckOptions(DAY, 14, "compact"))
    parts = [check_partition(rulebook, spec, p.partition) for p in planned]
    whole, records = _single_run(items([str(parquet_caseload)]), spec, rulebook)
    redone = []

    def again(i, earlier):
        redone.append(i)
        return check_partition(rulebook, spec, planned[i].partition, earlier)

    assert merge_all(rulebook, spec, parts, again).summary().as_dict() == whole.summary().as_dict()
    assert redone  # the repeats far down the file
    assert whole.summary().inputs.rejected == 6  # not JSON, no timeline, invalid, and three repeats


def test_a_parquet_file_gone_since_planning_is_reported_once(tmp_path):
    gone = str(tmp_path / "gone.parquet")
    assert [i.problem.code for i in partition_items(Rows(gone, 0, 2))] == ["timeline-not-found"]
    assert list(partition_items(Rows(gone, 2, 4))) == []


def test_merging_parts_that_share_a_case_id_is_refused(rulebook):
    """A single run rejects the later of two cases with one id; a merge cannot take the case out again, so it
    refuses rather than count it twice."""
    first, second = Caseload(rulebook, DAY), Caseload(rulebook, DAY)
    for caseload in (first, second):
        assert caseload.add(CaseResult("c.jsonl", 1, "X1", states=b""))
    with pytest.raises(ValueError, match="share a case id"):
        first.merge(second)


def test_a_case_read_by_an_earlier_part_is_rejected_as_a_single_run_rejects_it(caseload, rulebook):
    spec = Spec(CheckOptions(DAY, 14, "compact"))
    found = list(items([str(caseload / "cases.jsonl")]))[:3]
    earlier = check_items(rulebook, spec, found[:2]).state["seen"]
    part = check_items(rulebook, spec, found[1:], earlier)
    case_id = json.loads(found[1].text)["case"]["id"]
    assert part.state["rejected"] == [repeated(found[1].source, found[1].line, case_id)]
    assert part.records.splitlines()[0].startswith('{"format": "ppcompliance.rejected/1"')
    assert part.cases == 2 and part.state["evaluated"] == 1


# --- on Dask -------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    distributed = pytest.importorskip("distributed")
    import logging

    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                                  silence_logs=logging.ERROR) as local:
        with distributed.Client(local) as client:
            yield local, client


FORMATS = [("json",), ("text",), ("csv",), ("markdown",), ("jsonl",), ("json", "--by", "team", "--within", "30d")]


@pytest.mark.parametrize("args", FORMATS, ids=[" ".join(a) for a in FORMATS])
def test_output_on_the_cluster_is_byte_for_byte_the_local_run(caseload, cluster, args):
    local, _ = cluster
    common = [*_paths(caseload), "--as-of", AS_OF, "--format", *args]
    here = run(*common)
    there = run(*common, "--scheduler", local.scheduler_address)
    assert here.returncode == 2, here.stderr  # cases were rejected
    assert (there.returncode, there.stdout, there.stderr) == (here.returncode, here.stdout, here.stderr)
    assert b"caseload-duplicate-case" in here.stderr and b"Traceback" not in there.stderr


@pytest.mark.parametrize("args", [("json",), ("jsonl",)])
def test_a_parquet_caseload_on_the_cluster_is_byte_for_byte_the_local_run(parquet_caseload, cluster, args):
    local, _ = cluster
    more = parquet_caseload.with_name(parquet_caseload.name.replace("-cases", "-more"))
    common = [str(parquet_caseload), str(more), "--as-of", AS_OF, "--format", *args]
    here = run(*common)
    there = run(*common, "--scheduler", local.scheduler_address)
    assert here.returncode == 2, here.stderr  # cases were rejected
    assert (there.returncode, there.stdout, there.stderr) == (here.returncode, here.stdout, here.stderr)
    assert b"caseload-duplicate-case" in here.stderr and b"Traceback" not in there.stderr


def test_a_local_cluster_started_for_the_run_gives_the_same_output(caseload):
    pytest.importorskip("distributed")
    common = [str(caseload / "cases.jsonl"), "--as-of", AS_OF, "--format", "jsonl"]
    here = run(*common)
    there = run(*common, "--cluster", "local:2")
    assert (there.returncode, there.stdout, there.stderr) == (here.returncode, here.stdout, here.stderr)


def _dies_once(fingerprint, spec, partition, earlier=None):
    """A partition task that kills its own worker process the first time a worker runs it on a JSON Lines file
    (marked by a file beside that one, so the worker that takes the partition over does not die too)."""
    from ppcompliance.caseload.distributed.cluster import evaluate
    from ppcompliance.caseload.distributed.partition import Lines

    if isinstance(partition, Lines):
        try:
            os.close(os.open(partition.path + ".killed", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            pass
        else:
            os.kill(os.getpid(), signal.SIGKILL)
    return evaluate(fingerprint, spec, partition, earlier)


def test_a_worker_killed_mid_run_loses_nothing(caseload, cluster, rulebook):
    import cloudpickle

    from ppcompliance.caseload.distributed.cluster import run as run_on

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # the workers cannot import this test module
    _, client = cluster
    spec = Spec(CheckOptions(DAY, 14, "compact"))
    paths = _paths(caseload)
    whole, whole_records = _single_run(items(paths), spec, rulebook)
    marker = caseload / "cases.jsonl.killed"
    records, total = [], None
    for part, total in run_on(client, rulebook, spec, plan(paths, 40_000), _dies_once):
        records.append(part.records)
    assert os.path.exists(marker)  # a worker was killed
    assert total.caseload.summary().as_dict() == whole.summary().as_dict()
    assert "".join(records) == whole_records
    deadline = time.monotonic() + 30
    while len(client.nthreads()) < 2 and time.monotonic() < deadline:  # the nanny restarts it, for what follows
        time.sleep(0.2)


@pytest.mark.parametrize("listening", [False, True], ids=["nothing listens", "something silent listens"])
def test_a_scheduler_that_cannot_be_reached_is_a_coded_error_in_bounded_time(caseload, listening):
    pytest.importorskip("distributed")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
        if listening:
            s.listen()  # the kernel accepts the connection; nothing ever answers
        else:
            s.close()
        started = time.monotonic()
        result = run(str(caseload / "cases.jsonl"), "--scheduler", f"tcp://127.0.0.1:{port}",
                     "--connect-timeout", "2")
    assert time.monotonic() - started < 30
    assert result.returncode == 2
    err = result.stderr.decode()
    assert f"tcp://127.0.0.1:{port}: scheduler-unreachable:" in err and "Traceback" not in err, err
    assert result.stdout == b""


@pytest.mark.parametrize("args, hint", [
    (["--cluster", "remote:2"], "use local:N"),
    (["--cluster", "local:0"], "use local:N"),
    (["--cluster", "local:2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    (["--cluster", "local:2", "--jobs", "2"], "--jobs is for a run on this machine"),
])
def test_dask_options_given_wrongly_are_usage_errors(caseload, args, hint):
    result = run(str(caseload / "cases.jsonl"), *args)
    assert result.returncode == 2 and hint in result.stderr.decode() and b"Traceback" not in result.stderr


# --- the Spark example's partition function, without Spark ---------------------------------------------------------


def test_the_spark_example_partition_function_gives_the_single_run(caseload, rulebook):
    spec_path = ROOT / "examples" / "spark_partition.py"
    module_spec = importlib.util.spec_from_file_location("spark_partition", spec_path)
    example = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(example)
    path = caseload / "cases.jsonl"
    lines = path.read_bytes().decode().splitlines()
    rows = [(text, number) for number, text in enumerate(lines, 1)]  # as zipWithIndex gives them, 1-based
    options = example.options(AS_OF, str(path))
    parts = [next(example.check_partition(iter(rows[i:i + 97]), options)) for i in range(0, len(rows), 97)]
    summary = example.merge(parts, options, lambda index, earlier: example.check_rows(
        rows[index * 97:(index + 1) * 97], options, earlier))
    spec = Spec(CheckOptions(DAY, 14, "none"))
    whole, _ = _single_run(items([str(path)]), spec, rulebook)
    assert summary == whole.summary().as_dict()
