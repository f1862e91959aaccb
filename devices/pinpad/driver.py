"""Encrypting PIN pad driver (XFS4IoT KeyboardPinPad vocabulary) over pyserial, SBEPP/1.

``PinPad`` runs every exchange on its own worker thread and returns Futures. The status
model (after XFS4IoT Common.Status) is refreshed by every status reply and every refusal:

* tamper (keys erased) → ``fraudAttempt``; a stuck key → ``hardwareError``;
* a PIN entry running → ``deviceBusy``;
* no reply, a dropped link → ``offline``; the next command reconnects and flushes stale
  input first (a late reply must not answer the next command); while idle the base's
  supervision polls the status and reopens a lost link with backoff (:mod:`devices.base`).

Key events arrive unsolicited while ``get_pin`` runs on the worker; they are handed to the
caller's ``on_key`` on that worker thread (a UI marshals them to its own thread).

Function keys with no PIN (voice navigation, :meth:`PinPad.watch_keys`): while a listener is
set, a function-key entry (START_KEYS) runs on the worker whenever nothing else is queued.
It yields to any command (a PIN entry, a status read…) and comes back after it, so the keys
move between a screen's choices but never while a PIN is typed; it reads the status at the
poll interval itself (the base does not poll while it runs).
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import serial

from devices.base import Device, DeviceError, DeviceNotReady, DeviceTimeout, SelfTestResult
from devices.pinpad import protocol as p
from devices.pinpad.errors import (
    BadReply,
    KeyStuck,
    LinkLost,
    PinPadError,
    PinPadLineError,
    Tampered,
    error_for,
)
from devices.pinpad.model import EntryCompletion, KeyInfo, OnKey, PinBlockFormat, PinEntry
from devices.pinpad.settings import PinPadSettings
from devices.sim import SimURLError, sim_options, start_link
from devices.simlink import SimLink
from devices.urls import DeviceURL, parse_device_url
from kiosk_core.status import DeviceState, DeviceStatus, MediaState

log = logging.getLogger(__name__)

READ_SLICE_S = 0.02
_ENDS = {p.KeyName.ENTER: EntryCompletion.ENTER, p.KeyName.CANCEL: EntryCompletion.CANCEL,
         p.KeyName.TIMEOUT: EntryCompletion.TIMEOUT}

#: Commands that may be sent again after a dropped link: reads, and loading the same
#: encrypted working key (its KCV is checked either way). Never an entry or a PIN block.
RESENDABLE = frozenset({p.Cmd.STATUS, p.Cmd.KEY_LIST, p.Cmd.IMPORT_KEY, p.Cmd.RESET})


class PinPad(Device):
    kind = "pinpad"
    #: Polled while idle and reopened after a lost link by the base (devices.base).
    supervised = True

    def __init__(self, name: str, settings: PinPadSettings) -> None:
        super().__init__(name, settings.url)
        self.settings = settings
        #: The in-process simulator behind a sim:// URL (tests and demos press keys here).
        self.simulator: Any = None
        self._link: SimLink | None = None
        self._port_url = ""
        self._port: serial.SerialBase | None = None
        self._fd: int | None = None
        self._decoder = p.Decoder()
        self._frames: deque[p.Frame] = deque()
        self._dirty = True
        self._cancel = threading.Event()
        self._in_entry = threading.Event()
        self._key_listener: Callable[[str], None] | None = None
        self._keys_queued = False  # a function-key entry is queued or running
        self._keys_lock = threading.Lock()
        self._pin_held = False  # ENTER ended an entry: the pad holds a PIN for its block
        self._write_lock = threading.Lock()
        self._closing = False
        self.firmware = ""
        self.line_stats = {"bad_frames": 0, "garbage_bytes": 0, "timeouts": 0,
                           "stale_replies": 0, "stray_events": 0}
        self._counters = {"pin_entries": 0, "pins_entered": 0, "cancelled": 0, "timed_out": 0,
                          "pin_blocks": 0, "keys_imported": 0}

    # -- public API (Futures; the work runs on the device worker) -------------------------

    def reset(self) -> Future[p.PadStatus]:
        """End any PIN entry (the PIN is wiped) and read the status."""
        def work() -> p.PadStatus:
            st = self._status_cmd(p.Cmd.RESET)
            self._pin_held = False
            self._arm_keys()
            return st
        return self.submit(work)

    def query_status(self) -> Future[DeviceStatus]:
        def work() -> DeviceStatus:
            self._status_cmd(p.Cmd.STATUS)
            return self.status
        return self.submit(work)

    def load_master_key(self, key: bytes, algorithm: str) -> Future[bytes]:
        """Clear master key (key ceremony only: refused with ``NotInCeremony`` otherwise)."""
        def work() -> bytes:
            return self._call(p.Cmd.LOAD_MASTER, p.load_master_data(key, algorithm),
                              "load master key")
        return self.submit(work)

    def import_key(self, name: str, wrapped_key: bytes, kcv: bytes, algorithm: str
                   ) -> Future[bytes]:
        def work() -> bytes:
            data = p.import_key_data(name, wrapped_key, kcv, algorithm)
            check = self._call(p.Cmd.IMPORT_KEY, data, f"import key {name}")
            self._count("keys_imported")
            return check
        return self.submit(work)

    def key_info(self) -> Future[list[KeyInfo]]:
        def work() -> list[KeyInfo]:
            try:
                return p.parse_key_list(self._call(p.Cmd.KEY_LIST, b"", "key list"))
            except p.MalformedReply as exc:
                raise BadReply(f"key list: {exc}", code="PROTOCOL") from exc
        return self.submit(work)

    def get_pin(self, min_len: int, max_len: int, timeout: float,
                on_key: OnKey | None = None) -> Future[PinEntry]:
        data = p.start_entry_data(min_len, max_len, timeout)  # bad limits fail in the caller
        self._cancel.clear()
        return self.submit(self._get_pin, data, timeout, on_key)

    def cancel_pin(self) -> None:
        self._cancel.set()

    def watch_keys(self, on_key: Callable[[str], None] | None) -> None:
        """Report function keys (``"clear"``, ``"backspace"``, ``"cancel"``, ``"enter"``) to
        ``on_key`` on the worker while no PIN entry or other command runs; None stops it."""
        with self._keys_lock:
            self._key_listener = on_key
        if on_key is not None:
            self._arm_keys()

    def _arm_keys(self) -> None:
        with self._keys_lock:
            if self._keys_queued or self._key_listener is None or self._closed.is_set():
                return
            self._keys_queued = True
        fut = self.submit(self._watch_keys)
        fut.add_done_callback(lambda f: f.exception())  # a lost link is reported by status

    def end_entry(self) -> Future[None]:
        """Wipe a PIN held after ENTER without making a block (the flow went another way)."""
        def work() -> None:
            self._call(p.Cmd.END_ENTRY, b"", "end PIN entry")
            self._pin_held = False
            self._arm_keys()
        return self.submit(work)

    def get_pin_block(self, pan: str, format: PinBlockFormat = 0, key: str | None = None
                      ) -> Future[bytes]:
        data = p.pin_block_data(key or self.settings.pin_key, format, pan)

        def work() -> bytes:
            block = self._call(p.Cmd.GET_PIN_BLOCK, data, f"PIN block format {format}")
            self._pin_held = False  # the pad wiped it
            self._arm_keys()
            if len(block) != (8 if format == 0 else 16):
                raise BadReply(f"PIN block of {len(block)} bytes for format {format}")
            self._count("pin_blocks")
            return block
        return self.submit(work)

    def press(self, keys: str) -> Future[None]:
        """Simulator only (SIM_PRESS): a scripted customer presses ``keys`` (0-9, C, B, X,
        E). During a ``get_pin`` the frame is written at once from the caller's thread
        (the worker is reading the entry's events; the reply is skipped there)."""
        data = keys.encode("ascii")
        if self._in_entry.is_set() and self._port is not None:
            done: Future[None] = Future()
            try:
                self._write(p.encode_frame(p.Cmd.SIM_PRESS, data))
                done.set_result(None)
            except LinkLost as exc:
                done.set_exception(exc)
            return done

        def work() -> None:
            self._call(p.Cmd.SIM_PRESS, data, "press keys")
        return self.submit(work)

    def close(self, timeout: float | None = 5.0) -> None:
        self._closing = True
        self._cancel.set()
        super().close(timeout)

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info.update(firmware=self.firmware, line=dict(self.line_stats))
        return info

    # -- Device hooks ---------------------------------------------------------------------

    def open(self) -> None:
        url = parse_device_url(self.url)
        if self._link is not None:
            self._link.stop()
            self._link = None
        if url.is_sim:
            self._start_simulator(url)
        else:
            self._port_url = self.url
        self._connect()
        self._status_cmd(p.Cmd.RESET)
        self._pin_held = False
        self._arm_keys()  # (re)opened: function keys again when someone listens

    #: An idle STATUS is answered in milliseconds by a live pad: waiting the full command
    #: time-out for it would notice a silent line only after poll + 2 s.
    POLL_REPLY_S = 0.5

    def poll_status(self) -> None:
        """Supervision: one STATUS while idle (never during a PIN entry: that is a command)."""
        self._status_cmd(p.Cmd.STATUS, reply_s=min(self.POLL_REPLY_S,
                                                   self.settings.reply_timeout_ms / 1000))

    def reopen(self) -> None:
        """Supervision: a new connection (a sim:// simulator and its keys are kept), then
        RESET, which reads the status again."""
        if self._link is None and parse_device_url(self.url).is_sim:
            self.open()
            return
        self._connect()
        self._status_cmd(p.Cmd.RESET)
        self._pin_held = False
        self._arm_keys()

    def shutdown(self) -> None:
        self._cancel.set()
        self._disconnect()
        if self._link is not None:
            self._link.stop()
            self._link = None

    def _self_test(self) -> SelfTestResult:
        checks: dict[str, str] = {}
        try:
            st = self._status_cmd(p.Cmd.STATUS)
            checks["link"] = "ok"
            checks["tamper"] = "tampered: keys erased" if st.tampered else "ok"
            checks["keys"] = "ok" if not st.key_stuck else "a key is stuck"
            checks["master key"] = "loaded" if st.master_loaded else "missing"
        except DeviceError as exc:
            checks["link"] = str(exc)
        ok = all(v in ("ok", "loaded") for v in checks.values())
        return SelfTestResult(ok=ok and self.status.device is DeviceState.ONLINE, checks=checks)

    # -- connection -----------------------------------------------------------------------

    def _start_simulator(self, url: DeviceURL) -> None:
        from devices.pinpad.plugin import SIM
        from devices.pinpad.simulator import FaultError, PinPadSimulator

        try:
            opts = sim_options(url, SIM)
            sim = PinPadSimulator(
                master=opts["master"], master_algorithm=opts["master_alg"],
                pin=opts.get("pin"), keys=opts.get("keys"), key_delay=opts["key_delay"],
                ceremony=opts["ceremony"], faults=[*opts["faults"], *opts["fault"]])
        except (SimURLError, ValueError, FaultError) as exc:
            raise DeviceNotReady(f"sim:// URL {self.url!r}: {exc}") from None
        self.simulator = sim
        self._link = start_link(sim, opts["link"], baudrate=opts["baud"])
        self._port_url = self._link.url

    def _connect(self) -> None:
        self._disconnect()
        try:
            port = serial.serial_for_url(self._port_url, baudrate=self.settings.baudrate,
                                         timeout=READ_SLICE_S, write_timeout=2)
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LinkLost(f"cannot open {self._port_url}: {exc}") from exc
        self._port = port
        self._fd = None
        if isinstance(port, serial.Serial):
            try:
                self._fd = port.fileno()
            except (serial.SerialException, OSError, ValueError):
                self._fd = None
        self._dirty = True

    def _disconnect(self) -> None:
        port, self._port = self._port, None
        if port is not None:
            try:
                port.close()
            except (serial.SerialException, OSError):
                pass

    # -- line -----------------------------------------------------------------------------

    def _read_some(self, wait: float) -> bytes:
        port = self._port
        assert port is not None
        try:
            if self._fd is not None:
                ready, _, _ = select.select([self._fd], [], [], max(0.0, wait))
                return os.read(self._fd, 4096) if ready else b""
            return bytes(port.read(port.in_waiting or 1))
        except (serial.SerialException, OSError, ValueError) as exc:
            raise LinkLost(f"read failed: {exc}") from exc

    def _next_frame(self, deadline: float) -> p.Frame | None:
        """The next good frame before ``deadline`` (monotonic), or None."""
        last_rx = time.monotonic()
        interbyte = self.settings.interbyte_timeout_ms / 1000
        while True:
            if self._frames:
                return self._frames.popleft()
            now = time.monotonic()
            if self._decoder.pending and now - last_rx >= interbyte:
                self._queue(self._decoder.expire())
                continue
            if now >= deadline:
                return None
            wait = min(deadline - now, READ_SLICE_S * 5)
            if self._decoder.pending:
                wait = min(wait, max(0.0, last_rx + interbyte - now))
            data = self._read_some(wait)
            if data:
                last_rx = time.monotonic()
                self._queue(self._decoder.feed(data))

    def _queue(self, events: list[p.Event]) -> None:
        for ev in events:
            if isinstance(ev, p.Frame):
                self._frames.append(ev)
            elif isinstance(ev, p.BadFrame):
                self.line_stats["bad_frames"] += 1
            else:
                self.line_stats["garbage_bytes"] += len(ev.raw)

    def _flush(self) -> None:
        self._frames.clear()
        self._decoder.reset()
        assert self._port is not None
        try:
            self._port.reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"flush failed: {exc}") from exc
        self._dirty = False

    def _write(self, frame: bytes) -> None:
        port = self._port
        if port is None:
            raise LinkLost("not connected")
        try:
            with self._write_lock:
                port.write(frame)
        except (serial.SerialException, OSError) as exc:
            raise LinkLost(f"write failed: {exc}") from exc

    # -- the one way a command goes to the pad ----------------------------------------------

    def _transact(self, cmd: p.Cmd, data: bytes, what: str,
                  reply_s: float | None = None) -> tuple[p.Result | int, bytes]:
        if self._port is None:
            self._connect()
        if self._dirty:
            self._flush()
        self._write(p.encode_frame(cmd, data))
        wait_s = reply_s if reply_s is not None else self.settings.reply_timeout_ms / 1000
        deadline = time.monotonic() + wait_s
        while True:
            frame = self._next_frame(deadline)
            if frame is None:
                self.line_stats["timeouts"] += 1
                self._dirty = True
                raise PinPadLineError(f"{what}: no reply within {round(wait_s * 1000)} ms",
                                      code="NO_REPLY")
            if frame.cmd == cmd | p.REPLY_BIT:
                return p.result_of(frame.data)
            if frame.cmd == p.Cmd.EVENT:
                self.line_stats["stray_events"] += 1  # a key with no entry waiting for it
            else:
                self.line_stats["stale_replies"] += 1

    def _call(self, cmd: p.Cmd, data: bytes, what: str, reply_s: float | None = None) -> bytes:
        """Send ``cmd``; the reply's data after an OK result, or the typed refusal."""
        try:
            try:
                result, rest = self._transact(cmd, data, what, reply_s)
            except LinkLost:
                if cmd not in RESENDABLE:
                    raise
                # The link dropped since the last poll (the pad's box restarted, a switch):
                # these commands change nothing twice, so one new connection and again.
                log.warning("%s: link lost during %s; reconnecting once", self.name, what)
                self._disconnect()
                result, rest = self._transact(cmd, data, what, reply_s)
        except LinkLost as exc:
            self._disconnect()
            self._line_failed(exc)
            raise
        except PinPadLineError as exc:
            self._line_failed(exc)
            raise
        except p.MalformedReply as exc:
            self._dirty = True
            self.status_model.update(device=DeviceState.HARDWARE_ERROR, detail=str(exc),
                                     error_code="PROTOCOL")
            raise BadReply(f"{what}: {exc}", code="PROTOCOL") from exc
        if result is p.Result.OK:
            return rest
        exc2 = error_for(result, what, rest)
        if isinstance(exc2, Tampered):
            self.status_model.update(device=DeviceState.FRAUD_ATTEMPT, detail=str(exc2),
                                     error_code="TAMPER")
        elif isinstance(exc2, KeyStuck):
            self.status_model.update(device=DeviceState.HARDWARE_ERROR, detail=str(exc2),
                                     error_code="KEY_STUCK")
        else:
            self.status_model.update(detail=str(exc2), error_code=exc2.code)
        raise exc2

    def _line_failed(self, exc: PinPadError) -> None:
        # A lost link has no vendor code: name it, so the record says what kind of fault.
        code = exc.code or ("LINK_LOST" if isinstance(exc, LinkLost) else "NO_ANSWER")
        self.status_model.update(device=DeviceState.OFFLINE, detail=str(exc), error_code=code)

    def _status_cmd(self, cmd: p.Cmd, reply_s: float | None = None) -> p.PadStatus:
        try:
            st = p.parse_status(self._call(cmd, b"", cmd.name.lower(), reply_s))
        except p.MalformedReply as exc:
            raise BadReply(f"status: {exc}", code="PROTOCOL") from exc
        self.firmware = st.firmware
        self._apply(st)
        return st

    def _apply(self, st: p.PadStatus) -> None:
        if st.tampered:
            self.status_model.update(device=DeviceState.FRAUD_ATTEMPT,
                                     media=MediaState.NOT_SUPPORTED,
                                     detail="tampered: keys erased", error_code="TAMPER")
        elif st.key_stuck:
            self.status_model.update(device=DeviceState.HARDWARE_ERROR,
                                     media=MediaState.NOT_SUPPORTED, detail="a key is stuck",
                                     error_code="KEY_STUCK")
        else:
            state = DeviceState.BUSY if st.state is p.EntryState.ENTRY else DeviceState.ONLINE
            self.status_model.update(device=state, media=MediaState.NOT_SUPPORTED, detail="",
                                     error_code="")

    def _count(self, name: str) -> None:
        self._counters[name] += 1
        self.status_model.update(counters=dict(self._counters))

    # -- PIN entry (worker thread) ------------------------------------------------------------

    def _get_pin(self, data: bytes, timeout: float, on_key: OnKey | None) -> PinEntry:
        self._call(p.Cmd.START_ENTRY, data, "start PIN entry")
        self._count("pin_entries")
        self.status_model.update(device=DeviceState.BUSY, detail="", error_code="")
        digits = 0
        deadline = time.monotonic() + timeout + self.settings.entry_margin_s
        self._in_entry.set()
        try:
            while True:
                if self._cancel.is_set():
                    self._end_entry_quietly()
                    self._count("cancelled")
                    return PinEntry(EntryCompletion.CANCEL, digits)
                if time.monotonic() >= deadline:
                    self._end_entry_quietly()
                    exc = PinPadLineError(f"PIN entry: the pad did not end the entry within "
                                          f"{timeout:g} s", code="NO_END")
                    self._line_failed(exc)
                    raise exc
                try:
                    frame = self._next_frame(min(deadline, time.monotonic() + 0.05))
                except LinkLost as exc:
                    self._disconnect()
                    self._line_failed(exc)
                    raise
                if frame is None:
                    continue
                if frame.cmd != p.Cmd.EVENT:
                    if frame.cmd != p.Cmd.SIM_PRESS | p.REPLY_BIT:
                        self.line_stats["stale_replies"] += 1
                    continue
                try:
                    ev = p.parse_event(frame.data)
                except p.MalformedReply:
                    self.line_stats["bad_frames"] += 1
                    continue
                digits = ev.digits
                if ev.key is not p.KeyName.TIMEOUT and on_key is not None:
                    try:
                        on_key(ev)
                    except Exception:
                        log.exception("%s: on_key failed", self.name)
                end = _ENDS.get(ev.key)
                if end is not None:
                    if end is EntryCompletion.ENTER:
                        self._pin_held = True
                        self._count("pins_entered")
                    elif end is EntryCompletion.CANCEL:
                        self._count("cancelled")
                    else:
                        self._count("timed_out")
                    return PinEntry(end, digits)
        finally:
            self._in_entry.clear()
            if self.status.device is DeviceState.BUSY:
                self.status_model.update(device=DeviceState.ONLINE)
            self._arm_keys()  # function keys again (not while a PIN is held)

    def _others_waiting(self) -> bool:
        with self._jobs_lock:
            return self._commands > 1  # this entry is one of them

    def _watch_keys(self) -> None:
        """A function-key entry, until the listener goes, another command is queued, or the
        link is lost; then re-armed behind that command (never during a PIN entry)."""
        rearm = False
        try:
            if (self._key_listener is None or self._closing or self._pin_held
                    or self.status.device in (DeviceState.OFFLINE, DeviceState.NO_DEVICE)):
                return  # a held PIN waits for its block: a new entry would wipe it
            if self._others_waiting():
                rearm = True
                return
            self._call(p.Cmd.START_KEYS, b"", "start function keys")
            self._in_entry.set()  # press() (simulator) writes directly meanwhile
            next_poll = time.monotonic() + (self.settings.poll_interval_s or 3600.0)
            try:
                while True:
                    listener = self._key_listener
                    if listener is None or self._closing:
                        break
                    if self._others_waiting():
                        rearm = True
                        break
                    try:
                        frame = self._next_frame(time.monotonic() + 0.05)
                    except LinkLost as exc:
                        self._disconnect()
                        self._line_failed(exc)
                        raise
                    if frame is None:
                        if time.monotonic() >= next_poll:
                            self._in_entry.clear()
                            self._status_cmd(p.Cmd.STATUS, reply_s=self.POLL_REPLY_S)
                            self._in_entry.set()
                            next_poll = time.monotonic() + self.settings.poll_interval_s
                        continue
                    if frame.cmd != p.Cmd.EVENT:
                        if frame.cmd != p.Cmd.SIM_PRESS | p.REPLY_BIT:
                            self.line_stats["stale_replies"] += 1
                        continue
                    try:
                        ev = p.parse_event(frame.data)
                    except p.MalformedReply:
                        self.line_stats["bad_frames"] += 1
                        continue
                    if ev.key in (p.KeyName.DIGIT, p.KeyName.TIMEOUT):
                        continue
                    try:
                        listener(str(ev.key))
                    except Exception:
                        log.exception("%s: key listener failed", self.name)
            finally:
                self._in_entry.clear()
            self._end_entry_quietly()
        finally:
            with self._keys_lock:
                self._keys_queued = False
            if rearm:
                self._arm_keys()  # queued behind the command that made it yield

    def _end_entry_quietly(self) -> None:
        try:
            self._call(p.Cmd.END_ENTRY, b"", "end PIN entry")
        except DeviceTimeout:
            pass
        except PinPadError as exc:
            log.warning("%s: end PIN entry: %s", self.name, exc)


def create(name: str, settings: PinPadSettings) -> PinPad:
    if not isinstance(settings, PinPadSettings):
        raise TypeError(f"pinpad settings expected, got {type(settings).__name__}")
    return PinPad(name, settings)
