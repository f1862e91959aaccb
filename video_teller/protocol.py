"""The call hub's wire protocol: every message a kiosk, a teller console and the hub exchange.

One JSON object per WebSocket text message, tagged by ``type`` (docs/video_teller.md has the
whole conversation). Decoding is strict — unknown types, missing or mistyped fields and
oversized messages are refused with :class:`ProtocolError` — because both kiosks and
browsers are on the other side of a network. The same module is used by the hub, by the
kiosk's client and (as the JSON it documents) by the console's JavaScript.

Data-channel messages between a kiosk and a teller's browser (``ping``, ``context``,
``action``…) are in :mod:`video_teller.channel`; they never pass through the hub.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import msgspec

#: Bigger messages are refused before decoding (SDP with all candidates is ~3–6 KB).
MAX_MESSAGE_BYTES = 64 * 1024
#: WebSocket close codes (4000–4999 are the application's own).
CLOSE_UNAUTHORIZED = 4401
CLOSE_PROTOCOL = 4400
CLOSE_REPLACED = 4409  # the same kiosk or teller signed in on another connection


class Role(StrEnum):
    KIOSK = "kiosk"
    TELLER = "teller"


class Skill(StrEnum):
    CARD_ISSUANCE = "card_issuance"
    ACCOUNTS = "accounts"
    GENERAL = "general"


class Presence(StrEnum):
    AVAILABLE = "available"
    BUSY = "busy"  # set by the hub while a call is up; a teller cannot choose it
    AWAY = "away"
    WRAP_UP = "wrap_up"


class CallState(StrEnum):
    WAITING = "waiting"
    OFFERED = "offered"  # a teller is answering (signalling under way)
    CONNECTED = "connected"
    ENDED = "ended"


class EndReason(StrEnum):
    CUSTOMER = "customer"  # the customer tapped end / cancel
    TELLER = "teller"
    KIOSK_LOST = "kiosk_lost"  # the kiosk did not come back within the grace period
    NO_TELLER = "no_teller"  # the kiosk gave up waiting (then offers a callback)
    TRANSFERRED = "transferred"  # this teller's leg ended; the call goes on with another
    HUB_SHUTDOWN = "hub_shutdown"


class Base(msgspec.Struct, tag_field="type", forbid_unknown_fields=True):
    pass


# -- both roles --------------------------------------------------------------------


class Hello(Base, tag="hello"):
    """First message on every connection; the hub closes with 4401 on a bad token."""

    token: str
    #: A kiosk coming back after a network blip or a hub restart names its call.
    resume_call: str | None = None


class IceServer(msgspec.Struct, forbid_unknown_fields=True):
    urls: list[str]
    username: str | None = None
    credential: str | None = None


class Welcome(Base, tag="welcome"):
    role: Role
    id: str
    ice_servers: list[IceServer] = []
    #: Seconds until the token expires (the client signs in again before that).
    token_expires_in: float = 0.0


class Error(Base, tag="error"):
    """A refused request; ``code`` is stable, ``message`` is for logs and the console."""

    code: str
    message: str
    call_id: str | None = None


class End(Base, tag="call.end"):
    """Either side ends the call (a waiting kiosk uses it to give up)."""

    call_id: str
    reason: EndReason


class Ended(Base, tag="call.ended"):
    """To the other side: the call is over."""

    call_id: str
    reason: EndReason
    by: str = ""


# -- WebRTC signalling, relayed between the two parties of one call -------------------


class Offer(Base, tag="rtc.offer"):
    """Always from the kiosk. ``attempt`` counts rebuilt peer connections (aiortc has no
    ICE restart: after a blip both sides close theirs and the kiosk offers again)."""

    call_id: str
    sdp: str
    attempt: int = 0


class Answer(Base, tag="rtc.answer"):
    call_id: str
    sdp: str
    attempt: int = 0


class Candidate(Base, tag="rtc.candidate"):
    """A trickled ICE candidate from the browser (aiortc sends all in its SDP).
    ``candidate`` None is end-of-candidates, which aioice needs to report failure."""

    call_id: str
    candidate: str | None
    sdp_mid: str | None = None
    sdp_mline_index: int | None = None
    attempt: int = 0


# -- kiosk → hub ----------------------------------------------------------------------


class CallRequest(Base, tag="call.request"):
    """Join the queue. Sent again with the same ``call_id`` after a reconnect to keep the
    place. ``in_kiosk_s`` is how long the customer has been at the machine."""

    call_id: str
    language: str
    skill: Skill = Skill.GENERAL
    needs_help: bool = False
    flow: str | None = None  # the flow in progress ("card_issuance"), if any
    step: str | None = None
    in_kiosk_s: float = 0.0
    reason: str = ""  # what the customer asked for, in plain words


# -- hub → kiosk ----------------------------------------------------------------------


class QueuePosition(Base, tag="queue.position"):
    """Sent on every change that moves this call (and once on joining)."""

    call_id: str
    position: int  # 1 = next
    estimated_wait_s: float
    tellers_available: int  # tellers who could take this call, now free
    tellers_online: int  # …signed in at all (0: nobody can answer; offer a callback)


class Connected(Base, tag="call.connected"):
    """A teller answered: the kiosk builds a peer connection and sends :class:`Offer`."""

    call_id: str
    teller_id: str
    teller_name: str
    ice_servers: list[IceServer] = []


class Requeued(Base, tag="call.requeued"):
    """The teller was lost mid-call, or transferred it: the call waits again (at the head
    of the queue); a :class:`QueuePosition` follows."""

    call_id: str
    reason: str  # "teller_lost" | "transfer"
    skill: Skill = Skill.GENERAL


# -- teller → hub ---------------------------------------------------------------------


class SetPresence(Base, tag="presence.set"):
    state: Presence  # available | away | wrap_up (busy is refused)


class AnswerCall(Base, tag="call.answer"):
    """Answer ``call_id``, or (None) the call routing picks for this teller."""

    call_id: str | None = None


class Transfer(Base, tag="call.transfer"):
    """Hand the call to another teller or skill; it waits at the head of that queue."""

    call_id: str
    to_teller: str | None = None
    to_skill: Skill | None = None


# -- hub → teller ---------------------------------------------------------------------


class QueuedCall(msgspec.Struct, forbid_unknown_fields=True):
    call_id: str
    kiosk_id: str
    language: str
    skill: Skill
    waiting_s: float
    priority: float
    needs_help: bool
    flow: str | None
    reason: str
    eligible: bool  # can this teller take it (language and skill)?


class TellerView(msgspec.Struct, forbid_unknown_fields=True):
    teller_id: str
    name: str
    presence: Presence
    languages: list[str]
    skills: list[Skill]


class QueueSnapshot(Base, tag="queue.snapshot"):
    """The whole queue as this teller sees it, on every change (coalesced)."""

    calls: list[QueuedCall]
    tellers: list[TellerView]
    presence: Presence  # this teller's own
    #: Waiting calls in all; ``calls`` holds only the head of the queue when it is long
    #: (1,000 rows to 100 consoles on every change would be 20 MB a push).
    total_calls: int = 0


class Assigned(Base, tag="call.assigned"):
    """To the answering teller: the kiosk will send :class:`Offer` for this call."""

    call_id: str
    kiosk_id: str
    language: str
    skill: Skill
    flow: str | None
    step: str | None
    reason: str
    waited_s: float
    ice_servers: list[IceServer] = []


Message = (
    Hello | Welcome | Error | End | Ended | Offer | Answer | Candidate | CallRequest
    | QueuePosition | Connected | Requeued | SetPresence | AnswerCall | Transfer
    | QueueSnapshot | Assigned
)

#: What each role may send to the hub (anything else is refused).
FROM_KIOSK: tuple[type[Base], ...] = (Hello, CallRequest, End, Offer, Candidate)
FROM_TELLER: tuple[type[Base], ...] = (
    Hello, SetPresence, AnswerCall, Transfer, End, Answer, Candidate,
)

_decoder = msgspec.json.Decoder(Message)
_encoder = msgspec.json.Encoder()


class ProtocolError(ValueError):
    """A message the protocol does not allow (the text says what is wrong)."""


def decode(data: str | bytes) -> Message:
    if len(data) > MAX_MESSAGE_BYTES:
        raise ProtocolError(f"message of {len(data)} bytes (limit {MAX_MESSAGE_BYTES})")
    try:
        return _decoder.decode(data)
    except msgspec.ValidationError as exc:
        raise ProtocolError(str(exc)) from None
    except msgspec.DecodeError as exc:
        raise ProtocolError(f"not JSON: {exc}") from None
    except RecursionError:  # msgspec's own depth guard: "[[[[…" must cost a message, not the hub
        raise ProtocolError("JSON nested too deeply") from None


def encode(message: Base) -> str:
    return _encoder.encode(message).decode()


def to_builtins(message: Base) -> dict[str, Any]:
    out: dict[str, Any] = msgspec.to_builtins(message)
    return out
