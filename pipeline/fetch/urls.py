"""URL mapping (--base-url mirror layout) and the host policy every request and redirect hop passes.

Two URL forms exist while fetching: the *canonical* URL (https://HOST/PATH, what the page is and
what we store as `Raw.url`) and the *fetch* URL (what we actually request: the same, or
BASE/HOST/PATH when a local mirror stands in for the real sites). Politeness, robots.txt and the
allowlist are about the real site, so they are always decided on the canonical form; the
private-address check is about where the socket goes, so it is decided on the fetch form.
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urljoin, urlsplit, urlunsplit

ALLOWED_SCHEMES = ("http", "https")


class Blocked(Exception):
    """A URL we refuse to request (scheme, host off the allowlist, private address, robots.txt)."""


@dataclass(frozen=True)
class UrlMap:
    """Maps canonical URLs to fetch URLs and back. Without a base URL both forms are the same.

    known_hosts: the hosts the mirror holds (every source's allowed hosts). A page parsed from the
    mirror resolves a root-relative link (`/2025/x.html`) to BASE/2025/x.html, losing its host;
    a first path segment that is not a known host is therefore put back under the page's host.
    """

    base: str | None = None
    known_hosts: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        if self.base is not None:
            object.__setattr__(self, "base", self.base.rstrip("/"))

    def to_fetch(self, canonical: str) -> str:
        """https://HOST/PATH?Q -> BASE/HOST/PATH?Q (only http/https URLs are mapped)."""
        if not self.base:
            return canonical
        parts = urlsplit(canonical)
        if parts.scheme not in ALLOWED_SCHEMES or not parts.netloc or self.is_mirror(canonical):
            return canonical
        url = f"{self.base}/{parts.netloc}{parts.path or '/'}"
        return url + (f"?{parts.query}" if parts.query else "")

    def is_mirror(self, url: str) -> bool:
        return bool(self.base) and (url == self.base or url.startswith(self.base + "/"))

    def is_known(self, host: str) -> bool:
        host = host.lower().split(":")[0]
        return any(host == h.lstrip(".") or (h.startswith(".") and host.endswith(h))
                   for h in self.known_hosts)

    def to_canonical(self, url: str, page_host: str | None = None) -> str:
        """BASE/HOST/PATH -> https://HOST/PATH; any other URL is returned unchanged.

        With `page_host`, a mirror URL whose first segment is not a known host (a root-relative
        link resolved against the mirror) maps to https://PAGE_HOST/PATH."""
        if not self.is_mirror(url):
            return url
        rest = url[len(self.base or "") + 1:]
        host, _, path = rest.partition("/")
        if page_host and host.lower() != page_host.lower() and not self.is_known(host):
            return f"https://{page_host}/{rest}"
        return f"https://{host}/{path}"

    def resolve(self, href: str, page_canonical: str) -> str:
        """Resolve a link found in a page against the page's canonical URL; return canonical form.

        Resolving against the canonical URL (not the mirror URL) keeps root-relative links such as
        `/2025/10/22/x.html` on their real host; links the parser already made absolute against
        the mirror are mapped back.
        """
        url = urljoin(page_canonical, href.strip())
        return normalise(self.to_canonical(url, urlsplit(page_canonical).netloc or None))


def normalise(url: str) -> str:
    """Drop the fragment and lower-case scheme and host, so one page has one key."""
    parts = urlsplit(url)
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or ("/" if netloc else ""), parts.query, ""))


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


def is_public_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified)


def system_resolver(host: str) -> list[str]:
    """Addresses a host name resolves to (empty when it does not resolve)."""
    try:
        return sorted({info[4][0] for info in socket.getaddrinfo(host, None)})
    except (socket.gaierror, UnicodeError):
        return []


@dataclass
class HostPolicy:
    """Which URLs one source may request.

    allowed_hosts: canonical host names of the source (its own sites, e.g. www.mofcom.gov.cn).
    own_netlocs: fetch netlocs that may be private/loopback because the source itself lives there
      (the mirror at 127.0.0.1:PORT in tests; a source configured on an intranet host).
    """

    allowed_hosts: frozenset[str]
    own_netlocs: frozenset[str] = field(default_factory=frozenset)
    resolver: Callable[[str], list[str]] = system_resolver

    def check(self, fetch_url: str, canonical_url: str) -> None:
        """Raise Blocked unless both forms of the URL may be requested."""
        for url in (fetch_url, canonical_url):
            scheme = urlsplit(url).scheme.lower()
            if scheme not in ALLOWED_SCHEMES:
                raise Blocked(f"scheme {scheme or '(none)'}: not allowed ({url})")
        host = host_of(canonical_url)
        if not host or not self.host_allowed(host):
            raise Blocked(f"host {host or '(none)'} is not on the allowlist "
                          f"({', '.join(sorted(self.allowed_hosts))})")
        netloc = urlsplit(fetch_url).netloc.lower()
        if netloc in self.own_netlocs:
            return
        fetch_host = host_of(fetch_url)
        try:
            addresses = [ipaddress.ip_address(fetch_host)]
        except ValueError:
            addresses = [ipaddress.ip_address(a.split("%")[0]) for a in self.resolver(fetch_host)]
        for ip in addresses:
            if not is_public_ip(ip):
                raise Blocked(f"{fetch_host} is a private/loopback address ({ip}): not allowed")

    def host_allowed(self, host: str) -> bool:
        """Exact host names; an entry starting with '.' also admits its subdomains."""
        for entry in self.allowed_hosts:
            if host == entry or (entry.startswith(".") and (host.endswith(entry) or host == entry[1:])):
                return True
        return False
