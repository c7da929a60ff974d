"""Every message a user can cause, with a stable code (the spaCy habit: one place, greppable).

A code never changes meaning, so a user (or a support thread) can search for it; the text says what
happened and what to do. `fail(Errors.E001, path=...)` raises the click error the CLI prints.
"""
from __future__ import annotations

import click


class Errors:
    E001 = "{path} does not exist; build it first with `exportwatch run --db {path}`"
    E002 = "{value!r} is not a date; use YYYY-MM-DD, e.g. 2025-11-20"
    E003 = "{exc}. Pass --corpus with a folder of documents."
    E004 = "{n} source(s) failed; see the errors above and the source_health table"
    E005 = ("no notification channel configured: set EXPORTWATCH_NOTIFY (e.g. json://127.0.0.1:8123/hook) "
            "or write config/notify.toml (see config/notify.example.toml)")
    E006 = "{value!r} is not an element the extractor knows; use a symbol (Sm), an English (samarium) or a Chinese (钐) name"
    E007 = "{value!r} is not an HS code; give 4 to 10 digits (dots and spaces are ignored), e.g. 2805301910"
    E008 = "{path}: {problem}. Fix the notification file (see config/notify.example.toml and docs/alerts.md)"
    E009 = "{value!r} is not an act id; use MOFCOM-YYYY-N, e.g. MOFCOM-2025-61"
    E010 = "give one or more names to screen, or --csv FILE with one name a row"
    E011 = "{path}: {problem}. Give a CSV file with one name a row (header 'name', optional column 'country')"
    E012 = "{path} holds no listed parties yet: run `exportwatch run --db {path}` on documents that list parties"


def message(template: str, **values: object) -> str:
    """The message with its code in front: "[E001] data/x.db does not exist; ..."."""
    code = next((name for name, text in vars(Errors).items() if text == template), "E000")
    return f"[{code}] " + template.format(**values)


def fail(template: str, **values: object) -> click.ClickException:
    """The click error to raise for this message (`raise fail(Errors.E001, path=p)`)."""
    return click.ClickException(message(template, **values))
