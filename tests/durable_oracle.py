"""An independent oracle in durable-rules (a Rete engine), run as a child process (it can crash: BRIEF §6).

Protocol: one JSON request per line on standard input, one JSON answer per line on standard output.
A request: {"rules": [...], "case": n, "events": [{"id", "type", "day"}], "as_of": day} with days as ordinals.
Each rule: {"id", "kind": "deadline"|"response"|"precedence", "trigger", "expect", "within", "first": bool}.
The answer: {rule id: {trigger event id: [found in time?, found late?]}} — the joins, done by the Rete network;
the test turns them into verdicts with the documented arithmetic, which is too simple to get wrong.

Each join is its own ruleset (durable-rules crashes with more than one rule in a ruleset), facts carry unique
ids, and each case's state is deleted afterwards.

How it is kept alive (what durable-rules survives, measured on 80,000 generated requests with none lost):
its host's two timer threads are never started (they call into the engine while facts are asserted: a data
race that crashed about one request in a thousand, at random, with SIGSEGV or "free(): invalid pointer");
each process defines the rulesets of **one** rule only (with two rules' four rulesets in one process, some
requests crashed every time); and each request is its own session. The test harness
(tests/test_durable_oracle.py) runs one process per rule, restarts a crashed process and asks once more, and
fails the test, as a harness problem, if it crashes again.

A request ``{"crash": true}`` makes the process kill itself with SIGSEGV, so that the harness's restart can be
tested.
"""

import json
import os
import signal
import sys

from durable import engine
from durable.lang import assert_fact, c, delete_state, m, ruleset, when_all

# durable-rules' host starts two timer threads that keep calling into the engine (queued events and timers,
# which the oracle does not use) while the main thread asserts facts: a data race in its C core, which crashed
# the process (SIGSEGV) on about one request in a thousand, at random. The host is made without them.
engine.Host._run = lambda self: None

found: dict = {}


def _define(rule: dict) -> None:
    """Two rulesets per rule, one join each (a second rule in one ruleset crashes durable-rules here)."""
    name, within = rule["id"], rule["within"]
    precedence = rule["kind"] == "precedence"

    def record(which: int):
        def action(c):
            found[name].setdefault(c.t.eid, [False, False])[which] = True
        return action

    with ruleset(f"{name}-in-time"):
        if precedence:
            when_all(c.t << (m.k == "trigger"), c.e << (m.k == "expect") & (m.d <= c.t.d))(record(0))
        else:
            when_all(c.t << (m.k == "trigger"),
                     c.e << (m.k == "expect") & (m.d >= c.t.d) & (m.d <= c.t.d + within))(record(0))
    with ruleset(f"{name}-late"):
        if precedence:
            when_all(c.t << (m.k == "trigger"), c.e << (m.k == "expect") & (m.d > c.t.d))(record(1))
        else:
            when_all(c.t << (m.k == "trigger"), c.e << (m.k == "expect") & (m.d > c.t.d + within))(record(1))


def main() -> None:
    defined: set = set()
    for line in sys.stdin:
        request = json.loads(line)
        if request.get("crash"):
            os.kill(os.getpid(), signal.SIGSEGV)
        answer = {}
        for rule in request["rules"]:
            if rule["id"] not in defined:
                _define(rule)
                defined.add(rule["id"])
            name, sid = rule["id"], request["case"]
            found[name] = {}
            triggers = [e for e in request["events"] if e["type"] == rule["trigger"]]
            if rule["first"]:
                triggers = sorted(triggers, key=lambda e: (e["day"], e["id"]))[:1]
            expects = [e for e in request["events"] if e["type"] == rule["expect"]]
            facts = [("trigger", e) for e in triggers] + [("expect", e) for e in expects]
            for part in ("in-time", "late"):
                for n, (kind, e) in enumerate(facts):
                    assert_fact(f"{name}-{part}", {"sid": sid, "id": f"{sid}-{kind}-{n}", "k": kind,
                                                   "eid": e["id"], "d": e["day"]})
                if facts:
                    delete_state(f"{name}-{part}", sid)
            for e in triggers:
                found[name].setdefault(e["id"], [False, False])
            answer[name] = found[name]
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
