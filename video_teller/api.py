"""What the kiosk's UI and flows may ask of a video-teller call (Qt-free).

:class:`TellerCallApi` is implemented by :class:`video_teller.kiosk.call.TellerCall`, which
owns the hub connection, the peer connection, the camera subscription, the recording and
the timers; the UI (kiosk_ui/teller.py) only maps :class:`CallView` to properties and
forwards taps. Listeners are called on the core loop's thread and must not block.

What the teller may do on the kiosk goes through :class:`TellerActions` (implemented in
customer_flows, which knows the flows); a callback request through
:class:`CallbackBooker` (o2o_sync's outbox, wired by kiosk_app).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

RGB = npt.NDArray[np.uint8]


class CallPhase(StrEnum):
    IDLE = "idle"
    CONSENT = "consent"  # asking before the camera goes live
    WAITING = "waiting"  # in the hub's queue: position and wait shown
    CONNECTING = "connecting"  # a teller answered; media being set up
    IN_CALL = "in_call"
    RECONNECTING = "reconnecting"  # a network blip: the call is being rebuilt
    TELLER_ENDED = "teller_ended"
    NO_TELLER = "no_teller"  # nobody answered in time / outside hours: callback offered
    CALLBACK_BOOKED = "callback_booked"
    UNAVAILABLE = "unavailable"  # the hub cannot be reached (the counter is suggested)


class NoTellerReason(StrEnum):
    TIMEOUT = "timeout"  # waited answer_timeout_s
    CLOSED = "closed"  # outside teller_hours / teller_days
    NOBODY_ONLINE = "nobody_online"


@dataclass(frozen=True)
class CallView:
    phase: CallPhase = CallPhase.IDLE
    call_id: str | None = None
    language: str = ""
    position: int = 0
    estimated_wait_s: float = 0.0
    tellers_online: int = 0
    teller_name: str = ""
    muted: bool = False
    recording: bool = False
    no_teller: NoTellerReason | None = None
    #: Callback times offered (ISO local times, "2026-12-02T14:30"), and the one booked.
    callback_slots: tuple[str, ...] = ()
    callback_booked: str | None = None
    #: Set while a teller-pushed document waits for the customer's signature.
    document: dict[str, Any] | None = None
    #: The teller's last instruction ("Please show your ID again"), plain words.
    notice: str = ""
    #: Why the teller cannot see the customer now: a camera Failure value
    #: ("camera_unplugged", "camera_frozen", "camera_dark") or "" when the camera is fine.
    camera_problem: str = ""
    since: float = 0.0  # time.monotonic() when this phase began


CallListener = Callable[[CallView], None]


class FrameSource(Protocol):
    """The newest decoded frame (RGB) and its sequence number, no waiting."""

    def latest(self) -> tuple[int, RGB] | None: ...


class TellerCallApi(Protocol):
    @property
    def view(self) -> CallView: ...

    def subscribe(self, listener: CallListener) -> Callable[[], None]: ...

    #: The teller's video (remote) and the customer's own camera (self-view).
    remote_video: FrameSource
    local_video: FrameSource

    def request(self, *, language: str, screen: str, flow: str | None = None,
                step: str | None = None, needs_help: bool = False,
                in_kiosk_s: float = 0.0) -> None:
        """The customer tapped "Call a teller" (consent is asked first if configured)."""

    def consent(self, accepted: bool) -> None: ...

    def set_muted(self, muted: bool) -> None: ...

    def end(self) -> None:
        """The customer ends the call or stops waiting."""

    def book_callback(self, slot: str, phone: str = "") -> None: ...

    def dismiss(self) -> None:
        """Back to self-service from an ended / no-teller / booked screen."""

    def document_signed(self, evidence: dict[str, Any]) -> None:
        """The customer signed the pushed document (the record's id and hash)."""


@dataclass(frozen=True)
class ActionOutcome:
    ok: bool
    reason: str = ""  # kiosk_core.failures.Failure value or "not_allowed_now" / "unknown"
    message: str = ""  # plain words for the teller
    data: dict[str, Any] = field(default_factory=dict)


class TellerActions(Protocol):
    """The kiosk's flows as the teller may drive them. Every call is journalled by the
    caller with the teller's id; refusals say why in plain words."""

    def context(self) -> dict[str, Any]:
        """Where the customer is: flow, step, state, language, masked name, ID image as a
        data URL, face distance and threshold, liveness, allowed action names, hand-back
        steps (the keys of video_teller.channel.Context)."""
        ...

    def perform(self, name: str, args: dict[str, Any], *, teller_id: str) -> ActionOutcome: ...


class CallbackBooker(Protocol):
    def slots(self, language: str) -> list[str]:
        """Callback times to offer (local ISO times)."""
        ...

    def book(self, *, slot: str, language: str, kiosk_id: str, call_id: str,
             phone: str = "") -> str:
        """Queue the callback request to the channel; returns its reference."""
        ...
