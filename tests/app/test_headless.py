"""``kiosk flows run card-issuance`` and ``kiosk flows recover``, as a technician runs them:
the real console script in its own process, the demo configuration (simulated devices, the
scripted customer), storage in a temporary folder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def kiosk_toml(tmp_path: Path) -> Path:
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    from ports import free_port

    # Its own data and its own bank port (a sandbox bank left on the demo's 8790 is not ours).
    port = free_port()
    lines = [f'data_dir = "{tmp_path / "data"}"' if line.startswith("data_dir")
             else f'url = "http://127.0.0.1:{port}"' if line.startswith('url = "http://127.0.0.1:8790"')
             else line for line in text.splitlines()]
    path = tmp_path / "kiosk.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def kiosk(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([sys.executable, "-m", "kiosk_app.cli", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, cwd=REPO)


@pytest.mark.slow
def test_headless_card_issuance_then_nothing_to_recover(tmp_path: Path) -> None:
    cfg = kiosk_toml(tmp_path)
    run = kiosk("flows", "run", "card-issuance", "--config", str(cfg), "--json")
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])
    assert outcome["state"] == "done" and outcome["receipt_printed"], outcome
    card = outcome["card_number"]
    # The bank's number, masked as on the receipt (first 4, last 4).
    assert card.startswith("6222 ") and card.count("*") == 8
    # The journal (relative to that config's data dir) holds the issuance and verifies.
    journal = kiosk("journal", "list", "--config", str(cfg), "--json", "--kind", "card.issued")
    issued = [json.loads(line) for line in journal.stdout.splitlines()]
    assert [r["data"]["flow"] for r in issued] == [outcome["flow_id"]]
    assert kiosk("journal", "verify", "--config", str(cfg)).returncode == 0
    rec = kiosk("flows", "recover", "--config", str(cfg))
    assert rec.returncode == 0 and "nothing to recover" in rec.stdout, rec.stderr[-2000:]


def test_unknown_customer_is_a_clear_error(tmp_path: Path) -> None:
    run = kiosk("flows", "run", "card-issuance", "--config", str(kiosk_toml(tmp_path)),
                "--customer", "NOBODY")
    assert run.returncode != 0 and "NOBODY" in run.stderr and "Traceback" not in run.stderr
    assert "COLLINS EILEEN MARIE" in run.stderr  # says who can be played


@pytest.mark.slow
def test_headless_run_as_another_bank_customer(tmp_path: Path) -> None:
    """--customer: the simulated customer holds that customer's passport; the kiosk reads
    its MRZ and the bank finds them by it (the card is linked to their new account)."""
    cfg = kiosk_toml(tmp_path)
    run = kiosk("flows", "run", "card-issuance", "--config", str(cfg), "--json",
                "--customer", "smith john paul")
    assert run.returncode == 0, run.stderr[-3000:]
    assert json.loads(run.stdout.strip().splitlines()[-1])["state"] == "done"
    from bank_host.sandbox.bank import SandboxBank

    bank = SandboxBank(tmp_path / "data" / "bank_sandbox.sqlite")
    try:
        owners = bank.conn.execute(
            "SELECT cu.name FROM cards ca JOIN accounts a ON a.account_id = ca.account_id "
            "JOIN customers cu ON cu.customer_id = a.customer_id "
            "WHERE ca.state = 'delivered'").fetchall()
    finally:
        bank.close()
    assert [r[0] for r in owners] == ["SMITH JOHN PAUL"]
