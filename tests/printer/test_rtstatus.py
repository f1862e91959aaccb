"""DLE EOT replies: form, parsing, and the mapping to the common status model."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.printer.rtstatus import (
    PrinterCondition,
    StatusReplyError,
    encode,
    is_status_byte,
    parse_replies,
)
from kiosk_core.status import DeviceState, MediaState, SupplyState

conditions = st.builds(PrinterCondition, **{
    f.name: st.booleans() for f in dataclasses.fields(PrinterCondition)})


@given(conditions)
def test_encoded_replies_have_the_fixed_form_and_parse_back(cond: PrinterCondition) -> None:
    data = encode(cond)
    assert all((b & 0b1001_0011) == 0b0001_0010 for b in data)  # 0xx1xx10
    assert parse_replies(data) == cond


@given(st.binary(min_size=4, max_size=4))
def test_parse_accepts_exactly_well_formed_bytes(data: bytes) -> None:
    if all(is_status_byte(b) for b in data):
        parse_replies(data)
    else:
        with pytest.raises(StatusReplyError):
            parse_replies(data)


def test_wrong_length_is_refused() -> None:
    with pytest.raises(StatusReplyError):
        parse_replies(b"\x12\x12\x12")


def test_either_sensor_bit_counts() -> None:
    # Some models set only one of the two paper-sensor bits.
    assert parse_replies(bytes([0x12, 0x12, 0x12, 0x12 | 0x04])).paper_near_end
    assert parse_replies(bytes([0x12, 0x12, 0x12, 0x12 | 0x40])).paper_end


@pytest.mark.parametrize(("cond", "device", "paper", "media", "code", "words"), [
    (PrinterCondition(), DeviceState.ONLINE, SupplyState.FULL, MediaState.PRESENT, "", ""),
    (PrinterCondition(paper_near_end=True), DeviceState.ONLINE, SupplyState.LOW,
     MediaState.PRESENT, "paperLow", "paper near end"),
    (PrinterCondition(offline=True, stopped_paper_end=True, paper_end=True, paper_near_end=True),
     DeviceState.USER_ERROR, SupplyState.OUT, MediaState.NOT_PRESENT, "paperOut", "paper out"),
    (PrinterCondition(offline=True, cover_open=True), DeviceState.USER_ERROR, SupplyState.FULL,
     MediaState.PRESENT, "coverOpen", "cover open"),
    (PrinterCondition(offline=True, error=True, cutter_error=True), DeviceState.HARDWARE_ERROR,
     SupplyState.FULL, MediaState.JAMMED, "cutterError", "cutter error"),
    (PrinterCondition(offline=True, error=True, unrecoverable=True), DeviceState.HARDWARE_ERROR,
     SupplyState.FULL, MediaState.PRESENT, "unrecoverable", "unrecoverable"),
    (PrinterCondition(offline=True, waiting_recovery=True), DeviceState.OFFLINE,
     SupplyState.FULL, MediaState.PRESENT, "offline", "offline"),
])
def test_mapping_to_status_model(cond: PrinterCondition, device: DeviceState, paper: SupplyState,
                                 media: MediaState, code: str, words: str) -> None:
    assert cond.device_state == device
    assert cond.paper == paper
    assert cond.media == media
    assert cond.error_code == code
    assert words in "; ".join(cond.problems)
    assert cond.can_print == (device == DeviceState.ONLINE)
