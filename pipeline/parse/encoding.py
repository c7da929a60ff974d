"""Bytes -> str: find the character encoding, refuse binary, repair mojibake.

Order of evidence: byte-order mark, then the charsets the page declares (HTTP header, then
`<meta charset>` / http-equiv / XML declaration), then detection (UTF-8 if the bytes are valid
UTF-8, else charset-normalizer). A declared charset is only trusted if it decodes the bytes
strictly: MOFCOM pages that say utf-8 but hold GBK bytes exist (bad/gbk-declared-utf8.html).
GB2312/GBK are read as GB18030, their superset, so rare characters do not break decoding.

When nothing fits strictly, the bytes are decoded as a browser would: with the declared charset
(else UTF-8, else GB18030) that needs the fewest replacements, each bad byte becoming U+FFFD and
a warning saying how many and where; a NUL becomes U+FFFD too. One stray 0xFF, 0xA0 or NUL in
an otherwise valid announcement used to lose the whole document ("no character encoding fits",
"bytes look binary"). Only when even the best candidate needs replacements for more than
TOLERATED_SHARE of the bytes is the document refused.

Mojibake repair uses ftfy with the options that only undo encoding accidents (no width folding,
no quote uncurling: those would change correct Chinese punctuation such as （一）or “”).
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from functools import lru_cache

import ftfy
from charset_normalizer import from_bytes

from pipeline.parse.lang import load

BOMS = [(codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")]
ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "cp936": "gb18030", "x-gbk": "gb18030",
           "gb_2312-80": "gb18030", "euc-cn": "gb18030", "iso-8859-1": "cp1252", "latin-1": "cp1252",
           "latin1": "cp1252", "us-ascii": "cp1252", "ascii": "cp1252", "big5": "big5hkscs",
           "utf8": "utf-8", "unicode": "utf-8"}
META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
XML_DECL_RE = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.I)
HEADER_CHARSET_RE = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
TOLERATED_SHARE = 0.01  # replaced bytes a decoding may need, as a share of all bytes (browser-style pass)
FTFY = ftfy.TextFixerConfig(unescape_html=False, fix_character_width=False, uncurl_quotes=False,
                            fix_latin_ligatures=False, normalization=None, explain=False)


@dataclass
class Decoded:
    text: str = ""
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


def canonical(name: str | None) -> str | None:
    """A Python codec name for a declared charset, None if Python does not know it."""
    if not name:
        return None
    name = name.strip().strip("'\"").lower()
    name = ALIASES.get(name, name)
    try:
        return codecs.lookup(name).name if name != "utf-8-sig" else name
    except LookupError:
        return None


def declared_charsets(content: bytes, headers: dict[str, str] | None = None,
                      media_type: str | None = None) -> list[tuple[str, str]]:
    """(where, charset) pairs the response and the document declare, most authoritative first."""
    found: list[tuple[str, str]] = []
    for key, value in (headers or {}).items():
        if key.lower() == "content-type" and (m := HEADER_CHARSET_RE.search(value)):
            found.append(("HTTP header", m.group(1)))
    if media_type and (m := HEADER_CHARSET_RE.search(media_type)):
        found.append(("media type", m.group(1)))
    head = content[:4096]
    if m := XML_DECL_RE.search(head):
        found.append(("XML declaration", m.group(1).decode("ascii", "replace")))
    if m := META_CHARSET_RE.search(head):
        found.append(("<meta charset>", m.group(1).decode("ascii", "replace")))
    return found


def looks_binary(content: bytes) -> bool:
    """Several NUL bytes or many control bytes in the first 8 KiB: not a text document. (One stray
    NUL in a page is damage to read past, not a sign of binary data.)"""
    sample = content[:8192]
    if any(sample.startswith(bom) for bom, _ in BOMS):
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    return sample.count(0) > max(2, len(sample) // 1000) or controls > len(sample) * 0.02


def decode(content: bytes, headers: dict[str, str] | None = None, media_type: str | None = None) -> Decoded:
    """Decode document bytes; `error` is set (and text empty) for empty or binary content."""
    out = Decoded()
    if not content.strip():
        out.error = "empty file" if not content else "empty file (whitespace only)"
        return out
    for bom, codec in BOMS:
        if content.startswith(bom):
            out.text, out.encoding = content.decode(codec, errors="replace"), codec
            return _check_text(_nul_free(out))
    if looks_binary(content):
        out.error = "not text/HTML: the bytes look binary (NUL or control bytes)"
        return out
    declared: list[str] = []
    for where, name in declared_charsets(content, headers, media_type):
        codec = canonical(name)
        if codec is not None:
            declared.append(codec)
        if codec is None:
            out.warnings.append(f"unknown charset {name!r} declared in {where}; detected instead")
            continue
        if codec not in ("utf-8", "utf-8-sig") and _valid_utf8_non_ascii(content):
            out.warnings.append(f"{where} declares {name} but the bytes are valid UTF-8; read as UTF-8")
            out.text, out.encoding = content.decode("utf-8"), "utf-8"
            return _check_text(_nul_free(out))
        try:
            out.text, out.encoding = content.decode(codec), codec
            return _check_text(_nul_free(out))
        except UnicodeDecodeError as exc:
            out.warnings.append(f"{where} declares {name} but the bytes are not valid {name} "
                                f"(at byte {exc.start}); encoding detected instead")
    detected = _detect(content, out)
    if detected.error is not None:
        detected = _as_a_browser_would(content, declared, detected)
    return _check_text(_nul_free(detected))


def _as_a_browser_would(content: bytes, declared: list[str], out: Decoded) -> Decoded:
    """Nothing fits strictly: the candidate needing the fewest replacements, if few enough."""
    best: tuple[int, int, str, str] | None = None  # (replaced, first bad byte, codec, text)
    for codec in dict.fromkeys([*declared, "utf-8", "gb18030"]):
        try:
            content.decode(codec)
        except UnicodeDecodeError as exc:
            first = exc.start
        except LookupError:
            continue
        else:
            first = -1
        text = content.decode(codec, errors="replace")
        replaced = text.count("\ufffd") - content.count("\ufffd".encode(codec, errors="ignore"))
        if best is None or replaced < best[0]:
            best = (replaced, first, codec, text)
    if best is None or best[0] > len(content) * TOLERATED_SHARE:
        return out
    replaced, first, codec, text = best
    out.warnings.append(f"{replaced} byte(s) not valid {codec} (the first at byte {first}): replaced with "
                        f"U+FFFD, as a browser would")
    return Decoded(text=text, encoding=codec, warnings=out.warnings)


def _nul_free(out: Decoded) -> Decoded:
    """NUL characters become U+FFFD (as HTML parsers do), with a warning."""
    if out.error is None and "\x00" in out.text:
        out.warnings.append(f"{out.text.count(chr(0))} NUL character(s) replaced with U+FFFD")
        out.text = out.text.replace("\x00", "\ufffd")
    return out


def _valid_utf8_non_ascii(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not content.isascii()


def _detect(content: bytes, out: Decoded) -> Decoded:
    try:
        out.text, out.encoding = content.decode("utf-8"), "utf-8"
        return out
    except UnicodeDecodeError:
        pass
    best = from_bytes(content).best()
    if best is None:
        out.error = "not text/HTML: no character encoding fits the bytes"
        return out
    codec = canonical(best.encoding) or best.encoding
    try:
        out.text, out.encoding = content.decode(codec), codec
    except (UnicodeDecodeError, LookupError):
        out.text, out.encoding = str(best), best.encoding
    out.warnings.append(f"encoding detected as {out.encoding}")
    return out


def _check_text(out: Decoded) -> Decoded:
    """Reject text that decoded but is mostly control or replacement characters."""
    if out.text and len(CONTROL_RE.findall(out.text[:20000])) > len(out.text[:20000]) * 0.05:
        return Decoded(warnings=out.warnings, encoding=out.encoding,
                       error="not text/HTML: decoded text is mostly control characters (binary?)")
    return out


@lru_cache(maxsize=1)
def _lossy_rules() -> list[tuple[str, re.Pattern[str], str, re.Pattern[str] | None]]:
    rules = load("text").get("lossy_repairs") or []
    return [(r["name"], re.compile(r["pattern"]), r["replace"], re.compile(r["unless"]) if r.get("unless") else None)
            for r in rules]


def repair(text: str) -> tuple[str, list[str]]:
    """Undo mojibake (UTF-8 read as cp1252/latin-1, C1 controls) and return (text, warnings)."""
    warnings: list[str] = []
    fixed = ftfy.fix_text(text, FTFY)
    if fixed != text:
        warnings.append("repaired mojibake with ftfy")
    for name, regex, replacement, unless in _lossy_rules():
        if unless is not None and unless.search(fixed):
            continue
        fixed, n = regex.subn(replacement, fixed)
        if n:
            warnings.append(f"repaired {n} x {name}")
    return fixed, warnings
