"""Check-in fixtures: a real branch DB (o2o_sync store), the real printer and camera
simulators, and appointments seeded through the store's public change-feed API."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from daytime import ZONE
from ui.conftest import make_app, make_config  # noqa: F401  (tests/ on sys.path: rootdir import)

from customer_flows import checkin
from o2o_sync.store import BranchStore
from o2o_sync.wire import parse_item

QR_TOKEN = "tok-demo-qr-0000001"


def booking(aid: str, minutes: int = 5, *, service: str = "loan", name: str = "王小明",
            phone: str = "+86 138 0013 8000", code: str = "K7Q2MX", token: str | None = None,
            status: str = "booked", version: int = 1, now: datetime | None = None) -> Any:
    start = (now or datetime.now(UTC)) + timedelta(minutes=minutes)
    return parse_item({
        "id": aid, "version": version, "status": status, "service": service,
        "start": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "zone": ZONE,
        "duration_min": 15, "customer": {"name": name, "phone": phone},
        "booking_code": code, "qr_token": token or f"tok-{aid}-000000",
    })


def standard_bookings() -> list[Any]:
    return [
        booking("apt_qr", 5, token=QR_TOKEN, code="QRQR22", phone="+86 139 1111 2222"),
        booking("apt_phone", 10, service="account", name="Mary Johnson", code="K7Q2MX",
                phone="+86 138 0013 8000"),
        booking("apt_early", 180, service="forex", code="EARLY2", phone="+86 137 5555 6666"),
        booking("apt_cancel", 5, service="card", code="CANC22", phone="+86 136 7777 8888",
                status="cancelled", version=2),
    ]


@pytest.fixture
def checkin_config(kiosk_config: Any, tmp_path: Path) -> Any:
    """Demo config with the camera showing a phone with our QR and the printer's pages saved."""
    devs = kiosk_config.devices
    cfg = kiosk_config.model_copy(update={"devices": devs.model_copy(update={
        "printer": devs.printer.model_copy(update={
            "url": f"sim://printer?out={tmp_path / 'pages'}", "status_poll_s": 0}),
        "camera": devs.camera.model_copy(update={
            "url": f"sim://camera?scene=qr&text=O2O:{QR_TOKEN}"}),
    })})
    store = BranchStore.from_config(cfg)
    store.apply_page(standard_bookings(), "cursor-1")
    store.close()
    return cfg


@pytest.fixture
def desks() -> Iterator[None]:
    yield
    checkin.close_desks()


@pytest.fixture
def opened(closing: Callable[[Any], Any]) -> Callable[[str, Any], Any]:
    """Open a device from its settings (sim:// URL) and wait until it is up."""
    from devices.registry import create_device

    def open_(kind: str, settings: Any) -> Any:
        dev = closing(create_device(kind, settings))
        dev.start().result(timeout=15)
        return dev

    return open_
