"""The kiosk's logging, configured in one place with :func:`logging.config.dictConfig`.

Every process (``kiosk run``, ``kiosk sim …``, ``kiosk o2o sync``) calls :func:`configure`
once at start: one handler on stderr (a technician reads it on the console or through
journald), plain text or one JSON object a line, levels by ``-v`` count. Qt's own messages
reach the same handler through the ``qt`` logger (``kiosk_ui.qt_logging``).
"""

from __future__ import annotations

import json as jsonlib
import logging
import logging.config
import sys
from datetime import UTC, datetime
from typing import Any, TextIO

__all__ = ["NOISY_LOGGERS", "JsonFormatter", "configure", "dict_config", "level_for"]

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# Third-party loggers that flood DEBUG/INFO with their internals; they stay at WARNING
# until -vvv. aiohttp.access would also log every receipt link's token.
NOISY_LOGGERS = (
    "aiohttp.access", "aiohttp.server", "aiohttp.client", "aiohttp.web", "asyncio",
    "PIL", "matplotlib", "urllib3", "usb", "escpos", "sqlite_utils", "hypothesis",
    "aioice", "aiortc", "websockets",
)


def level_for(verbosity: int) -> int:
    """0: WARNING, 1 (-v): INFO, 2 and more (-vv): DEBUG."""
    if verbosity < 0:
        raise ValueError(f"verbosity must be 0 or more, got {verbosity}")
    return (logging.WARNING, logging.INFO)[verbosity] if verbosity < 2 else logging.DEBUG


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ``ts`` (UTC, ISO 8601), ``level``, ``logger``, ``msg``,
    and ``exc`` / ``stack`` when present — for a log shipper, not for eyes."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            "thread": record.threadName,
        }
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return jsonlib.dumps(out, ensure_ascii=False, default=str)


def dict_config(verbosity: int = 0, *, json: bool = False,
                stream: TextIO | None = None) -> dict[str, Any]:
    """The :func:`logging.config.dictConfig` schema :func:`configure` applies."""
    level = level_for(verbosity)
    noisy = logging.DEBUG if verbosity >= 3 else max(level, logging.WARNING)
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if json else {"format": TEXT_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,  # loggers made at import time keep working
        "formatters": {"kiosk": formatter},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "formatter": "kiosk",
                "stream": stream if stream is not None else sys.stderr,
            },
        },
        "loggers": {name: {"level": logging.getLevelName(noisy)} for name in NOISY_LOGGERS},
        "root": {"level": logging.getLevelName(level), "handlers": ["stderr"]},
    }


def configure(verbosity: int = 0, *, json: bool = False, stream: TextIO | None = None) -> None:
    """Configure the process's logging: levels from ``verbosity`` (the CLI's ``-v`` count),
    text or JSON lines (``json``) on ``stream`` (stderr). Calling it again replaces the
    previous set-up (no duplicated handlers)."""
    logging.config.dictConfig(dict_config(verbosity, json=json, stream=stream))
    logging.captureWarnings(True)  # warnings.warn → the "py.warnings" logger, same handler
