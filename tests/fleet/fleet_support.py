"""What tests/fleet share: logins, a technician report, a fake kiosk's callbacks, and a
plain MQTT subscriber that records what the broker delivers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt

USER, PASSWORD = "kiosk", "s3cret-pw"
OPS_USER, OPS_PASSWORD = "ops", "ops-pw"


def report(kiosk: str = "K01", branch: str = "Main St", *, in_service: bool = True,
           dispenser: str = "online", stacker: str = "ok") -> dict[str, Any]:
    """A technician report as technician.api.KioskReport.as_dict() gives it."""
    return {
        "kiosk_id": kiosk, "branch": branch, "in_service": in_service,
        "down": [] if in_service else ["card_dispenser"], "degraded": [],
        "functions": [
            {"function": "card_issuance", "available": in_service,
             "reasons": [] if in_service else ["device"], "degraded": []},
            {"function": "checkin", "available": True, "reasons": [], "degraded": []},
        ],
        "devices": [
            {"kind": "card_dispenser", "url": "socket://user:pw@10.0.0.5:4001",
             "required": True, "state": dispenser, "media": "notPresent",
             "supplies": {"stacker": stacker, "bin": "ok"}, "firmware": "CRT-591 2.1",
             "detail": "" if dispenser == "online" else "jam at exit",
             "last_error": "jam at exit", "last_error_code": "E31",
             "last_error_at": "2026-12-02T07:00:00Z", "extra": {"serial": "SN-SECRET"}},
            {"kind": "printer", "url": "sim://printer", "required": True, "state": "online",
             "media": "notPresent", "supplies": {"paper": "ok"}, "firmware": "", "detail": "",
             "last_error": "", "last_error_code": "", "last_error_at": "", "extra": {}},
        ],
        "links": [{"name": "bank", "up": True, "detail": ""}],
        "overrides": [],
        "at": "2026-12-02T07:00:00Z",
    }


@dataclass
class Kiosk:
    """What a kiosk gives its agent: a report it can change, commands and journal seen."""

    report: dict[str, Any] = field(default_factory=report)
    snapshots: int = 0
    commands: list[Any] = field(default_factory=list)
    journal: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    answer: str = "done"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def snapshot(self) -> Mapping[str, Any]:
        with self.lock:
            self.snapshots += 1
            return dict(self.report)

    def on_command(self, cmd: Any) -> str:
        self.commands.append(cmd)
        return self.answer

    def record(self, kind: str, data: Mapping[str, Any]) -> None:
        self.journal.append((kind, dict(data)))

    def kinds(self) -> list[str]:
        return [k for k, _ in self.journal]



class Watch:
    def __init__(self, port: int, *topics: str) -> None:
        self.messages: list[tuple[str, Any, bool]] = []  # topic, JSON (or raw), retained
        self._lock = threading.Lock()
        self._ready = threading.Event()
        self.client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2,
                                  client_id=f"watch-{time.monotonic_ns()}")
        self.client.username_pw_set(OPS_USER, OPS_PASSWORD)
        self.client.on_connect = lambda c, *a: c.subscribe([(t, 1) for t in topics])
        self.client.on_subscribe = lambda *a: self._ready.set()
        self.client.on_message = self._on_message
        self.client.connect("127.0.0.1", port, keepalive=10)
        self.client.loop_start()
        assert self._ready.wait(5), "no SUBACK"

    def _on_message(self, c: mqtt.Client, u: object, m: mqtt.MQTTMessage) -> None:
        try:
            value: Any = json.loads(m.payload) if m.payload else None
        except ValueError:
            value = bytes(m.payload)
        with self._lock:
            self.messages.append((m.topic, value, bool(m.retain)))

    def on(self, topic: str) -> list[Any]:
        with self._lock:
            return [v for t, v, _ in self.messages if t == topic]

    def last(self, topic: str) -> Any:
        got = self.on(topic)
        return got[-1] if got else None

    def publish(self, topic: str, payload: bytes, *, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()


#: make_agent(start=True, k=None, **settings) -> FleetAgent (the conftest fixture).
AgentFactory = Callable[..., Any]
