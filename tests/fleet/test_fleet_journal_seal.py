"""The journal's newest seal goes upstream as a retained topic, as signed (issue 15)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fleet_support import AgentFactory, Kiosk
from waiting import poll

from kiosk_core.journal import Journal
from kiosk_core.journal_seal import PURPOSE, check_signature, make_seal, parse_seal
from kiosk_core.keystore import KeyStore

BASE = "sb/Main%20St/K01"


def test_the_latest_seal_is_published_retained_and_verifies_upstream(
        make_agent: AgentFactory, watch: Any, kiosk: Kiosk, tmp_path: Path) -> None:
    store = KeyStore(tmp_path / "keys", wrap="none")
    with Journal(tmp_path / "journal.sqlite", kiosk_id="K01") as j:
        j.append("kiosk.start", {})
        first = make_seal(j.head(), "K01", store.ring(PURPOSE))
        j.append("kiosk.stop", {})
        second = make_seal(j.head(), "K01", store.ring(PURPOSE))
    with kiosk.lock:
        kiosk.report = {**kiosk.report, "journal_seal": first.to_json()}
    agent = make_agent()
    w = watch(f"{BASE}/journal/seal")
    got = poll(lambda: w.last(f"{BASE}/journal/seal"))
    assert got["count"] == 1 and got["head"] == first.head
    with kiosk.lock:
        kiosk.report = {**kiosk.report, "journal_seal": second.to_json()}
    agent.changed()
    got = poll(lambda: (m := w.last(f"{BASE}/journal/seal")) and m["count"] == 2 and m)
    # The operations centre checks it with the kiosk's registered public key.
    seal = parse_seal({k: v for k, v in got.items() if k != "ts"})
    assert check_signature(seal, store.ring(PURPOSE).public_keys()) is None
