"""The one :class:`~technician.api.Technician`: the kiosk's runtime seen and acted on by a
technician — from the service screens, the control API and the fleet's commands alike.

Journal records it writes (each with ``who``): ``technician.selftest`` {device, ok, checks},
``technician.replenish`` {supply: "cards"|"paper", count}, ``technician.bin_emptied``
{removed, expected, after, mismatch}, ``technician.export`` {directory, files}; the runtime
writes ``technician.service_out`` / ``technician.service_in`` {function, reason};
technician.auth writes ``technician.login`` / ``login_failed`` / ``locked`` / ``logout``.

A technician refilling the stacker or emptying the bin does it with their hands first and
then records it here. On a simulated kiosk those hands are :class:`SupplyHands` (the demo's,
acting on the simulators), passed in by the composition root; a real kiosk passes none.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from devices.base import DeviceError
from kiosk_core.availability import WHOLE_KIOSK, service_up
from kiosk_core.journal import verify_file
from kiosk_core.runtime import KioskRuntime, RuntimeEvent
from kiosk_core.status import DeviceState, DeviceStatus, SupplyState
from technician.api import (
    Counters,
    DeviceReport,
    ExportReport,
    FunctionReport,
    KioskReport,
    LinkReport,
    SelfTestReport,
    ServiceOverride,
    Supply,
    TechnicianError,
    VerifyReport,
)
from technician.auth import TechnicianAuth
from technician.settings import TechnicianSettings

if TYPE_CHECKING:
    import numpy.typing as npt

log = logging.getLogger(__name__)

#: How long one self-test may take on its device (a card to the bin is ~2 s).
SELF_TEST_S = 20.0


class SupplyHands(Protocol):
    """What the technician's hands do before they record it (simulated kiosks only)."""

    def cards_loaded(self, count: int) -> None: ...
    def bin_emptied(self) -> None: ...
    def paper_replaced(self) -> None: ...


class TallySource(Protocol):
    """Counts kept from the journal (technician.counters.TransactionCounters)."""

    def snapshot(self) -> Mapping[str, Any]: ...


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- recent log lines -------------------------------------------------------------------


class LogRing(logging.Handler):
    """The newest log lines in memory, for the service screen and the export."""

    def __init__(self, capacity: int = 2000) -> None:
        super().__init__(level=logging.INFO)
        self.lines: deque[str] = deque(maxlen=capacity)
        self.setFormatter(logging.Formatter(
            "%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%Y-%m-%d %H:%M:%S"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.lines.append(self.format(record))
        except Exception:  # a log line must never break the code that logs
            self.handleError(record)


_ring_lock = threading.Lock()
_ring: LogRing | None = None


def log_ring() -> LogRing:
    """The process's ring, on the root logger. Put back if a later ``dictConfig`` (the CLI's
    logging set-up replaces the root's handlers) took it off."""
    global _ring
    with _ring_lock:
        if _ring is None:
            _ring = LogRing()
        root = logging.getLogger()
        if _ring not in root.handlers:
            root.addHandler(_ring)
        return _ring


# -- masking ------------------------------------------------------------------------------

_SECRET_KEY = re.compile(r"(token|secret|password|passwd|pin_hash|private|credential)",
                         re.IGNORECASE)
#: Query options of device URLs that carry secrets (the simulated pad's PIN and keys).
_SECRET_QUERY = re.compile(r"([?&](?:pin|master|keys?|token|password|secret)=)[^&]*",
                           re.IGNORECASE)
MASK = "••••"


def mask_secrets(value: Any, key: str = "") -> Any:
    """A copy of a config tree with secret values replaced by MASK (keys kept, so a
    technician sees that a secret is set)."""
    if isinstance(value, Mapping):
        return {k: mask_secrets(v, str(k)) for k, v in value.items()}
    if isinstance(value, list):
        return [mask_secrets(v, key) for v in value]
    if (_SECRET_KEY.search(key) and not key.endswith(("_file", "_dir"))
            and value not in ("", None)):
        return MASK
    if isinstance(value, str) and "://" in value:
        masked = _SECRET_QUERY.sub(lambda m: m.group(1) + MASK, value)
        return re.sub(r"://([^:/@]+):([^@/]+)@", rf"://\1:{MASK}@", masked)
    return value


# -- the service --------------------------------------------------------------------------


class TechnicianService:
    def __init__(self, runtime: KioskRuntime, *, hands: SupplyHands | None = None,
                 tallies: TallySource | None = None, lang: str = "en_US") -> None:
        self.runtime = runtime
        self.hands = hands
        self.tallies = tallies
        self._lang = lang
        self._lock = threading.Lock()
        self._busy: set[str] = set()  # devices with a self-test running
        #: Each device's last fault (words, code, when), kept after it cleared.
        self._last_error: dict[str, tuple[str, str, str]] = {}
        self._firmware: dict[str, str] = {}
        self._sync_cache: tuple[float, LinkReport] | None = None
        self._ring = log_ring()
        for kind, status in runtime.device_statuses().items():
            self._note(kind, status)
        self._unsubscribe = runtime.subscribe(self._on_event)

    def close(self) -> None:
        self._unsubscribe()

    # -- what is there --------------------------------------------------------------------

    def report(self) -> KioskReport:
        rt = self.runtime
        cfg = rt.config
        service = rt.service
        statuses = rt.device_statuses()
        devices = tuple(self._device_report(kind, status) for kind, status in statuses.items())
        functions = tuple(FunctionReport(a.function, a.available,
                                         tuple(str(r) for r in a.reasons), a.degraded)
                          for a in service.functions)
        overrides = tuple(ServiceOverride(f, v.get("who", ""), v.get("reason", ""),
                                          v.get("at", ""))
                          for f, v in sorted(rt.out_of_service.items()))
        return KioskReport(cfg.kiosk.id, cfg.kiosk.branch, service.in_service, service.down,
                           service.degraded, functions, devices, self._links(), overrides,
                           now_iso())

    def _device_report(self, kind: str, status: DeviceStatus) -> DeviceReport:
        device = self.runtime.devices.get(kind)
        extra: dict[str, Any] = {}
        if device is not None:
            describe = getattr(device, "describe", None)
            try:
                extra = dict(describe()) if callable(describe) else {}
            except Exception as exc:  # a report must not fail on one device
                extra = {"describe_error": str(exc)}
        settings = self.runtime.config.configured_devices().get(kind)
        url = str(mask_secrets(settings.url if settings else extra.get("url", "")))
        for k in ("name", "kind", "url", "device", "media", "supplies", "detail",
                  "error_code"):
            extra.pop(k, None)
        firmware = str(extra.get("firmware") or self._firmware.get(kind, ""))
        err, code, at = self._last_error.get(kind, ("", "", ""))
        return DeviceReport(
            kind=kind, url=url, required=kind in self.runtime.required,
            state=str(status.device), media=str(status.media),
            supplies={k: str(v) for k, v in status.supplies.items()}, firmware=firmware,
            detail=status.detail, last_error=err, last_error_code=code, last_error_at=at,
            extra=_jsonable(extra))

    def _links(self) -> tuple[LinkReport, ...]:
        services = self.runtime.services
        links = [LinkReport("bank", service_up(services.get("bank")),
                            "" if "bank" in services else "not connected")]
        call = services.get("teller_call")
        links.append(LinkReport("hub", service_up(call),
                                "" if call is not None else "not connected"))
        links.append(self._sync_link())
        return tuple(links)

    def _sync_link(self) -> LinkReport:
        """From the branch database the sync keeps (its last success and last error),
        read at most every 5 s: the health endpoint asks often."""
        cached = self._sync_cache
        now = time.monotonic()
        if cached is not None and now - cached[0] < 5.0:
            return cached[1]
        path = self.runtime.config.path("branch_db")
        link = LinkReport("sync", False, "no branch database yet")
        if path.exists():
            from o2o_sync.store import dbapi, sync_state_of  # encrypted: the store's key

            try:
                row = sync_state_of(self.runtime.config)
                if not row[0]:
                    link = LinkReport("sync", False, "never synced")
                elif row[1]:
                    link = LinkReport("sync", False, f"last sync {row[0]}; error: {row[1]}")
                else:
                    link = LinkReport("sync", True, f"last sync {row[0]}")
            except (dbapi.Error, OSError, RuntimeError) as exc:
                link = LinkReport("sync", False, f"branch database: {exc}")
        self._sync_cache = (now, link)
        return link

    def _on_event(self, event: RuntimeEvent) -> None:
        if event.kind == "device" and event.device is not None:
            self._note(event.device.device_name, event.device.current)

    def _note(self, kind: str, status: DeviceStatus) -> None:
        faulty = not status.device.usable and status.device is not DeviceState.STARTING
        if (status.detail or status.error_code) and (faulty or status.error_code):
            self._last_error[kind] = (status.detail or str(status.device), status.error_code,
                                      now_iso())
        elif faulty and status.device is not DeviceState.OFFLINE:
            self._last_error[kind] = (str(status.device), "", now_iso())

    # -- self-tests -----------------------------------------------------------------------

    def self_test(self, device: str, *, who: str) -> SelfTestReport:
        dev = self.runtime.devices.get(device)
        if dev is None:
            known = ", ".join(sorted(self.runtime.devices)) or "none"
            raise TechnicianError(f"no device '{device}' on this kiosk (devices: {known})")
        with self._lock:
            if device in self._busy:
                raise TechnicianError(f"a self-test of {device} is already running")
            self._busy.add(device)
        try:
            tests: dict[str, Callable[[Any], SelfTestReport]] = {
                "card_dispenser": self._test_dispenser, "printer": self._test_printer,
                "camera": self._test_camera}
            test = tests.get(device, self._test_generic)
            try:
                report = test(dev)
            except TechnicianError:
                raise
            except (DeviceError, TimeoutError, OSError) as exc:
                report = SelfTestReport(device, False, {"device": str(exc) or type(exc).__name__},
                                        at=now_iso())
        finally:
            with self._lock:
                self._busy.discard(device)
        self._journal("technician.selftest", {
            "device": device, "ok": report.ok, "checks": report.checks,
            "values": report.values, "who": who})
        return report

    def _customer_busy(self) -> str | None:
        store = self.runtime.flow_store
        rows = store.unfinished() if store is not None else []
        return rows[0].flow_id if rows else None

    def _test_generic(self, dev: Any) -> SelfTestReport:
        result = dev.self_test().result(timeout=SELF_TEST_S)
        return SelfTestReport(dev.name, bool(result.ok), dict(result.checks), at=now_iso())

    def _test_dispenser(self, dev: Any) -> SelfTestReport:
        """One card from the stacker to the read position, then into the retain bin."""
        busy = self._customer_busy()
        if busy:
            raise TechnicianError(f"a customer transaction is open ({busy}): a test card "
                                  "now would take the customer's card")
        status = dev.status
        if not status.device.usable:
            raise TechnicianError(f"the card dispenser is {status.device}: {status.detail}")
        if status.supplies.get("stacker") is SupplyState.EMPTY:
            raise TechnicianError("the card stacker is empty: load cards first")
        if status.supplies.get("bin") is SupplyState.FULL:
            raise TechnicianError("the retain bin is full: empty it first")
        checks: dict[str, str] = {}
        before = dev.counts().result(timeout=SELF_TEST_S)
        try:
            dev.to_read_position().result(timeout=SELF_TEST_S)
            checks["feed"] = "ok"
        except DeviceError as exc:
            checks["feed"] = str(exc)
        else:
            try:
                dev.capture().result(timeout=SELF_TEST_S)
                checks["to bin"] = "ok"
            except DeviceError as exc:
                checks["to bin"] = str(exc)
        after = dev.counts().result(timeout=SELF_TEST_S)
        grew = after.retained - before.retained
        checks["bin count"] = "ok" if grew == 1 else f"grew by {grew}, not 1"
        st = dev.status
        checks["state"] = "ok" if st.device is DeviceState.ONLINE else str(st.device)
        ok = all(v == "ok" for v in checks.values())
        return SelfTestReport("card_dispenser", ok, checks,
                              values={"bin": float(after.retained)}, at=now_iso())

    def _test_printer(self, dev: Any) -> SelfTestReport:
        from receipts.printing import print_test_page

        sim = getattr(dev, "simulator", None)
        pages = len(sim.pages) if sim is not None else 0
        outcome = print_test_page(dev, self._lang, self.runtime.config.kiosk.id).result(
            timeout=SELF_TEST_S)
        checks = {"printed": "ok" if outcome.printed else
                  (outcome.error or str(outcome.reason) or "not printed"),
                  "cut": "ok" if outcome.cut else "not cut"}
        artifact = None
        if sim is not None and outcome.printed:
            # Simulated: the page as the simulator drew it from the bytes it was sent.
            done = sim.wait_for_pages(pages + 1, timeout=5.0)
            if len(done) > pages:
                artifact = self._artifact_path("printer-test-page")
                done[-1].page.image.save(artifact)
        return SelfTestReport("printer", outcome.printed and outcome.cut, checks,
                              artifact=artifact, at=now_iso())

    def _test_camera(self, dev: Any) -> SelfTestReport:
        checks: dict[str, str] = {}
        try:
            frame = dev.take_picture(timeout=5.0)
        except DeviceError as exc:
            return SelfTestReport("camera", False, {"picture": str(exc)}, at=now_iso())
        checks["picture"] = "ok"
        import numpy as np  # not at import: the kiosk builds this before its first frame

        image = np.asarray(frame.image)
        focus = focus_value(image)
        luminance = float(image.mean())
        checks["focus"] = "ok" if focus >= 50.0 else f"blurred (focus {focus:.0f} < 50)"
        checks["light"] = "ok" if luminance >= 40.0 else f"too dark ({luminance:.0f})"
        artifact = self._artifact_path("camera-snapshot")
        from PIL import Image

        Image.fromarray(image).save(artifact)
        ok = all(v == "ok" for v in checks.values())
        return SelfTestReport("camera", ok, checks, artifact=artifact,
                              values={"focus": round(focus, 1),
                                      "luminance": round(luminance, 1)}, at=now_iso())

    def _artifact_path(self, name: str) -> Path:
        folder = self.runtime.config.data_dir / "technician"
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"{name}-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.png"

    # -- supplies ---------------------------------------------------------------------

    def counters(self) -> Counters:
        cards: dict[str, Any] = {}
        dev = self.runtime.devices.get("card_dispenser")
        if dev is not None and hasattr(dev, "counts"):
            try:
                cards = dev.counts().result(timeout=SELF_TEST_S).as_dict()
                cards["last_mismatch"] = _jsonable(cards.get("last_mismatch"))
            except (DeviceError, TimeoutError) as exc:
                cards = {"error": str(exc)}
        tallies = dict(self.tallies.snapshot()) if self.tallies is not None else {}
        return Counters(cards=cards, paper=dict(tallies.get("paper", {})),
                        transactions={k: dict(v) for k, v in
                                      dict(tallies.get("transactions", {})).items()},
                        faults=dict(tallies.get("faults", {})))

    def replenish(self, supply: Supply, count: int | None, *, who: str) -> Counters:
        if supply == "cards":
            if count is None or isinstance(count, bool) or not isinstance(count, int) \
                    or not 0 < count <= 10_000:
                raise TechnicianError("say how many cards are in the stacker now (1 to 10000)")
            dev = self._device("card_dispenser")
            if self.hands is not None:
                self.hands.cards_loaded(count)
            dev.load_stacker(count).result(timeout=SELF_TEST_S)
            self._refresh(dev)
            self._journal("technician.replenish", {"supply": "cards", "count": count,
                                                   "who": who})
        elif supply == "paper":
            dev = self._device("printer")
            if self.hands is not None:
                self.hands.paper_replaced()
            self._refresh(dev)
            self._journal("technician.replenish", {"supply": "paper", "count": None,
                                                   "who": who})
        else:
            raise TechnicianError(f"unknown supply '{supply}' (cards or paper)")
        return self.counters()

    def empty_bin(self, removed: int, *, who: str) -> Counters:
        if isinstance(removed, bool) or not isinstance(removed, int) or not 0 <= removed <= 10_000:
            raise TechnicianError("say how many cards you took out of the bin (0 to 10000)")
        dev = self._device("card_dispenser")
        if self.hands is not None:
            self.hands.bin_emptied()
        expected, after = dev.bin_emptied(removed).result(timeout=SELF_TEST_S)
        self._journal("technician.bin_emptied", {
            "removed": removed, "expected": expected, "after": after.retained,
            "mismatch": removed != expected, "who": who})
        if after.retained:
            log.warning("retain bin emptied but the device still counts %d cards: reset its "
                        "counter", after.retained)
        return self.counters()

    def _device(self, kind: str) -> Any:
        dev = self.runtime.devices.get(kind)
        if dev is None:
            raise TechnicianError(f"this kiosk has no {kind.replace('_', ' ')}")
        return dev

    def _refresh(self, dev: Any) -> None:
        """Ask the device at once, so the menu and the health endpoint see the new supply
        now rather than at the next idle poll."""
        for name in ("query_status", "refresh_status"):
            fn = getattr(dev, name, None)
            if callable(fn):
                try:
                    fn().result(timeout=SELF_TEST_S)
                except (DeviceError, TimeoutError) as exc:
                    log.warning("%s: status after the technician's change: %s", dev.name, exc)
                return

    # -- service ------------------------------------------------------------------------

    def set_service(self, in_service: bool, function: str = WHOLE_KIOSK, *, who: str,
                    reason: str = "") -> KioskReport:
        known = set(self.runtime.functions)
        if function != WHOLE_KIOSK and known and function not in known:
            raise TechnicianError(f"no function '{function}' (functions: "
                                  f"{', '.join(sorted(known))}, or * for the whole kiosk)")
        if len(reason) > 200:
            raise TechnicianError("the reason is at most 200 characters")
        self.runtime.set_out_of_service(function, not in_service, who=who, reason=reason)
        return self.report()

    # -- logs, journal, export ----------------------------------------------------------

    def journal_verify(self) -> VerifyReport:
        writer = self.runtime.journal_writer
        if writer is not None:
            writer.flush()
        result = verify_file(self.runtime.config.path("journal"))
        return VerifyReport(result.ok, result.count, result.bad_seq, result.reason)

    def log_lines(self, limit: int = 200) -> list[str]:
        lines = list(self._ring.lines)
        return lines[-max(0, min(limit, len(lines))):] if limit else []

    def masked_config(self) -> dict[str, Any]:
        data = self.runtime.config.model_dump(mode="json")
        masked: dict[str, Any] = mask_secrets(data)
        return masked

    def export(self, directory: Path, *, who: str) -> ExportReport:
        directory = Path(directory)
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise TechnicianError(f"cannot make {directory}: {exc}") from None
        if any(directory.iterdir()):
            raise TechnicianError(f"{directory} is not empty: export into a new folder")
        writer = self.runtime.journal_writer
        if writer is not None:
            writer.flush()
        files: list[str] = []

        def put(name: str, data: Any) -> None:
            text = data if isinstance(data, str) else json.dumps(data, indent=2,
                                                                 ensure_ascii=False)
            (directory / name).write_text(text, encoding="utf-8")
            files.append(name)

        # A consistent copy even while the writer appends (SQLite's online backup).
        src = sqlite3.connect(f"file:{self.runtime.config.path('journal')}?mode=ro", uri=True)
        dst = sqlite3.connect(directory / "journal.sqlite")
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
        files.append("journal.sqlite")
        verify = verify_file(directory / "journal.sqlite")
        put("journal_verify.json", {"ok": verify.ok, "count": verify.count,
                                    "bad_seq": verify.bad_seq, "reason": verify.reason})
        put("status.json", self.report().as_dict())
        put("counters.json", self.counters().as_dict())
        put("logs.txt", "\n".join(self.log_lines(len(self._ring.lines))) + "\n")
        put("config.json", self.masked_config())
        self._journal("technician.export", {"directory": str(directory), "files": files,
                                            "who": who})
        return ExportReport(directory, tuple(files))

    def _journal(self, kind: str, data: Mapping[str, Any]) -> None:
        writer = self.runtime.journal_writer
        if writer is None:
            raise TechnicianError("the journal is not open: the kiosk is not running")
        writer.append(kind, data).result(timeout=5.0)


def focus_value(image: npt.NDArray[Any]) -> float:
    """Variance of the Laplacian of the grey image: high for a sharp picture, near zero
    for a blurred or blank one (the usual autofocus measure)."""
    import numpy as np

    grey = image.astype(np.float32)
    if grey.ndim == 3:
        grey = grey @ np.array([0.299, 0.587, 0.114], np.float32)
    lap = (grey[1:-1, :-2] + grey[1:-1, 2:] + grey[:-2, 1:-1] + grey[2:, 1:-1]
           - 4 * grey[1:-1, 1:-1])
    return float(lap.var()) if lap.size else 0.0


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def for_runtime(runtime: KioskRuntime, *, hands: SupplyHands | None = None,
                tallies: TallySource | None = None
                ) -> tuple[TechnicianService, TechnicianAuth]:
    """The service and the sign-in for a kiosk, from its ``[technician]`` settings. The
    sign-in's journal waits for the runtime's journal writer (started by runtime.start)."""
    cfg = runtime.config
    settings = cfg.section(TechnicianSettings)
    # The test page in English where the kiosk has it: technicians share one manual.
    lang = "en_US" if "en_US" in cfg.kiosk.languages else cfg.kiosk.locale
    service = TechnicianService(runtime, hands=hands, tallies=tallies, lang=lang)

    def journal(kind: str, data: Mapping[str, Any]) -> object:
        writer = runtime.journal_writer
        if writer is None:
            log.warning("journal not open: %s not journalled", kind)
            return None
        return writer.append(kind, data).result(timeout=5.0)

    auth = TechnicianAuth(settings.technicians, cfg.data_dir / "technician_lockout.json",
                          journal, max_failures=settings.max_failures,
                          lockout_s=settings.lockout_s)
    return service, auth
