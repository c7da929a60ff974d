"""Notification channels: where apprise URLs come from and how we name them without leaking secrets.

An apprise URL often *is* a secret (`tgram://BOT_TOKEN/CHAT`, `discord://ID/TOKEN`,
`mailto://user:password@host`), so the URL itself lives only in memory. Everything that is written
down — the `alerts` table, logs, `--test` output — uses two derived values:

- `Channel.id`: a hash of the URL. It is the channel's identity, so the outbox can tell which
  channel already got which alert across runs without storing the URL.
- `Channel.label`: a redacted, human label like `json://127.0.0.1:8123/…`. The host is shown only
  for schemes whose host position holds a host name; for the others (where apprise puts a token
  there) only the scheme and a short id are shown.

Sources, first one present wins (so a test or a cron line can override the repository's config):
1. `EXPORTWATCH_NOTIFY`: URLs separated by commas, spaces or newlines (set but empty = no channel);
2. `EXPORTWATCH_NOTIFY_FILE`: a file of URLs (TOML `urls = [...]` or one URL a line, `#` comments);
3. `config/notify.toml` under the config dir (`urls = [...]`).

A file that cannot be used (missing when named, not UTF-8, not TOML, `urls` not a list of strings)
raises NotifyConfigError, a configuration error the CLI reports in one line before a run starts
(`check_configuration`), so that it can never surface in the middle of the diff stage.
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

import click

from pipeline import config

# Schemes whose URL "host" is a real host name (safe to show); user, password, path and query are
# never shown for any scheme.
HOST_SCHEMES = {
    "json", "jsons", "xml", "xmls", "form", "forms", "mailto", "mailtos", "ntfy", "ntfys",
    "apprise", "apprises", "mqtt", "mqtts", "gotify", "gotifys", "rocket", "rockets",
    "matrix", "matrixs", "mmost", "mmosts", "syslog", "rsyslog",
}

# Whitespace always separates; a comma only when a new `scheme://` follows, since apprise URLs may
# hold commas themselves (mailto://host?to=a@example.com,b@example.com).
_SPLIT = re.compile(r"\s+|,(?=\s*[A-Za-z][A-Za-z0-9+.\-]*://)")


@dataclass(frozen=True)
class Channel:
    """One configured apprise URL. `url` is secret and must never be persisted or logged."""

    url: str = field(repr=False)
    id: str
    label: str

    @classmethod
    def from_url(cls, url: str) -> "Channel":
        url = url.strip()
        return cls(url=url, id=channel_id(url), label=redact(url))


def channel_id(url: str) -> str:
    """Stable identity of a channel: 16 hex chars of sha256 over the exact URL."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def redact(url: str) -> str:
    """A label safe for logs and the database: `scheme://host[:port]/…` or `scheme://…#<id>`."""
    url = url.strip()
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*)://", url)
    scheme = match.group(1).lower() if match else "?"
    if scheme in HOST_SCHEMES:
        try:
            parts = urlsplit(url)
            host, port = parts.hostname or "", parts.port
        except ValueError:
            host, port = "", None
        if host:
            netloc = f"[{host}]:{port}" if ":" in host and port else f"{host}:{port}" if port else host
            return f"{scheme}://{netloc}/…"
    return f"{scheme}://…#{channel_id(url)[:8]}"


def split_urls(text: str) -> list[str]:
    """URLs from free text: separated by spaces, newlines or commas; `#` starts a comment line."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    return [u.strip(",") for u in _SPLIT.split("\n".join(lines)) if u.strip(",")]


class NotifyConfigError(click.ClickException):
    """The notification settings cannot be used; the message says which file and what to write."""


EXAMPLE = 'urls = ["json://127.0.0.1:8123/hook"]'


def _read_file(path: Path) -> list[str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotifyConfigError(f"notification file {path} not found: create it (see config/notify.example.toml) "
                                f"or unset EXPORTWATCH_NOTIFY_FILE") from None
    except OSError as exc:
        raise NotifyConfigError(f"cannot read the notification file {path}: {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotifyConfigError(f"notification file {path} is not UTF-8 text (byte {exc.start}): save it "
                                f"as UTF-8") from None
    if path.suffix != ".toml":
        return split_urls(text)
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise NotifyConfigError(f"notification file {path} is not valid TOML ({exc}); write, e.g., "
                                f"{EXAMPLE}") from None
    urls = table.get("urls", [])
    if isinstance(urls, str):
        return split_urls(urls)
    if not isinstance(urls, list) or not all(isinstance(u, str) for u in urls):
        raise NotifyConfigError(f"notification file {path}: urls = {urls!r} must be a list of apprise URLs "
                                f"in quotes, e.g. {EXAMPLE}")
    return [u.strip() for u in urls if u.strip()]


def load_urls(env: Mapping[str, str] | None = None, config_dir: Path | None = None) -> list[str]:
    """The configured apprise URLs, deduplicated, in configuration order (see module docstring)."""
    env = os.environ if env is None else env
    if "EXPORTWATCH_NOTIFY" in env:
        urls = split_urls(env["EXPORTWATCH_NOTIFY"])
    elif env.get("EXPORTWATCH_NOTIFY_FILE"):
        urls = _read_file(Path(env["EXPORTWATCH_NOTIFY_FILE"]))
    else:
        path = Path(config_dir or config.CONFIG_DIR) / "notify.toml"
        urls = _read_file(path) if path.exists() else []
    seen: set[str] = set()
    return [u for u in urls if not (u in seen or seen.add(u))]


def load_channels(env: Mapping[str, str] | None = None, config_dir: Path | None = None) -> list[Channel]:
    """Configured channels, one per distinct URL."""
    return [Channel.from_url(u) for u in load_urls(env, config_dir)]


def check_configuration() -> None:
    """Read the notification settings now, before a run starts: raises NotifyConfigError."""
    load_channels()


def scrub(text: str, channels: list[Channel]) -> str:
    """Remove any configured URL, and every longish piece of it (user, password, token, path, query
    values) except a host the label shows anyway, from an error message before it is stored or
    printed: apprise errors sometimes echo parts of the URL."""
    for ch in channels:
        text = text.replace(ch.url, ch.label)
        rest = ch.url.split("://", 1)[-1]
        shown = set(ch.label.split("://", 1)[-1].split("/", 1)[0].split(":"))  # host, port
        pieces = {p for p in re.split(r"[:/@?&=,#+;]", rest) if len(p) >= 4 and p not in shown}
        for piece in sorted(pieces, key=len, reverse=True):
            text = text.replace(piece, "…")
    return text


def send_apprise(channel: Channel, title: str, body: str, key: str | None = None,
                 slow: float = 0.0) -> tuple[bool, str | None]:
    """Send one plain-text notification; returns (ok, error text from apprise's log if not ok).

    The idempotency key goes in an `Idempotency-Key` header for plugins that carry custom headers
    (json/xml/form webhooks, mailto); callers also put it in the body for all the others.
    `slow` (tests only) sleeps before and after transmitting, to widen the crash windows.
    """
    import logging
    import time

    import apprise

    asset = apprise.AppriseAsset(storage_mode="memory")
    plugin = apprise.Apprise.instantiate(channel.url, asset=asset)
    if plugin is None:
        return False, f"{channel.label}: not a valid or supported apprise URL"
    if key and isinstance(getattr(plugin, "headers", None), dict):
        plugin.headers["Idempotency-Key"] = key
    sender = apprise.Apprise(asset=asset)
    sender.add(plugin)
    if slow:
        time.sleep(slow)
    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        result = sender.notify(title=title, body=body, body_format=apprise.NotifyFormat.TEXT)
        log = captured.getvalue().strip()
    if slow:
        time.sleep(slow)
    if bool(result):
        return True, None
    return False, log.splitlines()[-1] if log else "apprise reported failure"
