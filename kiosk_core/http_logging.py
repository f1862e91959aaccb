"""Keep secrets out of the HTTP servers' error logs.

aiohttp's ``aiohttp.server`` logger writes a malformed request's raw bytes with the parse
error ("Invalid char in url query: b'GET /r/…?t=<token>'"): the receipt link's token, a
queue link, a session cookie or a bearer header would land in the kiosk's log. The filter
here rewrites such records: the exception becomes one line, with query strings, ``/q/``
link tokens and the values of Cookie / Authorization / token-like headers replaced by
``<redacted>``. Installed once per process by every server we run (:func:`install`).
"""

from __future__ import annotations

import logging
import re
import traceback

REDACTED = "<redacted>"
_RULES = (
    # ?t=… &token=… : every query value (our links carry their tokens there)
    (re.compile(r"([?&][^=\s'\"&#]*=)[^&\s'\"#]*"), rf"\1{REDACTED}"),
    # /r/q/<token> (queue links) and other path-borne tokens
    (re.compile(r"(/q/)[^\s'\"?#/]+"), rf"\1{REDACTED}"),
    # header lines that carry credentials
    (re.compile(r"((?:cookie|set-cookie|authorization|x-csrf-token|x-o2o-signature|"
                r"[\w-]*token[\w-]*)\s*[:=]\s*)[^\r\n'\"]+", re.IGNORECASE), rf"\1{REDACTED}"),
)


def redact(text: str) -> str:
    for pattern, repl in _RULES:
        text = pattern.sub(repl, text)
    return text


class RedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and record.exc_info[1] is not None:
            exc = record.exc_info[1]
            if type(exc).__module__.startswith("aiohttp.http"):  # a request we could not parse
                message = f"{message}: {type(exc).__name__}: {' '.join(str(exc).split())}"
                record.exc_text = None
            else:  # a bug: keep the traceback, without the secrets in its text
                record.exc_text = redact("".join(traceback.format_exception(exc)).rstrip())
            record.exc_info = None
        elif record.exc_text:
            record.exc_text = redact(record.exc_text)
        record.msg = redact(message)[:2000]
        record.args = ()
        return True


_FILTER = RedactingFilter()


def install() -> None:
    """Put the filter on aiohttp's server-side loggers (idempotent)."""
    for name in ("aiohttp.server", "aiohttp.web", "aiohttp.access", "aiohttp.websocket"):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
