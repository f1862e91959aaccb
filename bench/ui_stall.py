"""GUI-thread stalls while a customer goes through the kiosk (issue 9, item 7).

A 16 ms ``QTimer`` (Qt.PreciseTimer) on the GUI thread records how late each tick fires
while whole flows run through the real UI — offscreen window, QML pages, taps at the
buttons' centres — on the real simulators (``sim://`` camera, card dispenser, printer):

* **card issuance**: attract → language → "Get a card" → consent → the identity check on
  the simulated camera (the demo's simulated customer follows the screen's prompts: ID
  card, face, liveness challenges; the models run in the identity worker process) →
  signature drawn with the mouse → card dispensed and taken → receipt → menu;
* **check-in**: attract → language → check-in → scan (the camera shows a phone with the
  booking's QR code) → confirm → ticket printed → menu.

The stall of a tick is how much later than 16 ms after the previous tick it fired; the
table shows the worst and the 99th percentile per flow and run, and the ratio to the
issue's target (max ≤ 32 ms). Each flow starts once the kiosk has finished starting
(every device open, a second on the attract screen), as for a customer walking up. The
identity worker is started with the kiosk (as the composition root does), so its model
loading overlaps start-up, not the flow. Run 1 of each flow is the first customer after
start (first use imports its modules); later runs are later customers. Ticks later than
the target are listed on stderr with what the GUI thread was doing and how much of the
interval it was itself busy (little: it waited for the GIL, or for a CPU).

    python -m bench ui_stall     (or: python -m bench.ui_stall --runs 3 [--flow check-in]
                                  [--gc] [--trace])
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parent.parent
TICK_MS = 16
TARGET_MAX_MS = 32.0
HEAVY = ("face_recognition", "dlib", "_dlib_pybind11")
QR_TOKEN = "tok-bench-qr-000001"
#: What the driver is doing now (named in the report of the ticks over the target).
DOING = ["start"]
#: Ticks later than this are listed on stderr (``--report-over``; default the target).
REPORT_OVER_MS = [TARGET_MAX_MS]


@dataclass
class Result:
    flow: str
    run: int
    ticks: int
    max_ms: float
    p99_ms: float
    seconds: float


class StallMeter:
    """Lateness of a 16 ms timer on the GUI thread."""

    def __init__(self) -> None:
        from PySide6.QtCore import Qt, QTimer

        self._timer = QTimer()
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._tick)
        self._last = self._cpu = self._t0 = 0.0
        self.stalls: list[float] = []
        #: (stall ms, what the driver was doing) for ticks later than the target.
        self.worst: list[tuple[float, str]] = []

    def start(self) -> None:
        self.stalls = []
        self._last = time.perf_counter()
        self._cpu = time.thread_time()
        self._t0 = self._last
        self._timer.start()

    def stop(self) -> list[float]:
        self._timer.stop()
        return self.stalls

    def _tick(self) -> None:
        now = time.perf_counter()
        cpu = time.thread_time()
        stall = max(0.0, (now - self._last) * 1000.0 - TICK_MS)
        self.stalls.append(stall)
        if stall > REPORT_OVER_MS[0]:
            # The GUI thread's own CPU time in the interval tells its own work (QML, page
            # loads) from waiting (for the GIL, or for a CPU on a loaded machine).
            self.worst.append((stall, f"{DOING[0]} at {now - self._t0:.2f} s, GUI thread "
                                      f"busy {(cpu - self._cpu) * 1000:.0f} ms"))
        self._last, self._cpu = now, cpu


# -- driving the UI (no pytest-qt: plain QTest) ----------------------------------------------

def wait_until(pred: Callable[[], Any], timeout: float, what: str) -> Any:
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout
    DOING[0] = f"waiting for {what}"
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"ui_stall: gave up waiting for {what}")
        QTest.qWait(20)


def items(app: Any) -> Any:
    stack = [app.window.contentItem()]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed(item.childItems()))


def shown(item: Any) -> bool:
    while item is not None:
        if not item.isVisible() or item.opacity() == 0:
            return False
        item = item.parentItem()
    return True


def find(app: Any, name: str) -> Any:
    for item in items(app):
        if item.objectName() == name and shown(item):
            return item
    return None


def settle(app: Any) -> None:
    """One frame drawn after the last change (a Column lays out when the frame is made)."""
    from PySide6.QtCore import QEventLoop, QTimer

    loop = QEventLoop()
    app.window.frameSwapped.connect(loop.quit)
    QTimer.singleShot(5000, loop.quit)
    app.window.update()
    loop.exec()
    app.window.frameSwapped.disconnect(loop.quit)


def tap(app: Any, name: str, timeout: float = 20.0) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    DOING[0] = f"tap {name}"
    item = wait_until(lambda: find(app, name), timeout, f"{name!r} on screen")
    settle(app)
    centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2)).toPoint()
    QTest.mouseClick(app.window, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     centre)


def draw_signature(app: Any, pad: Any) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtTest import QTest

    w, h = pad.width(), pad.height()
    pts = [(0.15 + 0.7 * i / 40, 0.5 + 0.25 * ((-1) ** (i // 5)) * ((i % 5) / 5))
           for i in range(41)]
    to = [pad.mapToScene(QPointF(x * w, y * h)).toPoint() for x, y in pts]
    win = app.window
    QTest.mousePress(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to[0])
    for p in to[1:]:
        QTest.mouseMove(win, p)
        QTest.qWait(5)
    QTest.mouseRelease(win, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, to[-1])


# -- configurations ------------------------------------------------------------------------

def base_config(tmp: Path, camera_url: str) -> Any:
    from kiosk_app.config import load_config

    cfg = load_config(REPO / "kiosk.toml")
    devices: Any = cfg.devices  # one table per registered kind
    upd = {
        "card_dispenser": devices.card_dispenser.model_copy(update={
            "url": "sim://card-dispenser?cards=50&take=1.5", "take_timeout_s": 4.0}),
        "printer": devices.printer.model_copy(update={"url": f"sim://printer?out={tmp / 'paper'}"}),
        "camera": devices.camera.model_copy(update={"url": camera_url}),
    }
    ui = cfg.ui.model_copy(update={"width": 540, "height": 960, "fullscreen": False})
    return cfg.model_copy(update={
        "base_dir": tmp, "devices": devices.model_copy(update=upd), "ui": ui,
        "identity": cfg.identity.model_copy(update={"liveness_challenges": 2}),
        "timeouts": cfg.timeouts.model_copy(update={"inactivity_s": 600})})


def seed_checkin(cfg: Any) -> None:
    """One booking in five minutes, whose QR code the camera's phone shows."""
    from o2o_sync.store import BranchStore
    from o2o_sync.wire import parse_item

    start = datetime.now(UTC) + timedelta(minutes=5)
    item = parse_item({
        "id": "apt_bench", "version": 1, "status": "booked", "service": "loan",
        "start": start.strftime("%Y-%m-%dT%H:%M:%SZ"), "zone": cfg.kiosk.timezone,
        "duration_min": 15, "customer": {"name": "王小明", "phone": "+86 139 1111 2222"},
        "booking_code": "QRQR22", "qr_token": QR_TOKEN})
    store = BranchStore.from_config(cfg)
    try:
        store.apply_page([item], "cursor-1")
    finally:
        store.close()


# -- the flows -----------------------------------------------------------------------------

def start_app(cfg: Any) -> Any:
    from kiosk_ui.app import KioskApp

    app = KioskApp(cfg)
    import gc

    app.flowsLoaded.connect(gc.freeze)  # as the composition root does (kiosk_app.run)
    app.show(fullscreen=False)
    wait_until(lambda: app.loaded, 20, "the first frame and the flows")
    wait_until(lambda: app.shell.inService, 60, "the kiosk in service")
    # A customer meets a kiosk that has finished starting: every device open (the camera
    # opens last), then a moment on the attract screen.
    devices = app.runtime.devices
    wait_until(lambda: all(d.status.device.usable for d in devices.values()), 60,
               "every device open")
    # As kiosk_app starts it: the sandbox bank in its own process, the PIN pad's keys.
    from kiosk_app.bank_service import start_bank, wait_bank_ready

    start_bank(app.runtime)
    wait_until(lambda: wait_bank_ready(app.runtime, 0.01), 60, "the bank and the PIN key")
    from PySide6.QtTest import QTest

    QTest.qWait(1000)
    return app


def enter(app: Any, service: str) -> None:
    tap(app, "attractScreen")
    tap(app, "language_en_US")
    tap(app, f"service_{service}")


def card_issuance(app: Any) -> None:
    from demo.customer import follow

    camera = app.runtime.devices["camera"]
    detach = follow(app.runtime.prompts, camera)
    try:
        enter(app, "card")
        flow = wait_until(lambda: app.shell.flowModel, 10, "the card flow")
        tap(app, "card_accept")
        wait_until(lambda: flow.state not in ("intro", "identity"), 120, "the identity check")
        if flow.state != "identity_passed":
            raise SystemExit(f"ui_stall: identity check ended {flow.state} ({flow.reason})")
        tap(app, "card_continue")
        pad = wait_until(lambda: find(app, "signaturePad"), 10, "the signature pad")
        settle(app)
        draw_signature(app, pad)
        tap(app, "card_sign")
        wait_until(lambda: flow.state in ("done", "failed"), 60, "the card")
        if flow.state != "done":
            raise SystemExit(f"ui_stall: card issuance failed ({flow.reason})")
        tap(app, "card_finish")
        wait_until(lambda: find(app, "menuScreen"), 10, "the menu")
    finally:
        detach()


def checkin(app: Any) -> None:
    enter(app, "checkin")
    flow = wait_until(lambda: app.shell.flowModel, 10, "the check-in flow")
    tap(app, "checkin_qr")
    wait_until(lambda: flow.step in ("confirm", "error"), 60, "the booking found")
    if flow.step != "confirm":
        raise SystemExit(f"ui_stall: check-in refused ({flow.error})")
    tap(app, "confirm_yes")
    wait_until(lambda: flow.step == "ticket", 60, "the ticket")
    tap(app, "ticket_done")
    wait_until(lambda: find(app, "menuScreen"), 10, "the menu")


FLOWS: dict[str, tuple[Callable[[Any], None], Callable[[Path], Any]]] = {
    "card issuance": (card_issuance,
                      lambda tmp: base_config(tmp, "sim://camera?scene=customer")),
    "check-in": (checkin, lambda tmp: base_config(tmp, f"sim://camera?scene=qr&text=O2O:{QR_TOKEN}")),
}


def measure(flow: str, run: int) -> Result:
    drive, make_cfg = FLOWS[flow]
    with tempfile.TemporaryDirectory(prefix="kiosk-stall-") as tmp:
        cfg = make_cfg(Path(tmp))
        if flow == "check-in":
            seed_checkin(cfg)
        app = start_app(cfg)
        try:
            meter = StallMeter()
            t0 = time.perf_counter()
            meter.start()
            drive(app)
            stalls = meter.stop()
            seconds = time.perf_counter() - t0
        finally:
            app.close()
    stalls.sort()
    p99 = stalls[min(len(stalls) - 1, int(0.99 * len(stalls)))] if stalls else 0.0
    for stall, doing in meter.worst:
        print(f"  {flow} run {run}: {stall:.0f} ms late while {doing}", file=sys.stderr)
    return Result(flow, run, len(stalls), stalls[-1] if stalls else 0.0, p99, seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ui_stall")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--flow", choices=list(FLOWS), action="append",
                        help="only this flow (repeatable)")
    parser.add_argument("--report-over", type=float, metavar="MS",
                        help="list ticks later than this on stderr (default: the target)")
    parser.add_argument("--gc", action="store_true",
                        help="log garbage collections over 5 ms (and the thread they ran on)")
    parser.add_argument("--trace", action="store_true",
                        help="when a watchdog thread is held up over 100 ms, print where "
                             "every thread is (who held the GIL)")
    args = parser.parse_args(argv)
    if args.report_over is not None:
        REPORT_OVER_MS[0] = args.report_over
    sys.path.insert(0, str(REPO))
    from demo.plugin import register_scenes
    from identity.worker import default_worker
    from kiosk_ui import i18n
    from kiosk_ui.app import application

    if i18n.stale():
        i18n.build()
    application([])
    register_scenes()
    worker = default_worker().start()  # as the composition root does at start-up
    worker.call("warm", timeout=120)  # the models are loaded before the first customer
    if args.gc:
        import gc
        import threading
        started: dict[str, float] = {}

        def on_gc(phase: str, info: dict[str, int]) -> None:
            if phase == "start":
                started["t"] = time.perf_counter()
            else:
                ms = (time.perf_counter() - started.get("t", time.perf_counter())) * 1000
                if ms > 5:
                    print(f"  gc gen{info['generation']} {ms:.0f} ms on "
                          f"{threading.current_thread().name}, {info['collected']} collected",
                          file=sys.stderr)

        gc.callbacks.append(on_gc)
    if args.trace:
        import threading
        import traceback

        def watchdog() -> None:
            last = time.perf_counter()
            while True:
                time.sleep(0.005)
                now = time.perf_counter()
                if now - last > 0.1:
                    names = {t.ident: t.name for t in threading.enumerate()}
                    print(f"  watchdog {1000 * (now - last):.0f} ms late:", file=sys.stderr)
                    for ident, frame in sys._current_frames().items():
                        if ident == threading.get_ident():
                            continue
                        stack = traceback.extract_stack(frame)[-3:]
                        print(f"    {names.get(ident, ident)}: "
                              + " <- ".join(f"{f.name}@{Path(f.filename).name}:{f.lineno}"
                                            for f in reversed(stack)), file=sys.stderr)
                last = now

        threading.Thread(target=watchdog, name="stall-watchdog", daemon=True).start()
    results = [measure(flow, run) for run in range(1, args.runs + 1)
               for flow in (args.flow or list(FLOWS))]
    worker.close()

    load = os.getloadavg()
    print(f"GUI-thread stall ({TICK_MS} ms QTimer), {os.cpu_count()} CPUs, load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    print(f"{'flow':<15} {'run':>3} {'ticks':>6} {'time (s)':>9} {'max (ms)':>9} {'p99 (ms)':>9}"
          f" {'max / target':>13}")
    for r in results:
        print(f"{r.flow:<15} {r.run:>3} {r.ticks:>6} {r.seconds:>9.1f} {r.max_ms:>9.1f}"
              f" {r.p99_ms:>9.1f} {r.max_ms / TARGET_MAX_MS:>13.2f}")
    print()
    worst_all = 0.0
    for flow in dict.fromkeys(r.flow for r in results):
        mine = [r for r in results if r.flow == flow]
        worst = max(r.max_ms for r in mine)
        worst_all = max(worst_all, worst)
        print(f"{flow:<15} worst max {worst:6.1f} ms, median p99 "
              f"{statistics.median(r.p99_ms for r in mine):5.1f} ms, target max ≤ "
              f"{TARGET_MAX_MS:.0f} ms: ratio {worst / TARGET_MAX_MS:.2f}")
    heavy = [m for m in HEAVY if m in sys.modules]
    print(f"dlib / face_recognition in the GUI's process: {', '.join(heavy) or 'no'}")
    ok = worst_all <= TARGET_MAX_MS and not heavy
    print(f"\n{'PASS' if ok else 'FAIL'}: worst stall {worst_all:.1f} ms vs target "
          f"{TARGET_MAX_MS:.0f} ms")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
