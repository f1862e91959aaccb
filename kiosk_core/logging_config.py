"""The kiosk's logging, configured in one place with :func:`logging.config.dictConfig`.

Every process (``kiosk run``, ``kiosk sim …``, ``kiosk o2o sync``) calls :func:`configure`
once at start, and ``kiosk run`` again once kiosk.toml is read (``[logging]``: a root level
and a level per package). Where the lines go:

- **under systemd** (``$JOURNAL_STREAM`` names our stderr, or ``$INVOCATION_ID`` is set and
  journald's socket is there): straight to journald in its native protocol
  (:class:`JournaldHandler`, one datagram per record on /run/systemd/journal/socket), so
  each record keeps its fields — ``PRIORITY``, ``LOGGER``, ``THREAD_NAME``, ``CODE_FILE`` /
  ``CODE_LINE`` / ``CODE_FUNC`` — for ``journalctl -u smartbranch-kiosk LOGGER=…``. Child
  processes (the call hub, the bank sandbox) inherit the environment and log the same way.
- **otherwise**: stderr (plain text or one JSON object a line), and for ``kiosk run`` also
  a rotating file, data_dir/logs/kiosk.log.

Every handler masks personal numbers (:class:`PersonalDataFilter`: ID card, bank card and
phone numbers keep their last 4 digits) as a net under the rule that code never logs them.
Qt's own messages reach the same handlers through the ``qt`` logger (``kiosk_ui.qt_logging``).
"""

from __future__ import annotations

import array
import errno
import fcntl
import json as jsonlib
import logging
import logging.config
import os
import re
import socket
import sys
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from kiosk_core.config import LoggingSettings

__all__ = ["JOURNAL_SOCKET", "NOISY_LOGGERS", "JournaldHandler", "JsonFormatter",
           "PersonalDataFilter", "configure", "dict_config", "level_for", "mask_personal",
           "under_systemd"]

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


#: journald's native-protocol socket (systemd-journald.socket).
JOURNAL_SOCKET = "/run/systemd/journal/socket"
LOG_FILE = "kiosk.log"

# Numbers of 11 to 19 digits (a phone, an ID card, a bank card), whole or in groups of 3 or
# more digits split by single spaces or dashes ("6222 0212 3456 7890", "138-1234-5678"),
# an ID card's final X included; not part of a longer word, number or decimal.
_PERSONAL_NUMBER = re.compile(r"(?<![\w.])(?:\d{3,}[ -]){0,5}\d{3,}[Xx]?(?!\w|\.\d|[ -]\d)")


def mask_personal(text: str) -> str:
    """``text`` with every personal-looking number masked to its last 4 characters."""
    def mask(m: re.Match[str]) -> str:
        digits = re.sub(r"[ -]", "", m.group())
        return "••••" + digits[-4:] if 11 <= len(digits) <= 19 else m.group()

    return _PERSONAL_NUMBER.sub(mask, text)


class PersonalDataFilter(logging.Filter):
    """On each handler: the message (and a traceback's text) with personal numbers masked.
    A record is changed in place once; handlers after the first see the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_kiosk_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: let the handler report it as it would
            return True
        record.msg, record.args = mask_personal(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_personal(record.exc_text)
        record._kiosk_masked = True
        return True


#: logging levels → syslog priorities (journald's PRIORITY field).
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6,
             logging.DEBUG: 7}


def _priority(level: int) -> int:
    for threshold, prio in sorted(_PRIORITY.items(), reverse=True):
        if level >= threshold:
            return prio
    return 7


def _field(name: str, value: object) -> bytes:
    """One field of journald's native protocol: ``NAME=value\n``, or the binary-safe form
    (``NAME\n``, a little-endian 64-bit length, the bytes, ``\n``) for multi-line values."""
    data = str(value).encode("utf-8", "replace")
    key = name.encode("ascii")
    if b"\n" not in data:
        return key + b"=" + data + b"\n"
    return key + b"\n" + len(data).to_bytes(8, "little") + data + b"\n"


class JournaldHandler(logging.Handler):
    """Records to journald over its native protocol (systemd.journal-fields(7)), with the
    fields a technician filters on. A record too big for a datagram goes in a sealed memfd,
    as sd_journal_send does; a journald that cannot be reached gets the line on stderr."""

    def __init__(self, address: str = JOURNAL_SOCKET, identifier: str | None = None,
                 fallback: TextIO | None = None) -> None:
        super().__init__()
        self.address = address
        self.identifier = identifier or _identifier()
        self.fallback = fallback
        self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
        self._lock_send = threading.Lock()

    def fields(self, record: logging.LogRecord) -> bytes:
        out = [
            _field("MESSAGE", self.format(record)),
            _field("PRIORITY", _priority(record.levelno)),
            _field("SYSLOG_IDENTIFIER", self.identifier),
            _field("LOGGER", record.name),
            _field("LEVEL", record.levelname),
            _field("THREAD_NAME", record.threadName),
            _field("CODE_FILE", record.pathname),
            _field("CODE_LINE", record.lineno),
            _field("CODE_FUNC", record.funcName),
        ]
        if record.exc_info and record.exc_info[0] is not None:
            out.append(_field("EXCEPTION", record.exc_info[0].__name__))
        return b"".join(out)

    def emit(self, record: logging.LogRecord) -> None:
        try:
            payload = self.fields(record)
            with self._lock_send:
                try:
                    self._sock.sendto(payload, self.address)
                except OSError as exc:
                    if exc.errno not in (errno.EMSGSIZE, errno.ENOBUFS):
                        raise
                    self._send_memfd(payload)
        except OSError:
            stream = self.fallback if self.fallback is not None else sys.stderr
            try:
                stream.write(f"<{_priority(record.levelno)}>{record.name}: "
                             f"{self.format(record)}\n")
                stream.flush()
            except Exception:
                self.handleError(record)
        except Exception:
            self.handleError(record)

    def _send_memfd(self, payload: bytes) -> None:
        fd = os.memfd_create("journal-record", os.MFD_CLOEXEC | os.MFD_ALLOW_SEALING)
        try:
            os.write(fd, payload)
            fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK | fcntl.F_SEAL_GROW
                        | fcntl.F_SEAL_WRITE | fcntl.F_SEAL_SEAL)
            # (socket.send_fds drops its address argument on 3.11: sendmsg directly)
            rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))]
            self._sock.sendmsg([b""], rights, 0, self.address)
        finally:
            os.close(fd)

    def close(self) -> None:
        try:
            self._sock.close()
        finally:
            super().close()


def _identifier(argv: list[str] | None = None) -> str:
    """``kiosk-run``, ``kiosk-bank``, ``kiosk-hub``…: which process, for ``journalctl -t``.
    The ``kiosk`` command by its sub-command; a ``python -m package.module`` child by the
    module's package (video_teller/hub/service.py → ``kiosk-hub``)."""
    argv = sys.argv if argv is None else argv
    program = Path(argv[0]) if argv and argv[0] else Path("kiosk")
    if program.name in ("kiosk", "cli.py", "-c"):
        word = next((a for a in argv[1:] if not a.startswith("-")), "")
        return f"kiosk-{word}" if re.fullmatch(r"[a-z][a-z0-9-]*", word) else "kiosk"
    name = program.parent.name if program.name in ("service.py", "__main__.py") else program.stem
    return f"kiosk-{name}" if re.fullmatch(r"[A-Za-z][\w-]*", name) else "kiosk"


def under_systemd(env: Mapping[str, str] | None = None, *,
                  journal_socket: str = JOURNAL_SOCKET) -> bool:
    """Started by systemd with journald to log to: ``$JOURNAL_STREAM`` is our stderr's
    device:inode (systemd.exec(5)), or ``$INVOCATION_ID`` is set, stderr is no terminal and
    journald listens. (A shell in a desktop's terminal inherits ``$INVOCATION_ID`` from the
    terminal's own service: its ``kiosk run`` logs to the terminal.)"""
    env = os.environ if env is None else env
    try:
        fd = sys.stderr.fileno()
        st, tty = os.fstat(fd), os.isatty(fd)
    except (OSError, ValueError, AttributeError):  # no real stderr (pytest's capture)
        return False
    if env.get("JOURNAL_STREAM", "") == f"{st.st_dev}:{st.st_ino}":
        return True
    return bool(env.get("INVOCATION_ID")) and not tty and os.path.exists(journal_socket)


def dict_config(verbosity: int = 0, *, json: bool = False,
                stream: TextIO | None = None, settings: LoggingSettings | None = None,
                log_dir: Path | None = None, journald: str | None = None) -> dict[str, Any]:
    """The :func:`logging.config.dictConfig` schema :func:`configure` applies.

    ``settings`` ([logging]): the root level (the more verbose of it and ``-v``) and levels
    per logger. ``journald``: the socket to log to instead of stderr. ``log_dir``: a rotating
    file there too (only without journald)."""
    level = level_for(verbosity)
    if settings is not None:
        level = min(level, logging.getLevelName(settings.level))
    noisy = logging.DEBUG if verbosity >= 3 else max(level, logging.WARNING)
    formatter: dict[str, Any] = (
        {"()": f"{__name__}.JsonFormatter"} if json else {"format": TEXT_FORMAT}
    )
    personal = {"()": f"{__name__}.PersonalDataFilter"}
    handlers: dict[str, Any]
    if journald is not None:
        handlers = {"journald": {"()": f"{__name__}.JournaldHandler", "address": journald,
                                 "formatter": "message", "filters": ["personal"]}}
    else:
        handlers = {"stderr": {"class": "logging.StreamHandler", "formatter": "kiosk",
                               "filters": ["personal"],
                               "stream": stream if stream is not None else sys.stderr}}
        if log_dir is not None:
            log_dir.mkdir(parents=True, exist_ok=True)
            limits = settings or LoggingSettings()
            handlers["file"] = {
                "class": "logging.handlers.RotatingFileHandler",
                "filename": str(log_dir / LOG_FILE), "encoding": "utf-8",
                "maxBytes": int(limits.file_max_mb * 1024 * 1024),
                "backupCount": limits.file_count, "formatter": "kiosk",
                "filters": ["personal"],
            }
    loggers: dict[str, Any] = {name: {"level": logging.getLevelName(noisy)}
                               for name in NOISY_LOGGERS}
    for name, name_level in (settings.levels.items() if settings is not None else ()):
        loggers[name] = {"level": name_level}
    return {
        "version": 1,
        "disable_existing_loggers": False,  # loggers made at import time keep working
        "formatters": {"kiosk": formatter, "message": {"format": "%(message)s"}},
        "filters": {"personal": personal},
        "handlers": handlers,
        "loggers": loggers,
        "root": {"level": logging.getLevelName(level), "handlers": list(handlers)},
    }


def configure(verbosity: int = 0, *, json: bool = False, stream: TextIO | None = None,
              settings: LoggingSettings | None = None, log_dir: Path | None = None,
              env: Mapping[str, str] | None = None) -> None:
    """Configure the process's logging: levels from ``verbosity`` (the CLI's ``-v`` count)
    and ``settings`` (kiosk.toml's [logging]); to journald under systemd, else text or JSON
    lines (``json``) on ``stream`` (stderr) plus a rotating file in ``log_dir`` if given.
    Calling it again replaces the previous set-up (no duplicated handlers)."""
    journald = JOURNAL_SOCKET if stream is None and under_systemd(env) else None
    _reset_levels(settings)
    try:
        logging.config.dictConfig(dict_config(verbosity, json=json, stream=stream,
                                              settings=settings, log_dir=log_dir,
                                              journald=journald))
    except (OSError, ValueError) as exc:
        if log_dir is None or journald is not None:
            raise
        # The data dir is read-only or full: the kiosk still runs, logging to stderr.
        logging.config.dictConfig(dict_config(verbosity, json=json, stream=stream,
                                              settings=settings))
        cause = exc.__cause__ or exc
        logging.getLogger(__name__).error("cannot write the log file in %s (%s); logging to "
                                          "stderr only", log_dir, cause)
    logging.captureWarnings(True)  # warnings.warn → the "py.warnings" logger, same handler


_configured_levels: set[str] = set()


def _reset_levels(settings: LoggingSettings | None) -> None:
    """A logger a previous set-up gave a level gets NOTSET again (dictConfig leaves loggers
    it is not told about as they were): a reconfiguration never keeps a stale level."""
    names = set(settings.levels) if settings is not None else set()
    for name in _configured_levels - names - set(NOISY_LOGGERS):
        logging.getLogger(name).setLevel(logging.NOTSET)
    _configured_levels.clear()
    _configured_levels.update(names)
