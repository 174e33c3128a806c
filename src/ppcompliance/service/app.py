"""The HTTP service (``ppcheck serve``): the engine behind a versioned REST API, for case-management systems.

The routes read and validate requests, hand the cases to the evaluation pool (``service.pool``: worker
processes, never the event loop) and write what ``ppcheck`` writes: the same JSON documents, the same located,
coded diagnostics (as ``application/problem+json``, RFC 9457), the same worklist rows. Every response names the
engine version and the rulebook's fingerprint, in its body and in two headers; every decision is one line of the
decision log (``ppcompliance.decisions``, configured by the CLI). A 500 never shows a traceback: only a request
id, which the log also carries.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
import uuid
import zoneinfo
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any, AsyncIterator, Iterable

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response, StreamingResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect

from .._version import __version__
from ..caseload.inputs import Item
from ..caseload.summary import Caseload
from ..caseload.work import CheckOptions, Selection, rejected_record
from ..engine.facts import FAILING, STATES
from ..errors import Diagnostic
from ..explain.describe import applicability_sentence, obligation_sentence
from ..report.worklist import SECTIONS, Section
from . import work
from .config import ServiceConfig
from .openapi import openapi_document
from .pool import Generation, Pool, ReloadRefused

ZONE = zoneinfo.ZoneInfo("Europe/London")
CHUNK = 32  # cases handed to a worker at a time in a batch
log = logging.getLogger("ppcompliance.service")
decisions = logging.getLogger("ppcompliance.decisions")

#: HTTP status of each diagnostic code a request can earn.
STATUS = {"timeline-json": 400, "usage": 400, "timeline-too-large": 413, "timeline-not-found": 404}


class Problem(Exception):
    """A request that cannot be answered: a status, a title and the diagnostics that say why."""

    def __init__(self, status: int, title: str, problems: Iterable[Diagnostic] = (), detail: str = ""):
        self.status, self.title, self.problems, self.detail = status, title, list(problems), detail
        super().__init__(title)


def today() -> date:
    """Today in the service's time zone (Europe/London): the as-of date when a request gives none."""
    return datetime.now(ZONE).date()


def create_app(config: ServiceConfig, pool: Pool | None = None) -> FastAPI:
    """The service, ready for an ASGI server. ``pool`` is made from the config when the server starts, if not
    given; it is closed when the server stops."""
    state: dict[str, Any] = {"pool": pool}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if state["pool"] is None:
            state["pool"] = await asyncio.get_running_loop().run_in_executor(
                None, Pool, config.rules, config.workers)
        app.state.pool = state["pool"]
        try:
            yield
        finally:
            state["pool"].close()

    app = FastAPI(title="ppcompliance", version=__version__, docs_url=None, redoc_url=None, openapi_url=None,
                  lifespan=lifespan)

    def the_pool() -> Pool:
        found = state["pool"]
        if found is None:
            raise Problem(503, "The rulebook is not loaded yet")
        assert isinstance(found, Pool)
        return found

    if config.cors_origins:
        app.add_middleware(CORSMiddleware, allow_origins=list(config.cors_origins), allow_methods=["GET", "POST"],
                           allow_headers=["Authorization", "Content-Type"])

    @app.middleware("http")
    async def framing(request: Request, call_next: Any) -> Response:
        request.state.id = uuid.uuid4().hex[:16]
        request.state.started = time.perf_counter()
        try:
            response: Response = await call_next(request)
        except ClientDisconnect:  # nobody is left to answer: say so in the log, as an event, not a failure
            log.info("request %s: the client hung up before sending the whole body", request.state.id)
            response = Response(status_code=499)
        except Exception as exc:  # noqa: BLE001 - never a traceback to the caller, nor in the log
            log.error("request %s failed: %s: %s", request.state.id, type(exc).__name__, exc)
            log.debug("request %s failed", request.state.id, exc_info=True)
            response = _problem(request, Problem(500, "Internal error", detail=(
                "The service failed on this request; the log has the details under the request id.")))
        response.headers["X-Request-Id"] = request.state.id
        response.headers["X-Engine-Version"] = __version__
        if state["pool"] is not None and "X-Rulebook-Fingerprint" not in response.headers:
            response.headers["X-Rulebook-Fingerprint"] = state["pool"].current.rulebook.fingerprint
        return response

    @app.exception_handler(Problem)
    async def problem(request: Request, exc: Problem) -> Response:
        return _problem(request, exc)

    @app.exception_handler(RequestValidationError)
    async def bad_parameter(request: Request, exc: RequestValidationError) -> Response:
        problems = [Diagnostic(".".join(str(p) for p in e.get("loc", ())), code="usage", message=str(e.get("msg")))
                    for e in exc.errors()]
        return _problem(request, Problem(400, "Bad request parameters", problems))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        titles = {404: "Not found", 405: "Method not allowed"}
        response = _problem(request, Problem(exc.status_code, titles.get(exc.status_code, str(exc.detail))))
        response.headers.update(exc.headers or {})  # a 405 says which methods are allowed (Allow)
        return response

    def caller(request: Request, admin: bool = False) -> str:
        """The name of the token the request carries; 401 without a valid one (where tokens are needed)."""
        tokens = config.admin_tokens if admin else config.tokens
        if admin and not tokens:  # no token can be valid: reload over HTTP is off
            raise Problem(401, "Reloading over HTTP is off", detail=(
                "Start the service with --admin-tokens to reload by POST /v1/admin/reload; SIGHUP reloads too."))
        if not tokens:
            return ""
        given = request.headers.get("authorization", "")
        token = given[7:] if given.lower().startswith("bearer ") else ""
        # Compare with every token, in constant time, whether or not one has matched already.
        name = ""
        for known, known_name in tokens.items():
            if hmac.compare_digest(token.encode(), known.encode()):
                name = known_name
        if not name:
            raise Problem(401, "A valid bearer token is needed", detail="Send Authorization: Bearer <token>.")
        return name

    async def body(request: Request) -> bytes:
        """The request body, refused (413) beyond the limit without reading it all."""
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > config.max_body_bytes:
            raise _too_large(config)
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > config.max_body_bytes:
                raise _too_large(config)
            chunks.append(chunk)
        if not size:
            raise Problem(400, "The body is empty", [Diagnostic("request", code="usage", message=(
                "the body holds no timeline: send one as JSON, or many as JSON Lines"))])
        return b"".join(chunks)

    def produced(pool_generation: Generation) -> dict[str, str]:
        return {"engine": __version__, "rulebook": pool_generation.rulebook.fingerprint}

    def record(request: Request, who: str, generation: Generation, as_of: date, checked: Any, started: float,
               case_id: str = "") -> None:
        """One line of the decision log: who asked, what rules decided, what was decided — never the timeline."""
        if not decisions.handlers:
            return
        decisions.info(json.dumps({
            "time": datetime.now(ZONE).isoformat(timespec="milliseconds"), "request_id": request.state.id,
            "caller": who, "path": request.url.path, "engine": __version__,
            "rulebook": generation.rulebook.fingerprint, "as_of": as_of.isoformat(),
            "case_id": case_id or getattr(checked, "case_id", ""),
            "counts": dict(zip((s.value for s in STATES), getattr(checked, "counts", ()) or ())),
            "failing": list(getattr(checked, "failing", ())),
            "rejected": bool(getattr(checked, "problems", ())),
            "ms": round((time.perf_counter() - started) * 1000, 2)}, separators=(",", ":")))

    async def intake(request: Request, as_of: str | None) -> tuple[str, date, bytes]:
        """Who is asking, the as-of date and the body: each checked, in that order (401, 400, 413)."""
        who = caller(request)
        day = _as_of(as_of)
        raw = await body(request)
        if config.log_inputs:  # only when asked: a timeline is personal data
            Path(config.log_inputs, f"{request.state.id}.json").write_bytes(raw)
        return who, day, raw

    @app.get("/healthz", tags=["service"])
    async def healthz() -> dict[str, str]:
        return {"status": "alive"}

    @app.get("/readyz", tags=["service"])
    async def readyz() -> Response:
        if state["pool"] is None:
            return _problem_plain(503, "The rulebook is not loaded yet")
        return JSONResponse({"status": "ready", **produced(state["pool"].current)})

    @app.post("/v1/check", tags=["check"])
    async def check(request: Request, as_of: str | None = None, detail: str = "full") -> Response:
        """One timeline checked, as ``ppcheck TIMELINE --format json`` (or its compact record)."""
        _detail(detail, "full")
        who, day, raw = await intake(request, as_of)
        pool = the_pool()
        with pool.take() as generation:
            checked: work.Checked = await _run(pool, generation, config, work.check_one, raw, day, "request",
                                               detail)
        record(request, who, generation, day, checked, request.state.started)
        if checked.problems:
            raise _rejected(checked.problems)
        return Response(checked.body, media_type="application/json",
                        headers={"X-Rulebook-Fingerprint": generation.rulebook.fingerprint})

    @app.post("/v1/check/batch", tags=["check"])
    async def batch(request: Request, as_of: str | None = None, detail: str = "compact") -> Response:
        """JSON Lines in, JSON Lines out: a record per case, in order, rejected lines as records."""
        _detail(detail, "compact")
        who, day, raw = await intake(request, as_of)
        pool = the_pool()
        lease = pool.take()
        generation = lease.generation
        options = CheckOptions(day, detail=detail)

        async def records() -> AsyncIterator[bytes]:
            try:
                for chunk in _chunks(_lines(raw)):
                    results = await _run(pool, generation, config, work.check_items, chunk, options)
                    for result in results:
                        line = result.record if not result.problems else rejected_record(result, result.problems)
                        record(request, who, generation, day, _Decision.of(result, generation), request.state.started)
                        yield (line or "").encode("utf-8") + b"\n"
            except Problem as exc:  # the records so far are sent: the problem is the last line
                yield json.dumps(_problem_body(request, exc), ensure_ascii=False).encode("utf-8") + b"\n"
            finally:
                lease.release()

        return StreamingResponse(records(), media_type="application/x-ndjson", background=BackgroundTask(lease.release),
                                 headers={"X-Rulebook-Fingerprint": generation.rulebook.fingerprint})

    @app.post("/v1/due", tags=["check"])
    async def due(request: Request, as_of: str | None = None, within: int = 14, past: bool = False,
                  include_closed: bool = False, team: list[str] | None = Query(None), pdu: list[str] | None = Query(None),
                  region: list[str] | None = Query(None)) -> Response:
        """The worklist of one timeline (JSON) or many (JSON Lines), as ``ppcheck due --format json``."""
        if within < 0 or within > 3650:
            raise Problem(400, "Bad window", [Diagnostic("within", code="usage",
                                                         message="within is a number of days from 0 to 3650")])
        who, day, raw = await intake(request, as_of)
        selection = Selection({k: frozenset(v) for k, v in (("region", region), ("pdu", pdu), ("team", team)) if v})
        single = request.headers.get("content-type", "").split(";")[0].strip() == "application/json"
        items = [Item("request", 0, raw, size=len(raw))] if single else list(_lines(raw))
        pool = the_pool()
        with pool.take() as generation:
            caseload = Caseload(generation.rulebook, day, None, within, None, include_closed, selection)
            options = CheckOptions(day, within, "none", selection)
            for chunk in _chunks(items):
                for result in await _run(pool, generation, config, work.check_items, chunk, options):
                    caseload.add(result)
                    record(request, who, generation, day, _Decision.of(result, generation), request.state.started)
        summary = caseload.summary(shown=10**9)
        if single and summary.rejected:
            raise _rejected(summary.rejected)
        sections = SECTIONS if past else (Section.OVERDUE, Section.DUE)
        w = summary.worklist
        document = {"format": "ppcompliance.worklist/2", "as_of": day.isoformat(), "within_days": within,
                    "selection": selection.as_dict(), "include_closed": include_closed, "closed_left_out": w.closed,
                    "sections": {s.value: {"total": w.totals[s], "rows": [r.as_dict() for r in summary.rows(s)]}
                                 for s in sections},
                    "inputs": {"read": summary.inputs.read, "evaluated": summary.inputs.evaluated,
                               "rejected": summary.inputs.rejected,
                               "problems": [d.as_dict() for d in summary.rejected]},
                    "produced_by": produced(generation)}
        return JSONResponse(document, headers={"X-Rulebook-Fingerprint": generation.rulebook.fingerprint})

    @app.get("/v1/rulebook", tags=["rulebook"])
    async def rulebook(request: Request) -> Response:
        """The rules, their basis and the fingerprint."""
        caller(request)
        generation = the_pool().current
        rules = [_rule(r) for r in generation.rulebook.rules]
        return JSONResponse({"produced_by": produced(generation), "rules": rules})

    @app.get("/v1/rules/{rule_id}", tags=["rulebook"])
    async def one_rule(request: Request, rule_id: str) -> Response:
        """One rule, in plain English."""
        caller(request)
        generation = the_pool().current
        found = generation.rulebook.by_id.get(rule_id)
        if found is None:
            raise Problem(404, "No such rule", [Diagnostic("rule_id", code="usage",
                                                           message=f"no rule {rule_id!r} in the rulebook")])
        return JSONResponse({"produced_by": produced(generation), **_rule(found)})

    @app.post("/v1/admin/reload", tags=["service"])
    async def reload(request: Request) -> Response:
        """Compile, lint and swap in the rules again; a rulebook that fails is refused and the old one serves."""
        who = caller(request, admin=True)
        pool = the_pool()
        try:
            loaded = await asyncio.get_running_loop().run_in_executor(None, pool.reload)
        except ReloadRefused as exc:
            log.warning("reload by %s refused: %s", who, exc)
            raise Problem(409, "The new rulebook was refused; the old one is still serving",
                          [p for p in exc.problems if isinstance(p, Diagnostic)],
                          detail="; ".join(p for p in exc.problems if isinstance(p, str))) from None
        log.info("reload by %s: now serving %s", who, loaded.fingerprint)
        return JSONResponse({"status": "reloaded", "produced_by": {"engine": __version__,
                                                                   "rulebook": loaded.fingerprint}},
                            headers={"X-Rulebook-Fingerprint": loaded.fingerprint})

    @app.get("/openapi.json", include_in_schema=False)
    async def openapi() -> Response:
        return Response(json.dumps(openapi_document(), ensure_ascii=False), media_type="application/json")

    return app


class _Decision:
    """What the decision log records of one case of a batch."""

    def __init__(self, case_id: str, counts: tuple[int, ...], failing: tuple[str, ...], problems: tuple[Any, ...]):
        self.case_id, self.counts, self.failing, self.problems = case_id, counts, failing, problems

    @classmethod
    def of(cls, result: Any, generation: Generation) -> "_Decision":
        if result.problems or not result.states:
            return cls(result.case_id or "", (), (), tuple(result.problems))
        states = [STATES[i] for i in result.states]
        counts = tuple(states.count(s) for s in STATES)
        failing = tuple(r.id for r, s in zip(generation.rulebook.rules, states) if s in FAILING)
        return cls(result.case_id or "", counts, failing, ())


async def _run(pool: Pool, generation: Generation, config: ServiceConfig, fn: Any, *args: Any) -> Any:
    try:
        return await pool.run(generation, fn, *args, timeout=config.request_seconds)
    except asyncio.TimeoutError:
        raise Problem(504, "The request took too long", detail=f"The limit is {config.request_seconds:g} s.") \
            from None


def _as_of(value: str | None) -> date:
    if value is None:
        return today()
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise Problem(400, "Bad as_of date", [Diagnostic("as_of", code="usage",
                                                         message=f"{value!r} is not a date: use YYYY-MM-DD")]) \
            from None


def _detail(value: str, default: str) -> None:
    if value not in ("compact", "full"):
        raise Problem(400, "Bad detail", [Diagnostic("detail", code="usage", message=(
            f"detail is compact or full (the default here is {default}), not {value!r}"))])


def _lines(raw: bytes) -> Iterable[Item]:
    """The cases of a JSON Lines body, one a line (blank lines skipped), numbered as the file's lines."""
    for number, line in enumerate(raw.split(b"\n"), 1):
        if line.strip():
            yield Item("request", number, line, size=len(line) + 1)


def _chunks(items: Iterable[Item]) -> Iterable[list[Item]]:
    chunk: list[Item] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _rule(rule: Any) -> dict[str, Any]:
    return {"id": rule.id, "title": rule.title, "area": rule.area, "stage": rule.stage, "severity": rule.severity,
            "template": rule.template, "basis": rule.basis.as_dict(), "description": rule.description,
            "obligation": obligation_sentence(rule), "applies": applicability_sentence(rule),
            "remedy": list(rule.remedy), "source": rule.source}


def _too_large(config: ServiceConfig) -> Problem:
    return Problem(413, "The request is too large", [Diagnostic("request", code="timeline-too-large", message=(
        f"the body is over {config.max_body_bytes:,} bytes"))])


def _rejected(problems: Iterable[Diagnostic]) -> Problem:
    found = list(problems)
    status = max((STATUS.get(d.code, 422) for d in found), default=422)
    titles = {400: "The body is not valid JSON", 413: "The request is too large",
              422: "The timeline cannot be checked"}
    return Problem(status, titles.get(status, "The timeline cannot be checked"), found)


def _problem(request: Request, exc: Problem) -> Response:
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else {}
    return JSONResponse(_problem_body(request, exc), status_code=exc.status, media_type="application/problem+json",
                        headers=headers)


def _problem_body(request: Request, exc: Problem) -> dict[str, Any]:
    """A problem document (RFC 9457), with the located diagnostics as ``errors``."""
    body: dict[str, Any] = {"type": "about:blank", "title": exc.title, "status": exc.status,
                            "instance": getattr(request.state, "id", "")}
    if exc.detail:
        body["detail"] = exc.detail
    if exc.problems:
        body["errors"] = [d.as_dict() for d in exc.problems]
        body["detail"] = body.get("detail") or str(exc.problems[0])
    return body


def _problem_plain(status: int, title: str) -> Response:
    return JSONResponse({"type": "about:blank", "title": title, "status": status}, status_code=status,
                        media_type="application/problem+json")


__all__ = ["create_app", "Problem", "today"]
