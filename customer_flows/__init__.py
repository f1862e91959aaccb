"""Customer flows (Qt-free): the steps of each service, persisted through kiosk_core.flows.

Each flow module adds its :class:`~kiosk_core.flows.FlowDefinition` to :data:`DEFINITIONS`
when imported; :func:`definitions` imports them all, so the app can hand every definition to
``KioskRuntime(flows=…)`` and a power cut in any flow is settled at the next start.
"""

from __future__ import annotations

import importlib
import logging
from typing import Any

from kiosk_core.flows import FlowDefinition

log = logging.getLogger(__name__)

#: Flow name -> definition; flow modules register themselves here on import.
DEFINITIONS: dict[str, FlowDefinition] = {}
#: Modules holding persisted flows (a missing one is skipped: its engineer may not be done).
FLOW_MODULES = ["customer_flows.checkin", "customer_flows.card_issuance", "customer_flows.walkin"]


def register(definition: FlowDefinition) -> FlowDefinition:
    DEFINITIONS[definition.name] = definition
    return definition


def definitions() -> dict[str, FlowDefinition]:
    """Every persisted flow (imports the flow modules; they are light)."""
    for name in FLOW_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is None or not name.startswith(exc.name):
                raise
            continue
        # A module may also just expose DEFINITION / DEFINITIONS instead of register().
        found = list(getattr(module, "DEFINITIONS", ()) or ())
        if isinstance(getattr(module, "DEFINITION", None), FlowDefinition):
            found.append(module.DEFINITION)
        for d in found:
            if isinstance(d, FlowDefinition):
                DEFINITIONS.setdefault(d.name, d)
    return dict(DEFINITIONS)


def recover_when_ready(runtime: Any) -> None:
    """Settle flows a power cut left open, once every device has finished opening.

    Runs on the core loop (never the GUI thread): a device's worker is serial, so a no-op
    submitted after ``start()`` completes once the device has opened (or failed to).
    """
    import asyncio

    async def settle() -> None:
        def wait_and_recover() -> list[tuple[str, str]]:
            wait_s = runtime.config.timeouts.device_open_s
            for device in list(runtime.devices.values()):
                try:
                    device.submit(lambda: None).result(timeout=wait_s)
                except Exception as exc:  # closed or still opening: recover what we can
                    log.warning("flow recovery: device %s not ready: %s", device.name, exc)
            return runtime.recover_flows()

        results = await asyncio.to_thread(wait_and_recover)
        for flow_id, status in results:
            log.warning("flow %s settled after restart: %s", flow_id, status)

    if runtime.flow_engine is not None and runtime.loop.running:
        runtime.loop.submit(settle())
