"""The operations side: every kiosk the broker knows, from its retained topics.

:class:`FleetView` subscribes to ``P/+/+/state``, ``P/+/+/devices/+`` and ``P/+/+/supplies``
and keeps each kiosk's newest state, devices and supplies with the time it last said
anything. ``kiosk fleet status`` is one short-lived view; a dashboard keeps one running.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode

from fleet.broker import BrokerAddress, Credentials, make_client
from fleet.signing import new_nonce
from fleet.topics import parse_view_topic, segment_text, view_subscriptions


@dataclass
class KioskStatus:
    branch: str
    kiosk: str
    state: str = "unknown"  # in_service, out_of_service, offline; unknown before a state
    down: list[str] = field(default_factory=list)
    ts: float = 0.0  # of the state message
    seq: int = 0
    last_seen: float = 0.0  # newest ts over all its topics
    devices: dict[str, dict[str, Any]] = field(default_factory=dict)
    supplies: dict[str, Any] = field(default_factory=dict)
    state_payload: dict[str, Any] = field(default_factory=dict)

    def devices_not_online(self) -> dict[str, str]:
        return {kind: str(d.get("state", "?")) for kind, d in sorted(self.devices.items())
                if d.get("state") != "online"}

    def as_dict(self, now: float) -> dict[str, Any]:
        return {
            "branch": self.branch, "kiosk": self.kiosk, "state": self.state,
            "down": self.down, "ts": self.ts, "seq": self.seq,
            "age_s": round(max(0.0, now - self.last_seen), 3) if self.last_seen else None,
            "devices_not_online": self.devices_not_online(),
            "devices": self.devices, "supplies": self.supplies.get("supplies", {}),
            "counters": self.supplies.get("counters"),
            "functions_down": self.state_payload.get("functions_down", []),
            "overrides": self.state_payload.get("overrides", []),
        }


#: Called on paho's thread for each state message: (status after it, receive time).
OnState = Callable[[KioskStatus, float], None]


def _ts(payload: dict[str, Any]) -> float:
    ts = payload.get("ts")
    return float(ts) if isinstance(ts, int | float) and not isinstance(ts, bool) else 0.0


class FleetView:
    def __init__(self, address: BrokerAddress, credentials: Credentials, prefix: str, *,
                 on_state: OnState | None = None, client_id: str = "") -> None:
        self.address = address
        self.prefix = prefix
        self._on_state = on_state
        self._lock = threading.Lock()
        self._kiosks: dict[tuple[str, str], KioskStatus] = {}
        self._subscribed = threading.Event()
        self._last_message = 0.0  # monotonic
        self._error = ""
        self._client = make_client(client_id or f"fleet-view-{new_nonce()[:12]}", address,
                                   credentials)
        self._client.on_connect = self._on_connect
        self._client.on_subscribe = self._on_subscribe
        self._client.on_message = self._on_message
        self.malformed = 0

    def start(self) -> None:
        self._client.connect_async(self.address.host, self.address.port, keepalive=30)
        self._client.loop_start()

    def stop(self) -> None:
        self._client.disconnect()
        self._client.loop_stop()

    def wait_ready(self, timeout: float) -> bool:
        """True once subscribed (retained messages then follow at once)."""
        return self._subscribed.wait(timeout)

    def settle(self, wait_s: float, quiet_s: float = 0.3) -> None:
        """Wait until retained messages stop arriving for ``quiet_s`` (or ``wait_s`` passed):
        a broker sends them right after the subscription, but never says it is done."""
        deadline = time.monotonic() + wait_s
        if not self.wait_ready(wait_s):
            return
        with self._lock:
            self._last_message = max(self._last_message, time.monotonic())
        while (now := time.monotonic()) < deadline:
            with self._lock:
                idle = now - self._last_message
            if idle >= quiet_s:
                return
            time.sleep(min(quiet_s - idle, deadline - now, 0.05) + 0.001)

    @property
    def error(self) -> str:
        return self._error

    def kiosks(self, now: float | None = None) -> list[dict[str, Any]]:
        now = time.time() if now is None else now
        with self._lock:
            items = sorted(self._kiosks.values(), key=lambda k: (k.branch, k.kiosk))
            return [k.as_dict(now) for k in items]

    def status_of(self, branch: str, kiosk: str) -> KioskStatus | None:
        with self._lock:
            return self._kiosks.get((branch, kiosk))

    # --- paho's thread ----------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: mqtt.ConnectFlags,
                    reason: ReasonCode, properties: object) -> None:
        if reason.is_failure:
            self._error = f"broker refused the connection: {reason}"
            return
        self._error = ""
        client.subscribe([(t, 1) for t in view_subscriptions(self.prefix)])

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int,
                      reasons: list[ReasonCode], properties: object) -> None:
        if any(r.is_failure for r in reasons):
            self._error = "the broker refused the subscription (ACL?)"
        self._subscribed.set()

    def _on_message(self, client: mqtt.Client, userdata: object,
                    message: mqtt.MQTTMessage) -> None:
        received = time.time()
        parsed = parse_view_topic(self.prefix, message.topic)
        if parsed is None:
            return
        key = (segment_text(parsed.branch), segment_text(parsed.kiosk))
        payload: dict[str, Any] | None = None
        if message.payload:  # empty: the kiosk removed a retained topic
            try:
                value = json.loads(message.payload)
            except ValueError:
                value = None
            if not isinstance(value, dict):
                with self._lock:
                    self.malformed += 1
                return
            payload = value
        with self._lock:
            self._last_message = time.monotonic()
            status = self._kiosks.get(key)
            if status is None:
                if payload is None:
                    return
                status = self._kiosks[key] = KioskStatus(*key)
            if payload is None:
                if parsed.kind == "devices":
                    status.devices.pop(segment_text(parsed.device), None)
                return
            ts = _ts(payload)
            if parsed.kind == "state":
                status.state = str(payload.get("state", "unknown"))
                down = payload.get("down")
                status.down = [str(d) for d in down] if isinstance(down, list) else []
                status.ts = ts
                seq = payload.get("seq")
                status.seq = seq if isinstance(seq, int) else 0
                status.state_payload = payload
                if isinstance(payload.get("branch"), str) and payload["branch"]:
                    status.branch = payload["branch"]
            elif parsed.kind == "devices":
                status.devices[segment_text(parsed.device)] = payload
            else:
                status.supplies = payload
            # A last will's ts is when the link came up, not when it died: not "seen".
            if not payload.get("will"):
                status.last_seen = max(status.last_seen, ts)
            elif not status.last_seen:
                status.last_seen = ts
        if parsed.kind == "state" and self._on_state is not None:
            self._on_state(status, received)


def format_table(kiosks: list[dict[str, Any]]) -> str:
    """``kiosk fleet status`` without --json: one line per kiosk."""
    if not kiosks:
        return "no kiosks on this broker (under this topic prefix)"
    rows = [("BRANCH", "KIOSK", "STATE", "AGE", "DEVICES NOT ONLINE")]
    for k in kiosks:
        age = k["age_s"]
        rows.append((
            k["branch"], k["kiosk"], k["state"], "-" if age is None else _age(age),
            ", ".join(f"{kind}: {st}" for kind, st in k["devices_not_online"].items()) or "-",
        ))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return "\n".join(
        "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(r[:4])) + "  " + r[4]
        for r in rows)


def _age(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f}s"
    if seconds < 3600:
        return f"{seconds / 60:.0f}m"
    if seconds < 86400:
        return f"{seconds / 3600:.1f}h"
    return f"{seconds / 86400:.1f}d"
