"""Qt's messages (qWarning, QML errors and console.log, platform plugin notes) into logging.

Without this Qt writes them straight to stderr, past the kiosk's handlers, formats and
levels. :func:`install` routes them to the ``qt`` logger: the default category to ``qt``
itself, Qt's own categories as they are named (``qt.qpa.fonts``), others under ``qt.``
(QML's ``console.log`` is the ``js`` category → ``qt.js``). The record carries the QML or
C++ source location Qt reports.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

__all__ = ["LEVELS", "forward", "install", "logger_name", "uninstall"]

LEVELS: dict[QtMsgType, int] = {
    QtMsgType.QtDebugMsg: logging.DEBUG,
    QtMsgType.QtInfoMsg: logging.INFO,
    QtMsgType.QtWarningMsg: logging.WARNING,
    QtMsgType.QtCriticalMsg: logging.ERROR,
    QtMsgType.QtFatalMsg: logging.CRITICAL,
}


def logger_name(category: str | None) -> str:
    if not category or category == "default":
        return "qt"
    return category if category == "qt" or category.startswith("qt.") else f"qt.{category}"


def forward(msg_type: QtMsgType, context: QMessageLogContext, message: str) -> None:
    """The message handler: one log record per Qt message."""
    level = LEVELS.get(msg_type, logging.WARNING)
    logger = logging.getLogger(logger_name(context.category))
    if not logger.isEnabledFor(level):
        return
    record = logger.makeRecord(
        logger.name, level, context.file or "(qt)", context.line or 0, "%s", (message,),
        None, func=context.function or None)
    logger.handle(record)
    if msg_type == QtMsgType.QtFatalMsg:  # Qt aborts the process once this returns
        for handler in logging.getLogger().handlers + logger.handlers:
            handler.flush()


def install() -> None:
    """Route Qt's messages to logging, for the whole process (calling it again is harmless;
    it takes the handler back from whoever installed one since, e.g. pytest-qt)."""
    qInstallMessageHandler(forward)


def uninstall() -> None:
    """Back to Qt's default handler (stderr)."""
    qInstallMessageHandler(None)
