"""The core loop keeps what it was given to run: a coroutine whose caller dropped the future
(a server started and forgotten, waiting on an event only it knows) is not garbage-collected
mid-await — the receipt-link server died that way at start ("Task was destroyed but it is
pending", then "coroutine ignored GeneratorExit" from its clean-up)."""

from __future__ import annotations

import asyncio
import gc
import threading
import time

from kiosk_core.core_loop import CoreLoop


def test_a_forgotten_server_survives_garbage_collection() -> None:
    loop = CoreLoop().start()
    closed = threading.Event()
    started = threading.Event()

    async def server() -> None:
        try:
            started.set()
            await asyncio.Event().wait()  # referenced by this frame only, as serve_links does
        finally:
            closed.set()

    try:
        loop.submit(server())  # the future is dropped at once
        assert started.wait(5)
        for _ in range(5):
            gc.collect()
            time.sleep(0.02)
        assert not closed.is_set(), "the submitted coroutine was destroyed"
    finally:
        loop.stop()
    assert closed.is_set()  # stopping the loop cancels it: its clean-up ran
    assert not loop._held


def test_finished_work_is_released() -> None:
    loop = CoreLoop().start()
    try:
        async def answer() -> int:
            return 42

        assert loop.submit(answer()).result(timeout=5) == 42
        deadline = time.monotonic() + 2
        while loop._held and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not loop._held
    finally:
        loop.stop()
