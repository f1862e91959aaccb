"""No personal data where it does not belong (issue 15, item 7): a debit card issued to a known
customer, headless as a technician runs it, then every log line, journal record, file of the
kiosk's data directory, temp file and crash report is searched for the customer's name, ID
number, phone number and full card number."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_headless import REPO, kiosk_toml

CUSTOMER = "SMITH JOHN PAUL"


def _customer() -> dict[str, str]:
    from bank_host.sandbox.schema import load_seed

    c = next(c for c in load_seed()["customers"] if c["name"] == CUSTOMER)
    return {k: str(v) for k, v in c.items() if isinstance(v, str | int)}


def _needles(c: dict[str, str], pan: str) -> dict[str, bytes]:
    _surname, *given = c["name"].split()
    out = {"name": c["name"].encode(), "given names": " ".join(given).encode(),
           "ID number": c["id_number"].encode(), "card number": pan.encode()}
    phone = "".join(ch for ch in c.get("phone", "") if ch.isdigit())
    if phone:
        out["phone"] = phone.encode()
    for k, v in list(out.items()):  # the same as UTF-16 or lower case would also be a leak
        out[f"{k} (lower)"] = v.lower()
    return out


@pytest.mark.slow
def test_a_card_issuance_leaves_no_personal_data_behind(tmp_path: Path) -> None:
    cfg = kiosk_toml(tmp_path)
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    crash = tmp_path / "crash.log"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "TMPDIR": str(tmp),
           "PYTHONFAULTHANDLER": "1"}
    run = subprocess.run(  # -v: every log line, DEBUG included
        [sys.executable, "-X", "faulthandler", "-m", "kiosk_app.cli", "-v", "flows", "run",
         "card-issuance", "--config", str(cfg), "--json", "--customer", CUSTOMER.lower()],
        capture_output=True, text=True, timeout=300, env=env, cwd=REPO)
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["state"] == "done"
    crash.write_text(run.stderr)  # what a crash report would hold: the process's stderr

    from bank_host.sandbox.bank import SandboxBank

    bank = SandboxBank(tmp_path / "data" / "bank_sandbox.sqlite")
    try:
        pan = bank.conn.execute(
            "SELECT ca.pan FROM cards ca WHERE ca.state = 'delivered'").fetchone()[0]
    finally:
        bank.conn.close()
    needles = _needles(_customer(), str(pan))

    journal = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", "journal", "list", "--config", str(cfg),
         "--json"], capture_output=True, text=True, timeout=120, env=env, cwd=REPO)
    assert journal.returncode == 0 and journal.stdout.strip()
    places: dict[str, bytes] = {"stdout": run.stdout.encode(), "log (stderr)": crash.read_bytes(),
                                "journal records": journal.stdout.encode()}
    for f in sorted((tmp_path / "data").rglob("*")) + sorted(tmp.rglob("*")):
        # bank_sandbox: the bank's own database (another machine in a branch).
        if f.is_file() and not f.name.startswith("bank_sandbox"):
            places[str(f.relative_to(tmp_path))] = f.read_bytes()
    leaks = [f"{what} in {where}" for where, data in places.items()
             for what, needle in needles.items() if needle and needle in data]
    assert leaks == []
    assert len(places) > 5  # the journal, flows, printer jobs… were searched
