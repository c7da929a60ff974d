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
2. `EXPORTWATCH_NOTIFY_FILE`: a file of URLs (TOML, as below, or one URL a line, `#` comments);
3. `config/notify.toml` under the config dir.

The TOML file (config/notify.example.toml):
- `urls = [...]`: channels that get every change and time-based alert, one message each;
- `[[channels]]` tables: `url`, and optionally `digest = true` (one message per run listing the
  changes, each with its link) and filters `announcements`, `elements` (symbols or names: Sm,
  samarium, 钐), `hs_prefixes`, `types` (change types): a change must pass every filter given;
- `[operations] urls = [...]`: where run and source failures go. When operations channels are
  configured (here or in `EXPORTWATCH_NOTIFY_OPS`), failures go only there, never to the channels
  above nor to the Atom feed; without them they go to every channel, as before.

A file that cannot be used (missing when named, not UTF-8, not TOML, wrong types) raises
NotifyConfigError; `run` and `update` read the settings before the run starts
(`check_configuration`), so a broken file is one line then, never a failure in the middle of a run.
"""
from __future__ import annotations

import hashlib
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping
from urllib.parse import urlsplit

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


TOPICS = frozenset({"change", "timed", "health"})  # change alerts, time-based alerts, run/source failures
FILTER_KEYS = ("announcements", "elements", "hs_prefixes", "types")


@dataclass(frozen=True)
class Channel:
    """One configured apprise URL. `url` is secret and must never be persisted or logged.

    topics: what it gets; digest: one message per run; the filters select change alerts."""

    url: str = field(repr=False)
    id: str
    label: str
    topics: frozenset[str] = TOPICS
    digest: bool = False
    announcements: tuple[str, ...] = ()
    elements: tuple[str, ...] = ()
    hs_prefixes: tuple[str, ...] = ()
    types: tuple[str, ...] = ()

    @classmethod
    def from_url(cls, url: str, **options: object) -> "Channel":
        url = url.strip()
        return cls(url=url, id=channel_id(url), label=redact(url), **options)  # type: ignore[arg-type]

    def wants(self, topic: str) -> bool:
        return topic in self.topics

    @property
    def filtered(self) -> bool:
        return any(getattr(self, k) for k in FILTER_KEYS)


class NotifyConfigError(ValueError):
    """The notification file is wrong: `path` and the problem, for a one-line message."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path, self.problem = path, problem


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


def _read_text(path: Path) -> str:
    """The file's text, or NotifyConfigError saying why there is none (missing, unreadable, not UTF-8)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise NotifyConfigError(path, "not found: create it or unset EXPORTWATCH_NOTIFY_FILE") from None
    except OSError as exc:
        raise NotifyConfigError(path, f"cannot be read ({exc.strerror or exc})") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotifyConfigError(path, f"is not UTF-8 text (byte {exc.start}): save it as UTF-8") from None


def _read_toml(path: Path) -> dict:
    try:
        return tomllib.loads(_read_text(path))
    except tomllib.TOMLDecodeError as exc:
        raise NotifyConfigError(path, f"is not valid TOML ({exc})") from None


def _read_file(path: Path) -> list[str]:
    if path.suffix != ".toml":
        return split_urls(_read_text(path))
    urls = _read_toml(path).get("urls", [])
    return split_urls(urls) if isinstance(urls, str) else list(_strings(path, "urls", urls))


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


def _strings(path: Path, where: str, value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise NotifyConfigError(path, f"{where} must be a list of strings")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _channel_table(path: Path, i: int, table: object) -> Channel:
    from pipeline import elements
    from pipeline.records import ChangeType

    where = f"[[channels]] #{i + 1}"
    if not isinstance(table, dict) or not isinstance(table.get("url"), str) or not table["url"].strip():
        raise NotifyConfigError(path, f"{where} needs url = \"scheme://...\"")
    unknown = set(table) - {"url", "digest", *FILTER_KEYS}
    if unknown:
        raise NotifyConfigError(path, f"{where} has unknown key(s) {sorted(unknown)}; known: url, digest, "
                                      f"{', '.join(FILTER_KEYS)}")
    if not isinstance(table.get("digest", False), bool):
        raise NotifyConfigError(path, f"{where} digest must be true or false")
    options: dict[str, object] = {"digest": table.get("digest", False)}
    for key in FILTER_KEYS:
        options[key] = _strings(path, f"{where} {key}", table.get(key))
    symbols = []
    for name in options["elements"]:  # type: ignore[union-attr]
        if not (symbol := elements.symbol(name)):
            raise NotifyConfigError(path, f"{where} elements: {name!r} is not an element name or symbol")
        symbols.append(symbol)
    options["elements"] = tuple(symbols)
    bad = [t for t in options["types"] if t not in {c.value for c in ChangeType}]  # type: ignore[union-attr]
    if bad:
        raise NotifyConfigError(path, f"{where} types: {bad} are not change types")
    options["hs_prefixes"] = tuple("".join(h.replace(".", "").split()) for h in options["hs_prefixes"])  # type: ignore[union-attr]
    options["announcements"] = tuple(a.upper() for a in options["announcements"])  # type: ignore[union-attr]
    return Channel.from_url(table["url"], **options)


def _read_config(path: Path) -> tuple[list[Channel], list[str]]:
    """(channels, operations URLs) of a TOML notification file."""
    data = _read_toml(path)
    urls = data.get("urls", [])
    plain = split_urls(urls) if isinstance(urls, str) else list(_strings(path, "urls", urls))
    tables = data.get("channels", [])
    if not isinstance(tables, list):
        raise NotifyConfigError(path, "channels must be [[channels]] tables")
    ops = data.get("operations", {})
    if not isinstance(ops, dict):
        raise NotifyConfigError(path, "[operations] must be a table with urls = [...]")
    return ([Channel.from_url(u) for u in plain] + [_channel_table(path, i, t) for i, t in enumerate(tables)],
            list(_strings(path, "[operations] urls", ops.get("urls"))))


def load_channels(env: Mapping[str, str] | None = None, config_dir: Path | None = None) -> list[Channel]:
    """Configured channels, one per distinct URL (the first definition wins), operations channels
    last. With operations channels, the others no longer get run and source failures."""
    env = os.environ if env is None else env
    path = Path(env["EXPORTWATCH_NOTIFY_FILE"]) if env.get("EXPORTWATCH_NOTIFY_FILE") else \
        Path(config_dir or config.CONFIG_DIR) / "notify.toml"
    ops = split_urls(env.get("EXPORTWATCH_NOTIFY_OPS", ""))
    if "EXPORTWATCH_NOTIFY" in env or path.suffix != ".toml" or not path.exists():
        channels = [Channel.from_url(u) for u in load_urls(env, config_dir)]
    else:
        channels, file_ops = _read_config(path)
        ops = ops or file_ops
    out: list[Channel] = []
    seen: set[str] = set()
    for ch in channels:
        if ch.id not in seen:
            seen.add(ch.id)
            out.append(replace(ch, topics=ch.topics - {"health"}) if ops else ch)
    for url in ops:
        ch = Channel.from_url(url, topics=frozenset({"health"}))
        if ch.id not in seen:
            seen.add(ch.id)
            out.append(ch)
    return out


def operations_configured(channels: list[Channel]) -> bool:
    return any(ch.topics == frozenset({"health"}) for ch in channels)


def check_configuration() -> None:
    """Read the notification settings now, before a run starts: a broken file is one click error
    (E008) then, never an exception in the middle of a run."""
    from pipeline.errors import Errors, fail

    try:
        load_channels()
    except NotifyConfigError as exc:
        raise fail(Errors.E008, path=exc.path, problem=exc.problem) from None


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
