"""Logs of a kiosk in service (issue 17, item 6): [logging] levels per package from
kiosk.toml, journald's native protocol under systemd (a real datagram socket standing in for
/run/systemd/journal/socket), a rotating file otherwise, personal numbers masked."""

from __future__ import annotations

import io
import logging
import logging.config
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk_app.config import parse_config
from kiosk_core.config import ConfigError, LoggingSettings
from kiosk_core.logging_config import (
    JOURNAL_SOCKET,
    NOISY_LOGGERS,
    configure,
    dict_config,
    mask_personal,
    under_systemd,
)

REPO = Path(__file__).resolve().parents[2]
KIOSK = Path(sys.executable).parent / "kiosk"
LOGGERS = ("devices", "devices.printer", "devices.card_dispenser", "o2o_sync", "kiosk_core")


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    saved = (root.level, list(root.handlers))
    names = (*NOISY_LOGGERS, *LOGGERS, "qt")
    levels = {name: logging.getLogger(name).level for name in names}
    yield
    for h in root.handlers:
        if h not in saved[1]:
            root.removeHandler(h)
            h.close()
    for h in saved[1]:
        if h not in root.handlers:
            root.addHandler(h)
    root.setLevel(saved[0])
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


def _settings(**values: object) -> LoggingSettings:
    return LoggingSettings.model_validate(values)


def _config(text: str) -> dict[str, object]:
    import tomllib

    return tomllib.loads('[kiosk]\nid = "K1"\nbranch = "B"\n' + text)


def test_a_level_per_package_from_kiosk_toml() -> None:
    cfg = parse_config(_config('[logging]\nlevel = "warning"\n'
                               '[logging.levels]\n"devices.printer" = "DEBUG"\n'
                               'o2o_sync = "ERROR"\n'))
    assert cfg.logging.level == "WARNING"
    assert cfg.logging.levels == {"devices.printer": "DEBUG", "o2o_sync": "ERROR"}
    out = io.StringIO()
    configure(0, stream=out, settings=cfg.logging)
    logging.getLogger("devices.printer.driver").debug("printer frame 1b 76")
    logging.getLogger("devices.card_dispenser.driver").info("dispenser hidden")
    logging.getLogger("devices.card_dispenser.driver").warning("dispenser low")
    logging.getLogger("o2o_sync.client").warning("sync hidden")
    logging.getLogger("o2o_sync.client").error("sync failed")
    lines = out.getvalue().splitlines()
    assert [line.split(" ", 2)[2] for line in lines] == [
        "DEBUG devices.printer.driver: printer frame 1b 76",
        "WARNING devices.card_dispenser.driver: dispenser low",
        "ERROR o2o_sync.client: sync failed",
    ]


def test_the_command_line_v_is_more_verbose_than_the_file_never_less() -> None:
    settings = _settings(level="INFO")
    assert dict_config(0, settings=settings)["root"]["level"] == "INFO"
    assert dict_config(2, settings=settings)["root"]["level"] == "DEBUG"
    assert dict_config(0, settings=_settings(level="ERROR"))["root"]["level"] == "WARNING"
    # Noisy third-party loggers stay at WARNING unless named in [logging.levels].
    named = dict_config(0, settings=_settings(level="DEBUG", levels={"aiohttp.client": "INFO"}))
    assert named["loggers"]["aiohttp.client"] == {"level": "INFO"}
    assert named["loggers"]["asyncio"] == {"level": "WARNING"}


def test_reconfiguring_drops_a_level_no_longer_named() -> None:
    configure(0, stream=io.StringIO(), settings=_settings(levels={"devices.printer": "DEBUG"}))
    assert logging.getLogger("devices.printer").level == logging.DEBUG
    configure(0, stream=io.StringIO(), settings=_settings())
    assert logging.getLogger("devices.printer").level == logging.NOTSET


@pytest.mark.parametrize(("toml", "problem"), [
    ('[logging]\nlevel = "LOUD"\n', "logging.level: unknown log level 'LOUD'"),
    ('[logging.levels]\n"devices.printer" = "verbose"\n',
     "logging.levels.devices.printer: unknown log level 'verbose'"),
    ('[logging.levels]\n"devices..printer" = "INFO"\n',
     "logging.levels: 'devices..printer' is not a logger name"),
    ('[logging]\nlevle = "INFO"\n', "logging.levle: unknown key"),
    ('[logging]\nfile_count = 0\n', "logging.file_count:"),
])
def test_a_bad_logging_section_names_the_key(toml: str, problem: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(_config(toml))
    assert any(p.startswith(problem) for p in err.value.problems), err.value.problems


def test_config_check_reports_a_bad_level_without_a_traceback(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text('[kiosk]\nid = "K1"\nbranch = "B"\n[logging.levels]\n"devices" = "LOUD"\n')
    done = subprocess.run([str(KIOSK), "config", "check", str(cfg)], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 1
    assert "logging.levels.devices: unknown log level 'LOUD'" in done.stderr
    assert "Traceback" not in done.stderr


def test_rotating_file_in_the_data_dir_off_systemd(tmp_path: Path) -> None:
    logs = tmp_path / "var" / "logs"
    out = io.StringIO()
    configure(1, stream=out, settings=_settings(file_max_mb=0.002, file_count=2), log_dir=logs)
    log = logging.getLogger("kiosk_core.test")
    for i in range(200):
        log.info("line %03d of the rotating file test", i)
    for h in logging.getLogger().handlers:
        h.flush()
    files = sorted(p.name for p in logs.iterdir())
    assert files == ["kiosk.log", "kiosk.log.1", "kiosk.log.2"]  # file_count backups kept
    assert all((logs / f).stat().st_size <= 2100 for f in files)
    assert (logs / "kiosk.log").read_text().rstrip().endswith("line 199 of the rotating file test")
    assert "line 199" in out.getvalue()  # and on stderr, for whoever watches the console


def test_an_unwritable_log_dir_leaves_stderr_logging(tmp_path: Path) -> None:
    blocked = tmp_path / "var"
    blocked.write_text("a file where the data dir should be")
    out = io.StringIO()
    configure(0, stream=out, settings=_settings(level="INFO"), log_dir=blocked / "logs")
    logging.getLogger("kiosk_core.test").info("still logging")
    text = out.getvalue()
    assert "cannot write the log file in" in text and "still logging" in text


class FakeJournal:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(5)

    def record(self) -> dict[str, str]:
        data, fds, _, _ = socket.recv_fds(self.sock, 1 << 20, 1)
        if fds:  # a record too big for a datagram comes as a sealed memfd
            with os.fdopen(fds[0], "rb") as f:
                data = os.pread(f.fileno(), 1 << 20, 0)  # as journald reads it: from 0
        return parse_native(data)


def parse_native(data: bytes) -> dict[str, str]:
    """journald's native protocol, as systemd-journald reads it."""
    fields: dict[str, str] = {}
    i = 0
    while i < len(data):
        nl = data.index(b"\n", i)
        line = data[i:nl]
        if b"=" in line:
            key, value = line.split(b"=", 1)
            fields[key.decode()] = value.decode()
            i = nl + 1
        else:
            size = int.from_bytes(data[nl + 1:nl + 9], "little")
            fields[line.decode()] = data[nl + 9:nl + 9 + size].decode()
            assert data[nl + 9 + size:nl + 10 + size] == b"\n"
            i = nl + 10 + size
    return fields


@pytest.fixture
def journal(tmp_path: Path) -> Iterator[FakeJournal]:
    fake = FakeJournal(tmp_path / "journal.sock")
    yield fake
    fake.sock.close()


def test_journald_native_records_carry_their_fields(journal: FakeJournal) -> None:
    logging.config.dictConfig(dict_config(0, settings=_settings(level="INFO"),
                                          journald=str(journal.path)))
    log = logging.getLogger("devices.printer.driver")
    log.warning("paper low on %s", "TM-T88V")
    rec = journal.record()
    assert rec["MESSAGE"] == "paper low on TM-T88V"
    assert rec["PRIORITY"] == "4" and rec["LEVEL"] == "WARNING"
    assert rec["LOGGER"] == "devices.printer.driver"
    assert rec["CODE_FILE"] == __file__ and rec["CODE_FUNC"].startswith("test_journald")
    assert rec["THREAD_NAME"] == "MainThread" and rec["SYSLOG_IDENTIFIER"].startswith("kiosk")

    try:
        raise RuntimeError("jam\nat the exit")
    except RuntimeError:
        log.exception("cutter fault")
    rec = journal.record()  # multi-line: the binary-safe field form
    assert rec["PRIORITY"] == "3" and rec["EXCEPTION"] == "RuntimeError"
    assert rec["MESSAGE"].startswith("cutter fault\nTraceback")
    assert "jam\nat the exit" in rec["MESSAGE"]

    log.info("x" * 400_000)  # more than a datagram holds
    assert journal.record()["MESSAGE"] == "x" * 400_000
    log.debug("below the level")
    log.info("card 6222 0212 3456 7890 for 13812345678")
    assert journal.record()["MESSAGE"] == "card ••••7890 for ••••5678"


def test_the_journal_identifier_names_the_process() -> None:
    from kiosk_core.logging_config import _identifier

    assert _identifier(["/opt/smartbranch/venv/bin/kiosk", "-v", "run", "--config", "x"]) == \
        "kiosk-run"
    assert _identifier(["/src/kiosk_app/cli.py", "bank", "sandbox", "serve"]) == "kiosk-bank"
    assert _identifier(["/src/video_teller/hub/service.py", "--listen", "127.0.0.1:1"]) == \
        "kiosk-hub"
    assert _identifier(["/usr/bin/kiosk", "--log-json"]) == "kiosk"


def test_journald_unreachable_falls_back_to_stderr(tmp_path: Path) -> None:
    from kiosk_core.logging_config import JournaldHandler

    err = io.StringIO()
    handler = JournaldHandler(str(tmp_path / "no-journal.sock"), fallback=err)
    record = logging.LogRecord("kiosk_core.x", logging.ERROR, __file__, 1, "disk full", None,
                               None)
    handler.emit(record)
    handler.close()
    assert err.getvalue() == "<3>kiosk_core.x: disk full\n"


def test_personal_numbers_are_masked_on_every_handler(tmp_path: Path) -> None:
    assert mask_personal("ID 110101199003077777, tel 138-1234-5678.") == \
        "ID ••••7777, tel ••••5678."
    assert mask_personal("ID 11010119900307777X") == "ID ••••777X"
    kept = "job 12345 on port 8765 at 2026-12-02 16:47:38,387; pi 3.14159265358979; a3f9982349823"
    assert mask_personal(kept) == kept
    out = io.StringIO()
    configure(0, stream=out, settings=_settings(level="INFO"), log_dir=tmp_path)
    log = logging.getLogger("kiosk_core.test")
    try:
        raise ValueError("bad id 110101199003077777")
    except ValueError:
        log.exception("customer %s", "6222021234567890")
    for h in logging.getLogger().handlers:
        h.flush()
    for text in (out.getvalue(), (tmp_path / "kiosk.log").read_text()):
        assert "••••7890" in text and "••••7777" in text
        assert "6222021234567890" not in text and "110101199003077777" not in text


def test_under_systemd_by_journal_stream_or_invocation_id(tmp_path: Path) -> None:
    err = tmp_path / "stderr"
    err.touch()
    st = err.stat()
    code = ("import sys; from kiosk_core.logging_config import under_systemd; "
            f"print(under_systemd(journal_socket={str(err)!r}))")

    def run(env: dict[str, str]) -> str:
        base = {k: v for k, v in os.environ.items()
                if k not in ("JOURNAL_STREAM", "INVOCATION_ID")}
        with open(err, "w") as stderr:
            return subprocess.run([sys.executable, "-c", code], env={**base, **env},
                                  stdout=subprocess.PIPE, stderr=stderr, text=True,
                                  cwd=REPO, timeout=30).stdout.strip()

    assert run({"JOURNAL_STREAM": f"{st.st_dev}:{st.st_ino}"}) == "True"
    assert run({"JOURNAL_STREAM": "1:2"}) == "False"
    assert run({"INVOCATION_ID": "0123456789abcdef"}) == "True"  # the "socket" exists
    assert run({}) == "False"
    assert under_systemd({"INVOCATION_ID": "x"}, journal_socket=str(tmp_path / "none")) is False


def test_kiosk_run_writes_its_log_file_at_the_configured_levels(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f"""
[kiosk]
id = "KIOSK-LOG-01"
branch = "Log Branch"

[storage]
data_dir = "{tmp_path / 'var'}"

[monitoring]
listen = ""

[logging]
level = "WARNING"
levels = {{ "qt.qpa" = "DEBUG", "qt.qpa.theme" = "ERROR" }}
""", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("JOURNAL_STREAM", "INVOCATION_ID")}
    # Qt's platform messages (routed to the qt.* loggers) are what a start surely logs.
    env.update(QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.*=true")
    done = subprocess.run([str(KIOSK), "run", "--windowed", "--exit-after-first-frame",
                           "--config", str(cfg)], env=env,
                          capture_output=True, text=True, timeout=90, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "var" / "logs" / "kiosk.log").read_text("utf-8")
    assert log == done.stderr  # the same lines on the console and in the file
    loggers = {line.split(" ")[3] for line in log.splitlines()}
    assert " DEBUG qt.qpa.plugin: " in log
    assert "qt.qpa.theme:" not in loggers  # ERROR for that one
    assert all(name.startswith("qt.qpa.") for name in loggers), loggers


def test_kiosk_run_under_systemd_logs_to_the_journal_not_a_file(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.toml"
    cfg.write_text(f"""
[kiosk]
id = "KIOSK-LOG-02"
branch = "Log Branch"

[storage]
data_dir = "{tmp_path / 'var'}"

[monitoring]
listen = ""

[logging.levels]
"qt.qpa.plugin" = "DEBUG"
""", encoding="utf-8")
    err = tmp_path / "stderr"
    err.touch()
    st = err.stat()
    env = {k: v for k, v in os.environ.items() if k != "INVOCATION_ID"}
    env.update(QT_QPA_PLATFORM="offscreen", QT_LOGGING_RULES="qt.qpa.plugin=true",
               JOURNAL_STREAM=f"{st.st_dev}:{st.st_ino}")  # stderr is the journal's stream
    with open(err, "w") as stderr:
        done = subprocess.run([str(KIOSK), "run", "--windowed", "--exit-after-first-frame",
                               "--config", str(cfg)], env=env, stdout=subprocess.PIPE,
                              stderr=stderr, text=True, timeout=90, cwd=tmp_path)
    text = err.read_text()
    assert done.returncode == 0, text
    assert not (tmp_path / "var" / "logs").exists()  # the journal keeps the logs
    lines = [line for line in text.splitlines() if "qt.qpa.plugin" in line]
    assert lines, text
    if Path(JOURNAL_SOCKET).exists():  # a real journald took the records
        return
    # No journald in this machine: the records came to the journal's stream, with their
    # syslog priority, as the handler's fallback writes them.
    assert all(line.startswith("<7>qt.qpa.plugin: ") for line in lines), lines
