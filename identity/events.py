"""What an identity check reports after each frame (plain data: crosses the worker pipe).

Kept apart from :mod:`identity.session` so the kiosk's process can receive events without
importing the state machine and its models (OpenCV, dlib wrappers): those live in the
identity worker process.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PHASES = ("id_capture", "face_match", "liveness", "result")


@dataclass
class SessionEvent:
    phase: str
    prompt: str  # identity.prompts.PromptCode, or the Failure it ended with (the screen words it)
    progress: float  # 0..1 across the whole check
    done: bool = False
    passed: bool = False
    reason: str = ""  # kiosk_core.failures.Failure value (identity.prompts.FAILURES)
    details: dict[str, Any] = field(default_factory=dict)  # no images, no templates
