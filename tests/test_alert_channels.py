"""Where channels come from, how they are named, and that secrets never leave memory."""
from __future__ import annotations

from pathlib import Path

from pipeline.alert.channels import Channel, channel_id, load_urls, redact, scrub, split_urls


def test_split_keeps_commas_inside_a_url():
    text = "json://127.0.0.1:1/a,mailto://127.0.0.1:2?from=a@example.com&to=b@example.com,c@example.com\n" \
           "# json://ignored/x\n  json://127.0.0.1:3/c, json://127.0.0.1:4/d,"
    assert split_urls(text) == ["json://127.0.0.1:1/a",
                                "mailto://127.0.0.1:2?from=a@example.com&to=b@example.com,c@example.com",
                                "json://127.0.0.1:3/c", "json://127.0.0.1:4/d"]


def test_sources_in_order_of_precedence(tmp_path: Path):
    (tmp_path / "notify.toml").write_text('urls = ["json://127.0.0.1:9/from-config"]\n', encoding="utf-8")
    listed = tmp_path / "list.txt"
    listed.write_text("json://127.0.0.1:9/from-file\njson://127.0.0.1:9/from-file\n", encoding="utf-8")
    assert load_urls({}, tmp_path) == ["json://127.0.0.1:9/from-config"]
    assert load_urls({"EXPORTWATCH_NOTIFY_FILE": str(listed)}, tmp_path) == ["json://127.0.0.1:9/from-file"]
    assert load_urls({"EXPORTWATCH_NOTIFY": "json://127.0.0.1:9/env", "EXPORTWATCH_NOTIFY_FILE": str(listed)},
                     tmp_path) == ["json://127.0.0.1:9/env"]
    assert load_urls({"EXPORTWATCH_NOTIFY": ""}, tmp_path) == [], "set but empty means: no channel"
    assert load_urls({}, tmp_path / "missing") == []


def test_labels_never_show_secrets():
    assert redact("json://user:pw@127.0.0.1:8123/hook?token=abc") == "json://127.0.0.1:8123/\u2026"
    assert redact("mailto://u:p@smtp.example.com:587?to=b@example.com") == "mailto://smtp.example.com:587/\u2026"
    # Schemes whose host position is a token: only the scheme and a short hash.
    tg = "tgram://123456789:AAHsecretBotToken/987654"
    assert redact(tg) == f"tgram://\u2026#{channel_id(tg)[:8]}"
    assert "secret" not in redact("discord://1234/secretwebhooktoken").lower()
    assert channel_id("json://a/b") != channel_id("json://a/c")
    assert "AAHsecretBotToken" not in repr(Channel.from_url(tg))


def test_scrub_removes_url_parts_from_errors():
    ch = Channel.from_url("json://user:PASSWORD123@127.0.0.1:1/SECRETPATH?+X-Key=HEADERVAL")
    text = scrub("failed posting json://user:PASSWORD123@127.0.0.1:1/SECRETPATH?+X-Key=HEADERVAL "
                 "(PASSWORD123, SECRETPATH)", [ch])
    assert "PASSWORD123" not in text and "SECRETPATH" not in text and "HEADERVAL" not in text
    tg = Channel.from_url("tgram://123456789:AAHsecretBotToken/987654")
    assert "AAHsecretBotToken" not in scrub("bad token 123456789:AAHsecretBotToken", [tg])
