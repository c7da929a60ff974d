"""Name a network failure for what it is: DNS, connect, TLS, timeout, reset.

Offline, `fetch` used to say "blocked: robots.txt disallows … fix the source (selectors …)":
robots.txt could not be fetched because the DNS lookup failed, and the crawler read that as a
refusal. A user must be told that the network failed, where, and that the source definition is
not at fault. httpx chains its exceptions (httpx.ConnectError from httpcore.ConnectError from the
socket's own error), so the cause is found by walking `__cause__` / `__context__`.
"""
from __future__ import annotations

import errno
import socket
import ssl
from urllib.parse import urlsplit

import httpx

# What `failure` (fetches.failure, source_health.failure) holds for a network failure.
NETWORK_KINDS = ("dns", "connect", "tls", "timeout", "reset")


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        exc = exc.__cause__ or exc.__context__
    return seen


def _where(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


def classify(exc: BaseException, url: str) -> tuple[str, str]:
    """(kind, message) for an exception raised while requesting `url`; kind in NETWORK_KINDS."""
    where = _where(url)
    chain = _chain(exc)
    for cause in chain:
        if isinstance(cause, socket.gaierror):
            return "dns", (f"DNS lookup failed for {urlsplit(url).hostname or where} ({cause.strerror or cause}): "
                           f"no network, no DNS server, or the name does not resolve")
    for cause in chain:
        if isinstance(cause, ssl.SSLError):
            reason = getattr(cause, "reason", None) or str(cause)
            return "tls", f"TLS handshake with {where} failed ({reason})"
    if any(isinstance(c, (httpx.TimeoutException, socket.timeout, TimeoutError)) for c in chain):
        phase = "connecting to" if any(isinstance(c, httpx.ConnectTimeout) for c in chain) else "waiting for"
        return "timeout", f"timed out {phase} {where}"
    for cause in chain:
        if isinstance(cause, ConnectionRefusedError):
            return "connect", f"connection to {where} refused (nothing listening, or a firewall)"
        if isinstance(cause, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            return "reset", f"connection to {where} reset by the other side"
        if isinstance(cause, OSError) and cause.errno in (errno.ENETUNREACH, errno.EHOSTUNREACH, errno.EADDRNOTAVAIL):
            return "connect", f"cannot reach {where} ({cause.strerror}): no route to the network"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "reset", f"{where} closed the connection without a complete response ({exc})"
    if isinstance(exc, httpx.ConnectError):
        return "connect", f"could not connect to {where} ({exc or 'no detail'})"
    return "reset", f"connection to {where} failed ({type(exc).__name__}: {exc or 'no detail'})"


def message(kind: str, text: str) -> str:
    """The `error` text of a network failure: the kind first, so it reads and greps as one."""
    return f"network error ({kind}): {text}"
