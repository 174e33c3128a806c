"""``ppcheck serve``: the engine as an HTTP service for case-management systems (docs/service.md)."""

from __future__ import annotations

import logging
import logging.handlers
import signal
import sys
import threading
from pathlib import Path
from typing import Optional

import typer

from .app import app
from .common import EXIT_INPUT, RULES_HELP, fail, report_errors


@app.command()
def serve(
    rules: Optional[Path] = typer.Option(None, "--rules", "-r", help=RULES_HELP, show_default=False),
    host: str = typer.Option("127.0.0.1", "--host", help="The address to listen on. Anything but a loopback "
                             "address needs --tokens."),
    port: int = typer.Option(8080, "--port", min=1, max=65535, help="The port to listen on."),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Worker processes that evaluate cases "
                                "(the event loop never does): about one per core."),
    tokens: Optional[Path] = typer.Option(None, "--tokens", help="A file of bearer tokens, one a line as 'name "
                                          "token'; every request then needs one. The name (never the token) is "
                                          "logged.", show_default=False),
    admin_tokens: Optional[Path] = typer.Option(None, "--admin-tokens", help="A file of tokens for POST "
                                                "/v1/admin/reload (without it, reload only on SIGHUP).",
                                                show_default=False),
    decision_log: Optional[str] = typer.Option(None, "--decision-log", metavar="FILE|-", help="Write one JSON "
                                               "line per decision to this file (rotated at 100 MB, 10 kept) or to "
                                               "standard output (-).", show_default=False),
    log_inputs: Optional[Path] = typer.Option(None, "--log-inputs", metavar="DIR", help="Also write each "
                                              "request's timelines to this folder (never done without it).",
                                              show_default=False),
    max_body: int = typer.Option(16, "--max-body-mb", min=1, max=1024, help="The largest request body, in MiB."),
    request_timeout: float = typer.Option(30.0, "--request-timeout", min=1.0, help="Seconds a request may take."),
    cors_origin: Optional[list[str]] = typer.Option(None, "--cors-origin", help="Allow browser calls from this "
                                                    "origin (repeatable; none by default).", show_default=False),
) -> None:
    """Serve the rulebook over HTTP: POST /v1/check, /v1/check/batch and /v1/due; GET /v1/rulebook,
    /v1/rules/{id}, /healthz, /readyz and /openapi.json. SIGHUP (or POST /v1/admin/reload) reloads the rules;
    a rulebook that does not load or fails lint is refused and the old one goes on serving.

    Exit status: 0 stopped; 2 the rules, tokens or options cannot be used (nothing is served).
    """
    try:
        import uvicorn

        from ..service.app import create_app
        from ..service.config import ConfigError, ServiceConfig, read_tokens
        from ..service.pool import Pool, ReloadRefused
    except ImportError as exc:
        fail(f"ppcheck serve needs the service's packages ({exc.name} is missing): pip install "
             f"'ppcompliance[serve]'")
    from ..errors import Diagnostic, InputError

    try:
        config = ServiceConfig(
            rules=str(rules) if rules is not None else None, host=host, port=port, workers=workers,
            tokens=read_tokens(tokens) if tokens is not None else {},
            admin_tokens=read_tokens(admin_tokens) if admin_tokens is not None else {},
            decision_log=decision_log, log_inputs=str(log_inputs) if log_inputs is not None else None,
            max_body_bytes=max_body * 1024 * 1024, request_seconds=request_timeout,
            cors_origins=tuple(cors_origin or ()))
        config.check()
        if log_inputs is not None and not log_inputs.is_dir():
            fail(f"--log-inputs {log_inputs}: no such folder")
        _decision_log(decision_log)
        pool = Pool(config.rules, config.workers)
    except ReloadRefused as exc:  # the rules load but fail lint, or the workers cannot start them
        found = [p for p in exc.problems if isinstance(p, Diagnostic)]
        if found:
            report_errors(found, "nothing is served")
        for text in (p for p in exc.problems if isinstance(p, str)):
            sys.stderr.write(f"ppcheck: {text}; nothing is served.\n")
        raise typer.Exit(EXIT_INPUT)
    except (InputError, ConfigError) as exc:
        report_errors(exc.diagnostics, "nothing is served")
        raise typer.Exit(EXIT_INPUT)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr, format="%(asctime)s %(levelname)s %(message)s")
    log = logging.getLogger("ppcompliance.service")

    def reload_on_hangup(signum: int, frame: object) -> None:
        def reload() -> None:
            try:
                loaded = pool.reload()
                log.info("SIGHUP: now serving %s", loaded.fingerprint)
            except ReloadRefused as exc:
                log.warning("SIGHUP: the new rulebook was refused, the old one is still serving: %s", exc)
        threading.Thread(target=reload, name="reload", daemon=True).start()

    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, reload_on_hangup)
    log.info("serving %s (rulebook %s) on http://%s:%d with %d worker process(es)", "ppcompliance",
             pool.current.rulebook.fingerprint, host, port, workers)
    uvicorn.run(create_app(config, pool), host=host, port=port, log_level="info", access_log=False,
                server_header=False)


def _decision_log(where: Optional[str]) -> None:
    """Send the decision log (one JSON line a decision) to a rotated file, or standard output."""
    decisions = logging.getLogger("ppcompliance.decisions")
    decisions.propagate = False
    decisions.setLevel(logging.INFO)
    if where is None:
        return
    handler: logging.Handler
    if where == "-":
        handler = logging.StreamHandler(sys.stdout)
    else:
        try:
            handler = logging.handlers.RotatingFileHandler(where, maxBytes=100 * 1024 * 1024, backupCount=10,
                                                           encoding="utf-8")
        except OSError as exc:
            fail(f"--decision-log {where}: {exc.strerror or exc}")
    handler.setFormatter(logging.Formatter("%(message)s"))
    decisions.addHandler(handler)
