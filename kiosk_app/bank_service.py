"""The bank as a kiosk service: ``runtime.services["bank"]``, and the PIN pad's bank keys.

:func:`start_bank` (one of :func:`kiosk_app.services.start_services`) returns at once; the
slow part runs on a background thread, since the UI calls it on its GUI thread:

- **Demo configuration** (:func:`wants_sandbox`: every configured device is ``sim://`` and
  ``[bank] url`` is ``http://127.0.0.1:PORT`` or ``http://localhost:PORT`` with no path) —
  the sandbox bank runs as its own process (``kiosk bank sandbox serve --db
  <data_dir>/bank_sandbox.sqlite --port PORT``, on 127.0.0.1 only, ended by a stop hook; a
  sandbox already answering on that port is used instead), the kiosk (``[kiosk] id``) is
  enrolled in it, and the demo's key ceremony loads the kiosk's master key into a PIN pad
  that is in its key-ceremony state.
- **Any other bank** — an :class:`~bank_host.http_client.HttpBankHost` for ``[bank] url``;
  no master key is loaded (a real pad got it at a real ceremony).

Then, in both cases, the PIN working key is fetched from the bank and imported into the
pad, its KCV checked (:func:`ensure_pin_key`), and ``runtime.services["bank"]`` is set.
``[bank] pin_format`` picks the algorithm: iso4 → AES, iso0 → TDES. :func:`wait_bank_ready`
waits for the outcome (the headless runner, tests). Nothing here raises into its caller:
failures are logged and reported as ``False``.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bank_host.api import BankHost, PinFormat
from customer_flows.pin_step import PinKeyError, ensure_pin_key
from kiosk_app.child_process import ChildService, ChildServiceError
from kiosk_core.runtime import KioskRuntime

__all__ = ["PinKeyError", "bank_failure", "ensure_pin_key", "start_bank", "wait_bank_ready"]

log = logging.getLogger(__name__)

#: The sandbox's SQLite file, inside ``[storage] data_dir``.
SANDBOX_DB = "bank_sandbox.sqlite"
#: Python start-up, aiohttp import and the first open of the file, on 2 slow cores.
SANDBOX_READY_S = 20.0
#: After SIGTERM, before SIGKILL.
SANDBOX_STOP_S = 5.0
#: For the PIN pad to finish opening, and for each pad command.
PAD_WAIT_S = 15.0
PAD_COMMAND_S = 10.0

_READY_LINE = re.compile(r"sandbox bank on (http://127\.0\.0\.1:(\d+))")
_LOOPBACK = ("127.0.0.1", "localhost")


def wants_sandbox(cfg: Any) -> bool:
    """Whether this configuration asks for the demo's sandbox bank: a demo configuration
    (every configured device simulated, as demo.appointments.is_demo) whose bank is a plain
    ``http://`` URL on loopback with a port and no path."""
    devices = cfg.devices.configured()
    if not devices or not all(s.url.startswith("sim://") for s in devices.values()):
        return False
    parts = urlsplit(cfg.bank.url)
    return (parts.scheme == "http" and parts.hostname in _LOOPBACK and parts.port is not None
            and parts.path in ("", "/"))


def algorithm_for(pin_format: str) -> str:
    """The key algorithm of a ``[bank] pin_format``: iso4 → AES, iso0 → TDES."""
    return PinFormat(pin_format).algorithm


def sandbox_command(db: Path, port: int) -> list[str]:
    """The sandbox bank process (tests replace it to make it fail)."""
    return [sys.executable, "-m", "kiosk_app.cli", "bank", "sandbox", "serve",
            "--db", str(db), "--port", str(port)]


def sandbox_answers(port: int, timeout_s: float = 2.0) -> bool:
    """Whether a sandbox bank already serves on 127.0.0.1:``port`` (its health answer)."""
    import http.client
    import json

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout_s)
    try:
        conn.request("GET", "/v1/health")
        resp = conn.getresponse()
        return resp.status == 200 and json.loads(resp.read()) == {"ok": True}
    except (OSError, http.client.HTTPException, ValueError):
        return False
    finally:
        conn.close()


class _BankStart:
    """One kiosk run's bank: the worker thread, the sandbox process, the outcome."""

    def __init__(self, runtime: KioskRuntime) -> None:
        self.runtime = runtime
        self.done = threading.Event()
        self.ok = False
        self.reason = ""
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._child: ChildService | None = None
        self._thread = threading.Thread(target=self._run, name="bank-start", daemon=True)

    def start(self) -> None:
        self.runtime.stop_hooks.append(self.stop)
        self._thread.start()

    # -- worker thread ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            self.ok = self._bring_up()
        except Exception as exc:  # never into the caller: logged, reported by wait_bank_ready
            log.exception("bank: start failed")
            self.reason = self.reason or f"unexpected error: {exc}"
            self.ok = False
        finally:
            self.done.set()

    def _fail(self, reason: str) -> bool:
        self.reason = reason
        log.error("bank: %s", reason)
        return False

    def _bring_up(self) -> bool:
        from bank_host.http_client import HttpBankHost

        cfg: Any = self.runtime.config
        kiosk_id = cfg.kiosk.id
        algorithm = algorithm_for(cfg.bank.pin_format)
        master: bytes | None = None
        url = cfg.bank.url
        if wants_sandbox(cfg):
            db = cfg.data_dir / SANDBOX_DB
            try:
                master = self._enrol(db, kiosk_id)[algorithm]
            except Exception as exc:
                return self._fail(f"cannot enrol {kiosk_id} in the sandbox bank {db}: {exc}")
            port = urlsplit(url).port
            assert port is not None  # wants_sandbox checked it
            if sandbox_answers(port):
                # One left by a kiosk that was killed, or `kiosk bank sandbox serve` by hand:
                # used as it is (its keys must be this file's, or the KCV check says so).
                log.info("bank: a sandbox bank already answers on 127.0.0.1:%d; using it",
                         port)
                url = f"http://127.0.0.1:{port}"
            else:
                sandbox_url = self._start_sandbox(db, port)
                if sandbox_url is None:
                    return False
                url = sandbox_url
        host = HttpBankHost(url, kiosk_id, timeout_s=cfg.bank.timeout_s)
        if self._stopping.is_set():
            return self._fail("the kiosk stopped before the bank was ready")
        keyed = self._load_keys(host, kiosk_id, algorithm, master)
        # The bank answers even if the pad has no key yet: flows may retry ensure_pin_key.
        with self._lock:
            if self._stopping.is_set():
                return self._fail("the kiosk stopped before the bank was ready")
            self.runtime.services["bank"] = host
        if keyed:
            log.info("bank ready: %s (kiosk %s, %s PIN key)", url, kiosk_id, algorithm)
        return keyed

    @staticmethod
    def _enrol(db: Path, kiosk_id: str) -> dict[str, bytes]:
        """The key ceremony on the bank's side, on the sandbox's own file (before it serves,
        so the two processes never write it at once). Returns the kiosk's master keys."""
        from bank_host.sandbox.bank import SandboxBank

        db.parent.mkdir(parents=True, exist_ok=True)
        bank = SandboxBank(db)
        try:
            return bank.enrol(kiosk_id)
        finally:
            bank.close()

    def _start_sandbox(self, db: Path, port: int) -> str | None:
        child = ChildService("the sandbox bank", sandbox_command(db, port), _READY_LINE,
                             ready_s=SANDBOX_READY_S, stop_s=SANDBOX_STOP_S)
        with self._lock:
            if self._stopping.is_set():
                self._fail("the kiosk stopped before the sandbox bank started")
                return None
            self._child = child
        try:
            url = child.start().group(1)
        except ChildServiceError as exc:
            self._fail(str(exc))
            return None
        assert child.proc is not None
        log.info("bank: sandbox bank process %d on %s (db %s)", child.proc.pid, url, db)
        return url

    def _load_keys(self, host: BankHost, kiosk_id: str, algorithm: str,
                   master: bytes | None) -> bool:
        pad: Any = self.runtime.devices.get("pinpad")
        if pad is None:
            log.warning("bank: no PIN pad configured; PINs cannot be set")
            return True
        if not self._wait_pad(pad, master is not None):
            status = pad.status
            return self._fail(f"the PIN pad is not usable ({status.detail or status.device}):"
                              " no PIN key loaded")
        if master is not None and not self._ceremony(pad, master, algorithm):
            return False
        try:
            kcv = ensure_pin_key(pad, host, kiosk_id, algorithm,
                                 key_name=getattr(pad.settings, "pin_key", "pin"))
        except PinKeyError as exc:
            return self._fail(str(exc))
        log.info("bank: PIN working key loaded into the pad (%s, KCV %s)", algorithm,
                 kcv.hex().upper())
        return True

    def _wait_pad(self, pad: Any, ceremony: bool) -> bool:
        """Wait for the pad to finish opening; is it fit for the key exchange? A tampered
        pad (keys erased) is, if this is a key ceremony: loading a master key re-arms it."""
        from kiosk_core.status import DeviceState

        deadline = time.monotonic() + PAD_WAIT_S
        while pad.status.device is DeviceState.STARTING:
            if time.monotonic() >= deadline or self._stopping.is_set():
                return False
            time.sleep(0.05)
        state = pad.status.device
        return bool(state.usable or (ceremony and state is DeviceState.FRAUD_ATTEMPT))

    def _ceremony(self, pad: Any, master: bytes, algorithm: str) -> bool:
        """The demo's key ceremony: a pad in its key-ceremony state gets the kiosk's master
        key; one that is not keeps the master key it holds (loaded at an earlier ceremony)."""
        from devices.pinpad.pinblock import kcv

        try:
            status = pad.reset().result(timeout=PAD_COMMAND_S)
            if not status.ceremony:
                log.info("bank: the PIN pad is not in its key-ceremony state; "
                         "keeping its master key")
                return True
            check = pad.load_master_key(master, algorithm).result(timeout=PAD_COMMAND_S)
        except TimeoutError:
            return self._fail(f"the PIN pad did not answer within {PAD_COMMAND_S} s "
                              "during the key ceremony")
        except Exception as exc:
            return self._fail(f"key ceremony: the PIN pad refused the master key: {exc}")
        if bytes(check) != kcv(master, algorithm):
            return self._fail("key ceremony: the PIN pad's master key KCV "
                              f"{bytes(check).hex().upper()} is not the bank's")
        log.info("bank: key ceremony: %s master key of %s loaded into the PIN pad (KCV %s)",
                 algorithm, self.runtime.config.kiosk.id, bytes(check).hex().upper())
        return True

    # -- stop (runtime.stop, any thread) --------------------------------------------------

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            self.runtime.services.pop("bank", None)
        self._end_process()
        self._thread.join(timeout=SANDBOX_STOP_S)

    def _end_process(self) -> None:
        with self._lock:
            child = self._child
        if child is not None:
            child.stop()

    @property
    def process(self) -> subprocess.Popen[str] | None:
        return self._child.proc if self._child is not None else None


_STARTS: weakref.WeakKeyDictionary[KioskRuntime, _BankStart] = weakref.WeakKeyDictionary()


def start_bank(runtime: KioskRuntime) -> bool:
    """Start bringing the bank up for this runtime (started, devices opening); returns at
    once. False when the configuration has no ``[bank]`` or it was started already."""
    cfg: Any = runtime.config
    if getattr(cfg, "bank", None) is None:
        return False
    if runtime in _STARTS:
        log.warning("bank: already started for this kiosk")
        return False
    start = _BankStart(runtime)
    _STARTS[runtime] = start
    start.start()
    return True


def wait_bank_ready(runtime: KioskRuntime, timeout: float) -> bool:
    """Wait up to ``timeout`` s for :func:`start_bank`'s outcome: True when the bank answers
    and the pad holds its PIN key; False on failure (logged), time-out or no start."""
    start = _STARTS.get(runtime)
    if start is None or not start.done.wait(timeout):
        return False
    return start.ok


def bank_failure(runtime: KioskRuntime) -> str:
    """Why the bank is not ready ("" while starting, when ready, or never started)."""
    start = _STARTS.get(runtime)
    return "" if start is None else start.reason


def sandbox_process(runtime: KioskRuntime) -> subprocess.Popen[str] | None:
    """The sandbox bank's process for this runtime, if one was started (diagnostics)."""
    start = _STARTS.get(runtime)
    return None if start is None else start.process


_: Callable[[KioskRuntime], bool] = start_bank  # the shape start_services calls
