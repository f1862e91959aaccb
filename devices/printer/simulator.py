"""A receipt printer that speaks ESC/POS, on TCP (JetDirect style) or a pty.

It answers DLE EOT 1-4 and DLE ENQ on receipt, ahead of the print data still in its buffer
(a real printer's real-time commands: answered while it prints, and even when stopped), keeps
a paper
roll that runs down as it prints, can be told to fail (paper out mid-job, near end, cover
open, offline, cutter error, unrecoverable error) and renders every job it receives to a
PNG with :mod:`devices.printer.render`.

Fault model (like an Epson TM printer with "clear buffer on error"): when printing stops,
the rest of the job is discarded and the partial paper is saved as an *incomplete* page;
the printer ignores print data until the host initialises it again (ESC @), which every
job from our driver starts with.

The page model records for each job what a customer would find at the slot: a whole page
that was cut, a whole page the jammed cutter could not cut (``complete``, not ``cut``), or
a stub that stopped part-way (neither). ``disconnect`` cuts the line (a pulled cable, a
dropped network link): mid-job, what the printer had received is printed, uncut.

Print data goes through a receive buffer, as in a real printer: behind a link, a print-engine
thread works the buffer while the link's thread goes on reading the line and answering
real-time commands from the sensors (:meth:`condition` takes no lock), so a status query is
answered even while the engine spends a second loading a font or rendering a page on a
loaded machine; ``speed_mm_s`` paces the paper like a print head (a TM-T88V prints about
300 mm/s). Fed directly (no link), each call prints everything it was given before it
returns.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from devices.printer.escpos_parse import Command, CommandParser
from devices.printer.render import EscPosRenderer, RenderedPage
from devices.printer.rtstatus import PrinterCondition, encode
from devices.simlink import ByteSimulator

log = logging.getLogger(__name__)

DOTS_PER_MM = 180 / 25.4
ROLL_MM = 20_000  # a fresh 80 mm roll: about 20 m
NEAR_END_MM = 1_500  # the near-end sensor trips with this much left
PAPER_LEVELS = {"ok": ROLL_MM, "near-end": 1_000, "out": 0}
FAULTS = ("paper-out", "near-end", "cover-open", "offline", "cutter-error", "unrecoverable",
          "disconnect")
#: How far into the next job a mid-job fault strikes (dots of paper printed).
MID_JOB_DOTS = 200
#: Commands a printer acts on when they arrive, not in buffer order (ESC/POS "real-time").
REALTIME = frozenset({"DLE EOT", "DLE ENQ"})
#: The print-engine thread ends after this long with nothing to print (started again by the
#: next job); :meth:`PrinterSimulator.stop` (the link stopped) ends it at once.
ENGINE_IDLE_S = 30.0


class SimulatorError(ValueError):
    pass


@dataclass
class SimPage:
    number: int
    page: RenderedPage
    path: Path | None

    @property
    def complete(self) -> bool:
        """Everything up to the job's cut was printed."""
        return self.page.complete

    @property
    def cut(self) -> bool:
        return self.page.cut

    @property
    def state(self) -> str:
        """``cut`` (whole and cut), ``not cut`` (whole, hanging uncut) or ``partial``."""
        if not self.page.complete:
            return "partial"
        return "cut" if self.page.cut else "not cut"

    def describe(self) -> str:
        """As ``kiosk sim printer`` announces it: ``complete``, ``complete, not cut:
        cutter error`` or ``incomplete: paper out``."""
        if not self.page.complete:
            return f"incomplete: {self.page.reason}"
        return "complete" if self.page.cut else f"complete, not cut: {self.page.reason}"


class PrinterSimulator(ByteSimulator):
    def __init__(self, *, paper: str = "ok", out_dir: str | Path | None = None,
                 keep_pages: int = 100, speed_mm_s: float = 0.0,
                 on_page: Callable[[SimPage], None] | None = None) -> None:
        super().__init__()
        if paper not in PAPER_LEVELS:
            raise SimulatorError(f"paper must be one of {', '.join(PAPER_LEVELS)}, got '{paper}'")
        if speed_mm_s < 0:
            raise SimulatorError(f"speed_mm_s must be 0 (instant) or more, got {speed_mm_s}")
        self.speed_mm_s = speed_mm_s
        self.paper_dots = round(PAPER_LEVELS[paper] * DOTS_PER_MM)
        self.out_dir = Path(out_dir) if out_dir else None
        if self.out_dir:
            self.out_dir.mkdir(parents=True, exist_ok=True)
        self.keep_pages = keep_pages
        self.on_page = on_page
        self.pages: list[SimPage] = []
        self.cover_open = False
        self.forced_offline = False
        self.cutter_error = False
        self.cutter_jammed = False
        self.unrecoverable = False
        self.stopped = False  # printing stopped by a fault: data dropped until ESC @
        self.cut_off = False  # ...by a cut line: not even the job's end-of-job query arrives
        self.job_count = 0
        self.bytes_received = 0
        self.dropped_bytes = 0
        self._armed: dict[str, int] = {}  # fault -> dots into the job at which it strikes
        self._job_dots = 0
        self._lock = threading.RLock()
        self._parser = CommandParser()
        self._buffer: deque[Command] = deque()  # received, not printed yet (engine's input)
        self._engine: threading.Thread | None = None
        self._engine_wake = threading.Condition(threading.Lock())
        self._engine_stop = False
        self._busy_until = 0.0  # the print head is moving paper until then (speed_mm_s)
        self._drop_pending = False  # a disconnect struck on the engine: the link drops it
        self.renderer = EscPosRenderer(on_page=self._page_done, on_advance=self._advance)
        self._page_event = threading.Condition(self._lock)

    # -- control (tests, CLI) -------------------------------------------------------------

    def inject(self, fault: str, *, mid_job: bool = False, at_dots: int | None = None) -> None:
        """Make ``fault`` happen now, or (``mid_job``) part-way through the next job:
        ``at_dots`` dots of paper into it (default :data:`MID_JOB_DOTS`; a text line is
        about 30), e.g. the roll running out after a few lines.

        ``cutter-error`` always strikes at the next cut; ``near-end`` sets the paper level.
        """
        if fault not in FAULTS:
            raise SimulatorError(f"unknown fault '{fault}' (use {', '.join(FAULTS)})")
        if at_dots is not None and at_dots < 1:
            raise SimulatorError(f"at_dots must be at least 1, got {at_dots}")
        with self._lock:
            if fault == "near-end":
                self.paper_dots = min(self.paper_dots, round(1_000 * DOTS_PER_MM))
            elif fault == "cutter-error":
                self.cutter_jammed = True
            elif mid_job or at_dots is not None:
                self._armed[fault] = at_dots or MID_JOB_DOTS
            else:
                self._strike(fault)

    def clear(self, fault: str | None = None) -> None:
        """A technician fixed ``fault`` (all if None): cover closed, paper loaded, jam cleared."""
        with self._lock:
            if fault in (None, "paper-out", "near-end"):
                self.paper_dots = round(ROLL_MM * DOTS_PER_MM)
            if fault in (None, "cover-open"):
                self.cover_open = False
            if fault in (None, "offline"):
                self.forced_offline = False
            if fault in (None, "cutter-error"):
                self.cutter_jammed = self.cutter_error = False
            if fault in (None, "unrecoverable"):
                self.unrecoverable = False  # power-cycled
            if fault is None:
                self._armed.clear()
            else:
                self._armed.pop(fault, None)

    def load_paper(self, mm: float = ROLL_MM) -> None:
        with self._lock:
            self.paper_dots = round(mm * DOTS_PER_MM)

    @property
    def paper_mm(self) -> float:
        return self.paper_dots / DOTS_PER_MM

    def condition(self) -> PrinterCondition:
        """What the sensors say now. No lock: the link thread answers DLE EOT from this while
        the engine holds the lock for a page (each flag read is atomic; a real printer's
        status is as old as its last sensor scan)."""
        paper_end = self.paper_dots <= 0
        error = self.cutter_error or self.unrecoverable
        offline = paper_end or self.cover_open or self.forced_offline or error
        return PrinterCondition(
            offline=offline,
            waiting_recovery=self.forced_offline,
            cover_open=self.cover_open,
            stopped_paper_end=paper_end,
            error=error,
            cutter_error=self.cutter_error,
            unrecoverable=self.unrecoverable,
            paper_near_end=self.paper_dots < NEAR_END_MM * DOTS_PER_MM,
            paper_end=paper_end,
        )

    def wait_for_pages(self, count: int, timeout: float = 5.0) -> list[SimPage]:
        """Block until at least ``count`` pages exist (tests)."""
        with self._page_event:
            self._page_event.wait_for(lambda: len(self.pages) >= count, timeout=timeout)
            return list(self.pages)

    # -- bytes from the host --------------------------------------------------------------

    @property
    def buffered(self) -> int:
        """Commands received and not printed yet."""
        with self._engine_wake:
            return len(self._buffer)

    def next_tick(self) -> float | None:
        return 0.0 if self._drop_pending else None  # otherwise it only answers bytes

    def tick(self) -> None:
        if self._drop_pending:
            self._drop_pending = False
            link = self.link
            if link is not None:
                link.drop()

    def on_bytes(self, data: bytes) -> None:
        """Bytes from the host (the link's thread): real-time commands answered now, the
        rest into the buffer for the engine."""
        self.bytes_received += len(data)
        direct: list[Command] = []
        with self._engine_wake:
            for cmd in self._parser.feed(data):
                if cmd.name in REALTIME:
                    self._realtime(cmd)
                elif self.link is None:
                    direct.append(cmd)
                else:
                    self._buffer.append(cmd)
            if self._buffer:
                self._start_engine()
                self._engine_wake.notify()
        if direct:  # fed directly: printed before the call returns
            with self._lock:
                for cmd in direct:
                    self._handle(cmd)

    def _realtime(self, cmd: Command) -> None:
        if cmd.name == "DLE EOT":
            n = cmd.arg[0]
            if 1 <= n <= 4:
                self.send(encode(self.condition())[n - 1:n])
        elif cmd.name == "DLE ENQ" and self.cutter_error and not self.cutter_jammed:
            # Recover from a recoverable error (2: and clear the buffer) once its cause is gone.
            self.cutter_error = False

    def stop(self) -> None:
        with self._engine_wake:
            engine, self._engine = self._engine, None
            self._engine_stop = True
            self._engine_wake.notify_all()
        if engine is not None and engine is not threading.current_thread():
            engine.join(timeout=2)

    def _start_engine(self) -> None:
        if self._engine is None or not self._engine.is_alive():
            self._engine_stop = False
            self._engine = threading.Thread(target=self._run_engine, daemon=True,
                                            name="sim-printer-engine")
            self._engine.start()

    def _run_engine(self) -> None:
        me = threading.current_thread()
        while True:
            with self._engine_wake:
                self._engine_wake.wait_for(lambda: bool(self._buffer) or self._engine_stop
                                           or self._engine is not me, ENGINE_IDLE_S)
                if not self._buffer or self._engine_stop or self._engine is not me:
                    if self._engine is me:
                        self._engine = None
                    return
                cmd = self._buffer.popleft()
            try:
                with self._lock:
                    self._handle(cmd)
            except Exception:
                log.exception("printer simulator failed on %s", cmd.name)
            wait = self._busy_until - time.monotonic()
            if wait > 0:
                time.sleep(wait)  # the print head feeding that much paper

    def _handle(self, cmd: Command) -> None:
        """One buffered command, in order (the engine, or a direct feed; under the lock)."""
        if cmd.name == "GS r":  # paper sensor status via the buffer: not answered when stopped
            if self.cut_off:
                # The line was cut mid-job: the rest of that job (its end-of-job query too)
                # never reached the printer, whatever bytes a pty still passes on.
                self.dropped_bytes += len(cmd.arg) + 1
                return
            if not self.condition().offline:
                cond = self.condition()
                self.send(bytes([(0x0C if cond.paper_near_end else 0)]))
            return
        if cmd.name == "ESC @" and self.stopped and self._can_print():
            self.stopped = False
            self.cut_off = False  # a new job: the host is talking to the printer again
        if self.stopped or not self._can_print():
            self.dropped_bytes += len(cmd.arg) + 1
            if not self.stopped:
                self._stop("printer not ready")
            return
        if cmd.name == "ESC @" and not self.renderer.page_started:
            self._job_dots = 0
        if cmd.name in ("GS V", "ESC i", "ESC m") and self.cutter_jammed:
            # The whole job is on the paper; the blade jams, so it hangs uncut.
            feed = cmd.arg[1] if cmd.name == "GS V" and len(cmd.arg) > 1 else 0
            self.renderer.cut(feed, blade_ok=False)  # the feed before the blade still runs
            self.cutter_error = True
            self.stopped = True
            self.renderer.initialize()
            return
        self.renderer.execute(cmd)

    # -- internals ----------------------------------------------------------------------------

    def _can_print(self) -> bool:
        c = self.condition()
        return not c.offline

    def _strike(self, fault: str) -> None:
        if fault == "paper-out":
            self.paper_dots = 0
        elif fault == "cover-open":
            self.cover_open = True
        elif fault == "offline":
            self.forced_offline = True
        elif fault == "unrecoverable":
            self.unrecoverable = True
        elif fault == "disconnect":
            # What came before is on the paper, uncut; the rest never arrives.
            self.stopped = True
            self.cut_off = True
            with self._engine_wake:
                self.dropped_bytes += sum(len(c.arg) + 1 for c in self._buffer)
                self._buffer.clear()  # not printed yet: lost with the line
            if self.renderer.page_started:
                self.renderer.finish_page(complete=False, reason="connection lost")
            self.renderer.initialize()
            self._drop_link()

    def _drop_link(self) -> None:
        """Cut the line on the link's own thread (it owns the socket); at once otherwise."""
        link = self.link
        if link is None:
            return
        if threading.current_thread() is self._engine:
            self._drop_pending = True
            self.wake()
        else:
            link.drop()

    def _stop(self, reason: str) -> None:
        self.stopped = True
        if self.renderer.page_started:
            self.renderer.finish_page(complete=False, reason=reason)
        self.renderer.initialize()

    def _advance(self, dots: int) -> bool:
        """Paper used by the renderer; False once printing had to stop."""
        if self.speed_mm_s and threading.current_thread() is self._engine:
            start = max(self._busy_until, time.monotonic())
            self._busy_until = start + dots / DOTS_PER_MM / self.speed_mm_s
        self.paper_dots = max(0, self.paper_dots - dots)
        self._job_dots += dots
        for fault, at in list(self._armed.items()):
            if self._job_dots >= at:
                del self._armed[fault]
                self._strike(fault)
        if self.stopped:  # disconnected: the page was ended there
            return False
        if self._can_print():
            return True
        c = self.condition()
        reason = ("paper out" if c.paper_end else "cover open" if c.cover_open
                  else "unrecoverable error" if c.unrecoverable else "offline")
        self._stop(reason)
        return False

    def _page_done(self, page: RenderedPage) -> None:
        self.job_count += 1
        path = None
        if self.out_dir is not None:
            suffix = "" if page.complete else "-incomplete"
            path = self.out_dir / f"job-{self.job_count:04d}{suffix}.png"
            page.image.save(path)
        sp = SimPage(self.job_count, page, path)
        self.pages.append(sp)
        del self.pages[:-self.keep_pages]
        self._job_dots = 0
        with self._page_event:
            self._page_event.notify_all()
        if self.on_page is not None:
            try:
                self.on_page(sp)
            except Exception:
                log.exception("on_page listener failed")


def condition_summary(c: PrinterCondition) -> str:
    problems = c.problems
    return "; ".join(problems) if problems else "ready, paper ok"


__all__ = ["FAULTS", "PAPER_LEVELS", "PrinterSimulator", "SimPage", "SimulatorError",
           "condition_summary"]
