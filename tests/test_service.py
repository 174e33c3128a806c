"""``ppcheck serve`` as an integrator meets it: the endpoints, their errors, tokens, reload, the decision log.

Most tests call the application in-process (FastAPI's test client, with a real pool of worker processes); those
that need a real server (signals, a client that hangs up, the refusal to listen publicly) start ``ppcheck
serve``. Installed with the service extra: ``pip install -e '.[test,serve]'``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the service needs the serve extra: pip install -e '.[serve]'")
pytest.importorskip("httpx")

from fastapi.testclient import TestClient  # noqa: E402

import ppcompliance as pp  # noqa: E402
from ppcompliance.schemas import validator  # noqa: E402
from ppcompliance.service.app import create_app, today  # noqa: E402
from ppcompliance.service.config import ServiceConfig  # noqa: E402
from ppcompliance.service.openapi import openapi_text  # noqa: E402
from ppcompliance.service.pool import Pool  # noqa: E402

from conftest import EXAMPLES, ROOT, RULES  # noqa: E402

EXAMPLE = EXAMPLES / "domestic-abuse-missed-enquiries.json"
PPCHECK = str(Path(sys.executable).with_name("ppcheck"))
TOKEN = "t0ken-for-the-case-management-system"
ADMIN = "admin-t0ken-for-the-release-manager"


@pytest.fixture(scope="module")
def rules(tmp_path_factory) -> Path:
    """A copy of the bundled rulebook, which reload tests may change."""
    folder = tmp_path_factory.mktemp("service") / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("*.tests.yaml"))
    return folder


@pytest.fixture(scope="module")
def decisions() -> list[str]:
    """The decision log's lines, as the service logs them."""
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(record.getMessage())

    logger = logging.getLogger("ppcompliance.decisions")
    handler = Keep()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield lines
    logger.removeHandler(handler)


@pytest.fixture(scope="module")
def client(rules, decisions):
    config = ServiceConfig(rules=str(rules), workers=2, tokens={TOKEN: "cms"}, admin_tokens={ADMIN: "release"},
                           max_body_bytes=256 * 1024)
    with TestClient(create_app(config)) as test_client:
        yield test_client


AUTH = {"Authorization": f"Bearer {TOKEN}"}


def check(client, body: bytes, **params):
    return client.post("/v1/check", content=body, params=params, headers={**AUTH, "Content-Type": "application/json"})


# --- POST /v1/check ---------------------------------------------------------------------------------------------


def test_a_checked_timeline_is_the_document_ppcheck_writes(client, rules):
    response = check(client, EXAMPLE.read_bytes(), as_of="2024-06-30")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    served = response.json()
    validator("verdicts").validate(served)
    wanted = subprocess.run([PPCHECK, str(EXAMPLE), "--rules", str(rules), "--as-of", "2024-06-30", "--format",
                             "json"], capture_output=True, text=True)
    assert served == json.loads(wanted.stdout)
    fingerprint = pp.load_rulebook(rules).fingerprint
    assert response.headers["X-Rulebook-Fingerprint"] == served["produced_by"]["rulebook"] == fingerprint
    assert response.headers["X-Engine-Version"] == pp.__version__ == served["produced_by"]["engine"]


def test_without_an_as_of_date_a_case_is_judged_as_of_today_in_london(client):
    response = check(client, EXAMPLE.read_bytes())
    assert response.status_code == 200 and response.json()["as_of"] == today().isoformat()


def test_malformed_json_is_a_400_problem_located_at_its_line_and_column(client):
    response = check(client, b'{"case": {\n  "id": }')
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    validator("problem").validate(problem)
    assert problem["errors"][0]["code"] == "timeline-json" and problem["errors"][0]["line"] == 2
    assert problem["instance"] == response.headers["X-Request-Id"]


def test_a_schema_problem_is_a_422_with_its_json_path_and_code(client):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["events"][2]["date"] = "12/01/2024"
    response = check(client, json.dumps(data, indent=1).encode())
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert error["code"] == "timeline-schema" and error["json_path"] == "$.events[2].date"
    assert error["subject"] == f"event {data['events'][2]['id']}" and error["line"] > 1


def test_a_deviation_naming_an_unknown_rule_is_a_422(client):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["events"].append({"id": "D9", "type": "deviation", "date": "2024-02-01", "rule": "ACT-99",
                           "period_start": "2024-01-01", "period_end": "2024-02-01", "reason": "other",
                           "approved_by": "head_of_pdu"})
    response = check(client, json.dumps(data).encode(), as_of="2024-06-30")
    assert response.status_code == 422 and response.json()["errors"][0]["code"] == "timeline-unknown-rule"


def test_a_body_over_the_limit_is_a_413_before_it_is_read(client):
    response = check(client, b" " * (256 * 1024 + 1))
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "timeline-too-large"


def test_a_body_at_the_limit_is_read_and_one_streamed_past_it_is_a_413(client):
    at_limit = EXAMPLE.read_bytes().ljust(256 * 1024)  # padded with spaces: still the same JSON document
    assert check(client, at_limit, as_of="2024-06-30").status_code == 200

    def chunks():  # no Content-Length: the limit is found while reading
        for _ in range(5):
            yield b" " * (64 * 1024)
        yield b"{}"

    response = client.post("/v1/check", content=chunks(), headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "timeline-too-large"


def test_an_empty_body_is_a_400(client):
    for path in ("/v1/check", "/v1/check/batch", "/v1/due"):
        response = client.post(path, content=b"", headers=AUTH)
        assert response.status_code == 400, path
        assert response.json()["errors"][0]["message"] == ("the body holds no timeline: send one as JSON, or many "
                                                           "as JSON Lines")


def test_the_compact_record_on_request(client):
    full = check(client, EXAMPLE.read_bytes(), as_of="2024-06-30").json()
    response = client.post("/v1/check", content=EXAMPLE.read_bytes(), params={"as_of": "2024-06-30",
                                                                              "detail": "compact"}, headers=AUTH)
    compact = response.json()
    validator("verdicts").validate(compact)
    assert compact["format"] == "ppcompliance.verdicts.compact/2"
    assert {r: v["verdict"] for r, v in compact["rules"].items()} == {r["rule_id"]: r["verdict"]
                                                                      for r in full["rules"]}
    assert client.post("/v1/check", content=b"{}", params={"detail": "short"}, headers=AUTH).status_code == 400


def test_a_method_a_path_does_not_take_is_a_405_that_says_which_it_takes(client):
    response = client.delete("/v1/check", headers=AUTH)
    assert response.status_code == 405 and response.headers["Allow"] == "POST"


def test_a_bad_as_of_date_is_a_400(client):
    response = check(client, EXAMPLE.read_bytes(), as_of="30/06/2024")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "usage"


def test_an_internal_error_shows_only_a_request_id(client, monkeypatch):
    async def broken(*args, **kwargs):
        raise RuntimeError("a planted bug with a secret in its message")

    monkeypatch.setattr(Pool, "run", broken)
    response = check(client, EXAMPLE.read_bytes(), as_of="2024-06-30")
    assert response.status_code == 500
    problem = response.json()
    assert problem["instance"] == response.headers["X-Request-Id"]
    assert "secret" not in response.text and "Traceback" not in response.text


# --- tokens ------------------------------------------------------------------------------------------------------


def test_without_a_valid_token_a_request_is_refused(client):
    for headers in ({}, {"Authorization": "Bearer not-the-token-at-all"}, {"Authorization": TOKEN}):
        response = client.post("/v1/check", content=EXAMPLE.read_bytes(), headers=headers)
        assert response.status_code == 401 and response.headers["WWW-Authenticate"] == "Bearer"
        assert response.headers["content-type"] == "application/problem+json"


def test_the_decision_log_names_the_token_never_the_token_nor_the_timeline(client, decisions):
    decisions.clear()
    check(client, EXAMPLE.read_bytes(), as_of="2024-06-30")
    (line,) = decisions
    entry = json.loads(line)
    validator("decision").validate(entry)
    assert entry["caller"] == "cms" and TOKEN not in line
    assert entry["case_id"] == "X100001" and entry["as_of"] == "2024-06-30" and "ENQ-01" in entry["failing"]
    assert '"E0' not in line and "events" not in line  # nothing of the timeline but its case id


def test_health_and_readiness_need_no_token(client, rules):
    assert client.get("/healthz").json() == {"status": "alive"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and ready["rulebook"].startswith("sha256:")


# --- the other endpoints -------------------------------------------------------------------------------------------


def test_the_worklist_of_one_timeline(client):
    response = client.post("/v1/due", content=EXAMPLE.read_bytes(), params={"as_of": "2024-06-30", "past": True},
                           headers={**AUTH, "Content-Type": "application/json"})
    assert response.status_code == 200
    document = response.json()
    validator("worklist").validate(document)
    overdue = document["sections"]["overdue"]["rows"]
    assert overdue and overdue == sorted(overdue, key=lambda r: (r["due"], r["case_id"], r["rule_id"]))
    assert [r["rule_id"] for r in document["sections"]["past"]["rows"]][:1] == ["ENQ-01"]


def test_the_worklist_of_many_timelines_in_json_lines_with_a_team_filter(client):
    lines = b"".join(json.dumps(json.loads(p.read_text(encoding="utf-8"))).encode() + b"\n"
                     for p in sorted(EXAMPLES.glob("*.json")))
    response = client.post("/v1/due", content=lines, params={"as_of": "2024-06-30", "team": "T-NE-03-2"},
                           headers={**AUTH, "Content-Type": "application/x-ndjson"})
    document = response.json()
    assert response.status_code == 200 and document["selection"] == {"team": ["T-NE-03-2"]}
    rows = [r for s in document["sections"].values() for r in s["rows"]]
    assert rows and {r["unit"] for r in rows} == {"T-NE-03-2"}
    assert document["inputs"]["read"] == 4


def test_a_batch_streams_one_record_per_line_in_order_with_bad_lines_as_records(client):
    cases = [json.dumps(json.loads(p.read_text(encoding="utf-8"))) for p in sorted(EXAMPLES.glob("*.json"))]
    body = "\n".join([cases[0], "{not json", cases[1]]).encode() + b"\n"
    response = client.post("/v1/check/batch", content=body, params={"as_of": "2024-06-30"},
                           headers={**AUTH, "Content-Type": "application/x-ndjson"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/x-ndjson"
    records = [json.loads(line) for line in response.text.splitlines()]
    assert len(records) == 3
    assert records[0]["case_id"] == json.loads(cases[0])["case"]["id"]
    assert records[1]["problems"][0]["code"] == "timeline-json" and records[1]["problems"][0]["line"] == 2
    assert records[2]["case_id"] == json.loads(cases[1])["case"]["id"]


def test_the_rulebook_and_one_rule_in_plain_english(client):
    document = client.get("/v1/rulebook", headers=AUTH).json()
    validator("rulebook").validate(document)
    assert [r["id"] for r in document["rules"]] == sorted(r["id"] for r in document["rules"])
    one = client.get("/v1/rules/ACT-01", headers=AUTH).json()
    validator("rulebook").validate(one)
    assert one["id"] == "ACT-01" and one["basis"]["citation"] and one["obligation"].startswith("Within 5 working days")
    missing = client.get("/v1/rules/ACT-99", headers=AUTH)
    assert missing.status_code == 404 and missing.json()["errors"][0]["message"] == "no rule 'ACT-99' in the rulebook"


def test_the_openapi_document_is_served_and_checked_in():
    assert (ROOT / "schemas" / "openapi.json").read_text(encoding="utf-8") == openapi_text()


def test_every_reference_in_the_openapi_document_resolves(client):
    document = client.get("/openapi.json").json()

    def refs(value):
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "$ref":
                    yield item
                else:
                    yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    for ref in refs(document):
        node = document
        for part in ref[2:].split("/"):
            node = node[part]
        assert isinstance(node, (dict, bool)), ref


# --- reload --------------------------------------------------------------------------------------------------------


def _change_a_figure(rules: Path, days: str) -> None:
    path = rules / "activity.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("within: {working_days: 5}", f"within: {{working_days: {days}}}", 1),
                    encoding="utf-8")


def test_a_reload_needs_the_admin_token(client):
    assert client.post("/v1/admin/reload", headers=AUTH).status_code == 401
    assert client.post("/v1/admin/reload").status_code == 401


def test_a_broken_rulebook_is_refused_and_the_old_one_goes_on_serving(client, rules):
    before = client.get("/readyz").json()["rulebook"]
    path = rules / "activity.yaml"
    good = path.read_text(encoding="utf-8")
    try:
        path.write_text(good.replace("  - id: ACT-01", "  - id: ACT-01\n    severity: dreadful", 1), encoding="utf-8")
        refused = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"})
        assert refused.status_code == 409
        assert {e["code"] for e in refused.json()["errors"]} >= {"rule-duplicate-key"} or \
            {e["code"] for e in refused.json()["errors"]} >= {"rule-schema"}
        assert client.get("/readyz").json()["rulebook"] == before
        assert check(client, EXAMPLE.read_bytes(), as_of="2024-06-30").headers["X-Rulebook-Fingerprint"] == before
    finally:
        path.write_text(good, encoding="utf-8")


def test_a_reload_under_load_loses_no_request_and_mixes_no_rulebooks(client, rules):
    before = client.get("/readyz").json()["rulebook"]
    body = EXAMPLE.read_bytes()
    stop = threading.Event()

    def ask() -> list[tuple[int, str, str]]:
        seen = []
        while not stop.is_set():
            response = check(client, body, as_of="2024-06-30")
            seen.append((response.status_code, response.headers["X-Rulebook-Fingerprint"],
                         response.json()["produced_by"]["rulebook"]))
        return seen

    good = (rules / "activity.yaml").read_text(encoding="utf-8")
    try:
        with ThreadPoolExecutor(4) as threads:
            running = [threads.submit(ask) for _ in range(4)]
            time.sleep(0.5)
            _change_a_figure(rules, "6")
            reloaded = client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"})
            time.sleep(0.5)
            stop.set()
            seen = [s for r in running for s in r.result()]
        assert reloaded.status_code == 200
        after = reloaded.json()["produced_by"]["rulebook"]
        assert after != before
        assert all(status == 200 for status, _, _ in seen)
        assert all(header == body_print for _, header, body_print in seen)  # no response from two rulebooks
        assert {header for _, header, _ in seen} <= {before, after} and seen[-1][1] == after
    finally:
        (rules / "activity.yaml").write_text(good, encoding="utf-8")
        client.post("/v1/admin/reload", headers={"Authorization": f"Bearer {ADMIN}"})


# --- a real server -------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_ready(port: int, process: subprocess.Popen, seconds: float = 60) -> dict:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            return httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).json()
        except httpx.TransportError:
            time.sleep(0.2)
    raise AssertionError("the service did not become ready")


@pytest.fixture
def server(rules, tmp_path):
    port = _free_port()
    folder = tmp_path / "rules"
    shutil.copytree(rules, folder)
    process = subprocess.Popen([PPCHECK, "serve", "--port", str(port), "--rules", str(folder), "--decision-log",
                                str(tmp_path / "decisions.jsonl")], stderr=subprocess.PIPE, text=True)
    try:
        ready = _wait_ready(port, process)
        yield port, process, folder, ready, tmp_path / "decisions.jsonl"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="SIGHUP is a POSIX signal")
def test_sighup_reloads_the_rules(server):
    import httpx

    port, process, folder, ready, _ = server
    _change_a_figure(folder, "7")
    process.send_signal(signal.SIGHUP)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        now = httpx.get(f"http://127.0.0.1:{port}/readyz").json()["rulebook"]
        if now != ready["rulebook"]:
            break
        time.sleep(0.2)
    assert now == pp.load_rulebook(folder).fingerprint != ready["rulebook"]
    # Without --admin-tokens, reloading over HTTP is off: no token can be valid.
    refused = httpx.post(f"http://127.0.0.1:{port}/v1/admin/reload")
    assert refused.status_code == 401 and refused.json()["title"] == "Reloading over HTTP is off"


def test_a_client_that_hangs_up_mid_request_harms_no_one(server):
    import httpx

    port, process, _, _, log = server
    with socket.create_connection(("127.0.0.1", port)) as s:
        s.sendall(b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 100000\r\n\r\n{\"case\": ")
    response = httpx.post(f"http://127.0.0.1:{port}/v1/check", content=EXAMPLE.read_bytes(),
                          params={"as_of": "2024-06-30"})
    assert response.status_code == 200 and process.poll() is None
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert "Traceback" not in err and " ERROR " not in err
    assert "the client hung up before sending the whole body" in err
    (line,) = log.read_text(encoding="utf-8").splitlines()
    assert json.loads(line)["case_id"] == "X100001"


def test_the_service_refuses_to_listen_publicly_without_tokens():
    result = subprocess.run([PPCHECK, "serve", "--host", "0.0.0.0", "--port", str(_free_port())],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "0.0.0.0 is not a loopback address: the service refuses to listen beyond this machine without " \
           "--tokens" in result.stderr and "Traceback" not in result.stderr


def test_a_bad_token_file_is_a_located_error(tmp_path):
    tokens = tmp_path / "tokens"
    tokens.write_text("# name token\ncms short\n", encoding="utf-8")
    result = subprocess.run([PPCHECK, "serve", "--tokens", str(tokens)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert f"{tokens}:2:1: usage: the token named 'cms' is shorter than 16 characters" in result.stderr


def test_timelines_are_written_to_disk_only_when_asked(rules, tmp_path):
    kept = tmp_path / "inputs"
    kept.mkdir()
    for folder in (None, kept):
        config = ServiceConfig(rules=str(rules), workers=1, log_inputs=str(folder) if folder else None)
        with TestClient(create_app(config)) as plain:
            response = plain.post("/v1/check", content=EXAMPLE.read_bytes(), params={"as_of": "2024-06-30"})
            assert response.status_code == 200
    (written,) = kept.iterdir()
    assert written.name == f"{response.headers['X-Request-Id']}.json"
    assert written.read_bytes() == EXAMPLE.read_bytes()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == [written]
