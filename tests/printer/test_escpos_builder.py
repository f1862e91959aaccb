"""The byte builder: Chinese as raw GB18030 in Chinese mode, code pages, images, QR."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from devices.printer.escpos_parse import CommandParser
from devices.printer.render import EscPosRenderer, RenderedPage
from receipts.escpos import EscPosBuilder, EscPosError, Style, display_width, encode_text


def test_chinese_is_gb18030_between_fs_and_fs_dot() -> None:
    assert encode_text("卡号 6222", "cp437") == b"\x1c&" + "卡号".encode("gb18030") + b"\x1c. 6222"


def test_non_ascii_latin_goes_through_the_code_page() -> None:
    assert encode_text("Café £", "cp437") == b"Caf\x82 \x9c"
    assert encode_text("Café", "cp1252") == b"Caf\xe9"


def test_symbol_missing_from_code_page_falls_back_to_chinese_font() -> None:
    # "€" is not in CP437; GB18030 has it.
    assert encode_text("€", "cp437") == b"\x1c&" + "€".encode("gb18030") + b"\x1c."


def test_control_characters_never_reach_the_printer() -> None:
    data = EscPosBuilder().text("A\x1b@\x1dV\x00B\x10\x04").getvalue()
    assert data == b"A@VB"


def test_style_changes_only_emit_what_changed() -> None:
    b = EscPosBuilder().initialize()
    b.style(Style(bold=True)).style(Style(bold=True)).style(Style(bold=True, width=2, height=2))
    assert b.getvalue() == b"\x1b@\x1bt\x00" + b"\x1bE\x01" + b"\x1d!\x11"


def test_qr_is_native_gs_k() -> None:
    data = EscPosBuilder().qr("AB", module=4, ec="Q").getvalue()
    assert data == (b"\x1d(k\x04\x001A2\x00" b"\x1d(k\x03\x001C\x04" b"\x1d(k\x03\x001E2"
                    b"\x1d(k\x05\x001P0AB" b"\x1d(k\x03\x001Q0")


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(EscPosError):
        EscPosBuilder(code_page="CP999")
    with pytest.raises(EscPosError):
        EscPosBuilder().qr("")
    with pytest.raises(EscPosError):
        EscPosBuilder().style(Style(width=9))
    with pytest.raises(EscPosError):
        EscPosBuilder().image(Image.new("1", (600, 10)))


def test_display_width_counts_chinese_twice() -> None:
    assert display_width("卡号AB") == 6


text_st = st.text(
    alphabet=st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                       st.sampled_from("银行卡号张王李欢迎使用借记凭条中文测试")),
    min_size=1, max_size=30).filter(lambda s: s.strip() == s and s != "")


@settings(max_examples=60, deadline=None)
@given(text_st)
def test_text_round_trips_through_the_interpreter(text: str) -> None:
    b = EscPosBuilder().initialize().line(text).cut(0)
    r = EscPosRenderer()
    pages: list[RenderedPage] = []
    r.on_page = pages.append
    for cmd in CommandParser().feed(b.getvalue()):
        r.execute(cmd)
    assert len(pages) == 1
    # The printer wraps at 42 columns; joined lines give the text back.
    assert "".join(pages[0].texts) == text


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 64), st.integers(1, 40), st.randoms(use_true_random=False))
def test_raster_image_round_trips(width: int, height: int, rnd) -> None:
    bits = np.array([[rnd.random() < 0.5 for _ in range(width)] for _ in range(height)])
    img = Image.fromarray(np.where(bits, 0, 255).astype(np.uint8), "L")
    data = EscPosBuilder().initialize().image(img).cut(0).getvalue()
    pages: list[RenderedPage] = []
    r = EscPosRenderer(on_page=pages.append)
    for cmd in CommandParser().feed(data):
        r.execute(cmd)
    out = np.asarray(pages[0].image)[:height, :width] < 128
    assert (out == bits).all()
