"""The Qt-free check-in session: scan loop, time limit, look-up, ticket record, prompts."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from customer_flows.checkin_flow import CheckinFlow
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.prompts import IDLE, Prompt, PromptBoard

from .test_checkin_flow import service  # noqa: F401  (the real branch DB + printer)


def until(pred: Callable[[], Any], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not pred():
        assert time.monotonic() < deadline, "gave up waiting"
        time.sleep(0.02)


@pytest.fixture
def checkin_service(service: Any) -> Any:  # noqa: F811  (test_checkin_flow's factory)
    return service


@pytest.fixture
def pool() -> Any:
    with ThreadPoolExecutor(4) as ex:
        yield ex


def make_flow(pool: ThreadPoolExecutor, camera: Any, svc: Any, **kw: Any
              ) -> tuple[CheckinFlow, PromptBoard, list[Prompt], list[tuple[str, Any]]]:
    board = PromptBoard()
    shown: list[Prompt] = []
    board.subscribe(shown.append)
    journal: list[tuple[str, Any]] = []
    flow = CheckinFlow(service=lambda: svc, camera=camera, submit=pool.submit,
                       journal=lambda kind, data: journal.append((kind, dict(data))),
                       prompts=board, **kw)
    return flow, board, shown, journal


def test_qr_scan_to_ticket_with_prompts_and_the_ticket_record(
        checkin_service: Any, checkin_config: Any, opened: Any, pool: ThreadPoolExecutor) -> None:
    camera = opened("camera", checkin_config.devices.camera)
    flow, board, shown, journal = make_flow(pool, camera, checkin_service())
    flow.choose_qr()
    assert board.current == Prompt("checkin", "show_qr")
    until(lambda: flow.state.step == "confirm")
    assert board.current == IDLE  # the scan screen is gone
    flow.confirm("en_US")
    until(lambda: flow.state.step == "ticket")
    result = flow.state.result
    assert result is not None
    [(kind, record)] = journal
    assert kind == "checkin.ticket"
    assert {"flow": result.flow_id, "ticket": result.ticket_number, "printed": result.printed,
            "job": result.job_id}.items() <= record.items()
    # What came out, and why not if it did not (issue 12: printing outcomes).
    assert (record["outcome"], record["reason"]) == ("printed", "")
    assert [p.step for p in shown] == ["show_qr", "idle"]
    flow.close()


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        self.t += 30.0  # every frame is half a minute later
        return self.t


def test_no_qr_code_within_the_time_limit_is_a_typed_refusal(
        checkin_service: Any, checkin_config: Any, opened: Any, pool: ThreadPoolExecutor) -> None:
    from devices.camera.settings import CameraSettings

    camera = opened("camera", CameraSettings(url="sim://camera?scene=empty"))
    flow, board, _, _ = make_flow(pool, camera, checkin_service(), clock=Clock(), scan_limit_s=60.0)
    flow.choose_qr()
    until(lambda: flow.state.step == "error")
    assert flow.state.error is Failure.NO_QR and flow.state.can_retry
    assert board.current == IDLE
    flow.retry()  # scan again: the prompt is back
    assert flow.state.step == "scan" and board.current == Prompt("checkin", "show_qr")
    flow.close()
    assert board.current == IDLE


def test_without_a_camera_the_scan_is_refused_at_once(checkin_service: Any,
                                                      pool: ThreadPoolExecutor) -> None:
    flow, _, shown, _ = make_flow(pool, None, checkin_service())
    flow.choose_qr()
    assert (flow.state.step, flow.state.error) == ("error", Failure.CAMERA)
    assert shown == []


def test_failure_reasons_are_typed_and_unknown_ones_named() -> None:
    assert Failure.parse("too_early") is Failure.TOO_EARLY
    with pytest.raises(ValueError, match="unknown failure reason 'early'"):
        Failure.parse("early")
    err = FlowFailed(Failure.TOO_EARLY, "09:15")
    assert (err.failure, err.detail, str(err)) == (Failure.TOO_EARLY, "09:15", "too_early: 09:15")


@pytest.mark.parametrize("fault, failure", [("dark", Failure.CAMERA_DARK),
                                            ("frozen", Failure.CAMERA_FROZEN),
                                            ("unplugged", Failure.CAMERA_UNPLUGGED)])
def test_a_camera_fault_is_told_on_the_scan_screen_and_scanning_resumes(
        checkin_service: Any, checkin_config: Any, opened: Any, pool: ThreadPoolExecutor,
        fault: str, failure: Failure) -> None:
    settings = checkin_config.devices.camera.model_copy(
        update={"dark_after_s": 0.3, "frozen_after_s": 0.8})
    camera = opened("camera", settings)
    camera.inject_fault(fault)
    until(lambda: camera.status.error_code != "", 5)
    flow, board, _, _ = make_flow(pool, camera, checkin_service())
    flow.choose_qr()
    until(lambda: flow.state.error == failure)
    assert flow.state.step == "scan" and board.current == Prompt("checkin", "show_qr")
    camera.clear_fault()
    until(lambda: flow.state.step == "confirm")  # the QR code read once the camera was fine
    assert flow.state.error == ""
    flow.close()


def test_a_camera_fault_that_lasts_the_scan_time_ends_with_its_reason(
        checkin_service: Any, checkin_config: Any, opened: Any, pool: ThreadPoolExecutor) -> None:
    settings = checkin_config.devices.camera.model_copy(update={"frozen_after_s": 0.5})
    camera = opened("camera", settings)
    camera.inject_fault("frozen")
    until(lambda: camera.status.error_code == "frozen", 5)
    flow, _, _, _ = make_flow(pool, camera, checkin_service(), scan_limit_s=1.0)
    flow.choose_qr()  # a frozen camera gives no new picture: no code can be read
    until(lambda: flow.state.step == "error")
    assert flow.state.error is Failure.CAMERA_FROZEN and flow.state.can_retry
    camera.clear_fault()
    flow.retry()
    until(lambda: flow.state.step == "confirm")
    flow.close()
