"""How fast a timeline is validated: python-jsonschema, the fast check, and json.loads alone, side by side.

Run: python benchmarks/validation.py [--events 150] [--timelines 100] [--rounds 5]

Builds distinct timelines of N events each from the example timelines' events (new ids, every date moved by
a different number of days per timeline, so they are not one timeline repeated), checks that both validators
accept them all, then times each way over the same timelines in interleaved rounds and prints the median rate
and the ratios. jsonschema is timed on a tenth of the timelines per round (it is that much slower). The fast
check's remembered dates are warm after the first round, as they are in any caseload run.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from ppcompliance import _fastcheck
from ppcompliance.schemas import validator

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def _shift(day: str, days: int) -> str:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat()


def build_timelines(count: int, events: int, seed: int = 1) -> list[str]:
    """``count`` valid timelines of ``events`` events each, as JSON text."""
    examples = [json.loads(path.read_text(encoding="utf-8")) for path in EXAMPLES]
    pool = [event for example in examples for event in example["events"]]
    rng = random.Random(seed)
    texts = []
    for number in range(count):
        offset = rng.randint(-1500, 1500)
        case = dict(examples[number % len(examples)]["case"], id=f"X{number:06d}")
        for field in ("start_date", "expected_end_date", "end_date"):
            if field in case:
                case[field] = _shift(case[field], offset)
        drawn = [pool[(number * 7 + k) % len(pool)] for k in range(events)]
        timeline = {
            "case": case,
            "events": [dict(e, id=f"E{k:05d}", date=_shift(e["date"], offset)) for k, e in enumerate(drawn)],
        }
        texts.append(json.dumps(timeline))
    return texts


def rate(work, items: list) -> float:
    """Items per second for ``work`` over ``items``."""
    start = time.perf_counter()
    for item in items:
        work(item)
    return len(items) / (time.perf_counter() - start)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=150)
    parser.add_argument("--timelines", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()

    texts = build_timelines(options.timelines, options.events)
    decoded = [json.loads(text) for text in texts]
    schema = validator("timeline")
    assert all(schema.is_valid(d) for d in decoded), "the benchmark timelines must be valid"
    assert all(_fastcheck.valid(d) for d in decoded)
    few = decoded[: max(1, len(decoded) // 10)]

    ways = {
        "jsonschema is_valid": (schema.is_valid, few),
        "fast check": (_fastcheck.valid, decoded),
        "json.loads alone": (json.loads, texts),
        "json.loads + fast check": (lambda text: _fastcheck.valid(json.loads(text)), texts),
    }
    rates: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(options.rounds):  # interleaved, so drift on a shared machine hits every way alike
        for name, (work, items) in ways.items():
            rates[name].append(rate(work, items))
    median = {name: statistics.median(values) for name, values in rates.items()}

    size = statistics.mean(len(text) for text in texts) / 1024
    print(f"{options.timelines} timelines of {options.events} events ({size:.0f} KiB of JSON each), "
          f"median of {options.rounds} rounds")
    print(f"{'way':<26} {'timelines/s':>12} {'x jsonschema':>13} {'x json.loads':>13}")
    for name, value in median.items():
        print(f"{name:<26} {value:>12,.0f} {value / median['jsonschema is_valid']:>13.1f} "
              f"{value / median['json.loads alone']:>13.2f}")
    print(f"fast check / jsonschema: {median['fast check'] / median['jsonschema is_valid']:.0f}x; "
          f"fast check takes {median['json.loads alone'] / median['fast check']:.2f}x the time json.loads does")


if __name__ == "__main__":
    main()
