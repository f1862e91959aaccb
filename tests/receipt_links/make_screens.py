"""Screenshots of the receipt-link page a customer's phone opens, in both languages:
docs/screens/receipt-link-<lang>.png (headless Chromium, a 390×844 phone at 2×).

    .venv/bin/python tests/receipt_links/make_screens.py

The real printer driver against the simulator with its paper out keeps the job; the real
link server serves it; Chromium opens the very link the kiosk screen shows as a QR code.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from receipts.printing import print_template

REPO = Path(__file__).resolve().parents[2]


def main() -> None:
    sys.path[:0] = [str(REPO), str(REPO / "tests")]
    from playwright.sync_api import sync_playwright

    from devices.printer.driver import create
    from devices.printer.jobkey import load_or_create_key
    from devices.printer.jobs import JobStore
    from devices.printer.settings import PrinterSettings
    from o2o_sync.aio import ServerThread
    from receipts.link_server import make_link_app
    from receipts.samples import SAMPLES

    tmp = Path(tempfile.mkdtemp())
    jobs = JobStore(tmp / "printer-jobs",
                    key=load_or_create_key(tmp / "secrets" / "print-jobs.key"))
    srv = ServerThread(lambda: make_link_app(jobs, zone="Asia/Shanghai"), name="links").start()
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5,
                               receipt_base_url=f"{srv.url}/r")
    printer = create("printer", settings, data_dir=tmp)
    printer.start().result(timeout=10)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium",
                                         args=["--no-sandbox", "--disable-gpu"])
            for lang in ("zh_CN", "en_US"):
                out = print_template(printer,   # type: ignore[attr-defined]
                    "card_issuance", lang, SAMPLES["card_issuance"][lang]).result(timeout=15)
                page = browser.new_page(viewport={"width": 390, "height": 844},
                                        device_scale_factor=2)
                page.goto(out.alternative.url)
                page.wait_for_load_state("networkidle")
                path = REPO / "docs" / "screens" / f"receipt-link-{lang}.png"
                page.screenshot(path=str(path), full_page=True)
                page.close()
                print(path)
            browser.close()
    finally:
        printer.close()
        srv.stop()


if __name__ == "__main__":
    main()
