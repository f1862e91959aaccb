"""The demo's simulated customer: does what the screen asks, read from the prompt board.

A real customer reads the screen and holds up the ID card, looks at the camera, turns the
head, or shows the phone with the booking's QR code. The flow sessions publish those asks on
``runtime.prompts`` (kiosk_core.prompts); this follower makes the simulated camera
(``sim://camera?scene=customer``) show the same thing. Attached by the composition root for
a demo configuration only; sessions and view-models never know it is there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from demo.camera import DemoCustomer
from kiosk_core.prompts import Prompt, PromptBoard

log = logging.getLogger(__name__)


class SimulatedCustomer:
    def __init__(self, camera: Any, qr_text: Callable[[], str]) -> None:
        self.camera = camera
        self._qr_text = qr_text
        self._customer: DemoCustomer | None = None
        self._restore_phone: Callable[[], None] | None = None
        self._lock = threading.Lock()

    def on_prompt(self, prompt: Prompt) -> None:
        with self._lock:
            if prompt.step != "show_qr":
                self._put_phone_away()
            if prompt.step == "show_qr":
                self._show_phone()
                return
            customer = self._scene_customer()
            if customer is None:
                return
            if prompt.step == "show_id_card":
                customer.show_card()
            elif prompt.step == "look_at_camera":
                customer.show_face()
            elif prompt.step == "challenge":
                customer.show_face()
                customer.act(prompt.detail.get("challenge", ""))

    def _scene_customer(self) -> DemoCustomer | None:
        # The scene exists once the camera has opened: found on the first prompt needing it.
        if self._customer is None:
            self._customer = DemoCustomer.attach(self.camera)
        return self._customer

    def _show_phone(self) -> None:
        from demo.appointments import show_phone

        if self._restore_phone is None:
            self._restore_phone = show_phone(self.camera, self._qr_text())

    def _put_phone_away(self) -> None:
        if self._restore_phone is not None:
            restore, self._restore_phone = self._restore_phone, None
            restore()


def follow(board: PromptBoard, camera: Any,
           qr_text: Callable[[], str] | None = None) -> Callable[[], None]:
    """Let a simulated customer in front of ``camera`` follow ``board``; returns the detach."""
    from demo.appointments import demo_qr_text

    customer = SimulatedCustomer(camera, qr_text or demo_qr_text)
    return board.subscribe(customer.on_prompt)


def attach(runtime: Any) -> bool:
    """From the composition root: a demo configuration's camera gets the simulated customer."""
    from demo.appointments import is_demo

    camera = runtime.devices.get("camera")
    if camera is None or not is_demo(runtime.config):
        return False
    follow(runtime.prompts, camera)
    log.info("demo: the simulated customer follows the screen's prompts")
    return True
