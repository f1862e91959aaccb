"""The technician's side of a running kiosk, wired: the service and sign-in shared by the
service screens, the control API (``kiosk diag …``), the health and metrics endpoint, the
persistent counters and the fleet agent (docs/technician.md, monitoring.md, fleet.md)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kiosk_core.runtime import KioskRuntime, RuntimeEvent, device_records

if TYPE_CHECKING:  # imported when built: after the kiosk's first frame
    from technician.auth import TechnicianAuth
    from technician.counters import TransactionCounters
    from technician.service import TechnicianService

log = logging.getLogger(__name__)


@dataclass
class TechnicianSide:
    service: TechnicianService
    auth: TechnicianAuth
    counters: TransactionCounters
    #: Where kiosk.toml was read from (None: $KIOSK_CONFIG or ./kiosk.toml), for the
    #: operations centre's "re-read config".
    config_path: str | None = None
    started: list[str] = field(default_factory=list)
    agent: Any = None


def build(runtime: KioskRuntime, config_path: str | None = None) -> TechnicianSide:
    """Before runtime.start(): the objects the screens need from the first frame."""
    from demo.technician import hands_for
    from technician.counters import TransactionCounters
    from technician.service import for_runtime

    counters = TransactionCounters.for_config(runtime.config)
    service, auth = for_runtime(runtime, hands=hands_for(runtime), tallies=counters)
    return TechnicianSide(service, auth, counters, config_path)


def start(runtime: KioskRuntime, side: TechnicianSide) -> list[str]:
    """Once storage is open (runtime.start done): counters, control API, health, fleet.
    One that cannot start is logged; the kiosk serves customers without it."""
    from technician.control import start_control
    from technician.monitoring import start_monitoring

    try:
        side.counters.attach(runtime)
        runtime.stop_hooks.append(side.counters.close)
        side.started.append("counters")
    except Exception:
        log.exception("transaction counters not started")
    for name, begin in (("control-api", lambda: start_control(runtime, side.service)),
                        ("monitoring", lambda: start_monitoring(runtime, side.service,
                                                                side.counters)),
                        ("fleet", lambda: _start_fleet(runtime, side))):
        try:
            if begin():
                side.started.append(name)
        except Exception:
            log.exception("%s not started", name)
    if "control-api" not in side.started:
        log.error("control API not started: `kiosk diag …` cannot reach this kiosk")
    return side.started


def _start_fleet(runtime: KioskRuntime, side: TechnicianSide) -> bool:
    from fleet.agent import create_agent
    from fleet.settings import FleetSettings

    cfg = runtime.config
    service = side.service

    def journal(kind: str, data: Mapping[str, Any]) -> object:
        # Waited for: the agent carries out a command only once it is journalled.
        writer = runtime.journal_writer
        if writer is None:
            raise RuntimeError("the journal is closed")
        return writer.append(kind, data).result(timeout=5.0)

    agent = create_agent(
        cfg.section(FleetSettings), kiosk_id=cfg.kiosk.id, branch=cfg.kiosk.branch,
        secrets_dir=cfg.path("secrets_dir"), state_dir=cfg.data_dir,
        snapshot=lambda: {**service.report().as_dict(),
                          "counters": service.counters().as_dict(),
                          "journal_seal": _latest_seal(runtime)},
        on_command=lambda cmd: run_fleet_command(runtime, side, cmd), journal=journal)
    if agent is None:
        return False
    if runtime.journal_sealer is not None:  # each new seal goes upstream (issue 15)
        runtime.journal_sealer.subscribe(lambda _seal: agent.changed())

    def on_event(event: RuntimeEvent) -> None:
        agent.changed()
        if event.kind == "device" and event.device is not None:
            for kind, data in device_records(event.device):
                if kind == "device.fault" or (kind == "device.status"
                                              and data.get("state") != "online"):
                    agent.fault(kind, data)

    unsubscribe = runtime.subscribe(on_event)
    agent.start()
    side.agent = agent

    def stop() -> None:
        unsubscribe()
        agent.stop()

    runtime.stop_hooks.append(stop)
    return True


def run_fleet_command(runtime: KioskRuntime, side: TechnicianSide, cmd: Any) -> str:
    """A signed command the fleet agent accepted; the words go back to the operations
    centre (and the technician service journals what it did, ``who`` = fleet:<issuer>)."""
    who = f"fleet:{cmd.issuer}"
    if cmd.name in ("out_of_service", "in_service"):
        report = side.service.set_service(cmd.name == "in_service", cmd.function, who=who,
                                          reason=cmd.reason)
        return (f"{'back in' if cmd.name == 'in_service' else 'out of'} service: "
                f"{cmd.function}; kiosk {'in' if report.in_service else 'out of'} service")
    if cmd.name == "reload_config":
        return reload_config(runtime, side, who)
    return f"unknown command {cmd.name}"


def reload_config(runtime: KioskRuntime, side: TechnicianSide, who: str) -> str:
    """Re-read kiosk.toml. The technicians (PINs added or revoked) apply at once; any other
    change is reported and takes effect at the next restart. An invalid file changes
    nothing."""
    from kiosk_app.config import ConfigError, load_config
    from technician.settings import TechnicianSettings

    try:
        fresh = load_config(side.config_path)
    except (ConfigError, OSError) as exc:
        text = exc.report() if isinstance(exc, ConfigError) else str(exc)
        _journal(runtime, "technician.config_reload", {"ok": False, "error": text[:500],
                                                       "who": who})
        return f"refused: kiosk.toml is not valid, nothing changed: {text[:300]}"
    # Python mode: a SecretStr compares by its value (the JSON mode masks it: a changed token
    # would look unchanged).
    old = runtime.config.model_dump()
    new = fresh.model_dump()
    changed = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    side.auth.replace_technicians(fresh.section(TechnicianSettings).technicians)
    later = [k for k in changed if k != "technician"]
    _journal(runtime, "technician.config_reload", {"ok": True, "changed": changed,
                                                   "at_restart": later, "who": who})
    if not changed:
        return "kiosk.toml re-read: no change"
    text = "kiosk.toml re-read: technicians applied" if "technician" in changed else \
        "kiosk.toml re-read"
    return text + (f"; at the next restart: {', '.join(later)}" if later else "")


def _journal(runtime: KioskRuntime, kind: str, data: Mapping[str, Any]) -> None:
    writer = runtime.journal_writer
    if writer is not None:
        writer.append(kind, data)


def _latest_seal(runtime: KioskRuntime) -> dict[str, Any] | None:
    """The journal's newest signed checkpoint (kiosk_core.journal_seal), for telemetry."""
    sealer = runtime.journal_sealer
    seal = sealer.latest if sealer is not None else None
    return seal.to_json() if seal is not None else None
