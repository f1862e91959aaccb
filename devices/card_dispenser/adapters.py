"""Vendor protocol adapters: vendor-neutral :class:`Op` in, vendor frames out, replies back.

An adapter knows its codec and handshake flags; it does no I/O (the driver's
:class:`~devices.card_dispenser.transport.Transport` does).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

from devices.card_dispenser import crt591, k720
from devices.card_dispenser.errors import InvalidCommand, MalformedFrame, error_for
from devices.card_dispenser.model import Op, Reading
from devices.card_dispenser.transport import Decoder


@dataclass(frozen=True)
class Answer:
    """A positive reply: the mechanism's state (if reported) and the command's data."""

    reading: Reading | None
    data: bytes = b""


class ProtocolAdapter(ABC):
    name: ClassVar[str]
    enq_after_ack: ClassVar[bool]
    ack_replies: ClassVar[bool]
    supported: ClassVar[frozenset[Op]]
    #: PRESENT is the same command as DISPENSE (it would feed a card into an empty channel).
    present_feeds: ClassVar[bool] = False

    def __init__(self, address: int = 0) -> None:
        self.address = address
        self._frames: dict[Op, bytes] = {}

    @abstractmethod
    def new_decoder(self) -> Decoder: ...

    def request(self, op: Op) -> bytes:
        if op not in self.supported:
            raise InvalidCommand(f"{self.name} has no command for '{op.value}'", code="")
        frame = self._frames.get(op)
        if frame is None:  # commands have no variable data: encode each once
            frame = self._frames[op] = self._request(op)
        return frame

    @abstractmethod
    def _request(self, op: Op) -> bytes: ...

    @abstractmethod
    def answers(self, op: Op, text: bytes) -> bool:
        """Is ``text`` a reply to ``op`` (and not a late reply to another command)?"""

    @abstractmethod
    def parse(self, op: Op, text: bytes) -> Answer:
        """The reply to ``op``: an Answer, or the typed error of a negative reply."""


class Crt591Adapter(ProtocolAdapter):
    name = "crt591"
    enq_after_ack = False
    ack_replies = True
    supported = frozenset(crt591.OPS)
    present_feeds = True

    def new_decoder(self) -> crt591.Decoder:
        return crt591.Decoder()

    def _request(self, op: Op) -> bytes:
        cm, pm = crt591.OPS[op]
        return crt591.encode_command(cm, pm, address=self.address)

    def answers(self, op: Op, text: bytes) -> bool:
        # Replies echo CM PM: 'P'/'N' CM PM …
        return len(text) >= 3 and text[0] in (0x50, 0x4E) and (text[1], text[2]) == crt591.OPS[op]

    def parse(self, op: Op, text: bytes) -> Answer:
        reply = crt591.parse_text(text)
        cm, pm = crt591.OPS[op]
        if isinstance(reply, crt591.Command) or (reply.cm, reply.pm) != (cm, pm):
            raise MalformedFrame(f"reply {text!r} does not answer {op.value}")
        if isinstance(reply, crt591.Negative):
            raise error_for(reply.problem, reply.code, op.value)
        # The UID comes as raw bytes; both adapters hand it on as upper-case hex.
        data = reply.data.hex().upper().encode() if op is Op.READ_UID else reply.data
        return Answer(reply.reading(), data)


class K720Adapter(ProtocolAdapter):
    name = "k720"
    enq_after_ack = True
    ack_replies = False
    supported = frozenset(k720.OPS)

    def new_decoder(self) -> k720.Decoder:
        return k720.Decoder()

    def _request(self, op: Op) -> bytes:
        return k720.encode_frame(k720.OPS[op])

    def answers(self, op: Op, text: bytes) -> bool:
        # Positive replies echo the command letters; a negative one ("ER…") answers anything.
        return text[:2] in (k720.OPS[op][:2], b"ER")

    def parse(self, op: Op, text: bytes) -> Answer:
        reply = k720.parse_reply(text)
        if isinstance(reply, k720.Negative):
            raise error_for(reply.problem, reply.code, op.value)
        if reply.command != k720.OPS[op][:2]:
            raise MalformedFrame(f"reply {text!r} does not answer {op.value}")
        return Answer(reply.reading(), reply.data)


ADAPTERS: dict[str, type[ProtocolAdapter]] = {"crt591": Crt591Adapter, "k720": K720Adapter}
