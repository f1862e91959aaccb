"""The SBEPP/1 codec: exact bytes, round trips, and any byte stream without a crash."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.pinpad import protocol as p

cmds = st.integers(0, 0xFF)
datas = st.binary(max_size=p.MAX_DATA - 1)


def _accounted(decoder: p.Decoder, events: list[p.Event]) -> bytes:
    return b"".join(ev.raw for ev in events) + decoder.pending


def test_exact_bytes_of_a_status_request() -> None:
    # STX, LEN=0001, CMD=11, ETX, CRC-16/CCITT-FALSE over 00 01 11 03
    frame = p.encode_frame(p.Cmd.STATUS)
    assert frame[:5] == bytes.fromhex("0200011103")
    assert int.from_bytes(frame[5:], "big") == p.crc16(bytes.fromhex("00011103"))


def test_crc16_check_value() -> None:
    assert p.crc16(b"123456789") == 0x29B1  # the CRC catalogue's check value


def test_key_event_carries_no_digit_value() -> None:
    frame = p.encode_event(p.Key.DIGIT, 3)
    (ev,) = p.Decoder().feed(frame)
    assert isinstance(ev, p.Frame)
    assert ev.data == bytes([p.Key.DIGIT, 3])
    assert p.parse_event(ev.data) == p.KeyEvent(p.KeyName.DIGIT, 3)


@given(cmds, datas)
def test_round_trip(cmd: int, data: bytes) -> None:
    frame = p.encode_frame(cmd, data)
    (ev,) = p.Decoder().feed(frame)
    assert ev == p.Frame(cmd, data, frame)


@given(st.lists(st.tuples(cmds, datas), max_size=5), st.data())
def test_chunked_feeding_gives_the_same_frames(frames: list[tuple[int, bytes]],
                                               data: st.DataObject) -> None:
    stream = b"".join(p.encode_frame(c, d) for c, d in frames)
    cuts = sorted(data.draw(st.lists(st.integers(0, len(stream)), max_size=8)))
    dec = p.Decoder()
    events: list[p.Event] = []
    last = 0
    for cut in [*cuts, len(stream)]:
        events += dec.feed(stream[last:cut])
        last = cut
    assert [(e.cmd, e.data) for e in events if isinstance(e, p.Frame)] == frames
    assert dec.pending == b""


@given(st.binary(max_size=600))
def test_any_bytes_decode_without_crash_and_nothing_is_lost(noise: bytes) -> None:
    dec = p.Decoder()
    events = dec.feed(noise)
    assert _accounted(dec, events) == noise
    while dec.pending:
        events += dec.expire()
    assert b"".join(ev.raw for ev in events) == noise


@given(st.binary(max_size=40), cmds, datas, st.binary(max_size=40))
def test_frame_is_found_inside_noise(before: bytes, cmd: int, data: bytes, after: bytes) -> None:
    frame = p.encode_frame(cmd, data)
    dec = p.Decoder()
    events = dec.feed(before + frame + after)
    while dec.pending:
        events += dec.expire()
    # Noise may by chance hold a frame-shaped prefix that swallows ours only if it is
    # itself a complete valid frame; ours is then still found after it or inside it.
    found = [e for e in events if isinstance(e, p.Frame)]
    assert p.Frame(cmd, data, frame) in found or any(frame in e.raw for e in found)


@given(cmds, datas, st.data())
def test_a_corrupted_byte_never_yields_the_wrong_frame(cmd: int, data: bytes,
                                                       draw: st.DataObject) -> None:
    frame = bytearray(p.encode_frame(cmd, data))
    i = draw.draw(st.integers(1, len(frame) - 1))
    frame[i] ^= draw.draw(st.integers(1, 255))
    dec = p.Decoder()
    events = dec.feed(bytes(frame))
    while dec.pending:
        events += dec.expire()
    for ev in events:
        if isinstance(ev, p.Frame):  # only a frame that really is one (CRC checked)
            assert p.crc16(ev.raw[1:-2]) == int.from_bytes(ev.raw[-2:], "big")
    assert p.Frame(cmd, data, bytes(frame)) not in events


def test_bad_crc_is_reported_not_raised() -> None:
    frame = bytearray(p.encode_frame(p.Cmd.STATUS | p.REPLY_BIT, b"\x00\x00\x00\x00"))
    frame[-1] ^= 0xFF
    (ev,) = p.Decoder().feed(bytes(frame))
    assert isinstance(ev, p.BadFrame) and ev.reason == "CRC mismatch"


parsers = [p.parse_status, p.parse_key_list, p.parse_event, p.parse_import_key,
           p.parse_pin_block_request, p.result_of]


@pytest.mark.parametrize("parse", parsers)
@given(st.binary(max_size=64))
def test_parsers_raise_only_malformed_reply(parse: object, data: bytes) -> None:
    try:
        parse(data)  # type: ignore[operator]
    except p.MalformedReply:
        pass


@given(st.lists(st.tuples(st.text("abcXYZ019_.-", min_size=1, max_size=16),
                          st.sampled_from(["TDES", "AES"]), st.binary(min_size=3, max_size=3)),
                max_size=8))
def test_key_list_round_trip(entries: list[tuple[str, str, bytes]]) -> None:
    keys = [p.KeyInfo(*e) for e in entries]
    assert p.parse_key_list(p.encode_key_list(keys)) == keys


def test_command_data_round_trips_and_refusals() -> None:
    data = p.import_key_data("pin", b"w" * 16, b"\x01\x02\x03", "AES")
    assert p.parse_import_key(data) == p.ImportKey("pin", "AES", b"\x01\x02\x03", b"w" * 16)
    req = p.parse_pin_block_request(p.pin_block_data("pin", 4, "4111111111111111"))
    assert req == p.PinBlockRequest("pin", 4, "4111111111111111")
    with pytest.raises(p.PinPadProtocolError):
        p.start_entry_data(3, 6, 30)
    with pytest.raises(p.PinPadProtocolError):
        p.start_entry_data(4, 13, 30)
    with pytest.raises(p.PinPadProtocolError):
        p.pin_block_data("pin", 1, "4111111111111111")
    with pytest.raises(p.PinPadProtocolError):
        p.import_key_data("bad name!", b"", b"\x00\x00\x00", "TDES")
    with pytest.raises(p.PinPadProtocolError):
        p.encode_frame(0x10, bytes(p.MAX_DATA))
