"""Vendor-neutral card dispenser driver (XFS4IoT CardReader vocabulary) over pyserial.

``CardDispenser`` talks to a CRT-591 or a K720-style dispenser through a protocol
adapter, on its own worker thread. Every public command returns a Future. The status
model is the only place state is reported: every positive reply refreshes media,
stacker and bin; every negative reply raises its typed error *and* updates the status.

Recovery rules (so that a fault never poisons the next command):

* a line problem (no ACK, no reply, corrupt replies) marks the line dirty: the next
  command flushes stale input first, after an EOT told the device to give up;
* a lost link (closed socket, unplugged adapter) is reopened by the next command, and
  while idle by the base's supervision (:mod:`devices.base`): the status is polled every
  ``poll_interval_s`` (stacker and bin seen after a refill or an emptied bin), a lost link
  is reopened with backoff and the dispenser initialised again (a card left in place);
* "not initialised" (the device lost power) is answered by initialising (card left in
  place) and sending the refused command once more; ``NotInitialised`` is raised only if
  that fails too;
* a jam stays reported until a reset succeeds.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from concurrent.futures import Future
from pathlib import Path
from typing import Any, Literal

import serial

from devices.base import Device, DeviceError, DeviceNotReady, SelfTestResult
from devices.card_dispenser.adapters import ADAPTERS, Answer, ProtocolAdapter
from devices.card_dispenser.counts import CounterStore, DispenserCounts, Mismatch, utc_now
from devices.card_dispenser.crt591 import parse_counter, parse_sensors
from devices.card_dispenser.errors import (
    BinFull,
    CardDispenserError,
    CardJam,
    CommunicationError,
    LinkLost,
    NotInitialised,
    ProtocolError,
    SequenceError,
    StackerEmpty,
)
from devices.card_dispenser.model import (
    COUNTING_INIT,
    INIT_OPS,
    READ_ONLY_OPS,
    CardPosition,
    Op,
    Reading,
    Sensors,
    StackerLevel,
    TakeResult,
)
from devices.card_dispenser.settings import CardDispenserSettings
from devices.card_dispenser.transport import READ_SLICE_S, Timing, Transport
from devices.sim import SimURLError, sim_options, start_link
from devices.simlink import SimLink
from devices.urls import DeviceURL, parse_device_url
from kiosk_core.status import DeviceState, MediaState, SupplyState

log = logging.getLogger(__name__)

ResetTo = Literal["current", "exit", "retain"]

_MEDIA = {
    CardPosition.NONE: MediaState.NOT_PRESENT,
    CardPosition.GATE: MediaState.ENTERING,
    CardPosition.READ: MediaState.PRESENT,
}
_STACKER = {
    StackerLevel.EMPTY: SupplyState.EMPTY,
    StackerLevel.LOW: SupplyState.LOW,
    StackerLevel.OK: SupplyState.OK,
}
_RESET_OPS: dict[str, Op] = {"current": Op.INIT_KEEP, "exit": Op.INIT_GATE,
                             "retain": Op.INIT_CAPTURE}


class CardDispenser(Device):
    kind = "card_dispenser"
    supervised = True

    def __init__(self, name: str, settings: CardDispenserSettings) -> None:
        super().__init__(name, settings.url)
        self.settings = settings
        self.adapter: ProtocolAdapter = ADAPTERS[settings.protocol](settings.address)
        self.timing = Timing(ack_s=settings.ack_timeout_ms / 1000,
                             reply_s=settings.reply_timeout_ms / 1000,
                             interbyte_s=settings.interbyte_timeout_ms / 1000,
                             retries=settings.retries)
        #: The in-process simulator behind a sim:// URL (tests and demos inject faults here).
        self.simulator: Any = None
        self._link: SimLink | None = None
        self._port_url = ""
        self._transport: Transport | None = None
        self._needs_init = True
        self._jammed = False
        self._position: CardPosition | None = None
        self._bin_count: int | None = None
        self._bin_full = False
        self._counts = DispenserCounts()
        self._data_dir: Path | None = None
        self._store: CounterStore | None = None
        self._cancel_wait = threading.Event()
        self._closing = False
        self.firmware = ""
        #: The dispenser's own serial number (CRT-591 CM A2); "" where it has none.
        self.machine_id = ""

    # -- public API (every call returns a Future; the work runs on the device worker) --

    def dispense(self) -> Future[Reading]:
        """A card from the stacker to the gate (XFS Move unit1 → exit)."""
        return self.submit(self._feed, Op.DISPENSE)

    def to_read_position(self) -> Future[Reading]:
        """A card from the stacker (or the gate) to the RF/IC read position."""
        return self.submit(self._feed, Op.TO_READ)

    def move_to_ic(self) -> Future[Reading]:
        """A card from the stacker (or the gate) to the IC contact position (chip cards)."""
        return self.submit(self._feed, Op.TO_IC)

    def read_sensors(self) -> Future[Sensors]:
        """The full sensor block (CRT-591 STATUS PM 31); the only reliable "bin full" on
        some variants, so a full bin it shows is reported in the status too."""
        return self.submit(self._read_sensors)

    def machine_serial(self) -> Future[str]:
        """The dispenser's own serial number (CRT-591 CM A2), for the asset register."""
        return self.submit(self._read_machine_serial)

    def allow_entry(self, allowed: bool) -> Future[Reading]:
        """Allow (or deny) a card to be pushed in at the gate (CRT-591 ENTRY)."""
        return self.submit(self._do, Op.ENTRY_ALLOW if allowed else Op.ENTRY_DENY)

    def present(self) -> Future[Reading]:
        """The card inside the channel to the gate, without feeding a new one."""
        return self.submit(self._present)

    def read_serial(self) -> Future[str]:
        """The RF card's serial number (UID, hex) at the read position."""
        return self.submit(lambda: self._call(Op.READ_UID).data.decode("ascii", "replace"))

    def wait_taken(self, timeout: float | None = None, *, retract: bool = True
                   ) -> Future[TakeResult]:
        """Wait for the customer to take the card from the gate; retract it if not taken."""
        self._cancel_wait.clear()
        wait = self.settings.take_timeout_s if timeout is None else timeout
        return self.submit(self._wait_taken, wait, retract)

    def cancel_wait(self) -> None:
        """Stop a running wait_taken now (it then retracts or returns NOT_TAKEN)."""
        self._cancel_wait.set()

    def retract(self) -> Future[Reading]:
        """The card at the gate back into the retain bin (not taken)."""
        return self.submit(self._to_bin, "retracted")

    def capture(self) -> Future[Reading]:
        """The card in the channel into the retain bin (kept by the bank)."""
        return self.submit(self._to_bin, "captured")

    def eject(self) -> Future[Reading]:
        """Push the card out of the gate."""
        return self.submit(self._eject)

    def reset(self, to: ResetTo = "retain") -> Future[Reading]:
        """Initialise the mechanism; a card inside goes to ``to`` (XFS Reset)."""
        if to not in _RESET_OPS:
            raise ValueError(f"reset to 'current', 'exit' or 'retain', not {to!r}")
        return self.submit(self._reset, to)

    def query_status(self) -> Future[Any]:
        """Ask the device now; the Future's result is the refreshed DeviceStatus."""
        def work() -> Any:
            self._call(Op.STATUS)
            return self.status
        return self.submit(work)

    def counters(self) -> Future[dict[str, int]]:
        """dispensed / retracted / captured / taken / bin, asked of the device now (the
        bin from its retract counter where it has one); the same as ``status.counters``."""
        return self.submit(self._read_counters)

    def counts(self) -> Future[DispenserCounts]:
        """Every persisted count (presented, retained, stacker load…), after asking the
        device for its retract counter."""
        def work() -> DispenserCounts:
            self._read_counters()
            return self._snapshot()
        return self.submit(work)

    def load_stacker(self, count: int) -> Future[DispenserCounts]:
        """A technician loaded the stacker with ``count`` cards: the replenishment count
        (the stacker's remaining count starts again from it)."""
        if count < 0:
            raise ValueError(f"load_stacker: count must be >= 0, not {count}")
        return self.submit(self._load_stacker, count)

    def bin_emptied(self, removed: int) -> Future[tuple[int, DispenserCounts]]:
        """A technician emptied the retain bin, taking out ``removed`` cards (and reset the
        device's retract counter, where it keeps one). Returns the bin count before and the
        counts after: the device's counter, read again, stays the authority — a counter not
        reset still shows its cards."""
        if removed < 0:
            raise ValueError("removed must be >= 0")
        return self.submit(self._bin_emptied, removed)

    def bind_storage(self, data_dir: Path) -> None:
        """Where a relative ``counters_path`` lives (the runtime calls this before start)."""
        self._data_dir = Path(data_dir)

    def firmware_version(self) -> Future[str]:
        return self.submit(self._read_version)

    def close(self, timeout: float | None = 5.0) -> None:
        # A wait for the customer would hold the worker for up to take_timeout_s: end it
        # first (without retracting: closing is not the customer's fault).
        self._closing = True
        self._cancel_wait.set()
        super().close(timeout)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.update(protocol=self.adapter.name, firmware=self.firmware,
                    machine_serial=self.machine_id,
                    counters_file=str(self._store.path) if self._store else None,
                    counts=self._counts.as_dict(),
                    line=dict(self._transport.stats) if self._transport else {})
        return info

    # -- Device hooks ---------------------------------------------------------------

    def open(self) -> None:
        url = parse_device_url(self.url)
        if self._link is not None:  # opened again after a failure
            self._link.stop()
            self._link = None
        if url.is_sim:
            self._start_simulator(url)
        else:
            self._port_url = self.url
        self._open_store()
        self._connect()
        self._reset(None)
        self._read_version()
        if Op.MACHINE_SERIAL in self.adapter.supported:
            self._read_machine_serial()
        self._read_counters(reconcile=True)

    def poll_status(self) -> None:
        """Supervision: one status read while idle (stacker, bin, card position); the
        retract counter too where the bin has a "high" threshold, so an emptied bin shows.
        One resend at most: a live dispenser acknowledges at once, and four unanswered tries
        (a command's patience) would notice a silent line only after poll + 1.2 s."""
        transport = self._transport
        if transport is not None:
            transport.timing = dataclasses.replace(self.timing,
                                                   retries=min(1, self.timing.retries))
        try:
            self._call(Op.STATUS)
            if self.settings.bin_high and Op.BIN_COUNT in self.adapter.supported:
                self._read_counters()
        finally:
            if transport is not None:
                transport.timing = self.timing

    def reopen(self) -> None:
        """Supervision: a new connection (the sim:// simulator and its link are kept, as a
        real device stays where it is), then initialise and read everything again."""
        if self._link is None and parse_device_url(self.url).is_sim:
            self.open()  # the first open never got as far as the simulator
            return
        self._connect()
        self._needs_init = True
        self._reset(None)
        self._read_version()
        self._read_counters(reconcile=True)

    def _take_poll_s(self) -> float:
        idle = self.settings.poll_interval_s
        return min(self.settings.take_poll_s, idle) if idle > 0 else self.settings.take_poll_s

    def shutdown(self) -> None:
        self._cancel_wait.set()
        if self._transport is not None:
            try:
                self._transport.port.close()
            except (serial.SerialException, OSError):
                pass
            self._transport = None
        if self._link is not None:
            self._link.stop()
            self._link = None

    def _self_test(self) -> SelfTestResult:
        checks: dict[str, str] = {}
        try:
            self._call(Op.STATUS)
            checks["link"] = "ok"
        except DeviceError as exc:
            checks["link"] = str(exc)
        s = self.status
        checks["state"] = str(s.device)
        for name, supply in s.supplies.items():
            checks[name] = str(supply)
        ok = (checks["link"] == "ok" and s.device is DeviceState.ONLINE
              and s.supplies.get("stacker") is not SupplyState.EMPTY
              and s.supplies.get("bin") is not SupplyState.FULL)
        return SelfTestResult(ok=ok, checks=checks)

    # -- connection -----------------------------------------------------------------

    def _start_simulator(self, url: DeviceURL) -> None:
        from devices.card_dispenser.plugin import SIM
        from devices.card_dispenser.simulator import FaultError, make_simulator

        try:
            opts = sim_options(url, SIM)
            sim = make_simulator(
                self.settings.protocol, cards=opts["cards"], bin_count=opts["bin"],
                bin_capacity=opts["bin_capacity"], low_threshold=opts["low"],
                take_after=opts["take"], faults=[*opts["faults"], *opts["fault"]],
                address=self.settings.address, state_path=self._sim_state_path(opts))
        except (SimURLError, ValueError, FaultError) as exc:
            raise DeviceNotReady(f"sim:// URL {self.url!r}: {exc}") from None
        self.simulator = sim
        self._link = start_link(sim, opts["link"], baudrate=opts["baud"])
        self._port_url = self._link.url

    def _sim_state_path(self, opts: dict[str, Any]) -> Path | None:
        """``state=PATH``: relative paths are inside the bound data dir, if there is one."""
        raw = opts.get("state")
        if not raw:
            return None
        path = Path(raw)
        return path if path.is_absolute() or self._data_dir is None else self._data_dir / path

    def _connect(self) -> None:
        if self._transport is not None:
            try:
                self._transport.port.close()
            except (serial.SerialException, OSError):
                pass
            self._transport = None
        try:
            port = serial.serial_for_url(self._port_url, baudrate=self.settings.baudrate,
                                         timeout=READ_SLICE_S, write_timeout=2)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LinkLost(f"cannot open {self._port_url}: {exc}") from exc
        self._transport = Transport(port, self.adapter.new_decoder(), self.timing,
                                    enq_after_ack=self.adapter.enq_after_ack,
                                    ack_replies=self.adapter.ack_replies)

    # -- the one way a command goes to the device ---------------------------------------

    def _call(self, op: Op) -> Answer:
        if self._transport is None:
            try:
                self._connect()
            except LinkLost as exc:
                self._line_failed(exc)
                raise
        if self._needs_init and op not in INIT_OPS:
            self._exchange(Op.INIT_KEEP)
            self._needs_init = False
        try:
            return self._exchange(op)
        except LinkLost:
            if op not in READ_ONLY_OPS:
                raise
            # The link dropped since the last poll (a restarted device, a switch): one new
            # connection and the read again, instead of failing the customer's step.
            log.warning("%s: link lost during %s; reconnecting once", self.name, op.value)
            self._connect()
            return self._exchange(op)
        except NotInitialised as exc:
            if op in INIT_OPS:
                raise
            # The device lost its initialisation (a power cut): it refused the command
            # without running it, so initialise (card left in place) and send it again.
            log.warning("%s: %s; initialising and retrying", self.name, exc)
            self._exchange(Op.INIT_KEEP)
            self._needs_init = False
            answer = self._exchange(op)
            self.status_model.update(detail=f"re-initialised after: {exc}", error_code=exc.code)
            return answer

    def _exchange(self, op: Op) -> Answer:
        transport = self._transport
        assert transport is not None
        try:
            text = transport.transact(self.adapter.request(op), op.value,
                                      lambda t: self.adapter.answers(op, t))
            answer = self.adapter.parse(op, text)
        except LinkLost as exc:
            self._transport = None  # reopened by the next command
            self._line_failed(exc)
            raise
        except CommunicationError as exc:
            self._line_failed(exc)
            raise
        except ProtocolError as exc:
            transport.cancel()
            self.status_model.update(device=DeviceState.HARDWARE_ERROR, detail=str(exc),
                                     error_code="PROTOCOL")
            raise
        except CardDispenserError as exc:
            self._refused(op, exc)
            raise
        if answer.reading is not None:
            self._apply(answer.reading)
        return answer

    def _line_failed(self, exc: CardDispenserError) -> None:
        self._position = None
        # A lost link has no vendor code: name it, so the record says what kind of fault.
        code = exc.code or ("LINK_LOST" if isinstance(exc, LinkLost) else "NO_ANSWER")
        self.status_model.update(device=DeviceState.OFFLINE, detail=str(exc), error_code=code)

    def _refused(self, op: Op, exc: CardDispenserError) -> None:
        """A negative reply: learn where things are, then report the error on top."""
        if isinstance(exc, NotInitialised):
            self._needs_init = True
        elif op is not Op.STATUS:
            try:
                self._exchange(Op.STATUS)
            except CardDispenserError:
                pass  # the original error is the one to report
        # One update with the code and the words: the event (and its journal record) for
        # the new state carries what the fault is.
        detail, code = str(exc), exc.code
        if isinstance(exc, CardJam):
            self._jammed = True
            self.status_model.update(device=DeviceState.HARDWARE_ERROR, media=MediaState.JAMMED,
                                     detail=detail, error_code=code)
        elif isinstance(exc, StackerEmpty):
            self.status_model.update(supplies={"stacker": SupplyState.EMPTY}, detail=detail,
                                     error_code=code)
        elif isinstance(exc, BinFull):
            self.status_model.update(supplies={"bin": SupplyState.FULL}, detail=detail,
                                     error_code=code)
        else:
            self.status_model.update(detail=detail, error_code=code)

    def _apply(self, r: Reading) -> None:
        self._position = r.position
        self._bin_full = r.bin_full
        supplies = {"stacker": _STACKER[r.stacker], "bin": self._bin_state()}
        if self._jammed:
            self.status_model.update(device=DeviceState.HARDWARE_ERROR, media=MediaState.JAMMED,
                                     supplies=supplies)
        else:
            self.status_model.update(device=DeviceState.ONLINE, media=_MEDIA[r.position],
                                     supplies=supplies, detail="", error_code="")

    # -- commands (worker thread) -------------------------------------------------------

    def _do(self, op: Op) -> Reading:
        answer = self._call(op)
        assert answer.reading is not None
        return answer.reading

    def _init_op(self, op: Op) -> Op:
        """The counting variant where the device has one: a card this initialisation puts
        in the bin is then counted by the device's retract counter, like every capture."""
        counting = COUNTING_INIT.get(op, op)
        return counting if counting in self.adapter.supported else op

    def _feed(self, op: Op) -> Reading:
        fed = self._position is CardPosition.NONE
        reading = self._do(op)
        if fed:
            self._count("dispensed")
        if op is Op.DISPENSE and reading.position is CardPosition.GATE:
            self._count("presented")
        return reading

    def _present(self) -> Reading:
        # CRT-591: MOVE-to-gate would feed a new card into an empty channel.
        if self.adapter.present_feeds and self._do(Op.STATUS).position is CardPosition.NONE:
            exc = SequenceError("no card in the channel to present", code="")
            self.status_model.update(detail=str(exc), error_code="NO_CARD")
            raise exc
        reading = self._do(Op.PRESENT)
        if reading.position is CardPosition.GATE:
            self._count("presented")
        return reading

    def _to_bin(self, counter: str) -> Reading:
        reading = self._do(Op.CAPTURE)
        if self._bin_count is not None:
            self._bin_count += 1
        self._count(counter)
        return reading

    def _eject(self) -> Reading:
        reading = self._do(Op.EJECT)
        self._count("taken")
        return reading

    def _reset(self, to: ResetTo | None) -> Reading:
        """Initialise. ``None`` (on open): leave any card where it is."""
        op = self._init_op(_RESET_OPS[to or "current"])
        if op in self.adapter.supported:
            reading = self._do(op)
            if to == "retain" and Op.BIN_COUNT in self.adapter.supported:
                self._read_counters()  # the device may have put a card in the bin
        else:  # K720: RS, then move the card ourselves
            reading = self._do(Op.INIT_KEEP)
            if reading.position is not CardPosition.NONE and to == "retain":
                self._needs_init = False
                self._jammed = False
                reading = self._to_bin("captured")
            elif reading.position is CardPosition.READ and to == "exit":
                reading = self._do(Op.PRESENT)
        self._needs_init = False
        if self._jammed:
            self._jammed = False
            self._apply(reading)
        return reading

    def _wait_taken(self, timeout: float, retract: bool) -> TakeResult:
        deadline = time.monotonic() + timeout
        while True:
            reading = self._do(Op.STATUS)
            if reading.position is CardPosition.NONE:
                self._count("taken")
                return TakeResult.TAKEN
            if reading.position is CardPosition.READ:
                exc = SequenceError("the card is inside, not at the gate: present() it first",
                                    code="")
                self.status_model.update(detail=str(exc), error_code="NOT_AT_GATE")
                raise exc
            left = deadline - time.monotonic()
            if left <= 0 or self._cancel_wait.is_set():
                break
            self._cancel_wait.wait(min(self._take_poll_s(), left))
        if not retract or self._closing:
            return TakeResult.NOT_TAKEN
        self._to_bin("retracted")
        return TakeResult.RETRACTED

    def _read_version(self) -> str:
        self.firmware = self._call(Op.VERSION).data.decode("ascii", "replace").strip()
        return self.firmware

    def _read_machine_serial(self) -> str:
        self.machine_id = self._call(Op.MACHINE_SERIAL).data.decode("ascii", "replace").strip()
        return self.machine_id

    def _read_sensors(self) -> Sensors:
        answer = self._call(Op.SENSORS)
        sensors = parse_sensors(answer.data)
        if sensors.bin_full and not self._bin_full:
            # st2 said "not full" but the bin's own sensor is covered: believe the sensor.
            self._bin_full = True
            self.status_model.update(supplies={"bin": SupplyState.FULL})
        return sensors

    def _read_counters(self, *, reconcile: bool = False) -> dict[str, int]:
        """Ask the device for its retract counter; it wins over ours for the bin."""
        c = self._counts
        if Op.BIN_COUNT in self.adapter.supported:
            try:
                device = parse_counter(self._call(Op.BIN_COUNT).data)
            except ProtocolError as exc:
                raise ProtocolError(f"bin counter: {exc}") from None
            if reconcile and c.retained_source == "device" and device != c.retained:
                # Emptied by hand, another kiosk software, a lost write: the device counts
                # what is physically in its bin.
                log.warning("%s: retain bin count %d in %s, device says %d: using the "
                            "device's", self.name, c.retained,
                            self._store.path if self._store else "memory", device)
                c.last_mismatch = Mismatch(kiosk=c.retained, device=device, at=utc_now())
            self._bin_count = device
            c.retained_source = "device"
        elif self._bin_count is None:
            # No device counter: our own count, carried over in the file.
            self._bin_count = c.retained
            c.retained_source = "kiosk"
        self._publish_counters()
        return dict(self.status.counters)

    def _load_stacker(self, count: int) -> DispenserCounts:
        c = self._counts
        c.stacker_loaded, c.dispensed_since_load = count, 0
        log.info("%s: stacker loaded with %d cards", self.name, count)
        self._publish_counters()
        return self._snapshot()

    def _bin_emptied(self, removed: int) -> tuple[int, DispenserCounts]:
        before = self._counts.retained
        if Op.BIN_COUNT in self.adapter.supported:
            self._read_counters()
        else:
            self._bin_count = 0
        log.info("%s: retain bin emptied, %d cards removed (count was %d, now %s)",
                 self.name, removed, before, self._bin_count)
        self._publish_counters()
        try:  # the bin sensor (st2) as the device sees it now
            self._call(Op.STATUS)
        except DeviceError as exc:
            log.warning("%s: status after emptying the bin: %s", self.name, exc)
        return before, self._snapshot()

    def _count(self, name: str) -> None:
        c = self._counts
        setattr(c, name, getattr(c, name) + 1)
        if name == "dispensed":
            c.dispensed_since_load += 1
        self._publish_counters()

    def _snapshot(self) -> DispenserCounts:
        return dataclasses.replace(self._counts)

    def _publish_counters(self) -> None:
        c = self._counts
        counters = {"dispensed": c.dispensed, "retracted": c.retracted,
                    "captured": c.captured, "taken": c.taken}
        if self._bin_count is not None:
            counters["bin"] = c.retained = self._bin_count
        self._save_counts()
        self.status_model.update(counters=counters, supplies={"bin": self._bin_state()})

    # -- the counters file ------------------------------------------------------------

    def _open_store(self) -> None:
        """Resolve ``counters_path`` and load what the last run left (once per driver)."""
        if self._store is not None or not self.settings.counters_path:
            return
        path = Path(self.settings.counters_path)
        if not path.is_absolute():
            if self._data_dir is None:
                log.info("%s: no data dir bound: card counts kept in memory only", self.name)
                return
            path = self._data_dir / path
        store = CounterStore(path)
        try:
            saved = store.load()
        except ValueError as exc:
            # Never lose it silently, never refuse to issue cards over it: set it aside.
            aside = path.with_name(f"{path.name}.bad-{int(time.time())}")
            log.error("%s: %s; moved to %s, counting from zero", self.name, exc, aside)
            try:
                path.replace(aside)
            except OSError:
                pass
            saved = None
        if saved is not None:
            self._counts = saved
        self._store = store

    def _save_counts(self) -> None:
        if self._store is None:
            return
        try:
            self._store.save(self._counts)
        except OSError as exc:  # a full disk must not stop a card at the gate
            log.error("%s: cannot write %s: %s", self.name, self._store.path, exc)
            self.status_model.update(detail=f"counters not saved: {exc}",
                                     error_code="COUNTERS_WRITE")

    def _bin_state(self) -> SupplyState:
        if self._bin_full:
            return SupplyState.FULL
        if (self.settings.bin_high and self._bin_count is not None
                and self._bin_count >= self.settings.bin_high):
            return SupplyState.HIGH
        return SupplyState.OK


def create(name: str, settings: CardDispenserSettings) -> CardDispenser:
    """Registry entry point: an unopened dispenser for ``[devices.card_dispenser]``."""
    return CardDispenser(name, settings)
