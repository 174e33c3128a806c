"""An independent oracle in durable-rules (a Rete engine), run as a child process (it can crash: BRIEF §6).

Protocol: one JSON request per line on standard input, one JSON answer per line on standard output.
A request: {"rules": [...], "case": n, "events": [{"id", "type", "day"}], "as_of": day} with days as ordinals.
Each rule: {"id", "kind": "deadline"|"response"|"precedence", "trigger", "expect", "within", "first": bool}.
The answer: {rule id: {trigger event id: [found in time?, found late?]}} — the joins, done by the Rete network;
the test turns them into verdicts with the documented arithmetic, which is too simple to get wrong.

Each join is its own ruleset (durable-rules crashes with more than one rule in a ruleset), facts carry unique
ids, and each case's state is deleted afterwards.
"""

import json
import sys

from durable.lang import assert_fact, c, delete_state, m, ruleset, when_all

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
