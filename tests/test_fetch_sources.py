"""Sources file, URL mapping (--base-url) and the host policy: the pure parts of the fetch stage."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.fetch import sources
from pipeline.fetch.sources import SourcesError
from pipeline.fetch.urls import Blocked, HostPolicy, UrlMap

ROOT = Path(__file__).resolve().parent.parent


def test_shipped_sources():
    settings, srcs = sources.load(ROOT / "config" / "sources.toml")
    by_url = {s.start_url: s for s in srcs}
    zh = by_url["https://www.mofcom.gov.cn/zwgk/zcfb/index.html"]
    en = by_url["https://english.mofcom.gov.cn/index.html"]
    news = by_url["https://news.example.org/feed.xml"]
    assert (zh.kind, zh.lang, en.kind, en.lang, news.kind) == ("listing", "zh", "listing", "en", "feed")
    assert {"pdf", "doc", "docx", "xls", "xlsx"} <= set(zh.attachments)
    assert zh.allowed_hosts == ("www.mofcom.gov.cn",) and zh.min_links >= 1 and zh.max_pages >= 3
    assert all(s.check_interval_minutes > 0 for s in srcs)
    assert settings.delay_seconds >= 1 and settings.max_bytes <= 50 * 1024 * 1024
    assert "compliance research" in settings.user_agent


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("entry, message", [
    ('name="a"\nkind="listing"\nstart_url="https://x.org/"\nmin_link=3', "unknown key(s) min_link"),
    ('name="a"\nkind="sitemap"\nstart_url="https://x.org/"', "kind must be one of"),
    ('name="a"\nkind="feed"\nstart_url="ftp://x.org/"', "must be an http(s) URL"),
    ('name="a"\nkind="feed"\nstart_url="https://x.org/"\nallowed_hosts=["y.org"]', "not in allowed_hosts"),
    ('kind="feed"\nstart_url="https://x.org/"', "'name' is required"),
])
def test_invalid_sources_are_reported(tmp_path, entry, message):
    with pytest.raises(SourcesError) as err:
        sources.load(write(tmp_path, f"[[source]]\n{entry}\n"))
    assert message in str(err.value)


def test_defaults_and_env_override(tmp_path, monkeypatch):
    path = write(tmp_path, '[fetch]\ndelay_seconds = 5\n[[source]]\nname="a"\nkind="feed"\n'
                           'start_url="https://x.org/feed"\n')
    settings, [src] = sources.load(path)
    assert settings.delay_seconds == 5 and src.allowed_hosts == ("x.org",)
    monkeypatch.setenv("EXPORTWATCH_FETCH_DELAY_SECONDS", "0")
    monkeypatch.setenv("EXPORTWATCH_FETCH_OBEY_ROBOTS", "true")
    settings, _ = sources.load(path)
    assert settings.delay_seconds == 0.0 and settings.obey_robots is True
    monkeypatch.setenv("EXPORTWATCH_FETCH_RETRIES", "many")
    with pytest.raises(SourcesError):
        sources.load(path)
    with pytest.raises(SourcesError, match="not found"):
        sources.load(tmp_path / "missing.toml")


def test_urlmap_round_trip_and_links():
    m = UrlMap("http://127.0.0.1:8000/", frozenset({"www.mofcom.gov.cn", "news.example.org"}))
    canonical = "https://www.mofcom.gov.cn/zwgk/zcfb/index.html?x=1"
    fetch = m.to_fetch(canonical)
    assert fetch == "http://127.0.0.1:8000/www.mofcom.gov.cn/zwgk/zcfb/index.html?x=1"
    assert m.to_canonical(fetch) == canonical
    page = "https://www.mofcom.gov.cn/zwgk/zcfb/index.html"
    # relative, as the listing has them
    assert m.resolve("art/2025/a.html#top", page) == "https://www.mofcom.gov.cn/zwgk/zcfb/art/2025/a.html"
    # already made absolute by the parser against the mirror URL
    assert m.resolve("http://127.0.0.1:8000/www.mofcom.gov.cn/xwfb/b.html", page) == \
        "https://www.mofcom.gov.cn/xwfb/b.html"
    # root-relative link on a news page, resolved by the parser against the mirror: host restored
    news = "https://news.example.org/2025/10/20/x.html"
    assert m.resolve("http://127.0.0.1:8000/2025/10/22/y.html", news) == "https://news.example.org/2025/10/22/y.html"
    assert m.resolve("/2025/10/22/y.html", news) == "https://news.example.org/2025/10/22/y.html"
    # absolute links on real hosts stay as they are
    assert m.resolve("https://news.example.org/feed.xml", page) == "https://news.example.org/feed.xml"
    assert UrlMap().to_fetch(canonical) == canonical


def test_host_policy():
    policy = HostPolicy(frozenset({"www.mofcom.gov.cn", ".example.org"}),
                        own_netlocs=frozenset({"127.0.0.1:8000"}),
                        resolver=lambda h: {"www.mofcom.gov.cn": ["203.119.25.1"],
                                            "intra.example.org": ["10.1.2.3"]}.get(h, []))
    policy.check("https://www.mofcom.gov.cn/a", "https://www.mofcom.gov.cn/a")
    policy.check("http://127.0.0.1:8000/www.mofcom.gov.cn/a", "https://www.mofcom.gov.cn/a")  # own mirror
    policy.check("https://news.example.org/a", "https://news.example.org/a")  # subdomain entry
    for fetch, canonical, reason in [
        ("file:///etc/passwd", "file:///etc/passwd", "scheme file"),
        ("https://evil.org/", "https://evil.org/", "allowlist"),
        ("http://127.0.0.1:9999/www.mofcom.gov.cn/a", "https://www.mofcom.gov.cn/a", "private/loopback"),
        ("https://intra.example.org/", "https://intra.example.org/", "private/loopback"),
        ("http://[::1]:8000/x", "https://www.mofcom.gov.cn/x", "private/loopback"),
    ]:
        with pytest.raises(Blocked, match=reason.replace("/", ".")):
            policy.check(fetch, canonical)
