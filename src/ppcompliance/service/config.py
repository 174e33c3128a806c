"""How the service is set up: where its rules are, who may call it, its limits and where decisions are logged.

Read by the CLI (``ppcheck serve``) from its options; the loaders here read the token files. A token file holds
one token a line as ``name token`` (the name is what logs show; the token never is); blank lines and lines
starting with ``#`` are skipped.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping

from ..errors import Diagnostic, InputError

#: Requests larger than this are refused (413): one timeline may be at most 64 MiB on the command line; a
#: service takes smaller requests and batches of them.
MAX_BODY_BYTES = 16 * 1024 * 1024
#: A request taking longer than this is stopped (504).
REQUEST_SECONDS = 30.0


class ConfigError(InputError):
    """The service cannot start as asked (a bad token file, a public address without tokens)."""


@dataclass(frozen=True)
class ServiceConfig:
    """Everything the service needs to start."""

    rules: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    tokens: Mapping[str, str] = field(default_factory=dict)  # token -> name
    admin_tokens: Mapping[str, str] = field(default_factory=dict)
    decision_log: str | None = None  # a file, "-" for standard output, or None
    log_inputs: str | None = None  # a folder to write each request's timelines to, or None (the default)
    max_body_bytes: int = MAX_BODY_BYTES
    request_seconds: float = REQUEST_SECONDS
    cors_origins: tuple[str, ...] = ()

    def check(self) -> None:
        """Refuse what would be unsafe: listening beyond this machine without tokens."""
        if not self.tokens and not is_loopback(self.host):
            raise ConfigError([Diagnostic("--host", code="usage", message=(
                f"{self.host} is not a loopback address: the service refuses to listen beyond this machine "
                f"without --tokens"))])


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def read_tokens(path: Path) -> dict[str, str]:
    """The tokens in a token file, each with its name; located errors for a bad line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([Diagnostic(str(path), code="usage", message=f"cannot read the token file: {exc}")]) \
            from None
    tokens: dict[str, str] = {}
    problems = []
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split()
        if len(parts) != 2:
            problems.append(Diagnostic(str(path), number, 1, code="usage",
                                       message="a token line is a name and a token, separated by a space"))
            continue
        name, token = parts
        if len(token) < 16:
            problems.append(Diagnostic(str(path), number, 1, code="usage",
                                       message=f"the token named {name!r} is shorter than 16 characters"))
        elif token in tokens:
            problems.append(Diagnostic(str(path), number, 1, code="usage",
                                       message=f"the token named {name!r} is also named {tokens[token]!r}"))
        else:
            tokens[token] = name
    if problems:
        raise ConfigError(problems)
    if not tokens:
        raise ConfigError([Diagnostic(str(path), code="usage", message="the token file holds no token")])
    return tokens
