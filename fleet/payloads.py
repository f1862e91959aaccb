"""What the kiosk publishes, built from the technician's report (pure functions, no I/O).

Only what fleet monitoring needs goes out: never a device's URL (it may hold a password)
nor the driver's ``extra`` (line settings, serial numbers). JSON, UTF-8.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any, Literal, TypedDict

State = Literal["in_service", "out_of_service", "offline"]

_DEVICE_FIELDS = ("kind", "required", "state", "media", "supplies", "firmware", "detail",
                  "last_error", "last_error_code", "last_error_at")


class StatePayload(TypedDict, total=False):
    kiosk: str
    branch: str
    state: State
    down: list[str]
    degraded: list[str]
    functions_down: list[dict[str, Any]]
    overrides: list[dict[str, Any]]
    links: dict[str, bool]
    at: str
    ts: float
    seq: int
    will: bool


def encode(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"),
                      default=str).encode("utf-8")


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence):
        return [str(v) for v in value]
    return []


def _records(value: Any) -> list[Mapping[str, Any]]:
    if isinstance(value, Sequence) and not isinstance(value, str):
        return [v for v in value if isinstance(v, Mapping)]
    return []


def state_payload(snapshot: Mapping[str, Any]) -> StatePayload:
    """The kiosk's state without ``ts``/``seq`` (added when published)."""
    functions_down = [
        {"function": str(f.get("function", "")), "reasons": _strings(f.get("reasons", ()))}
        for f in _records(snapshot.get("functions")) if not f.get("available", True)
    ]
    overrides = [
        {k: str(o.get(k, "")) for k in ("function", "who", "reason", "at")}
        for o in _records(snapshot.get("overrides"))
    ]
    return {
        "kiosk": str(snapshot.get("kiosk_id", "")),
        "branch": str(snapshot.get("branch", "")),
        "state": "in_service" if snapshot.get("in_service") else "out_of_service",
        "down": _strings(snapshot.get("down", ())),
        "degraded": _strings(snapshot.get("degraded", ())),
        "functions_down": functions_down,
        "overrides": overrides,
        "links": {str(link.get("name", "")): bool(link.get("up"))
                  for link in _records(snapshot.get("links"))},
        "at": str(snapshot.get("at", "")),
    }


def offline_payload(kiosk: str, branch: str, ts: float, seq: int, *, will: bool) -> StatePayload:
    """What the state topic says of a stopped kiosk, or (``will``) of a vanished one: then
    ``ts`` is when the kiosk connected, the broker sends it only when the link dies."""
    return {"kiosk": kiosk, "branch": branch, "state": "offline", "down": ["offline"],
            "ts": ts, "seq": seq, "will": will}


def device_payloads(snapshot: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``kind -> payload`` (without ``ts``) for each device in the report."""
    out: dict[str, dict[str, Any]] = {}
    for dev in _records(snapshot.get("devices")):
        kind = str(dev.get("kind", ""))
        if not kind:
            continue
        payload = {k: dev.get(k) for k in _DEVICE_FIELDS}
        supplies = dev.get("supplies")
        payload["supplies"] = ({str(k): str(v) for k, v in supplies.items()}
                               if isinstance(supplies, Mapping) else {})
        out[kind] = payload
    return out


def supplies_payload(snapshot: Mapping[str, Any]) -> dict[str, Any]:
    """Supply levels by device, plus ``counters`` when the snapshot carries them."""
    devices = device_payloads(snapshot)
    payload: dict[str, Any] = {"supplies": {k: d["supplies"] for k, d in devices.items()
                                            if d["supplies"]}}
    counters = snapshot.get("counters")
    if isinstance(counters, Mapping):
        payload["counters"] = dict(counters)
    return payload


def fault_payload(kind: str, data: Mapping[str, Any], ts: float, seq: int) -> dict[str, Any]:
    return {"kind": kind, "data": dict(data), "ts": ts, "seq": seq}
