"""The simulator: status replies, paper, faults, and what it draws (checked by content)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import numpy as np
import pytest
from escpos.printer import Dummy, Network, Serial
from qr_images import opencv_qrs, zxing_qrs

from devices.printer.rtstatus import QUERY_ALL, parse_replies
from devices.printer.simulator import DOTS_PER_MM, NEAR_END_MM, PrinterSimulator, SimulatorError
from devices.simlink import PtyLink, TcpLink
from receipts import render_receipt
from receipts.samples import SAMPLES

from .helpers import ink_rows


def _job(name: str, lang: str) -> bytes:
    return render_receipt(name, lang, SAMPLES[name][lang]).data


@pytest.mark.parametrize("lang", ["zh_CN", "en_US"])
@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_every_template_renders_with_a_decodable_qr(tmp_path: Path, name: str, lang: str) -> None:
    sim = PrinterSimulator(out_dir=tmp_path)
    receipt = render_receipt(name, lang, SAMPLES[name][lang])
    sim.on_bytes(receipt.data)
    assert len(sim.pages) == 1
    page = sim.pages[0]
    assert page.page.complete and page.path is not None and page.path.exists()
    assert zxing_qrs(page.page.image) == opencv_qrs(page.page.image) == receipt.qr_payloads
    # What the printer decoded is what the template laid out.
    assert page.page.texts == [ln for ln in receipt.lines]


def test_chinese_text_is_drawn_as_glyphs() -> None:
    sim = PrinterSimulator()
    sim.on_bytes(b"\x1b@" + b"\x1c&" + "银行".encode("gb18030") + b"\x1c.\n" + b"\x1dV\x42\x00")
    img = np.asarray(sim.pages[0].page.image)
    # Two 24x24 glyphs side by side, each with ink of its own.
    for x0 in (0, 24):
        cell = img[0:24, x0:x0 + 24]
        assert (cell < 128).sum() > 40
    assert sim.pages[0].page.texts == ["银行"]


def test_sizes_and_alignment_change_what_is_drawn() -> None:
    sim = PrinterSimulator()
    sim.on_bytes(b"\x1b@\x1ba\x01X\n\x1d!\x11X\n\x1ba\x02\x1d!\x00X\n\x1dVB\x00")
    img = np.asarray(sim.pages[0].page.image) < 128
    cols_of = [np.where(img[y0:y1].any(axis=0))[0] for y0, y1 in ((0, 30), (30, 78), (78, 108))]
    centre, big, right = cols_of
    assert abs((centre.min() + centre.max()) / 2 - 256) < 8  # centred
    assert big.max() - big.min() > 1.6 * (centre.max() - centre.min())  # double width
    assert right.max() > 500  # right-aligned


def test_plain_python_escpos_job_renders(tmp_path: Path) -> None:
    # What a developer would write with python-escpos alone, Dummy-captured.
    p = Dummy(profile="TM-T88V")
    p.hw("INIT")
    p.set(align="center", bold=True, double_height=True, double_width=True)
    p.text("PLAIN ESCPOS\n")
    p.set(normal_textsize=True, bold=False, align="left")
    p.text("Total: 12.50\n")
    p.qr("https://example.org/plain", native=True, size=6)
    p.ln(2)  # native QR leaves no quiet zone of its own
    p.image(str(Path(__file__).parents[2] / "receipts" / "templates" / "logo.png"))
    p.cut()
    sim = PrinterSimulator(out_dir=tmp_path)
    sim.on_bytes(p.output)
    page = sim.pages[0].page
    assert page.complete
    assert page.texts[:2] == ["PLAIN ESCPOS", "Total: 12.50"]
    assert zxing_qrs(page.image) == opencv_qrs(page.image) == ["https://example.org/plain"]


def test_python_escpos_status_calls_over_tcp(closing) -> None:
    sim = PrinterSimulator(paper="near-end")
    link = closing(TcpLink(sim).start())
    p = Network(link.host, link.port, timeout=5)
    p.open()
    try:
        assert p.is_online() is True
        assert p.paper_status() == 1  # near end
        sim.inject("cover-open")
        assert p.is_online() is False
        p.textln("sent while the cover is open")
    finally:
        p.close()


def test_python_escpos_over_a_pty(closing) -> None:
    sim = PrinterSimulator()
    link = closing(PtyLink(sim).start())
    p = Serial(link.url, baudrate=38400, timeout=1)
    p.open()
    try:
        p.hw("INIT")
        p.textln("over a pty")
        p.cut()
        pages = sim.wait_for_pages(1)
        assert pages[0].page.texts[0] == "over a pty"
        assert p.paper_status() == 2
    finally:
        p.close()


def test_status_reply_bytes_are_well_formed(closing) -> None:
    sim = PrinterSimulator(paper="out")
    link = closing(TcpLink(sim).start())
    with socket.create_connection((link.host, link.port), timeout=5) as s:
        s.sendall(QUERY_ALL)
        data = b""
        while len(data) < 4:
            data += s.recv(4)
    assert all((b & 0x93) == 0x12 for b in data)
    cond = parse_replies(data)
    assert cond.paper_end and cond.offline and cond.stopped_paper_end


def test_paper_runs_down_to_near_end_and_out() -> None:
    sim = PrinterSimulator()
    sim.load_paper(NEAR_END_MM + 50)
    job = _job("queue_ticket", "en_US")
    start = sim.paper_mm
    sim.on_bytes(job)
    used = start - sim.paper_mm
    assert used > 50  # a ticket is longer than 5 cm
    assert sim.condition().paper_near_end and not sim.condition().paper_end
    sim.load_paper(used / 2)
    sim.on_bytes(job)
    assert sim.condition().paper_end
    assert not sim.pages[-1].page.complete and sim.pages[-1].page.reason == "paper out"


@pytest.mark.parametrize("fault", ["paper-out", "cover-open", "offline", "unrecoverable"])
def test_mid_job_fault_stops_the_page_and_drops_the_rest(fault: str, tmp_path: Path) -> None:
    sim = PrinterSimulator(out_dir=tmp_path)
    sim.inject(fault, mid_job=True)
    sim.on_bytes(_job("card_issuance", "en_US"))
    page = sim.pages[-1]
    assert not page.page.complete and page.path is not None and "incomplete" in page.path.name
    assert sim.dropped_bytes > 0
    assert not sim.condition().can_print
    # More data before recovery prints nothing; after clearing and ESC @ it prints again.
    sim.on_bytes(b"lost\n\x1dVB\x00")
    assert len(sim.pages) == 1
    sim.clear(fault)
    sim.on_bytes(_job("card_issuance", "en_US"))
    assert sim.pages[-1].page.complete


def test_cutter_error_strikes_at_the_cut_and_needs_clearing() -> None:
    sim = PrinterSimulator()
    sim.inject("cutter-error")
    sim.on_bytes(_job("queue_ticket", "zh_CN"))
    assert sim.condition().cutter_error and sim.condition().media.value == "jammed"
    # The whole ticket is on the paper; the blade jammed, so it hangs uncut.
    page = sim.pages[-1].page
    assert page.complete and not page.cut and page.reason == "cutter error"
    assert sim.pages[-1].state == "not cut"
    sim.on_bytes(b"\x10\x05\x02")  # DLE ENQ 2 does not help while the jam is there
    assert sim.condition().cutter_error
    sim.clear("cutter-error")
    assert sim.condition().can_print


def test_unknown_fault_and_paper_level_are_refused() -> None:
    with pytest.raises(SimulatorError):
        PrinterSimulator(paper="half")
    with pytest.raises(SimulatorError):
        PrinterSimulator().inject("fire")


def test_render_time_is_recorded_per_page() -> None:
    sim = PrinterSimulator()
    t0 = time.perf_counter()
    sim.on_bytes(_job("test_page", "zh_CN"))
    assert sim.pages[0].page.image.height > 400
    assert time.perf_counter() - t0 > 0
    assert len(ink_rows(sim.pages[0].page.image)) > 300
    assert sim.paper_mm < 20_000 - 400 / DOTS_PER_MM


def test_why_we_do_not_use_python_escpos_for_chinese() -> None:
    # python-escpos encodes Chinese without entering Chinese mode (python-escpos #491): a
    # printer reads the bytes in its code page. Our builder's bytes read back as Chinese.
    plain = Dummy(profile="TM-T88V")
    plain.hw("INIT")
    plain.text("借记卡\n")
    plain.cut()
    ours = render_receipt("card_issuance", "zh_CN", SAMPLES["card_issuance"]["zh_CN"]).data
    sim = PrinterSimulator()
    sim.on_bytes(plain.output)
    sim.on_bytes(ours)
    assert sim.pages[0].page.texts[0] != "借记卡"
    assert sim.pages[1].page.texts[0] == "借记卡发卡凭条"


def test_status_is_answered_while_a_page_takes_long_to_render(closing, monkeypatch) -> None:
    """DLE EOT is a real-time command: answered from the sensors while the print engine is
    busy (here one command stuck for 1.5 s, as a font load on a loaded machine), and GS r
    only once the job before it is on the paper."""
    sim = PrinterSimulator()
    execute = sim.renderer.execute
    slow = {"left": 1}

    def sluggish(cmd):  # the first text line takes 1.5 s
        if cmd.name == "text" and slow["left"]:
            slow["left"] -= 1
            time.sleep(1.5)
        return execute(cmd)

    monkeypatch.setattr(sim.renderer, "execute", sluggish)
    link = closing(TcpLink(sim).start())
    with socket.create_connection((link.host, link.port), timeout=5) as s:
        s.sendall(_job("queue_ticket", "en_US") + b"\x1dr\x01")  # the job, then GS r 1
        time.sleep(0.2)  # the engine is inside the slow line now
        assert sim.buffered > 0 and not sim.pages
        t0 = time.monotonic()
        s.sendall(QUERY_ALL)
        data = b""
        while len(data) < 4:
            data += s.recv(4 - len(data))
        answered = time.monotonic() - t0
        assert answered < 0.5, answered  # not after the 1.5 s line
        assert parse_replies(data).can_print and not sim.pages
        s.settimeout(5)
        assert s.recv(1) == b"\x00"  # GS r: paper present, after the job
        assert sim.pages and sim.pages[-1].complete and sim.buffered == 0
