"""A simulated customer for tests: follows the prompt board as a real customer reads the
screen (until kiosk_app registers the demo package's own follower for the running app)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk_core.prompts import Prompt, PromptBoard


def _customer_for(camera: Any) -> Any:
    try:  # the demo package's scene adapter, once it has moved there
        from demo.camera import DemoCustomer  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        from customer_flows.demo_camera import DemoCustomer
    return DemoCustomer.attach(camera)


def follow_prompts(board: PromptBoard, camera: Any) -> Callable[[], None]:
    """Make ``camera``'s simulated customer do what each card-issuance prompt asks (the
    scene exists once the camera has opened: found on the first prompt that needs it)."""
    found: list[Any] = []

    def on_prompt(prompt: Prompt) -> None:
        if not found:
            customer = _customer_for(camera)
            if customer is None:
                return
            found.append(customer)
        customer = found[0]
        if prompt.step == "show_id_card":
            customer.show_card()
        elif prompt.step == "look_at_camera":
            customer.show_face()
        elif prompt.step == "challenge":
            customer.show_face()
            customer.act(prompt.detail["challenge"])

    return board.subscribe(on_prompt)
