"""Read config/sources.toml into typed records: the sources to check and the fetch settings.

Sources are data so that adding a site or fixing a selector is a config change, reviewed as such,
not a code change. The whole file is validated against the types of `FetchSettings` and `Source`
(pydantic, strict: no "false" for false, no "fast" for a number, no "pdf" for a list) before any
request is made, and every problem is reported at once, with where it is and how to write it.
Unknown keys are errors: a typo must not silently disable a safeguard.
"""
from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal, Mapping
from urllib.parse import urlsplit

import click
from pydantic import ConfigDict, Field, StrictBool, StrictStr, TypeAdapter, ValidationError

from pipeline import __version__, config

KINDS = ("listing", "feed")


def default_sources() -> Path:
    """$EXPORTWATCH_SOURCES, else config/sources.toml (read when asked, so a test can set it)."""
    return Path(os.environ.get("EXPORTWATCH_SOURCES") or config.CONFIG_DIR / "sources.toml")


class SourcesError(click.ClickException):
    """The sources file is missing or invalid; the message says where and what to fix.

    A ClickException so any command (fetch, run --live, update) reports it as one clear line."""


Seconds = Annotated[float, Field(strict=True, ge=0)]
Positive = Annotated[float, Field(strict=True, gt=0)]
Count = Annotated[int, Field(strict=True, ge=0)]
Words = tuple[StrictStr, ...]


@dataclass(frozen=True)
class FetchSettings:
    """Politeness and safety limits of the HTTP client (the `[fetch]` table)."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    project_url: StrictStr = "https://github.com/exportwatch/exportwatch"
    delay_seconds: Seconds = 3.0
    connect_timeout: Positive = 10.0
    read_timeout: Positive = 30.0
    total_timeout: Positive = 120.0
    max_bytes: Count = 25 * 1024 * 1024
    max_redirects: Count = 5
    retries: Count = 3
    backoff_seconds: Seconds = 2.0
    backoff_max: Seconds = 60.0
    retry_after_cap: Seconds = 120.0
    crawl_delay_cap: Seconds = 60.0
    obey_robots: StrictBool = True

    @property
    def user_agent(self) -> str:
        return f"exportwatch/{__version__} (+{self.project_url}; compliance research)"

    def replace(self, **changes: Any) -> "FetchSettings":
        """A copy with `changes`, validated like the file's values."""
        try:
            return _SETTINGS.validate_python({**dataclasses.asdict(self), **changes})
        except ValidationError as exc:
            raise SourcesError(explain(exc, "fetch settings"))


@dataclass(frozen=True)
class Source:
    """One site or feed to check."""

    __pydantic_config__ = ConfigDict(extra="forbid")

    name: StrictStr
    kind: Literal["listing", "feed"]
    start_url: StrictStr
    allowed_hosts: Words
    lang: Literal["zh", "en"] | None = None
    detail_selector: StrictStr | None = None
    next_selector: StrictStr | None = None
    attachments: Words = ("pdf", "doc", "docx", "xls", "xlsx")
    min_links: Count = 1
    max_pages: Count = 5
    # detail links followed per check at most: a list page of 10,000 links would take 8 hours at
    # the shipped delay; the rest is reported, not silently dropped
    max_links: Annotated[int, Field(strict=True, ge=1)] = 300
    check_interval_minutes: Count = 60
    enabled: StrictBool = True
    maintenance_markers: Words = field(default=(
        "系统维护", "维护中", "暂时无法访问", "maintenance", "account suspended", "temporarily unavailable"))


SOURCE_KEYS = {f.name for f in dataclasses.fields(Source)}
SETTING_KEYS = {f.name for f in dataclasses.fields(FetchSettings)}
_SETTINGS = TypeAdapter(FetchSettings)
_SOURCE = TypeAdapter(Source)
HOW = {  # pydantic error type -> how to write the value in TOML
    "tuple_type": 'write a list, e.g. ["pdf", "doc"]',
    "list_type": 'write a list, e.g. ["pdf", "doc"]',
    "bool_type": "write true or false, without quotes",
    "float_type": "write a number, without quotes",
    "int_type": "write a whole number, without quotes",
    "string_type": "write text in double quotes",
    "literal_error": "use one of the values named",
    "greater_than_equal": "use a value in range",
    "greater_than": "use a value in range",
    "dict_type": "write a table: [fetch] on its own line, then key = value lines",
}


def explain(exc: ValidationError, where: str, prefix: tuple[Any, ...] = ()) -> str:
    """Every problem pydantic found, one line each: key, value given, what is wrong, how to fix."""
    lines = []
    for err in exc.errors():
        loc = [str(x) for x in (*prefix, *err["loc"])]
        key = loc[0] + "".join(f"[{x}]" for x in loc[1:])
        value = err.get("input")
        given = "" if isinstance(value, dict) else f" = {value!r}"
        how = HOW.get(err["type"], "")
        lines.append(f"{where}: {key}{given}: {err['msg'][0].lower()}{err['msg'][1:]}" + (f"; {how}" if how else ""))
    return "\n".join(lines)


def _source(entry: Any, where: str) -> Source:
    if not isinstance(entry, dict):
        raise SourcesError(f"{where}: each [[source]] must be a table of key = value lines")
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        raise SourcesError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}; "
                           f"allowed: {', '.join(sorted(SOURCE_KEYS))}")
    for key in ("name", "kind", "start_url"):
        if entry.get(key) in (None, ""):
            raise SourcesError(f"{where}: '{key}' is required")
    if isinstance(entry["kind"], str) and entry["kind"] not in KINDS:
        raise SourcesError(f"{where}: kind must be one of {', '.join(KINDS)}, not {entry['kind']!r}")
    values = dict(entry)
    values.setdefault("allowed_hosts", [])
    for key in ("allowed_hosts", "attachments", "maintenance_markers"):
        if isinstance(values.get(key), list):
            values[key] = tuple(values[key])
    try:
        source = _SOURCE.validate_python(values)
    except ValidationError as exc:
        raise SourcesError(explain(exc, where))
    start = urlsplit(source.start_url)
    if start.scheme not in ("http", "https") or not start.hostname:
        raise SourcesError(f"{where}: start_url must be an http(s) URL, not {source.start_url!r}")
    source = dataclasses.replace(
        source, allowed_hosts=tuple(h.lower() for h in source.allowed_hosts) or (start.hostname,),
        attachments=tuple(a.lower().lstrip(".") for a in source.attachments),
        maintenance_markers=tuple(m.lower() for m in source.maintenance_markers))
    if not any(start.hostname == h or (h.startswith(".") and start.hostname.endswith(h))
               for h in source.allowed_hosts):
        raise SourcesError(f"{where}: start_url host {start.hostname} is not in allowed_hosts")
    return source


def load(path: Path | str | None = None) -> tuple[FetchSettings, list[Source]]:
    """Parse and validate the whole sources file (and EXPORTWATCH_FETCH_* overrides). Raises
    SourcesError with a sentence per problem saying what to fix."""
    path = Path(path or default_sources())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SourcesError(f"sources file {path} not found; pass --sources or create config/sources.toml")
    except UnicodeDecodeError as exc:
        raise SourcesError(f"{path} is not UTF-8 text (byte {exc.start}); save it as UTF-8")
    except tomllib.TOMLDecodeError as exc:
        raise SourcesError(f"{path} is not valid TOML: {exc}")
    except OSError as exc:
        raise SourcesError(f"cannot read the sources file {path}: {exc.strerror or exc}")
    unknown = set(data) - {"fetch", "source"}
    if unknown:
        raise SourcesError(f"{path}: unknown top-level key(s) {', '.join(sorted(unknown))}; "
                           f"the file holds a [fetch] table and [[source]] tables")
    settings_table = data.get("fetch", {})
    if not isinstance(settings_table, dict):
        raise SourcesError(f"{path}: fetch = {settings_table!r}: [fetch] must be a table; "
                           f"write [fetch] on its own line, then key = value lines")
    unknown = set(settings_table) - SETTING_KEYS
    if unknown:
        raise SourcesError(f"{path} [fetch]: unknown key(s) {', '.join(sorted(unknown))}")
    try:
        settings = _SETTINGS.validate_python(settings_table)
    except ValidationError as exc:
        raise SourcesError(explain(exc, f"{path} [fetch]"))
    settings = env_overrides(settings, os.environ)
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise SourcesError(f"{path}: source must be [[source]] tables, one per source")
    sources, problems = [], []
    for i, entry in enumerate(entries):
        where = f"{path} [[source]] #{i + 1}" + (f" ({entry['name']})" if isinstance(entry, dict)
                                                   and isinstance(entry.get("name"), str) else "")
        try:
            sources.append(_source(entry, where))
        except SourcesError as exc:
            problems.append(exc.message)
    if problems:
        raise SourcesError("\n".join(problems))
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
            if kind is bool:
                if value.strip().lower() not in ("1", "true", "yes", "0", "false", "no"):
                    raise ValueError(value)
                changes[f.name] = value.strip().lower() in ("1", "true", "yes")
            else:
                changes[f.name] = kind(value)
        except ValueError:
            raise SourcesError(f"EXPORTWATCH_FETCH_{f.name.upper()}={value!r} is not a valid {kind.__name__}")
    if not changes:
        return settings
    try:
        return _SETTINGS.validate_python({**dataclasses.asdict(settings), **changes})
    except ValidationError as exc:
        raise SourcesError(explain(exc, "environment", ("EXPORTWATCH_FETCH_*",)))
