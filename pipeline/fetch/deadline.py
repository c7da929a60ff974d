"""One wall-clock deadline per request, enforced on every socket operation (headers included).

httpx has per-operation timeouts only: `read=30` bounds each wait for bytes, not their sum. A
server that sends its response headers one byte per second never trips it, and the client's own
total cap was checked only once the headers had arrived: such a server held `fetch` (and the
update lock) for hours. The check has to sit where the bytes are read.

`DeadlineTransport` is httpx's HTTPTransport with one change: its connection pool uses a network
backend whose streams shorten each connect, read, write and TLS handshake timeout to the time left
before the current deadline, and fail with a timeout once it has passed. The deadline is set per
request by the caller (`with transport.deadline(seconds): ...`), per thread.
"""
from __future__ import annotations

import ssl
import threading
import time
import typing
from contextlib import contextmanager
from typing import Iterator

import httpcore
import httpx


LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20)  # httpx's defaults


class DeadlinePassed(httpcore.ReadTimeout):
    """The request's total time cap was reached (mapped to httpx.ReadTimeout by httpx)."""


class _Clock(threading.local):
    deadline: float | None = None

    def left(self, timeout: float | None, error: type[Exception]) -> float | None:
        """`timeout` shortened to the time left; raises `error` when none is left."""
        if self.deadline is None:
            return timeout
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise error("total time cap reached")
        return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    def __init__(self, stream: httpcore.NetworkStream, clock: _Clock) -> None:
        self._stream = stream
        self._clock = clock

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, self._clock.left(timeout, DeadlinePassed))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, self._clock.left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(ssl_context, server_hostname,
                                        self._clock.left(timeout, httpcore.ConnectTimeout))
        return DeadlineStream(stream, self._clock)

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    def __init__(self, clock: _Clock) -> None:
        self._backend = httpcore.SyncBackend()
        self._clock = clock

    def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                    local_address: str | None = None, socket_options: typing.Any = None) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(host, port, self._clock.left(timeout, httpcore.ConnectTimeout),
                                           local_address=local_address, socket_options=socket_options)
        return DeadlineStream(stream, self._clock)

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Any = None) -> httpcore.NetworkStream:  # pragma: no cover
        stream = self._backend.connect_unix_socket(path, self._clock.left(timeout, httpcore.ConnectTimeout),
                                                   socket_options=socket_options)
        return DeadlineStream(stream, self._clock)

    def sleep(self, seconds: float) -> None:  # pragma: no cover - httpcore's retries, unused
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """httpx.HTTPTransport (no proxy) whose every socket operation respects `deadline()`."""

    def __init__(self, *, verify: bool | ssl.SSLContext = True, limits: httpx.Limits = LIMITS) -> None:
        super().__init__(verify=verify, trust_env=False, limits=limits)
        self._clock = _Clock()
        # the pool httpx built, rebuilt the same way with our backend (httpx 0.28 keeps it in _pool)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(verify=verify, trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(self._clock))

    @contextmanager
    def deadline(self, seconds: float) -> Iterator[None]:
        """Requests in this block (this thread) must finish within `seconds` from now."""
        previous = self._clock.deadline
        self._clock.deadline = time.monotonic() + max(seconds, 0.0)
        try:
            yield
        finally:
            self._clock.deadline = previous
