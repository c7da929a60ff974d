"""Read config/sources.toml into typed records: the sources to check and the fetch settings.

Sources are data so that adding a site or fixing a selector is a config change, reviewed as such,
not a code change. Unknown keys are errors: a typo must not silently disable a safeguard.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

import click

from pipeline import __version__, config

DEFAULT_SOURCES = Path(os.environ.get("EXPORTWATCH_SOURCES", config.CONFIG_DIR / "sources.toml"))
KINDS = ("listing", "feed")


class SourcesError(click.ClickException):
    """The sources file is missing or invalid; the message says where and what to fix.

    A ClickException so any command (fetch, run --live, update) reports it as one clear line."""


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits of the HTTP client (the `[fetch]` table)."""

    project_url: str = "https://github.com/exportwatch/exportwatch"
    delay_seconds: float = 3.0
    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_timeout: float = 120.0
    max_bytes: int = 25 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff_seconds: float = 2.0
    backoff_max: float = 60.0
    retry_after_cap: float = 120.0
    crawl_delay_cap: float = 60.0
    obey_robots: bool = True

    @property
    def user_agent(self) -> str:
        return f"exportwatch/{__version__} (+{self.project_url}; compliance research)"

    def replace(self, **changes: Any) -> "FetchSettings":
        return dataclasses.replace(self, **changes)


@dataclass(frozen=True)
class Source:
    """One site or feed to check."""

    name: str
    kind: str  # listing | feed
    start_url: str
    allowed_hosts: tuple[str, ...]
    lang: str | None = None
    detail_selector: str | None = None
    next_selector: str | None = None
    attachments: tuple[str, ...] = ("pdf", "doc", "docx", "xls", "xlsx")
    min_links: int = 1
    max_pages: int = 5
    check_interval_minutes: int = 60
    enabled: bool = True
    maintenance_markers: tuple[str, ...] = field(default=(
        "系统维护", "维护中", "暂时无法访问", "maintenance", "account suspended", "temporarily unavailable"))


SOURCE_KEYS = {f.name for f in dataclasses.fields(Source)}
SETTING_KEYS = {f.name for f in dataclasses.fields(FetchSettings)}


def _source(entry: dict[str, Any], where: str) -> Source:
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                           f"allowed: {', '.join(sorted(SOURCE_KEYS))}")
    for key in ("name", "kind", "start_url"):
        if not entry.get(key):
            raise SourcesError(f"{where}: '{key}' is required")
    if entry["kind"] not in KINDS:
        raise SourcesError(f"{where}: kind must be one of {', '.join(KINDS)}, not {entry['kind']!r}")
    start = urlsplit(entry["start_url"])
    if start.scheme not in ("http", "https") or not start.hostname:
        raise SourcesError(f"{where}: start_url must be an http(s) URL, not {entry['start_url']!r}")
    values = dict(entry)
    hosts = values.get("allowed_hosts") or [start.hostname]
    values["allowed_hosts"] = tuple(h.lower() for h in hosts)
    for key in ("attachments", "maintenance_markers"):
        if key in values:
            values[key] = tuple(str(v).lower().lstrip(".") if key == "attachments" else str(v).lower()
                                for v in values[key])
    for key in ("min_links", "max_pages", "check_interval_minutes"):
        if key in values and (not isinstance(values[key], int) or values[key] < 0):
            raise SourcesError(f"{where}: {key} must be a whole number ≥ 0")
    source = Source(**values)
    if not any(start.hostname == h or (h.startswith(".") and start.hostname.endswith(h))
               for h in source.allowed_hosts):
        raise SourcesError(f"{where}: start_url host {start.hostname} is not in allowed_hosts")
    return source


def load(path: Path | str | None = None) -> tuple[FetchSettings, list[Source]]:
    """Parse the sources file. Raises SourcesError with a sentence saying what to fix."""
    path = Path(path or DEFAULT_SOURCES)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"sources file {path} not found; pass --sources or create config/sources.toml")
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path} is not valid TOML: {exc}")
    settings_table = data.get("fetch", {})
    unknown = set(settings_table) - SETTING_KEYS
    if unknown:
        raise SourcesError(f"{path} [fetch]: unknown key(s) {', '.join(sorted(unknown))}")
    settings = env_overrides(FetchSettings(**settings_table), os.environ)
    sources = [_source(e, f"{path} [[source]] #{i + 1}") for i, e in enumerate(data.get("source", []))]
    names = [s.name for s in sources]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        raise SourcesError(f"{path}: duplicate source name(s) {', '.join(sorted(dupes))}")
    return settings, sources


def env_overrides(settings: FetchSettings, environ: Mapping[str, str]) -> FetchSettings:
    """EXPORTWATCH_FETCH_<SETTING> overrides a [fetch] value, e.g. EXPORTWATCH_FETCH_DELAY_SECONDS=0
    for a local mirror, without editing the file (`run --live` has no per-setting options)."""
    changes: dict[str, Any] = {}
    for f in dataclasses.fields(FetchSettings):
        value = environ.get(f"EXPORTWATCH_FETCH_{f.name.upper()}")
        if value is None:
            continue
        kind = type(getattr(settings, f.name))
        try:
            changes[f.name] = value.lower() in ("1", "true", "yes") if kind is bool else kind(value)
        except ValueError:
            raise SourcesError(f"EXPORTWATCH_FETCH_{f.name.upper()}={value!r} is not a valid {kind.__name__}")
    return settings.replace(**changes) if changes else settings
