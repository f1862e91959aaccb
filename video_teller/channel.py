"""Messages on the call's data channel (label ``control``), kiosk ↔ teller's browser.

These go peer to peer, never through the hub: the ID capture and the customer's context
stay between the kiosk and the teller who is serving them. JSON, tagged by ``type``.

- ``ping``/``pong`` both ways every :data:`PING_INTERVAL_S`: no pong for
  :data:`BLIP_AFTER_S` means the media path is gone (aiortc would say so only ~30 s
  later) — the kiosk rebuilds the peer connection and offers again (``attempt`` + 1).
- ``context`` kiosk → teller, on every change: where the customer is in the flow, the ID
  capture, face-match distance and liveness result.
- ``action`` teller → kiosk; the kiosk answers each with one ``action.result`` (refused
  with a reason when its current state does not allow it) and journals it with the
  teller's id.
- ``event`` kiosk → teller: what happened later (``document.signed`` with the hash…).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

LABEL = "control"
PING_INTERVAL_S = 1.0
BLIP_AFTER_S = 3.0
#: aiortc 1.16 advertises 256 KiB; a browser may say less and send() raises above the
#: peer's limit (64 KiB when unstated) — the ID image is sent as JPEG under this.
MAX_MESSAGE_BYTES = 60 * 1024


class ActionName(StrEnum):
    IDENTITY_APPROVE = "identity.approve"  # a borderline identity check: the teller saw it
    IDENTITY_DECLINE = "identity.decline"
    IDENTITY_RETRY_ID = "identity.retry_id"  # ask the customer to show the ID again
    DOCUMENT_SIGN = "document.sign"  # args: title, text, language → shown, hash both sides
    PRINT = "print"  # args: kind "receipt" | "document", title, text
    HANDBACK = "handback"  # args: step — back to self-service at this step


class Base(msgspec.Struct, tag_field="type", forbid_unknown_fields=True):
    pass


class Ping(Base, tag="ping"):
    seq: int
    t: float  # sender's monotonic clock, echoed back


class Pong(Base, tag="pong"):
    seq: int
    t: float


class Context(Base, tag="context"):
    flow: str | None
    step: str | None
    state: str  # the flow session's state name, or "menu"
    language: str
    customer: str = ""  # masked name, e.g. "COLLINS E*** M***"
    id_image: str | None = None  # data:image/jpeg;base64,…
    face_distance: float | None = None
    match_threshold: float | None = None
    liveness: str | None = None  # "passed" | "failed" | "borderline" | None
    #: What the kiosk would accept now (the console greys out the rest).
    allowed: list[ActionName] = []
    handback_steps: list[str] = []


class Action(Base, tag="action"):
    id: str
    name: ActionName
    args: dict[str, Any] = {}


class ActionResult(Base, tag="action.result"):
    id: str
    ok: bool
    reason: str = ""  # a Failure value or a refusal code ("not_allowed_now"…)
    message: str = ""  # plain words, shown to the teller
    data: dict[str, Any] = {}


class Event(Base, tag="event"):
    name: str
    data: dict[str, Any] = {}


ChannelMessage = Ping | Pong | Context | Action | ActionResult | Event

_decoder = msgspec.json.Decoder(ChannelMessage)
_encoder = msgspec.json.Encoder()


class ChannelError(ValueError):
    pass


def decode(data: str | bytes) -> ChannelMessage:
    if len(data) > 4 * MAX_MESSAGE_BYTES:
        raise ChannelError(f"message of {len(data)} bytes")
    try:
        return _decoder.decode(data)
    except (msgspec.ValidationError, msgspec.DecodeError) as exc:
        raise ChannelError(str(exc)) from None


def encode(message: Base) -> str:
    text = _encoder.encode(message).decode()
    if len(text) > MAX_MESSAGE_BYTES:
        raise ChannelError(f"{type(message).__name__} of {len(text)} bytes "
                           f"(limit {MAX_MESSAGE_BYTES})")
    return text
