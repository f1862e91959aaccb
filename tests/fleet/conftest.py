"""A real mosquitto per test (logins required, nothing persisted), and agents on it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fleet_support import OPS_PASSWORD, OPS_USER, PASSWORD, USER, AgentFactory, Kiosk, Watch
from ports import free_port

from bench.fleet_status import Mosquitto


@pytest.fixture
def broker(tmp_path: Path) -> Iterator[Mosquitto]:
    b = Mosquitto(tmp_path / "broker", free_port(), {USER: PASSWORD, OPS_USER: OPS_PASSWORD})
    b.start()
    yield b
    b.stop()


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    d = tmp_path / "secrets"
    d.mkdir()
    (d / "fleet_mqtt.password").write_text(PASSWORD + "\n")
    return d


@pytest.fixture
def kiosk() -> Kiosk:
    return Kiosk()



@pytest.fixture
def make_agent(broker: Mosquitto, secrets: Path, tmp_path: Path, kiosk: Kiosk
               ) -> Iterator[AgentFactory]:
    from fleet.agent import FleetAgent
    from fleet.settings import FleetSettings

    agents: list[FleetAgent] = []

    def make(start: bool = True, k: Kiosk | None = None, **overrides: Any) -> FleetAgent:
        k = k or kiosk
        opts: dict[str, Any] = {"broker": broker.url, "username": USER,
                                "topic_prefix": "sb", "coalesce_s": 0.1, **overrides}
        agent = FleetAgent(FleetSettings(**opts), kiosk_id=k.report["kiosk_id"],
                           branch=k.report["branch"], secrets_dir=secrets,
                           state_dir=tmp_path / "state", snapshot=k.snapshot,
                           on_command=k.on_command, journal=k.record,
                           reconnect_delay=(1, 1))
        agents.append(agent)
        if start:
            agent.start()
        return agent

    yield make
    for a in reversed(agents):
        a.stop()


@pytest.fixture
def ops_key(secrets: Path) -> Any:
    """The operations centre's private key; its public half in the kiosk's secrets_dir."""
    from cryptography.hazmat.primitives import serialization

    from fleet.signing import generate_keypair

    private, public = generate_keypair()
    (secrets / "fleet_command.pub").write_bytes(public)
    return serialization.load_pem_private_key(private, password=None)


@pytest.fixture
def watch(broker: Mosquitto) -> Iterator[Callable[..., Watch]]:
    made: list[Watch] = []

    def make(*topics: str) -> Watch:
        w = Watch(broker.port, *topics)
        made.append(w)
        return w

    yield make
    for w in made:
        w.close()
