"""Both codecs against the reference's worked frames, and hypothesis over both decoders."""

from __future__ import annotations

import itertools
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.card_dispenser import crt591, k720
from devices.card_dispenser.errors import MalformedFrame, ProtocolError
from devices.card_dispenser.framing import (
    BadChecksum,
    Control,
    ControlEvent,
    Event,
    FrameEvent,
    Garbage,
)
from devices.card_dispenser.model import CardPosition, Op, Problem, StackerLevel

Decoder = crt591.Decoder | k720.Decoder


# -- worked frames from shared/reference/card-dispensers.md ---------------------------


def test_crt591_worked_frames() -> None:
    assert crt591.encode_command(0x30, 0x33) == bytes.fromhex("F2 00 00 03 43 30 33 03 B2")
    assert crt591.encode_command(0x31, 0x30) == bytes.fromhex("F2 00 00 03 43 31 30 03 B0")
    assert crt591.OPS[Op.INIT_KEEP] == (0x30, 0x33) and crt591.OPS[Op.STATUS] == (0x31, 0x30)
    [ev] = crt591.Decoder().feed(bytes.fromhex("F2 00 00 03 43 30 33 03 B2"))
    assert isinstance(ev, FrameEvent)
    assert crt591.parse_text(ev.text) == crt591.Command(0x30, 0x33)


def test_k720_worked_frames() -> None:
    assert k720.encode_frame(b"DC") + bytes([Control.ENQ]) == bytes.fromhex("02 44 43 03 06 05")
    assert k720.encode_frame(b"RF") + bytes([Control.ENQ]) == bytes.fromhex("02 52 46 03 15 05")
    # The BCC of DC is 0x06, the ACK value: the decoder must not read it as an ACK.
    events = k720.Decoder().feed(bytes.fromhex("02 44 43 03 06 05"))
    assert events == [FrameEvent(b"DC", bytes.fromhex("02 44 43 03 06")),
                      ControlEvent(Control.ENQ)]


def test_crt591_replies_round_trip() -> None:
    pos = crt591.Positive(0x31, 0x30, b"120", b"")
    assert crt591.parse_text(pos.text()) == pos
    r = pos.reading()
    assert (r.position, r.stacker, r.bin_full) == (CardPosition.GATE, StackerLevel.OK, False)
    neg = crt591.parse_text(crt591.Negative(0x32, 0x30, "A0").text())
    assert isinstance(neg, crt591.Negative) and neg.problem is Problem.STACKER_EMPTY
    assert crt591.ERROR_CODES["B0"] is Problem.NOT_INITIALISED
    assert crt591.ERROR_CODES["45"] is Problem.MOVED_MANUALLY


def test_k720_replies_round_trip() -> None:
    pos = k720.parse_reply(b"RF210")
    assert isinstance(pos, k720.Positive)
    assert pos.reading().position is CardPosition.READ and pos.reading().stacker is StackerLevel.LOW
    neg = k720.parse_reply(b"ER301")
    assert isinstance(neg, k720.Negative) and neg.problem is Problem.STACKER_EMPTY
    assert neg.position is CardPosition.GATE


@pytest.mark.parametrize("text", [b"", b"P1", b"P10", b"N10A", b"X10", b"P10\xff\xff\xff"])
def test_crt591_bad_texts(text: bytes) -> None:
    with pytest.raises(ProtocolError):
        parsed = crt591.parse_text(text)
        if isinstance(parsed, crt591.Positive):
            parsed.reading()


@pytest.mark.parametrize("text", [b"RF", b"ER3", b"ER30x", b"RF9xx"])
def test_k720_bad_texts(text: bytes) -> None:
    with pytest.raises(MalformedFrame):
        parsed = k720.parse_reply(text)
        if isinstance(parsed, k720.Positive):
            parsed.reading()


def test_encoders_refuse_what_cannot_be_sent() -> None:
    with pytest.raises(ProtocolError):
        crt591.encode_frame(b"C" * (crt591.MAX_TEXT + 1))
    with pytest.raises(ProtocolError):
        crt591.encode_frame(b"C10", address=300)
    with pytest.raises(ProtocolError):
        k720.encode_frame(b"D\x03")
    with pytest.raises(ProtocolError):
        k720.encode_frame(b"D")
    with pytest.raises(ProtocolError):
        crt591.Decoder().feed("text")  # type: ignore[arg-type]


def test_bad_bcc_is_reported_not_dropped() -> None:
    frame = bytearray(crt591.encode_command(0x31, 0x30))
    frame[-1] ^= 0x55
    [ev] = crt591.Decoder().feed(bytes(frame))
    assert isinstance(ev, BadChecksum) and ev.expected == 0xB0


def test_false_start_does_not_hide_a_frame() -> None:
    good = crt591.encode_command(0x31, 0x30)
    # An STX whose length field points past a real frame: the real frame must be found
    # once the line goes quiet (expire) — or at once when the length is impossible.
    stream = b"\xf2\x00\x00\x10" + good
    dec = crt591.Decoder()
    assert dec.feed(stream) == []
    events = dec.expire()
    assert FrameEvent(b"C10", good) in events
    assert k720.Decoder().feed(b"\x02AB\x02" + k720.encode_frame(b"RF"))[-1] == FrameEvent(
        b"RF", k720.encode_frame(b"RF"))


# -- hypothesis ------------------------------------------------------------------------

CODECS: list[tuple[str, Callable[[], Decoder], Callable[[bytes], bytes]]] = [
    ("crt591", crt591.Decoder, lambda t: crt591.encode_frame(t)),
    ("k720", k720.Decoder, k720.encode_frame),
]

texts = st.binary(min_size=2, max_size=40).map(
    lambda b: bytes(0x20 + (x % 0x5F) for x in b))  # printable: valid for both vendors


def _run(decoder: Decoder, chunks: list[bytes]) -> list[Event]:
    out: list[Event] = []
    for chunk in chunks:
        out += decoder.feed(chunk)
    return out


def _accounted(events: list[Event], decoder: Decoder) -> bytes:
    return b"".join(ev.raw for ev in events) + decoder.pending


@pytest.mark.parametrize(("name", "make", "encode"), CODECS)
@settings(max_examples=300, deadline=None)
@given(data=st.binary(max_size=600), cuts=st.lists(st.integers(0, 600), max_size=8))
def test_random_bytes_never_crash_and_lose_nothing(
        name: str, make: Callable[[], Decoder], encode: Callable[[bytes], bytes],
        data: bytes, cuts: list[int]) -> None:
    bounds = sorted({0, len(data), *(c % (len(data) + 1) for c in cuts)})
    chunks = [data[a:b] for a, b in itertools.pairwise(bounds)]
    dec = make()
    events = _run(dec, chunks)
    assert _accounted(events, dec) == data  # every byte is in exactly one event
    # Draining a quiet line always terminates and empties the decoder.
    for _ in range(len(data) + 1):
        if not dec.pending:
            break
        events += dec.expire()
    assert dec.pending == b""
    assert b"".join(ev.raw for ev in events) == data


@pytest.mark.parametrize(("name", "make", "encode"), CODECS)
@settings(max_examples=300, deadline=None)
@given(frames=st.lists(texts, min_size=1, max_size=5),
       junk=st.lists(st.binary(max_size=12), min_size=1, max_size=6),
       split=st.integers(1, 7))
def test_frames_between_garbage_are_found(
        name: str, make: Callable[[], Decoder], encode: Callable[[bytes], bytes],
        frames: list[bytes], junk: list[bytes], split: int) -> None:
    """Garbage without frame starts between valid frames never hides a frame."""
    stx = crt591.STX if name == "crt591" else k720.STX
    clean = [bytes(b for b in j if b != stx) for j in junk]
    stream = b""
    for i, text in enumerate(frames):
        stream += clean[i % len(clean)] + encode(text)
    dec = make()
    events = _run(dec, [stream[i:i + split] for i in range(0, len(stream), split)])
    found = [ev.text for ev in events if isinstance(ev, FrameEvent)]
    assert found == frames
    assert not any(isinstance(ev, BadChecksum) for ev in events)


@pytest.mark.parametrize(("name", "make", "encode"), CODECS)
@settings(max_examples=300, deadline=None)
@given(text=texts, flips=st.lists(st.tuples(st.integers(0, 200), st.integers(1, 255)),
                                  min_size=1, max_size=3),
       tail=texts)
def test_mutated_frames_never_crash_and_resync(
        name: str, make: Callable[[], Decoder], encode: Callable[[bytes], bytes],
        text: bytes, flips: list[tuple[int, int]], tail: bytes) -> None:
    frame = bytearray(encode(text))
    for pos, mask in flips:
        frame[pos % len(frame)] ^= mask
    good = encode(tail)
    dec = make()
    events = dec.feed(bytes(frame) + good)
    for _ in range(len(frame) + len(good)):
        if not dec.pending:
            break
        events += dec.expire()
    assert b"".join(ev.raw for ev in events) == bytes(frame) + good
    for ev in events:
        assert isinstance(ev, (FrameEvent, BadChecksum, ControlEvent, Garbage))
        if isinstance(ev, FrameEvent):
            # Whatever parses must parse or fail only with ProtocolError.
            try:
                if name == "crt591":
                    crt591.parse_text(ev.text)
                else:
                    k720.parse_reply(ev.text)
            except ProtocolError:
                pass
