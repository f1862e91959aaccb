"""The demo's simulated customer: does what the screen asks, read from the prompt board.

A real customer reads the screen and holds up the ID card, looks at the camera, turns the
head, or shows the phone with the booking's QR code. The flow sessions publish those asks
on ``runtime.prompts`` (:mod:`kiosk_core.prompts`); :class:`SimulatedCustomer` makes the
simulated camera show the same thing:

===============================  ================================================
prompt (flow, step)              the simulated camera shows
===============================  ================================================
card_issuance, show_id_card      the ID card, brought up again from the start
card_issuance, look_at_camera    the customer's face
card_issuance, challenge         the face, doing ``detail["challenge"]`` (blink…)
checkin, show_qr                 the phone with the demo booking's QR code
anything else (sign, idle…)      the face; a phone shown before is put away
===============================  ================================================

It is chosen by configuration: a kiosk whose camera is ``sim://camera?scene=customer`` (the
demo's scene, :mod:`demo.scenes`) gets one, attached by the composition root
(:func:`attach`). Sessions and view-models never know it is there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Protocol

from demo.scenes import CustomerScene
from devices.camera.api import SimulatedCameraApi
from devices.camera.scenes import PhoneScene, SceneError
from kiosk_core.prompts import Prompt, PromptBoard

log = logging.getLogger(__name__)

#: The scene a camera URL names for the simulated customer.
CUSTOMER_SCENE = "customer"


class SimulatedCustomer:
    """Follows ``board`` in front of ``camera`` (a simulated camera playing the customer
    scene). ``qr_text`` gives the QR code the customer's phone shows (the demo booking's)."""

    def __init__(self, camera: SimulatedCameraApi, board: PromptBoard,
                 qr_text: Callable[[], str]) -> None:
        self.camera = camera
        self.board = board
        self._qr_text = qr_text
        self._scene: CustomerScene | None = None
        self._restore_phone: Callable[[], None] | None = None
        self._lock = threading.Lock()
        self._detach: Callable[[], None] | None = None
        #: The prompts followed, in order (what the customer was asked to do).
        self.followed: list[Prompt] = []

    def attach(self) -> SimulatedCustomer:
        """Start following the board (and do what it shows now)."""
        if self._detach is None:
            self._detach = self.board.subscribe(self.on_prompt)
            self.on_prompt(self.board.current)
        return self

    def detach(self) -> None:
        detach, self._detach = self._detach, None
        if detach is not None:
            detach()
        with self._lock:
            self._put_phone_away()

    def on_prompt(self, prompt: Prompt) -> None:
        """Called on the thread that shows the prompt: quick, never raises."""
        try:
            with self._lock:
                self.followed.append(prompt)
                self._follow(prompt)
        except Exception:
            log.exception("simulated customer: could not follow %s", prompt)

    def _follow(self, prompt: Prompt) -> None:
        if prompt.step == "show_qr":
            self._show_phone()
            return
        self._put_phone_away()
        scene = self._customer_scene()
        if scene is None:
            return
        if prompt.step == "show_id_card":
            scene.show("card")
            return
        scene.show("face")
        if prompt.step == "challenge":
            challenge = prompt.detail.get("challenge", "")
            try:
                scene.act(challenge)
            except SceneError as exc:
                log.warning("simulated customer cannot do %r: %s", challenge, exc)

    def _customer_scene(self) -> CustomerScene | None:
        # The scene exists once the camera has opened; a reopened camera has a new one.
        scene = self.camera.scene
        if isinstance(scene, CustomerScene):
            self._scene = scene
        elif not isinstance(scene, PhoneScene):
            self._scene = None
        return self._scene

    def _show_phone(self) -> None:
        if self._restore_phone is not None:
            return
        self._customer_scene()  # remember the customer behind the phone
        text = self._qr_text()
        if not text:
            log.warning("simulated customer: no demo booking to show")
            return
        self._restore_phone = show_phone(self.camera, text)

    def _put_phone_away(self) -> None:
        if self._restore_phone is not None:
            restore, self._restore_phone = self._restore_phone, None
            restore()


def show_phone(camera: SimulatedCameraApi, text: str) -> Callable[[], None] | None:
    """The customer holds up their phone with ``text`` as a QR code. Returns the function
    that puts the previous scene back; None when there is nothing to do (not simulated,
    not open yet, no text, already a phone)."""
    old = camera.scene
    if old is None or not text or isinstance(old, PhoneScene):
        return None
    size = getattr(old, "size", (640, 480))
    return camera.show_scene(PhoneScene(size, text=text))


def follow(board: PromptBoard, camera: SimulatedCameraApi,
           qr_text: Callable[[], str] | None = None) -> Callable[[], None]:
    """Let a simulated customer in front of ``camera`` follow ``board``; returns the detach."""
    from demo.appointments import demo_qr_text

    return SimulatedCustomer(camera, board, qr_text or demo_qr_text).attach().detach


def plays_customer(url: str) -> bool:
    """Whether a camera URL asks for the simulated customer (``sim://camera?scene=customer``,
    the simulator's default scene)."""
    from devices.camera.plugin import SCENE_OPTIONS, SIM
    from devices.sim import SimURLError, sim_options

    if not url.startswith("sim:"):
        return False
    try:
        return bool(sim_options(url, SIM, extra=SCENE_OPTIONS)["scene"] == CUSTOMER_SCENE)
    except SimURLError:
        return False


class DemoRuntime(Protocol):
    """What :func:`attach` needs of the kiosk runtime."""

    @property
    def devices(self) -> Mapping[str, object]: ...

    @property
    def prompts(self) -> PromptBoard: ...


def attach(runtime: DemoRuntime) -> bool:
    """From the composition root: a camera configured as the simulated customer gets one,
    following the runtime's prompt board. Returns whether it was attached."""
    camera = runtime.devices.get("camera")
    if camera is None or not plays_customer(str(getattr(camera, "url", ""))):
        return False
    if not isinstance(camera, SimulatedCameraApi):
        return False
    SimulatedCustomer(camera, runtime.prompts, _demo_qr).attach()
    log.info("demo: the simulated customer follows the screen's prompts")
    return True


def _demo_qr() -> str:
    from demo.appointments import demo_qr_text

    return demo_qr_text()
