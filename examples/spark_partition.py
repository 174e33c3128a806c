"""A caseload checked by a Spark job: the same partition function ``ppcheck --scheduler`` runs on Dask, called from
``mapPartitions`` (or ``mapInPandas``), and the parts merged on the driver into exactly the summary
``ppcheck caseload.jsonl --format json`` prints.

Run it with Spark (not part of the test suite; ``tests/test_dask.py`` tests the functions without Spark):

    spark-submit examples/spark_partition.py caseload.jsonl 2025-06-30 > summary.json

Every executor needs ppcompliance installed (the rulebook is compiled once per executor process). The input is
JSON Lines, one case a line; each line keeps its line number (``zipWithIndex``), so problems are located as a
local run locates them. docs/scale-out.md explains the design.
"""

from __future__ import annotations

import json
import pickle
import sys
from datetime import date
from functools import lru_cache
from typing import Any, Callable, Iterable, Iterator

from ppcompliance import load_rulebook
from ppcompliance.caseload.distributed import Part, Spec, check_items, merge_all
from ppcompliance.caseload.ids import CaseIds
from ppcompliance.caseload.inputs import Item
from ppcompliance.caseload.work import CheckOptions
from ppcompliance.engine.rulebook import Rulebook

Row = tuple[str, int]  # (the line's text, its line number from 1)


def options(as_of: str, source: str, rules: str | None = None) -> dict[str, Any]:
    """What every partition needs to know, as plain data Spark ships to the executors."""
    return {"as_of": as_of, "source": source, "rules": rules}


@lru_cache(maxsize=4)
def rulebook(rules: str | None) -> Rulebook:
    """The compiled rulebook, once per executor process (the rule files must be readable there)."""
    return load_rulebook(rules)


def _spec(opts: dict[str, Any]) -> Spec:
    return Spec(CheckOptions(date.fromisoformat(opts["as_of"])))


def check_rows(rows: Iterable[Row], opts: dict[str, Any], earlier: CaseIds | None = None) -> Part:
    """One partition's lines checked into a part (blank lines are skipped, as a local run skips them)."""
    found = (Item(opts["source"], number, text.encode("utf-8"), size=len(text) + 1)
             for text, number in rows if text.strip())
    return check_items(rulebook(opts["rules"]), _spec(opts), found, earlier)


def check_partition(rows: Iterator[Row], opts: dict[str, Any]) -> Iterator[Part]:
    """For ``rdd.mapPartitions``: a partition's rows in, one part out."""
    yield check_rows(rows, opts)


def check_batches(batches: Iterator[Any], opts: dict[str, Any]) -> Iterator[Any]:
    """For ``DataFrame.mapInPandas`` (columns ``line``: long, ``text``: string; schema ``first long, part
    binary``): the part of each batch, pickled, with the number of its first line to put the parts in order."""
    import pandas as pd

    for batch in batches:
        rows = list(zip(batch["text"], batch["line"]))
        if rows:
            first = min(number for _, number in rows)
            yield pd.DataFrame({"first": [first], "part": [pickle.dumps(check_rows(rows, opts))]})


def merge(parts: list[Part], opts: dict[str, Any], again: Callable[[int, CaseIds], Part]) -> dict[str, Any]:
    """The parts, in input order, merged into the summary (``--format json``'s document). ``again(i, earlier)``
    checks the i-th partition again knowing the ids read before it: needed only when a case id is repeated
    across partitions, which a single run rejects in the later one."""
    caseload = merge_all(rulebook(opts["rules"]), _spec(opts), parts, again)
    return caseload.summary().as_dict()


def main(path: str, as_of: str) -> None:  # pragma: no cover - needs Spark
    from pyspark.sql import SparkSession

    spark = SparkSession.builder.appName("ppcheck").getOrCreate()
    opts = options(as_of, path)
    # Each line with its number (from 1); the partitions keep the file's order, and collect() keeps theirs.
    lines = spark.sparkContext.textFile(path).zipWithIndex().map(lambda pair: (pair[0], pair[1] + 1)).cache()
    parts = lines.mapPartitions(lambda rows: check_partition(rows, opts)).collect()

    def again(index: int, earlier: CaseIds) -> Part:
        rows = lines.mapPartitionsWithIndex(lambda i, rows: rows if i == index else iter(())).collect()
        return check_rows(rows, opts, earlier)

    sys.stdout.write(json.dumps(merge(parts, opts, again), indent=2, ensure_ascii=False) + "\n")
    spark.stop()


if __name__ == "__main__":  # pragma: no cover
    main(sys.argv[1], sys.argv[2])
