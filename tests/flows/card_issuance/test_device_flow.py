"""The persisted device part against the real simulated dispenser and printer."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest

from customer_flows import card_issuance
from devices.card_dispenser.driver import create as create_dispenser
from devices.card_dispenser.settings import CardDispenserSettings
from devices.card_dispenser.simulator import make_simulator
from devices.registry import create_device
from devices.simlink import TcpLink
from kiosk_core.flows import StepFailed
from kiosk_core.journal import _luhn_ok
from kiosk_core.status import MediaState

from .conftest import FAST, journal_of

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[2]


def bank_card(bank: Any, uid: str) -> dict[str, Any]:
    """The sandbox bank's row for the card with chip ``uid`` (the full number included)."""
    row = bank.conn.execute("SELECT * FROM cards WHERE uid = ?", (uid,)).fetchone()
    assert row is not None, f"the bank has no card {uid}"
    return dict(row)


def test_masked_card_numbers_and_names() -> None:
    pan = "6222021234567890128"
    assert _luhn_ok(pan)
    assert card_issuance.masked(pan) == pan[:6] + "*" * 9 + pan[-4:]
    assert card_issuance.mask_name("COLLINS  EILEEN MARIE") == "COLLINS E. M."
    assert card_issuance.mask_name("张三丰") == "张**"
    assert card_issuance.mask_name("") == ""
    from customer_flows.card_session import mrz_date

    assert mrz_date("561119", past=True) == "1956-11-19"
    assert mrz_date("050101", past=True) == "2005-01-01"
    assert mrz_date("31010", past=True) == ""


@pytest.mark.parametrize("protocol", ["crt591", "k720"])
def test_issues_a_card_and_prints_the_receipt(protocol: str, dispenser: Any, printer: Any,
                                              engine: Any, bank: Any) -> None:
    disp, prn = dispenser(protocol=protocol), printer()
    eng = engine(card_dispenser=disp, printer=prn)
    fid = eng.start("card_issuance", {"language": "zh_CN",
                                      "branch": "示范支行", "kiosk_id": "KIOSK-TEST-01"})
    data = eng.run(fid)
    assert eng.store.get(fid).status == "completed"
    assert data["taken"] and data["receipt_printed"]
    card = data["card_number"]
    # The number is the bank's: the card linked to the new account, PIN set, delivered.
    row = bank_card(bank, disp.simulator.mech.uid.hex().upper())
    full = row["pan"]
    assert card == card_issuance.masked(full) and row["state"] == "delivered"
    assert row["account_id"] == data["account_id"] and data["pin_set"]
    accounts = bank.conn.execute("SELECT COUNT(*) FROM accounts WHERE customer_id = ?",
                                 (data["customer_id"],)).fetchone()[0]
    assert bank.count("pins") == 1 and accounts == 1
    # Nothing anywhere holds the full number.
    assert full not in repr(eng.store.all()) and full not in repr(journal_of(eng))
    kinds = [k for k, _ in journal_of(eng)]
    assert "card.issued" in kinds
    issued = dict(journal_of(eng))["card.issued"]
    assert issued["card_number"] == card and issued["flow"] == fid
    # The receipt that came out: Chinese, masked number, as a PNG on "paper".
    page = prn.simulator.pages[-1]
    assert page.page.complete and page.path is not None and page.path.exists()
    text = "\n".join(page.page.texts)
    assert "借记卡发卡凭条" in text and f"{full[:4]} **** **** {full[-4:]}" in text
    assert full not in text
    # The bank's name for the customer, masked, is on paper, and nowhere in the flow store;
    # nor is the ID number.
    assert "ZHANG S." in text and "ZHANG" not in repr(eng.store.all())
    assert "110101199003078515" not in repr(eng.store.all()) + repr(journal_of(eng))
    img = cv2.imread(str(page.path), cv2.IMREAD_GRAYSCALE)
    assert img is not None and img.shape[0] > 400 and np.mean(img < 128) > 0.01  # ink on it
    assert disp.status.media is MediaState.NOT_PRESENT


def test_receipt_kept_and_shown_as_qr_when_the_printer_is_out(dispenser: Any, printer: Any,
                                                               engine: Any) -> None:
    prn = printer("paper=out")
    eng = engine(card_dispenser=dispenser(), printer=prn)
    data = eng.run(eng.start("card_issuance", {"language": "en_US"}))
    assert data["taken"] and not data["receipt_printed"]
    assert data["receipt_url"].startswith("https://") and data["receipt_job"] in data["receipt_url"]
    assert [j.id for j in prn.pending_jobs()] == [data["receipt_job"]]  # the job is kept


def test_card_not_taken_is_retracted_and_the_flow_unwinds(dispenser: Any, engine: Any,
                                                          bank: Any) -> None:
    disp = dispenser("take=never")
    eng = engine(card_dispenser=disp)
    fid = eng.start("card_issuance", {"take_timeout_s": 0.3})
    with pytest.raises(StepFailed) as info:
        eng.run(fid)
    assert info.value.step == "hand_over"
    assert isinstance(info.value.cause, card_issuance.IssuanceError)
    assert info.value.cause.code == "not_taken"
    assert eng.store.get(fid).status == "unwound"
    assert disp.simulator.mech.position.value == "none" and disp.simulator.mech.bin == 1
    assert tuple(k for k, _ in journal_of(eng) if k == "card.retained") == ("card.retained", )
    # The bank was told: the card is retained (never usable), the account opening reversed.
    row = bank_card(bank, disp.simulator.mech.uid.hex().upper())
    assert row["state"] == "retained"
    data = eng.store.get(fid).data
    account = bank.conn.execute("SELECT * FROM accounts WHERE account_id = ?",
                                (data["account_id"],)).fetchone()
    assert account is None or account["state"] != "open", dict(account)


def test_empty_stacker_is_refused_before_anything_moves(dispenser: Any, engine: Any) -> None:
    disp = dispenser("cards=0")
    eng = engine(card_dispenser=disp)
    fid = eng.start("card_issuance")
    with pytest.raises(StepFailed) as info:
        eng.run(fid)
    assert info.value.step == "reserve" and info.value.cause.code == "stacker_empty"  # type: ignore[attr-defined]
    assert disp.simulator.mech.dispensed == 0


def test_jam_mid_dispense_captures_the_card(dispenser: Any, engine: Any) -> None:
    disp = dispenser("faults=jam:2")  # the move to the gate jams
    eng = engine(card_dispenser=disp)
    with pytest.raises(StepFailed) as info:
        eng.run(eng.start("card_issuance"))
    assert info.value.step == "hand_over"
    assert type(info.value.cause).__name__ == "CardJam"
    # The jammed card was cleared into the bin, and the next customer can be served.
    assert disp.simulator.mech.position.value == "none" and disp.simulator.mech.bin == 1
    assert eng.run(eng.start("card_issuance"))["taken"]


@pytest.mark.parametrize(("take_after", "outcome"), [(0.2, "taken"), (None, "retracted")])
def test_power_cut_after_the_card_was_offered_settles_taken_or_retained(
        tmp_path: Path, engine: Any, closing: Any, take_after: float | None,
        outcome: str) -> None:
    """The cut comes after wait_taken finished on the device, before the flow recorded it.
    Taken: the card is the customer's, the flow completes with card.issued (it used to end
    "unwound" with no record). Retracted: the bin's count grew, so card.retained."""
    sim = make_simulator("crt591", cards=10, take_after=take_after)
    link = closing(TcpLink(sim).start())
    fid = _power_cut(tmp_path / "flows.sqlite", link.url, "crt591", "wait_taken",
                     take_timeout_s=0.5)
    disp = closing(create_dispenser("card_dispenser", CardDispenserSettings(
        url=link.url, protocol="crt591", **FAST)))
    disp.start().result(timeout=10)
    eng = engine(card_dispenser=disp)
    assert eng.store.get(fid).phase == "intent"
    records = lambda: [(k, d) for k, d in journal_of(eng) if d.get("flow") == fid]  # noqa: E731
    if outcome == "taken":
        assert eng.recover() == [(fid, "completed")]
        assert sim.mech.bin == 0
        issued = [d for k, d in records() if k == "card.issued"]
        assert len(issued) == 1 and issued[0]["recovered"] is True
        assert "card.retained" not in [k for k, _ in records()]
    else:
        assert eng.recover() == [(fid, "unwound")]
        assert sim.mech.bin == 1
        kinds = [k for k, _ in records()]
        assert kinds.count("card.retained") == 1 and "card.issued" not in kinds
    assert eng.recover() == []


def _power_cut(store: Path, url: str, protocol: str, cut: str,
               take_timeout_s: float | None = None) -> str:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO), str(REPO / "tests")])}
    if take_timeout_s is not None:
        env["TAKE_TIMEOUT_S"] = str(take_timeout_s)
    proc = subprocess.run([sys.executable, str(HERE / "power_cut.py"), str(store), url,
                           protocol, cut], capture_output=True, text=True, env=env, timeout=60,
                          cwd=REPO)
    assert proc.returncode == 137, proc.stderr
    return proc.stdout.strip()


@pytest.mark.parametrize(("protocol", "cut", "where"), [
    ("crt591", "present", "gate"),  # the card reached the gate, then the power went
    ("k720", "to_read_position", "read"),  # the card was inside the machine
])
def test_power_cut_mid_dispense_puts_the_card_in_the_bin(
        tmp_path: Path, engine: Any, closing: Any, protocol: str, cut: str, where: str) -> None:
    # The dispenser outlives the kiosk process: a simulator behind TCP in this process.
    sim = make_simulator(protocol, cards=10, take_after=None)
    link = closing(TcpLink(sim).start())
    fid = _power_cut(tmp_path / "flows.sqlite", link.url, protocol, cut)
    assert sim.mech.position.value == where and sim.mech.bin == 0
    # "Restart": a new driver and a new engine over the same flow store.
    disp = closing(create_dispenser("card_dispenser", CardDispenserSettings(
        url=link.url, protocol=protocol, **FAST)))
    disp.start().result(timeout=10)
    eng = engine(card_dispenser=disp)
    assert eng.store.get(fid).phase == "intent"  # the cut left the dispense in doubt
    assert eng.recover() == [(fid, "unwound")]
    assert sim.mech.position.value == "none" and sim.mech.bin == 1
    assert sim.mech.cards == 9
    assert eng.recover() == []  # settled once
    assert "card.retained" in [k for k, _ in journal_of(eng)]


def test_the_kiosk_settles_a_cut_dispense_at_start(tmp_path: Path, kiosk_config: Any,
                                                   closing: Any) -> None:
    """The same cut, settled the way the kiosk does it: every customer flow registered
    through customer_flows, the runtime opened from kiosk.toml, recover once devices are up."""
    import customer_flows
    from kiosk_core.runtime import KioskRuntime

    sim = make_simulator("crt591", cards=10, take_after=None)
    link = closing(TcpLink(sim).start())
    devices = kiosk_config.devices
    cfg = kiosk_config.model_copy(update={"devices": devices.model_copy(update={
        "card_dispenser": devices.card_dispenser.model_copy(update={"url": link.url}),
        "printer": devices.printer.model_copy(update={"enabled": False}),
        "camera": devices.camera.model_copy(update={"enabled": False}),
    })})
    fid = _power_cut(cfg.path("flows"), link.url, "crt591", "present")
    assert sim.mech.position.value == "gate"
    from bank_host.sandbox.bank import SandboxBank

    from .conftest import KIOSK

    runtime = closing(KioskRuntime(cfg, flows=customer_flows.definitions(),
                                   device_factory=create_device))
    runtime.start(wait_devices=True)
    bank = closing(SandboxBank(cfg.path("flows").parent / "bank.sqlite"))
    runtime.services["bank"] = bank.host(KIOSK)
    assert runtime.recover_flows() == [(fid, "unwound")]
    assert sim.mech.position.value == "none" and sim.mech.bin == 1
    assert runtime.journal is not None
    kinds = [r.kind for r in runtime.journal.records()]
    assert "card.retained" in kinds and "flow.unwound" in kinds
