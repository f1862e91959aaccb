"""Screenshots of the receipt-link page a customer's phone opens, in both languages:
docs/screens/receipt-link-<lang>.png (headless Chromium, a 390×844 phone at 2×), and of the
queue ticket's live page (receipt-link-queue-<lang>.png: two ahead; receipt-link-queue-called-
<lang>.png: go to the counter) over a real branch store.

    .venv/bin/python tests/receipt_links/make_screens.py

The real printer driver against the simulator with its paper out keeps the job; the real
link server serves it; Chromium opens the very link the kiosk screen shows as a QR code.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from receipts.links import link_for
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
    from o2o_sync.store import BranchStore
    from receipts.link_server import make_link_app
    from receipts.links import queue_url
    from receipts.queue_page import QueueLinks
    from receipts.samples import SAMPLES

    tmp = Path(tempfile.mkdtemp())
    jobs = JobStore(tmp / "printer-jobs",
                    key=load_or_create_key(tmp / "secrets" / "print-jobs.key"))
    store = BranchStore(tmp / "branch.db", "Asia/Shanghai")
    signer = QueueLinks(load_or_create_key(tmp / "secrets" / "queue-links.key"))
    srv = ServerThread(lambda: make_link_app(jobs, zone="Asia/Shanghai", tickets=store,
                                             queue_links=signer), name="links").start()
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
                page.goto(link_for(printer.settings, out.alternative))
                page.wait_for_load_state("networkidle")
                path = REPO / "docs" / "screens" / f"receipt-link-{lang}.png"
                page.screenshot(path=str(path), full_page=True)
                page.close()
                print(path)
            for lang in ("zh_CN", "en_US"):
                for _ in range(2):
                    store.issue_walk_in("cash")
                mine = store.issue_walk_in("account")
                day = store.tickets_today()[0]["day"]
                url = queue_url(settings.receipt_base_url, signer.token(mine.id, day, lang))
                for shot in ("queue", "queue-called"):
                    if shot == "queue-called":
                        while (t := store.call_next("3")) is not None and t["id"] != mine.id:
                            store.mark_served(t["id"])
                    page = browser.new_page(viewport={"width": 390, "height": 844},
                                            device_scale_factor=2)
                    page.goto(url)
                    path = REPO / "docs" / "screens" / f"receipt-link-{shot}-{lang}.png"
                    page.screenshot(path=str(path), full_page=True)
                    page.close()
                    print(path)
                store.mark_served(mine.id)
            browser.close()
    finally:
        printer.close()
        srv.stop()
        store.close()


if __name__ == "__main__":
    main()
