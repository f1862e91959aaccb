"""``kiosk bank sandbox serve`` as its own process on 127.0.0.1, port 0; restart keeps data;
``kiosk bank sandbox cards --json`` and ``enrol``."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from bank_pinblocks import format4, kcv

from bank_host.api import BankRefused, Refusal
from bank_host.http_client import HttpBankHost
from devices.pinpad.pinblock import unwrap_key

REPO = Path(__file__).resolve().parents[2]
KIOSK_CMD = [sys.executable, "-m", "kiosk_app.cli"]
KIOSK = "KIOSK-DEMO-01"


class Served:
    def __init__(self, db: Path) -> None:
        self.proc = subprocess.Popen(
            [*KIOSK_CMD, "bank", "sandbox", "serve", "--db", str(db), "--port", "0"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        found: list[str] = []
        reader = threading.Thread(target=lambda: found.append(self.proc.stdout.readline()
                                                              if self.proc.stdout else ""))
        reader.start()
        reader.join(30)
        line = found[0] if found else ""
        m = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if m is None:
            self.stop()
            raise AssertionError(f"no URL printed: {line!r}; stderr: {self.stderr()}")
        self.url = m.group(0)

    def stderr(self) -> str:
        return self.proc.stderr.read() if self.proc.stderr and self.proc.poll() is not None else ""

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()
        return self.proc.returncode


@pytest.fixture
def served(tmp_path: Path) -> Iterator[list[Served]]:
    started: list[Served] = []
    yield started
    for s in started:
        s.stop()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*KIOSK_CMD, *args], cwd=REPO, capture_output=True, text=True,
                          timeout=60)


def test_serve_issue_restart_and_list(tmp_path: Path, served: list[Served]) -> None:
    db = tmp_path / "bank.sqlite"
    first = Served(db)
    served.append(first)
    host = HttpBankHost(first.url, KIOSK, timeout_s=5)
    c = host.lookup_customer("330106200001010033", "zhao lei", "p-lookup")
    acc = host.open_account(c.customer_id, "debit", "p-open")
    host.approve_issuance(acc.account_id, "debit", "p-approve")
    link = host.link_card(acc.account_id, "04A1B2C3D4E5F9", "p-link")
    # the kiosk's side of the key hierarchy: unwrap the working key with its master key
    wk = host.pin_working_key(KIOSK, "AES")
    enrol = _cli("bank", "sandbox", "enrol", KIOSK, "--db", str(db), "--json")
    assert enrol.returncode == 0, enrol.stderr
    master = bytes.fromhex(json.loads(enrol.stdout)["master_keys"]["AES"])
    pwk = unwrap_key(master, wk.wrapped, "AES")
    assert kcv(pwk, aes=True) == wk.kcv
    host.set_pin(link.card_id, format4("8642", link.pan, pwk), "iso4", "p-pin")
    assert first.stop() == 0

    second = Served(db)
    served.append(second)
    host = HttpBankHost(second.url, KIOSK, timeout_s=5)
    assert host.link_card(acc.account_id, "04A1B2C3D4E5F9", "p-link") == link  # replayed
    with pytest.raises(BankRefused) as e:
        host.open_account(c.customer_id, "debit", "p-open-2")
    assert e.value.reason is Refusal.ALREADY_HOLDS_PRODUCT
    host.report_card(link.card_id, "delivered", "p-report")
    assert second.stop() == 0

    out = _cli("bank", "sandbox", "cards", "--json", "--db", str(db))
    assert out.returncode == 0, out.stderr
    cards = {c["card_id"]: c for c in json.loads(out.stdout)}
    card = cards[link.card_id]
    assert (card["state"], card["pin_set"], card["account_id"]) == ("delivered", True,
                                                                   acc.account_id)
    assert card["pan_masked"] == link.pan[:6] + "******" + link.pan[-4:]
    assert sum(c["state"] == "stock" for c in cards.values()) == 4
    table = _cli("bank", "sandbox", "cards", "--db", str(db))
    assert table.returncode == 0 and link.card_id in table.stdout and "delivered" in table.stdout


def test_cards_of_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    out = _cli("bank", "sandbox", "cards", "--json", "--db", str(tmp_path / "none.sqlite"))
    assert out.returncode == 1 and "no sandbox bank at" in out.stderr
    assert not (tmp_path / "none.sqlite").exists()


def test_a_port_in_use_is_a_clear_error(tmp_path: Path, served: list[Served]) -> None:
    first = Served(tmp_path / "a.sqlite")
    served.append(first)
    port = first.url.rsplit(":", 1)[1]
    out = _cli("bank", "sandbox", "serve", "--db", str(tmp_path / "b.sqlite"), "--port", port)
    assert out.returncode == 1 and "cannot listen" in out.stderr
