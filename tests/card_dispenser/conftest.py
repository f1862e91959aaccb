"""A real dispenser driver over a real pty (pyserial) to the in-process simulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devices.card_dispenser.driver import CardDispenser, create
from devices.card_dispenser.settings import CardDispenserSettings

#: Short line timeouts keep fault tests quick; the handshake logic is the same.
REPO = Path(__file__).resolve().parents[2]

FAST = {"ack_timeout_ms": 100, "reply_timeout_ms": 1000, "interbyte_timeout_ms": 50,
        "poll_interval_s": 0.02}

Factory = Callable[..., CardDispenser]


@pytest.fixture(params=["crt591", "k720"])
def protocol(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_dispenser(protocol: str, closing: Any) -> Factory:
    """``open_dispenser("cards=5&take=never", reply_timeout_ms=300)`` -> an opened driver."""

    def make(query: str = "", **settings: Any) -> CardDispenser:
        url = "sim://card-dispenser" + (f"?{query}" if query else "")
        cfg = CardDispenserSettings(url=url, protocol=protocol, **{**FAST, **settings})
        dev = closing(create("card_dispenser", cfg))
        dev.start().result(timeout=5)
        return dev

    return make
