"""The identity step when the camera has a fault (issue 12, item 5): the customer is told
why in plain words (unplugged / frozen / too dark), nothing counts against their attempts,
and the check goes on by itself once the camera is fine again."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from customer_flows import card_session
from devices.camera.driver import create as create_camera
from devices.camera.settings import CameraSettings
from flows.card_issuance.test_session import make_session
from identity.prompts import PromptCode
from kiosk_core.failures import Failure


@pytest.fixture
def fast_camera(closing: Callable[[Any], Any]) -> Any:
    # Faults seen sooner than the defaults, so the tests stay short.
    cam = closing(create_camera("camera", CameraSettings(
        url="sim://camera?scene=customer", dark_after_s=0.3, frozen_after_s=0.8)))
    cam.start().result(timeout=30)
    return cam


def _until(cond: Callable[[], bool], timeout: float, what: str) -> None:
    end = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > end:
            raise AssertionError(f"not within {timeout} s: {what}")
        time.sleep(0.05)


def _checking(session: Any) -> bool:
    """The identity check is running on the camera's frames (it has asked something)."""
    snap = session.snapshot()
    return snap.state == "identity" and snap.prompt_code in set(PromptCode)


@pytest.mark.parametrize("fault, failure", [("dark", Failure.CAMERA_DARK),
                                            ("unplugged", Failure.CAMERA_UNPLUGGED)])
def test_a_camera_fault_before_the_check_is_told_and_the_check_starts_after(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, fast_camera: Any,
        dispenser: Any, fault: str, failure: Failure) -> None:
    fast_camera.inject_fault(fault)
    _until(lambda: fast_camera.status.error_code != "", 5, "fault seen")
    session, _ = make_session(tmp_path, pool, engine,
                              {"camera": fast_camera, "card_dispenser": dispenser()})
    session.accept()
    _until(lambda: session.snapshot().prompt_code == failure.value, 10, "customer told")
    snap = session.snapshot()
    assert snap.state == "identity"  # the page words the camera's code (cameraText)
    fast_camera.clear_fault()
    _until(lambda: _checking(session), 30, "identity check running")
    assert session.snapshot().attempts == 1
    session.close()


def test_a_camera_fault_mid_check_restarts_it_without_costing_an_attempt(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, fast_camera: Any,
        dispenser: Any) -> None:
    session, journal = make_session(tmp_path, pool, engine,
                                    {"camera": fast_camera, "card_dispenser": dispenser()})
    session.accept()
    _until(lambda: _checking(session), 30, "identity check running")
    first = session._identity_id
    fast_camera.inject_fault("frozen")
    _until(lambda: session.snapshot().prompt_code == Failure.CAMERA_FROZEN.value, 10,
           "customer told the picture stopped")
    assert session.state == "identity" and session._runner is None  # the check was stopped
    assert ("identity.interrupted", {"session": first, "reason": "camera_frozen",
                                     "attempt": 1}) in journal
    fast_camera.clear_fault()
    _until(lambda: _checking(session) and session._identity_id != first, 30,
           "a new check running")
    assert session.snapshot().attempts == 1 and session.snapshot().phase == "id_capture"
    session.close()


def test_a_camera_that_stays_dark_ends_with_that_reason(
        tmp_path: Path, pool: ThreadPoolExecutor, engine: Any, fast_camera: Any,
        dispenser: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(card_session, "CAMERA_WAIT_S", 1.5)
    fast_camera.inject_fault("dark")
    _until(lambda: fast_camera.status.error_code == "too_dark", 5, "dark seen")
    session, _ = make_session(tmp_path, pool, engine,
                              {"camera": fast_camera, "card_dispenser": dispenser()})
    session.accept()
    _until(lambda: session.state == "failed", 10, "the failed screen")
    assert session.snapshot().reason == Failure.CAMERA_DARK.value
    session.close()
