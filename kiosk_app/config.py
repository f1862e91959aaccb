"""The whole kiosk.toml: the core sections, every device kind's table, the domain sections.

``[devices.<kind>]`` is validated by that kind's own settings model, taken from the device
registry (devices.kinds), so a new kind needs no edit here. Unknown kinds and keys are
named in the error.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

from pydantic import create_model

from bank_host.settings import BankHostSettings
from customer_flows.settings import CardIssuanceSettings
from devices import registry
from devices.settings import DeviceSettings
from fleet.settings import FleetSettings
from identity.settings import IdentitySettings
from kiosk_core.config import DEFAULT_CONFIG, ConfigError, CoreConfig, Section, read_toml, validate
from o2o_sync.settings import SyncSettings
from technician.settings import MonitoringSettings, TechnicianSettings
from video_teller.settings import HubSettings
from voice.settings import VoiceSettings


class DevicesBase(Section):
    def configured(self) -> dict[str, DeviceSettings]:
        """Enabled devices by kind."""
        out: dict[str, DeviceSettings] = {}
        for kind in type(self).model_fields:
            settings = getattr(self, kind)
            if settings is not None and settings.enabled:
                out[kind] = settings
        return out

    def get(self, kind: str) -> DeviceSettings | None:
        value = getattr(self, kind, None)
        return value if isinstance(value, DeviceSettings) else None


@cache
def devices_model() -> type[DevicesBase]:
    """``[devices]``: one optional table per registered kind."""
    fields: dict[str, Any] = {
        name: (kind.settings | None, None) for name, kind in registry.kinds().items()
    }
    model: type[DevicesBase] = create_model("DevicesSettings", __base__=DevicesBase, **fields)
    return model


class KioskConfig(CoreConfig):
    devices: DevicesBase = DevicesBase()
    hub: HubSettings = HubSettings()
    sync: SyncSettings = SyncSettings()
    identity: IdentitySettings = IdentitySettings()
    bank: BankHostSettings = BankHostSettings()
    card_issuance: CardIssuanceSettings = CardIssuanceSettings()
    technician: TechnicianSettings = TechnicianSettings()
    monitoring: MonitoringSettings = MonitoringSettings()
    voice: VoiceSettings = VoiceSettings()
    fleet: FleetSettings = FleetSettings()


@cache
def config_model() -> type[KioskConfig]:
    model: type[KioskConfig] = create_model(
        "KioskConfig", __base__=KioskConfig,
        devices=(devices_model(), devices_model()()),
    )
    return model


def _name_unknown_kinds(err: ConfigError) -> ConfigError:
    known = ", ".join(registry.kinds())
    problems = [
        f"{p.split(':', 1)[0]}: unknown device kind (known: {known})"
        if p.startswith("devices.") and p.count(".") == 1 and p.endswith(": unknown key")
        else p
        for p in err.problems
    ]
    return ConfigError(err.source, problems)


def parse_config(
    data: dict[str, Any], source: str = DEFAULT_CONFIG, base_dir: Path | None = None
) -> KioskConfig:
    try:
        return validate(config_model(), data, source, base_dir)
    except ConfigError as exc:
        raise _name_unknown_kinds(exc) from None


def load_config(path: str | os.PathLike[str] | None = None) -> KioskConfig:
    """Read and validate kiosk.toml (``$KIOSK_CONFIG`` or ./kiosk.toml by default)."""
    data, source, base_dir = read_toml(path)
    return parse_config(data, source, base_dir)
