"""Receipt printer costs: building the standard receipt job, rendering it in the simulator,
and a whole print through the driver.

Standard receipt: the card-issuance receipt in Chinese (logo, 21 text lines with Chinese,
QR code, cut). Target: building it ≤ 10 ms. Baseline (issue 4): the same receipt written
with plain python-escpos calls into a Dummy printer (image(), set(), text(), native qr(),
cut()). Run: ``.venv/bin/python -m bench.printer``.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from escpos.printer import Dummy

from devices.printer.driver import ReceiptPrinter
from devices.printer.settings import PrinterSettings
from devices.printer.simulator import PrinterSimulator
from receipts import render_receipt
from receipts.escpos import _raster_cached
from receipts.samples import SAMPLES
from receipts.templates import TEMPLATES_DIR, load_image, load_template

TEMPLATE, LANG = "card_issuance", "zh_CN"
VALUES = SAMPLES[TEMPLATE][LANG]
TARGET_MS = 10.0


def build_ours() -> bytes:
    return render_receipt(TEMPLATE, LANG, VALUES).data


LINES = render_receipt(TEMPLATE, LANG, VALUES).lines
QR = render_receipt(TEMPLATE, LANG, VALUES).qr_payloads[0]
LOGO = str(TEMPLATES_DIR / "logo.png")


def build_plain_escpos() -> bytes:
    # What a developer writes with python-escpos alone (and the Chinese comes out wrong:
    # no FS & — python-escpos #491).
    p = Dummy(profile="TM-T88V")
    p.hw("INIT")
    p.image(LOGO, center=True)
    p.set(align="center", bold=True, double_width=True, double_height=True)
    p.text(LINES[0] + "\n")
    p.set(align="center", bold=False, normal_textsize=True)
    p.text(LINES[1] + "\n")
    p.set(align="left")
    for line in LINES[2:-1]:
        p.text(line + "\n")
    p.set(align="center")
    p.qr(QR, native=True, size=5)
    p.text("\n" + LINES[-1] + "\n")
    p.cut()
    return bytes(p.output)


def timed(fn: Callable[[], object], n: int) -> tuple[float, float, float]:
    """(first call, median, p95) in milliseconds."""
    t0 = time.perf_counter()
    fn()
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return first, statistics.median(times), times[int(0.95 * (n - 1))]


def main() -> None:
    # Cold: template TOML, logo PNG and its raster conversion not cached yet.
    load_template.cache_clear()
    load_image.cache_clear()
    _raster_cached.cache_clear()
    rows: list[tuple[str, tuple[float, float, float]]] = []
    rows.append(("build receipt job (receipts), first = cold caches", timed(build_ours, 500)))
    job = build_ours()
    rows.append(("build same, plain python-escpos", timed(build_plain_escpos, 500)))

    def render_only() -> None:
        sim = PrinterSimulator()
        sim.on_bytes(job)
        assert sim.pages[0].page.complete

    rows.append(("simulator: parse + render page", timed(render_only, 40)))
    with tempfile.TemporaryDirectory() as tmp:
        sim_png = PrinterSimulator(out_dir=tmp)
        rows.append(("simulator: render + write PNG", timed(lambda: sim_png.on_bytes(job), 40)))

        settings = PrinterSettings(url="sim://printer?link=tcp", status_poll_s=0)
        printer = ReceiptPrinter("bench", settings, data_dir=Path(tmp))
        printer.start().result(timeout=10)
        receipt = render_receipt(TEMPLATE, LANG, VALUES)

        def print_one() -> None:
            assert printer.print_receipt(receipt).result(timeout=10).printed

        try:
            rows.append(("driver print over TCP (store, status, send, "
                         "confirm, render)", timed(print_one, 30)))
        finally:
            printer.close()

    print(f"standard receipt: {TEMPLATE}/{LANG}, {len(LINES)} text lines + logo + QR, "
          f"{len(job)} bytes")
    print(f"{'what':<62} {'first ms':>9} {'median ms':>10} {'p95 ms':>8}")
    for name, (first, med, p95) in rows:
        print(f"{name:<62} {first:>9.2f} {med:>10.3f} {p95:>8.3f}")
    ours, base = rows[0][1][1], rows[1][1][1]
    print(f"\nratio receipts / plain python-escpos (median): {ours / base:.2f}x "
          f"({'faster' if ours < base else 'slower'})")
    verdict = "OK" if rows[0][1][2] <= TARGET_MS else "OVER TARGET"
    print(f"target: build ≤ {TARGET_MS:.0f} ms -> p95 {rows[0][1][2]:.3f} ms: {verdict}")


if __name__ == "__main__":
    main()
