"""Customer flows (Qt-free): the steps of each service, persisted through kiosk_core.flows.

Each flow module adds its :class:`~kiosk_core.flows.FlowDefinition` to :data:`DEFINITIONS`
when imported; :func:`definitions` imports them all, so the app can hand every definition to
``KioskRuntime(flows=…)`` and a power cut in any flow is settled at the next start.
"""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the config imports customer_flows.settings before the first frame
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
    from kiosk_core.flows import FlowDefinition

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


#: After a crash, how long recovery waits for the bank (its process starts with the kiosk):
#: a flow that debited or opened an account is reversed through it.
BANK_WAIT_S = 20.0
#: The flows whose steps call the bank (their recovery may reverse through it).
BANK_FLOWS = frozenset({"card_issuance"})


def recover_when_ready(runtime: Any) -> None:
    """Settle flows a power cut left open, once every device has finished opening (and,
    with flows to settle, the bank is reachable); the runtime stays "starting" until then
    if the app held it (``runtime.hold_for_recovery()``).

    Runs on the core loop (never the GUI thread): a device's worker is serial, so a no-op
    submitted after ``start()`` completes once the device has opened (or failed to).
    """
    import asyncio
    import time

    def wait_and_recover() -> list[tuple[str, str]]:
        wait_s = runtime.config.timeouts.device_open_s
        for device in list(runtime.devices.values()):
            try:
                device.submit(lambda: None).result(timeout=wait_s)
            except Exception as exc:  # closed or still opening: recover what we can
                log.warning("flow recovery: device %s not ready: %s", device.name, exc)
        store = runtime.flow_store
        bank_url = getattr(getattr(runtime.config, "bank", None), "url", "")
        # Only a flow that talks to the bank waits for it (a check-in or a walk-in ticket
        # settles with the branch store and the printer alone).
        if store is not None and bank_url and any(
                r.flow_type in BANK_FLOWS for r in store.unfinished()):
            deadline = time.monotonic() + BANK_WAIT_S
            while ("bank" not in runtime.services and time.monotonic() < deadline
                   and runtime.loop.running):
                time.sleep(0.1)
            if "bank" not in runtime.services:
                log.warning("flow recovery: the bank is not ready; settling without it")
        if not runtime.loop.running:  # the kiosk is stopping: settled at the next start
            return []
        return list(runtime.recover_flows())

    async def settle() -> None:
        try:
            results = await asyncio.to_thread(wait_and_recover)
        finally:
            release()  # never left "starting" (recover_flows also releases)
        for flow_id, status in results:
            log.warning("flow %s settled after restart: %s", flow_id, status)

    release = getattr(runtime, "release_recovery", lambda: None)
    if runtime.flow_engine is not None and runtime.loop.running:
        runtime.loop.submit(settle())
    else:
        release()
