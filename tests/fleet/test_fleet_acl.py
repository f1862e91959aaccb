"""The per-kiosk ACL that docs/fleet.md suggests, on a real mosquitto: a kiosk writes only its
own topics, the operations centre reads them all and sends commands."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from fleet_support import OPS_PASSWORD, OPS_USER, Kiosk, Watch, report
from ports import free_port
from waiting import poll

from bench.fleet_status import Mosquitto
from fleet.agent import FleetAgent
from fleet.settings import FleetSettings

ACL = """\
pattern write sb/+/%u/state
pattern write sb/+/%u/devices/+
pattern write sb/+/%u/supplies
pattern write sb/+/%u/faults
pattern write sb/+/%u/command/result
pattern read  sb/+/%u/command
user ops
topic read  sb/#
topic write sb/+/+/command
"""


@pytest.fixture
def acl_broker(tmp_path: Path) -> Any:
    b = Mosquitto(tmp_path / "acl-broker", free_port(),
                  {"K01": "pw1", "K02": "pw2", OPS_USER: OPS_PASSWORD}, acl=ACL)
    b.start()
    yield b
    b.stop()


def test_a_kiosk_cannot_write_another_kiosks_status(acl_broker: Mosquitto,
                                                    tmp_path: Path) -> None:
    secrets = tmp_path / "k01"
    secrets.mkdir()
    (secrets / "fleet_mqtt.password").write_text("pw1")
    k = Kiosk()
    agent = FleetAgent(FleetSettings(broker=acl_broker.url, username="K01", topic_prefix="sb"),
                       kiosk_id="K01", branch="Main St", secrets_dir=secrets,
                       state_dir=tmp_path / "state", snapshot=k.snapshot,
                       on_command=k.on_command, journal=k.record)
    ops = Watch(acl_broker.port, "sb/#")
    try:
        agent.start()
        poll(lambda: ops.last("sb/Main%20St/K01/state"))
        poll(lambda: ops.last("sb/Main%20St/K01/devices/card_dispenser"))
        # The same login pretending to be K02: the broker drops it.
        forged = FleetAgent(FleetSettings(broker=acl_broker.url, username="K01",
                                          topic_prefix="sb"),
                            kiosk_id="K02", branch="Main St", secrets_dir=secrets,
                            state_dir=tmp_path / "state2",
                            snapshot=lambda: report("K02"), on_command=str,
                            journal=lambda kind, data: None)
        forged.start()
        poll(lambda: forged.status().connected)
        time.sleep(0.5)
        forged.stop()
        assert not [t for t, _, _ in ops.messages if "/K02/" in t]
    finally:
        agent.stop()
        ops.close()
