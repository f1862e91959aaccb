"""The kiosk's background services, started by the composition root once the runtime is up.

Each returns quickly (servers run on the core loop); one that cannot start is logged and
leaves the kiosk serving customers without it.
"""

from __future__ import annotations

import logging

from kiosk_core.runtime import KioskRuntime

log = logging.getLogger(__name__)


def start_services(runtime: KioskRuntime) -> list[str]:
    """Start what the configuration asks for; returns the names of those started."""
    from demo import customer
    from demo.appointments import start_if_demo
    from kiosk_app.bank_service import start_bank
    from receipts.link_server import start_link_server

    started: list[str] = []
    for name, start in (("demo-appointments", start_if_demo),
                        ("demo-customer", customer.attach),
                        ("receipt-links", start_link_server),
                        ("bank", start_bank)):
        try:
            if start(runtime):
                started.append(name)
        except Exception:
            log.exception("service %s failed to start", name)
    return started
