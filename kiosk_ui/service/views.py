"""The technician's reports (technician.api) as the plain dicts and lists QML binds to.

Qt-free: times in the branch's time zone, counts in a fixed order, artifacts as file URLs.
The words stay in QML (both languages); these carry codes, names and numbers.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from technician.api import (
    WHOLE_KIOSK,
    Counters,
    ExportReport,
    KioskReport,
    SelfTestReport,
    VerifyReport,
)

#: The dispenser's counts a technician balances by, in the order they read them.
CARD_COUNTS = ("stacker_remaining", "stacker_loaded", "dispensed_since_load", "retained",
               "dispensed", "presented", "taken", "retracted", "captured")


def local_time(iso: str, timezone: str) -> str:
    """``2026-11-23T01:30:12+00:00`` → ``2026-11-23 09:30:12`` in the branch's zone."""
    if not iso:
        return ""
    try:
        t = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if t.tzinfo is not None:
        t = t.astimezone(ZoneInfo(timezone))
    return t.strftime("%Y-%m-%d %H:%M:%S")


def report_view(report: KioskReport, timezone: str) -> dict[str, Any]:
    overrides = {o.function: o for o in report.overrides}
    whole = overrides.get(WHOLE_KIOSK)
    return {
        "kioskId": report.kiosk_id,
        "branch": report.branch,
        "inService": report.in_service,
        "down": list(report.down),
        "degraded": list(report.degraded),
        "at": local_time(report.at, timezone),
        "wholeOut": whole is not None,
        "wholeWho": whole.who if whole else "",
        "wholeReason": whole.reason if whole else "",
        "wholeAt": local_time(whole.at, timezone) if whole else "",
        "devices": [{
            "kind": d.kind,
            "url": d.url,
            "required": d.required,
            "state": d.state,
            "ok": d.state == "online",
            "media": d.media,
            "supplies": [{"name": k, "state": v} for k, v in d.supplies.items()],
            "firmware": d.firmware,
            "detail": d.detail,
            "lastError": d.last_error,
            "lastErrorCode": d.last_error_code,
            "lastErrorAt": local_time(d.last_error_at, timezone),
        } for d in report.devices],
        "functions": [{
            "function": f.function,
            "available": f.available,
            "reasons": list(f.reasons),
            "degraded": list(f.degraded),
            "out": f.function in overrides,
            "who": overrides[f.function].who if f.function in overrides else "",
            "reason": overrides[f.function].reason if f.function in overrides else "",
            "since": (local_time(overrides[f.function].at, timezone)
                      if f.function in overrides else ""),
        } for f in report.functions],
        "links": [{"name": link.name, "up": link.up, "detail": link.detail}
                  for link in report.links],
    }


def _number(v: float) -> str:
    return f"{v:.0f}" if abs(v) >= 100 else f"{v:.2f}".rstrip("0").rstrip(".")


def self_test_view(result: SelfTestReport, timezone: str) -> dict[str, Any]:
    return {
        "device": result.device,
        "running": False,
        "ok": result.ok,
        "checks": [{"name": k, "result": v, "ok": v == "ok"} for k, v in result.checks.items()],
        "values": [{"name": k, "value": _number(v)} for k, v in result.values.items()],
        "artifact": result.artifact.resolve().as_uri() if result.artifact else "",
        "at": local_time(result.at, timezone),
        "error": "",
    }


def self_test_running(device: str) -> dict[str, Any]:
    return {"device": device, "running": True, "ok": False, "checks": [], "values": [],
            "artifact": "", "at": "", "error": ""}


def self_test_error(device: str, message: str) -> dict[str, Any]:
    return {**self_test_running(device), "running": False, "error": message}


def _rows(values: Mapping[str, Any], timezone: str) -> list[dict[str, str]]:
    out = []
    for k, v in values.items():
        if isinstance(v, (dict, list)):
            v = json.dumps(v, ensure_ascii=False, sort_keys=True)
        elif v is None:
            v = "—"
        elif isinstance(v, str) and len(v) >= 19 and v[4:5] == "-" and v[10:11] == "T":
            v = local_time(v, timezone)
        out.append({"name": k, "value": str(v)})
    return out


def counters_view(counters: Counters, timezone: str) -> dict[str, Any]:
    cards = dict(counters.cards)
    ordered = {k: cards.pop(k) for k in CARD_COUNTS if k in cards}
    rest = {k: v for k, v in cards.items() if k not in ("retained_source", "last_mismatch")}
    return {
        "cards": _rows({**ordered, **rest}, timezone),
        "retained": int(counters.cards.get("retained") or 0),
        "stackerRemaining": counters.cards.get("stacker_remaining"),
        "mismatch": json.dumps(counters.cards["last_mismatch"], sort_keys=True)
        if counters.cards.get("last_mismatch") else "",
        "paper": _rows(counters.paper, timezone),
        "transactions": [{"name": kind, "value": ", ".join(
            f"{outcome} {n}" for outcome, n in sorted(outcomes.items()))}
            for kind, outcomes in sorted(counters.transactions.items())],
        "faults": [{"name": k, "value": str(v)} for k, v in sorted(counters.faults.items())],
    }


def verify_view(result: VerifyReport) -> dict[str, Any]:
    return {"done": True, "ok": result.ok, "count": result.count,
            "badSeq": result.bad_seq if result.bad_seq is not None else -1,
            "reason": result.reason}


def export_view(result: ExportReport) -> dict[str, Any]:
    return {"directory": str(result.directory), "files": list(result.files)}


def config_text(masked: Mapping[str, Any]) -> str:
    """The masked configuration, one table after another, as a technician reads TOML."""
    lines: list[str] = []

    def scalar(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False, default=str)

    def table(prefix: str, data: Mapping[str, Any]) -> None:
        plain = {k: v for k, v in data.items() if not isinstance(v, dict)}
        nested = {k: v for k, v in data.items() if isinstance(v, dict)}
        if plain:
            if prefix:
                lines.append(f"[{prefix}]")
            lines.extend(f"{k} = {scalar(v)}" for k, v in plain.items())
            lines.append("")
        for k, v in nested.items():
            table(f"{prefix}.{k}" if prefix else k, v)

    table("", masked)
    return "\n".join(lines).rstrip() + "\n"
