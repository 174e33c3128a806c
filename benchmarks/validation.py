"""How fast a timeline is read and validated: json.loads alone, python-jsonschema, and the typed decoder, side by side.

Run: python benchmarks/validation.py [--events 150] [--timelines 100] [--rounds 5]

Builds distinct timelines of N events each from the example timelines' events (new ids, every date moved by
a different number of days per timeline, so they are not one timeline repeated), checks that the published
schema and the engine accept them all, then times each way over the same timelines in interleaved rounds and
prints the median rate and the ratios. jsonschema is timed on a tenth of the timelines per round (it is that
much slower). "parse_timeline" is what a caseload run does per case: decode the text straight into typed
event objects generated from the timeline schema (msgspec), then build the engine's Timeline; only a
timeline the typed decoder refuses goes to python-jsonschema, for its located messages.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from ppcompliance.schemas import validator
from ppcompliance.timeline.load import _DECODER, parse_timeline

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
    for text in texts:
        parse_timeline(text)  # raises if the engine refuses one
    few = [text for text in texts[: max(1, len(texts) // 10)]]
    encoded = [text.encode() for text in texts]

    ways = {
        "json.loads alone": (json.loads, texts),
        "json.loads + jsonschema": (lambda text: schema.is_valid(json.loads(text)), few),
        "typed decode alone": (_DECODER.decode, encoded),
        "parse_timeline": (parse_timeline, encoded),
    }
    rates: dict[str, list[float]] = {name: [] for name in ways}
    for _ in range(options.rounds):  # interleaved, so drift on a shared machine hits every way alike
        for name, (work, items) in ways.items():
            rates[name].append(rate(work, items))
    median = {name: statistics.median(values) for name, values in rates.items()}

    size = statistics.mean(len(text) for text in texts) / 1024
    print(f"{options.timelines} timelines of {options.events} events ({size:.0f} KiB of JSON each), "
          f"median of {options.rounds} rounds")
    print(f"{'way':<26} {'timelines/s':>12} {'µs each':>9} {'x jsonschema':>13} {'x json.loads':>13}")
    for name, value in median.items():
        print(f"{name:<26} {value:>12,.0f} {1e6 / value:>9,.0f} {value / median['json.loads + jsonschema']:>13.1f} "
              f"{value / median['json.loads alone']:>13.2f}")


if __name__ == "__main__":
    main()
