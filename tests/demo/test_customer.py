"""The demo's simulated customer follows the prompt board, and the simulated camera's
frames show what each prompt asks: the ID card, the face, the challenge, the phone's QR."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pytest
from waiting import poll

import demo
from customer_flows.qr_scan import QrScanner
from demo.customer import SimulatedCustomer, attach, plays_customer
from demo.scenes import CustomerScene
from devices.camera.api import CameraApi, SimulatedCameraApi
from devices.camera.driver import Camera, create
from devices.camera.scenes import FaceScene, PhoneScene, make_scene
from devices.camera.settings import CameraSettings
from identity import id_capture
from kiosk_core.prompts import IDLE, Prompt, PromptBoard


def open_camera(closing: Callable[[Any], Any], url: str) -> Camera:
    cam: Camera = closing(create("camera", CameraSettings(url=url)))
    cam.start().result(timeout=30)
    return cam


def card_seen(cam: Camera) -> bool:
    frame = cam.take_picture(timeout=5)
    corners, _ = id_capture.find_card(frame.image)
    return corners is not None


def test_the_camera_shows_what_each_prompt_asks(closing: Callable[[Any], Any]) -> None:
    cam = open_camera(closing, "sim://camera?scene=customer&id_s=1000")  # card until told
    scene = cam.scene
    assert isinstance(scene, CustomerScene)
    board = PromptBoard()
    customer = SimulatedCustomer(cam, board, lambda: "O2O:demo-token-777777").attach()
    closing(type("Detach", (), {"close": staticmethod(customer.detach)})())

    board.show(Prompt("card_issuance", "look_at_camera"))
    assert scene.showing == "face"
    assert poll(lambda: not card_seen(cam))

    board.show(Prompt("card_issuance", "show_id_card"))
    assert scene.showing == "card"
    assert poll(lambda: card_seen(cam))  # the card is held up again

    board.show(Prompt("card_issuance", "challenge", {"challenge": "blink"}))
    assert scene.showing == "face"
    now = scene.face._now
    assert poll(lambda: not card_seen(cam))
    # The blink the kiosk asked for is in the customer's next second.
    assert max(scene.face.pose(now + k / 20).blink for k in range(40)) > 0.9

    board.show(Prompt("checkin", "show_qr"))
    assert isinstance(cam.scene, PhoneScene)
    scanner = QrScanner(cam)
    try:
        assert poll(lambda: scanner.next(timeout=2.0).text) == "O2O:demo-token-777777"
    finally:
        scanner.close()

    board.show(IDLE)  # the phone is put away; the customer is still there
    assert cam.scene is scene and scene.showing == "face"
    assert [p.step for p in customer.followed] == [
        "idle", "look_at_camera", "show_id_card", "challenge", "show_qr", "idle"]


def test_an_unknown_challenge_is_logged_not_raised(closing: Callable[[Any], Any],
                                                   caplog: pytest.LogCaptureFixture) -> None:
    cam = open_camera(closing, "sim://camera?scene=customer")
    board = PromptBoard()
    detach = SimulatedCustomer(cam, board, lambda: "").attach().detach
    try:
        board.show(Prompt("card_issuance", "challenge", {"challenge": "jump"}))
        board.show(Prompt("checkin", "show_qr"))  # no demo booking: nothing to show
    finally:
        detach()
    assert isinstance(cam.scene, CustomerScene)
    assert "cannot do 'jump'" in caplog.text and "no demo booking" in caplog.text


def test_another_scene_gets_the_phone_but_no_card(closing: Callable[[Any], Any]) -> None:
    cam = open_camera(closing, "sim://camera?scene=face")
    board = PromptBoard()
    detach = SimulatedCustomer(cam, board, lambda: "O2O:x").attach().detach
    try:
        board.show(Prompt("card_issuance", "show_id_card"))  # no customer scene: nothing
        assert isinstance(cam.scene, FaceScene)
        board.show(Prompt("checkin", "show_qr"))
        assert isinstance(cam.scene, PhoneScene)
    finally:
        detach()
    assert isinstance(cam.scene, FaceScene)  # detaching put the phone away


@dataclass
class FakeRuntime:
    devices: Mapping[str, object]
    prompts: PromptBoard = field(default_factory=PromptBoard)


def test_the_configuration_chooses_the_simulated_customer(closing: Callable[[Any], Any]
                                                         ) -> None:
    assert plays_customer("sim://camera?scene=customer")
    assert plays_customer("sim://camera")  # the simulator's default scene
    assert not plays_customer("sim://camera?scene=face")
    assert not plays_customer("cam://0")
    assert not plays_customer("sim://camera?bogus=1")
    assert not attach(FakeRuntime({}))
    cam = open_camera(closing, "sim://camera?scene=customer&id_s=1000")
    runtime = FakeRuntime({"camera": cam})
    assert demo.attach_customer(runtime)
    runtime.prompts.show(Prompt("card_issuance", "look_at_camera"))
    scene = cam.scene
    assert isinstance(scene, CustomerScene) and scene.showing == "face"
    face_cam = open_camera(closing, "sim://camera?scene=face")
    assert not attach(FakeRuntime({"camera": face_cam}))


def test_scenes_are_registered_by_name_and_checked(closing: Callable[[Any], Any]) -> None:
    from devices.camera.scene_registry import SceneRegistryError, register_scene, scene_names
    from devices.camera.scenes import SceneError

    assert set(demo.register_scenes()) <= set(scene_names())
    assert demo.register_scenes()  # idempotent
    with pytest.raises(SceneRegistryError, match="already registered"):
        register_scene("customer", "demo.scenes:make_idcard")
    with pytest.raises(SceneRegistryError, match="bad scene name"):
        register_scene("Bad Name", "demo.scenes:make_idcard")
    with pytest.raises(SceneRegistryError, match="module:function"):
        register_scene("x", "not a reference")
    with pytest.raises(SceneError, match="unknown scene 'nope'"):
        make_scene("nope")
    assert isinstance(make_scene("idcard"), type(make_scene("idcard")))
    cam = open_camera(closing, "sim://camera?scene=idcard")
    assert poll(lambda: card_seen(cam))


def test_the_driver_is_a_camera_api(closing: Callable[[Any], Any]) -> None:
    cam = open_camera(closing, "sim://camera?scene=empty")
    api: CameraApi = cam
    assert isinstance(cam, SimulatedCameraApi) and api.take_picture(timeout=5).image.ndim == 3
