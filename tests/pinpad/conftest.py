"""A real PIN pad driver over a real pty or TCP socket (pyserial) to the in-process simulator."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from devices.pinpad.driver import PinPad, create
from devices.pinpad.settings import PinPadSettings

REPO = Path(__file__).resolve().parents[2]
#: Short time-outs keep fault tests quick; the logic is the same.
FAST = {"reply_timeout_ms": 300, "interbyte_timeout_ms": 50, "entry_margin_s": 0.5}
MASTER = bytes.fromhex("0123456789ABCDEFFEDCBA9876543210")  # the simulator's default

Factory = Callable[..., PinPad]


@pytest.fixture(params=["pty", "tcp"])
def link(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def open_pad(link: str, closing: Any) -> Factory:
    """``open_pad("pin=1234", reply_timeout_ms=500)`` -> an opened driver."""

    def make(query: str = "", **settings: Any) -> PinPad:
        opts = "&".join(o for o in (f"link={link}", "key_delay=0.01", query) if o)
        cfg = PinPadSettings(url=f"sim://pinpad?{opts}", **{**FAST, **settings})
        dev = closing(create("pinpad", cfg))
        dev.start().result(timeout=5)
        return dev

    return make
