"""One logging set-up (dictConfig) for every process, and Qt's messages routed into it."""

from __future__ import annotations

import io
import json
import logging
import warnings
from collections.abc import Iterator
from typing import Any

import pytest

from kiosk_core.logging_config import NOISY_LOGGERS, configure, dict_config, level_for


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """configure() changes process-wide state: put it back for the next test."""
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    levels = {name: logging.getLogger(name).level for name in (*NOISY_LOGGERS, "qt")}
    yield
    for h in root.handlers:
        if h not in saved[1]:
            root.removeHandler(h)
    for h in saved[1]:
        if h not in root.handlers:
            root.addHandler(h)
    root.setLevel(saved[0])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


def test_levels_by_verbosity() -> None:
    assert [level_for(v) for v in (0, 1, 2, 5)] == \
        [logging.WARNING, logging.INFO, logging.DEBUG, logging.DEBUG]
    with pytest.raises(ValueError, match="verbosity"):
        level_for(-1)


def test_text_lines_on_the_stream_at_the_chosen_level(restore_logging: None) -> None:
    out = io.StringIO()
    configure(1, stream=out)
    log = logging.getLogger("kiosk_core.test")
    log.debug("hidden")
    log.info("card dispensed %s", "ok")
    text = out.getvalue()
    assert "hidden" not in text
    line, = text.splitlines()
    assert line.endswith(" INFO kiosk_core.test: card dispensed ok")


def test_noisy_third_party_loggers_stay_quiet_until_vvv(restore_logging: None) -> None:
    out = io.StringIO()
    configure(2, stream=out)
    logging.getLogger("kiosk_core.test").debug("ours at -vv")
    logging.getLogger("aiohttp.access").info("GET /r/job?t=secret-token")
    logging.getLogger("PIL.PngImagePlugin").debug("STREAM b'IHDR'")
    logging.getLogger("asyncio").warning("slow callback")
    text = out.getvalue()
    assert "ours at -vv" in text and "slow callback" in text
    assert "secret-token" not in text and "IHDR" not in text
    configure(3, stream=out)
    logging.getLogger("PIL.PngImagePlugin").debug("STREAM b'IDAT'")
    assert "IDAT" in out.getvalue()


def test_configure_twice_does_not_duplicate(restore_logging: None) -> None:
    first, second = io.StringIO(), io.StringIO()
    configure(0, stream=first)
    configure(0, stream=second)
    logging.getLogger("kiosk_core.test").warning("once")
    assert first.getvalue() == "" and second.getvalue().count("once") == 1


def test_json_lines(restore_logging: None) -> None:
    out = io.StringIO()
    configure(0, json=True, stream=out)
    log = logging.getLogger("devices.printer")
    log.warning("paper %s — 纸将用完", "near-end")
    try:
        raise OSError("cover open")
    except OSError:
        log.exception("job failed")
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["level"] == "WARNING" and first["logger"] == "devices.printer"
    assert first["msg"] == "paper near-end — 纸将用完" and first["ts"].endswith("+00:00")
    assert second["level"] == "ERROR" and "OSError: cover open" in second["exc"]


def test_python_warnings_reach_the_handler(restore_logging: None) -> None:
    out = io.StringIO()
    configure(0, stream=out)
    with warnings.catch_warnings():
        # Only this category: an "always" for every warning makes the interpreter report
        # Qt's objects as uncollectable at exit.
        warnings.filterwarnings("always", category=UserWarning)
        warnings.warn("old kiosk.toml key", UserWarning, stacklevel=1)
    assert "py.warnings" in out.getvalue() and "old kiosk.toml key" in out.getvalue()


def test_the_schema_is_dictconfig_version_1() -> None:
    cfg: dict[str, Any] = dict_config(1, json=True)
    assert cfg["version"] == 1 and cfg["disable_existing_loggers"] is False
    assert cfg["root"] == {"level": "INFO", "handlers": ["stderr"]}
    assert cfg["formatters"]["kiosk"] == {"()": "kiosk_core.logging_config.JsonFormatter"}
    assert cfg["loggers"]["aiohttp.access"] == {"level": "WARNING"}


# -- Qt -------------------------------------------------------------------------------------


@pytest.fixture
def qt_to_logging(qapp: Any) -> Iterator[None]:
    from kiosk_ui import qt_logging

    qt_logging.install()
    yield
    qt_logging.uninstall()


def test_qwarning_is_a_record_on_the_qt_logger(qt_to_logging: None,
                                               caplog: pytest.LogCaptureFixture) -> None:
    from PySide6.QtCore import qCritical, qDebug, qWarning

    caplog.set_level(logging.DEBUG, logger="qt")
    qWarning("printer window lost")
    qCritical("scene graph failed")
    qDebug("a detail")
    got = [(r.name, r.levelno, r.getMessage()) for r in caplog.records if r.name == "qt"]
    assert got == [("qt", logging.WARNING, "printer window lost"),
                   ("qt", logging.ERROR, "scene graph failed"),
                   ("qt", logging.DEBUG, "a detail")]


def test_qml_warning_is_a_record_with_its_source(qt_to_logging: None,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from PySide6.QtCore import QUrl
    from PySide6.QtQml import QQmlComponent, QQmlEngine

    caplog.set_level(logging.DEBUG, logger="qt")
    engine = QQmlEngine()
    component = QQmlComponent(engine)
    component.setData(b"import QtQml\nQtObject {\n"
                      b"    Component.onCompleted: console.warn('hold the card still')\n"
                      b"    property int broken: undefined_name + 1\n}\n",
                      QUrl("file:///kiosk/Probe.qml"))
    obj = component.create()
    assert obj is not None, component.errorString()
    records = [r for r in caplog.records if r.name == "qt" or r.name.startswith("qt.")]
    warned = [r for r in records if r.getMessage() == "hold the card still"]
    assert len(warned) == 1 and warned[0].levelno == logging.WARNING
    assert warned[0].pathname == "file:///kiosk/Probe.qml" and warned[0].lineno == 3
    binding = [r for r in records if "undefined_name" in r.getMessage()]
    assert binding and binding[0].levelno == logging.WARNING, [r.getMessage() for r in records]
    del obj, component, engine


def test_qt_messages_below_the_level_are_dropped(qt_to_logging: None,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    from PySide6.QtCore import qDebug, qWarning

    caplog.set_level(logging.WARNING, logger="qt")
    logging.getLogger("qt").setLevel(logging.WARNING)
    qDebug("too chatty")
    qWarning("kept")
    assert [r.getMessage() for r in caplog.records if r.name == "qt"] == ["kept"]


def test_category_names() -> None:
    from kiosk_ui.qt_logging import logger_name

    assert logger_name("default") == "qt" and logger_name(None) == "qt"
    assert logger_name("qt.qpa.fonts") == "qt.qpa.fonts"
    assert logger_name("js") == "qt.js" and logger_name("qml") == "qt.qml"


def test_the_app_installs_it(qapp: Any, caplog: pytest.LogCaptureFixture) -> None:
    """kiosk_ui.app.application() — what KioskApp and `kiosk run` build — routes Qt's
    messages (a plain Qt handler would write this to stderr and log nothing)."""
    from PySide6.QtCore import qWarning

    from kiosk_ui import qt_logging
    from kiosk_ui.app import application

    qt_logging.uninstall()
    caplog.set_level(logging.WARNING, logger="qt")
    application()
    try:
        qWarning("from the app")
        assert [r.getMessage() for r in caplog.records if r.name == "qt"] == ["from the app"]
    finally:
        qt_logging.uninstall()
