"""Datasette plugin: no tracebacks with local variables in the serve log.

Datasette 0.65's default error handler prints `rich.print_exception(show_locals=True)` for every
exception when rich is importable (it is: the exportwatch CLI uses rich), a 404 for a mistyped
table name included: forty lines of frames and local variables (the request, query parameters)
per missing page, which buried the real errors in the log. Its CLI also installs rich's traceback
hook with `show_locals=True` for uncaught errors.

Switched off here, at plugin load (before the first request): the default handler then answers a
4xx with its error page and no log output beyond the access line, and a 500 with a plain Python
traceback (frames, no locals); uncaught errors get Python's own hook.
"""
from __future__ import annotations

import sys

import datasette.handle_exception as default_handler

default_handler.rich = None
sys.excepthook = sys.__excepthook__
