"""Reading a response body against the size cap, decompressing it ourselves, in a stream.

httpx decodes `Content-Encoding` for us, but each received chunk is inflated in one call without
a bound: 6,777 bytes of `gzip, gzip` became 4 GiB (8 GB peak RSS) before the size check after
the chunk could fire. So bodies are read raw (`iter_raw`) and inflated here with zlib's
`max_length`, never producing more than the bytes the cap still allows; and a stacked encoding
(`gzip, gzip`: no server needs it, a compression bomb does) or one we did not ask for is refused
outright. We ask for `gzip, deflate` only.
"""
from __future__ import annotations

import zlib
from typing import Mapping

ACCEPT_ENCODING = "gzip, deflate"
IDENTITY = {"", "identity"}


class BodyTooLarge(Exception):
    pass


class Refused(Exception):
    """A response we will not read (its encoding)."""


def content_codings(headers: Mapping[str, str]) -> list[str]:
    """The Content-Encoding codings in the order they were applied (identity dropped)."""
    value = headers.get("content-encoding", "")
    return [c.strip().lower() for c in value.split(",") if c.strip().lower() not in IDENTITY]


class BodyReader:
    """Collects a body: raw chunks in, decoded bytes out, never more than `limit` decoded bytes."""

    def __init__(self, codings: list[str], limit: int) -> None:
        if len(codings) > 1:
            raise Refused(f"refused: stacked Content-Encoding '{', '.join(codings)}' (one coding is all a "
                          f"server needs; nested compression is how decompression bombs are built)")
        self.coding = codings[0] if codings else None
        if self.coding not in (None, "gzip", "x-gzip", "deflate"):
            raise Refused(f"refused: Content-Encoding '{self.coding}' was not asked for "
                          f"(Accept-Encoding: {ACCEPT_ENCODING})")
        self.limit = limit
        self.raw = 0
        self.body = bytearray()
        self._inflate = None
        if self.coding in ("gzip", "x-gzip"):
            self._inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif self.coding == "deflate":
            self._inflate = zlib.decompressobj()
        self._first = True

    def feed(self, chunk: bytes) -> None:
        self.raw += len(chunk)
        if self._inflate is None:
            self._append(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._inflate.decompress(data, self.limit - len(self.body) + 1)
            except zlib.error as exc:
                if self.coding == "deflate" and self._first:  # servers send raw deflate too
                    self._inflate, self._first = zlib.decompressobj(-zlib.MAX_WBITS), False
                    continue
                raise Refused(f"corrupt {self.coding} body: {exc}") from None
            self._first = False
            self._append(out)
            data = self._inflate.unconsumed_tail
            if self._inflate.eof:
                break

    def _append(self, data: bytes) -> None:
        self.body += data
        if len(self.body) > self.limit:
            what = f"{self.raw} bytes received, more than {self.limit} after {self.coding} decoding" \
                if self._inflate is not None else f"aborted after {len(self.body)} bytes"
            raise BodyTooLarge(f"body too large: {what} (cap {self.limit})")

    def finish(self) -> bytes:
        if self._inflate is not None:
            self._append(self._inflate.flush(self.limit - len(self.body) + 1))
        return bytes(self.body)
