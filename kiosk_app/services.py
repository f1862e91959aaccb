"""The kiosk's background services, started by the composition root once the runtime is up.

Each returns quickly (servers run on the core loop); one that cannot start is logged and
leaves the kiosk serving customers without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk_core.runtime import KioskRuntime

log = logging.getLogger(__name__)


def start_services(runtime: KioskRuntime, *,
                   on_teller_call: Callable[[Any], None] | None = None) -> list[str]:
    """Start what the configuration asks for; returns the names of those started.
    ``on_teller_call`` gets the video-teller call once it is ready (on a worker thread)."""
    from demo import customer
    from demo.appointments import start_if_demo
    from kiosk_app.bank_service import start_bank
    from kiosk_app.teller_service import start_teller
    from o2o_sync.store import BranchStore
    from receipts.link_server import start_link_server

    started: list[str] = []
    for name, start in (("demo-appointments", start_if_demo),
                        ("demo-customer", customer.attach),
                        # The queue page reads the branch store; receipts may not import it.
                        ("receipt-links", lambda r: start_link_server(
                            r, lambda: BranchStore.from_config(r.config))),
                        ("bank", start_bank),
                        ("video-teller", lambda r: start_teller(r, on_teller_call))):
        try:
            if start(runtime):
                started.append(name)
        except Exception:
            log.exception("service %s failed to start", name)
    return started
