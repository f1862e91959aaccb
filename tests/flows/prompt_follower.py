"""The tests' simulated customer is the demo's own (demo.customer): it follows the prompt
board as a real customer reads the screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demo.customer import follow
from kiosk_core.prompts import PromptBoard


def follow_prompts(board: PromptBoard, camera: Any) -> Callable[[], None]:
    return follow(board, camera)
