"""A running kiosk runtime (every device simulated, storage in tmp) and its technician."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from technician_support import FUNCTIONS, PIN_HASH

from demo.technician import hands_for
from devices.registry import create_device
from kiosk_core.runtime import KioskRuntime
from technician.auth import TechnicianAuth
from technician.service import TechnicianService, for_runtime
from technician.settings import TechnicianEntry, TechnicianSettings


@pytest.fixture
def tech_config(kiosk_config: Any) -> Any:
    """The repository's kiosk.toml (storage in tmp) with one technician, T-1, PIN 246810,
    and the customer functions a UI would declare."""
    tech = kiosk_config.section(TechnicianSettings).model_copy(update={
        "technicians": [TechnicianEntry(id="T-1", name="Test Technician", pin_hash=PIN_HASH)],
        "max_failures": 3})
    return kiosk_config.model_copy(update={"technician": tech})


@pytest.fixture
def runtime(tech_config: Any) -> Iterator[KioskRuntime]:
    rt = KioskRuntime(tech_config, device_factory=create_device)
    rt.start(wait_devices=True)
    rt.declare_functions(FUNCTIONS)
    try:
        yield rt
    finally:
        rt.stop()


@pytest.fixture
def technician_pair(runtime: KioskRuntime) -> Iterator[tuple[TechnicianService, TechnicianAuth]]:
    service, auth = for_runtime(runtime, hands=hands_for(runtime))
    try:
        yield service, auth
    finally:
        service.close()


@pytest.fixture
def technician(technician_pair: tuple[TechnicianService, TechnicianAuth]) -> TechnicianService:
    return technician_pair[0]


@pytest.fixture
def auth(technician_pair: tuple[TechnicianService, TechnicianAuth]) -> TechnicianAuth:
    return technician_pair[1]
