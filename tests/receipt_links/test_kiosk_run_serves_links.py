"""`kiosk run` with the printer and the card dispenser as their own simulator processes
(tcp:// and socket:// URLs, as a branch runs real devices): the receipt-link server starts
with the kiosk and keeps answering — a kept receipt's link opens while the kiosk runs.

The reported death at start ("Task was destroyed but it is pending", then "coroutine
ignored GeneratorExit" from its clean-up) came from the core loop holding the server's task
only weakly, so the garbage collector could destroy it mid-await; when depends on the
collector, so tests/core/test_core_loop.py reproduces that deterministically. This is the
end-to-end check on a running kiosk."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from ports import free_port

from devices.printer.driver import ReceiptPrinter, create
from devices.printer.settings import PrinterSettings
from receipts.links import link_for
from receipts.printing import print_template
from receipts.samples import SAMPLES

REPO = Path(__file__).resolve().parents[2]
KIOSK = [sys.executable, "-m", "kiosk_app.cli"]


def _spawn(args: list[str], **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True,
                            **kw)  # type: ignore[call-overload]


def _first_line(proc: subprocess.Popen[str], pattern: str, timeout: float = 30) -> str:
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        if re.search(pattern, line):
            return line
    raise AssertionError(f"no line matching {pattern!r}")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as resp:
            return int(resp.status)
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.fixture
def simulators(tmp_path: Path) -> Iterator[tuple[int, int]]:
    pport, dport = free_port(), free_port()
    procs = [
        _spawn([*KIOSK, "sim", "printer", "--tcp", f"127.0.0.1:{pport}", "--out",
                str(tmp_path / "pages")]),
        _spawn([*KIOSK, "sim", "card-dispenser", "--tcp", f"127.0.0.1:{dport}"]),
    ]
    try:
        _first_line(procs[0], r"^tcp: ")
        _first_line(procs[1], r"^tcp: ")
        yield pport, dport
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait(timeout=10)


@pytest.mark.slow
def test_links_are_served_while_kiosk_run_runs(tmp_path: Path,
                                               simulators: tuple[int, int]) -> None:
    pport, dport = simulators
    link_port = free_port()
    data = tmp_path / "var"
    text = (REPO / "kiosk.toml").read_text("utf-8")
    for old, new in {
        'data_dir = "var"': f'data_dir = "{data}"',
        'url = "sim://card-dispenser?cards=50"': f'url = "socket://127.0.0.1:{dport}"',
        'url = "sim://printer?out=receipts"': f'url = "tcp://127.0.0.1:{pport}"',
        '"http://127.0.0.1:8093/r"': f'"http://127.0.0.1:{link_port}/r"',
        '"127.0.0.1:8093"': f'"127.0.0.1:{link_port}"',
        '"127.0.0.1:8781"': f'"127.0.0.1:{free_port()}"',
        '"127.0.0.1:8782"': f'"127.0.0.1:{free_port()}"',
        '"http://127.0.0.1:8790"': f'"http://127.0.0.1:{free_port()}"',
        '"ws://127.0.0.1:8765/ws"': f'"ws://127.0.0.1:{free_port()}/ws"',
    }.items():
        assert old in text, old
        text = text.replace(old, new)
    config = tmp_path / "kiosk.toml"
    config.write_text(text, "utf-8")
    # A receipt the kiosk's printer kept (paper out): its link must open while the kiosk runs.
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5,
                               receipt_base_url=f"http://127.0.0.1:{link_port}/r")
    printer = create("printer", settings, data_dir=data)
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    try:
        outcome = print_template(printer, "card_issuance", "en_US",
                                 SAMPLES["card_issuance"]["en_US"]).result(timeout=15)
    finally:
        printer.close()
    assert not outcome.printed and outcome.alternative is not None
    url = link_for(printer.settings, outcome.alternative)

    kiosk = _spawn([*KIOSK, "-v", "run", "--windowed", "--config", str(config)],
                   env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    try:
        _first_line(kiosk, r"receipt links served on")
        deadline = time.monotonic() + 20
        status = 0
        while time.monotonic() < deadline and status != 200:
            try:
                status = _status(url)
            except OSError:
                time.sleep(0.2)
        assert status == 200
        time.sleep(8)  # the kiosk has started everything; the collector has run many times
        assert _status(url) == 200
        assert kiosk.poll() is None
    finally:
        os.killpg(kiosk.pid, signal.SIGTERM)
        try:
            out, _ = kiosk.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(kiosk.pid, signal.SIGKILL)
            out, _ = kiosk.communicate(timeout=10)
    assert "Task was destroyed but it is pending" not in out, out[-3000:]
    assert "ignored GeneratorExit" not in out, out[-3000:]
