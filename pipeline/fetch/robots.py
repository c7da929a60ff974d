"""robots.txt, fetched once per host per run and obeyed (RFC 9309).

Outcomes follow the RFC: 2xx → the rules apply; 4xx (404 most often) → no rules, everything
allowed; 5xx or unreachable → treat the site as fully disallowed for this run, because a server
in trouble is exactly the one we should not add load to. The robots request itself goes through
the same client (allowlist, caps, redirects) but is not itself subject to robots rules.

An unreachable robots.txt is not a refusal: `unavailable(host)` gives the reason (a DNS failure, a
timeout, an HTTP 503) so that every request to that host reports it, instead of "robots.txt
disallows", which sent users to fix selectors when their network was down.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.robotparser import RobotFileParser

from pipeline.fetch.neterrors import NETWORK_KINDS
from pipeline.fetch.urls import HostPolicy, host_of

if TYPE_CHECKING:
    from pipeline.fetch.client import Fetcher, Response

ROBOTS_MAX_BYTES = 500 * 1024  # RFC 9309: crawlers may stop at 500 KiB


@dataclass
class RobotsRules:
    parser: RobotFileParser | None  # None: allow everything
    disallow_all: bool = False
    note: str = ""
    unavailable: tuple[str, str] | None = None  # (failure, error) when robots.txt could not be read


class RobotsCache:
    def __init__(self, fetcher: "Fetcher") -> None:
        self.fetcher = fetcher
        self.rules: dict[str, RobotsRules] = {}
        self.pending: list["Response"] = []  # robots.txt responses not yet recorded by the caller

    def _load(self, canonical: str, policy: HostPolicy) -> RobotsRules:
        from urllib.parse import urlsplit

        parts = urlsplit(canonical)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        resp = self.fetcher.get(robots_url, policy, check_robots=False)
        self.pending.append(resp)
        if resp.ok and resp.content is not None:
            text = resp.content[:ROBOTS_MAX_BYTES].decode("utf-8", errors="replace")
            parser = RobotFileParser()
            parser.parse(text.splitlines())
            return RobotsRules(parser, note=f"robots.txt {resp.status}")
        if resp.status is not None and 400 <= resp.status < 500 and resp.status != 429:
            return RobotsRules(None, note=f"robots.txt {resp.status}: no rules")
        if resp.status is None and resp.failure in NETWORK_KINDS:  # never reached the server
            return RobotsRules(None, disallow_all=True,
                               note=f"robots.txt unreachable ({resp.error}): not crawling this host",
                               unavailable=(resp.failure, f"{resp.error} (fetching {robots_url}; the host "
                                                          f"is not crawled this run)"))
        return RobotsRules(None, disallow_all=True,
                           note=f"robots.txt unavailable ({resp.error or resp.status}): not crawling this host")

    def allowed(self, canonical: str, policy: HostPolicy) -> bool:
        host = host_of(canonical)
        if host not in self.rules:
            self.rules[host] = self._load(canonical, policy)
        rules = self.rules[host]
        if rules.disallow_all:
            return False
        if rules.parser is None:
            return True
        return rules.parser.can_fetch(self.fetcher.settings.user_agent, canonical)

    def unavailable(self, host: str) -> tuple[str, str] | None:
        """(failure, error) when the host's robots.txt could not be read, else None."""
        rules = self.rules.get(host)
        return rules.unavailable if rules else None

    def crawl_delay(self, host: str) -> float | None:
        rules = self.rules.get(host)
        if rules is None or rules.parser is None:
            return None
        delay = rules.parser.crawl_delay(self.fetcher.settings.user_agent)
        return float(delay) if delay is not None else None

    def drain(self) -> list["Response"]:
        out, self.pending = self.pending, []
        return out

    def note(self, host: str) -> str:
        rules = self.rules.get(host)
        return rules.note if rules else ""
