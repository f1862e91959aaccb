"""Waiting for what another thread does (not a timing assertion: the limit is generous)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def poll(pred: Callable[[], Any], timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.05)
