"""The receipt printer driver: python-escpos transports, real status, jobs that survive faults.

Every job is stored before it is sent (:mod:`devices.printer.jobs`). Around each job the
driver reads the real-time status (DLE EOT 1-4) and maps it to the common status model.
After the job's bytes it sends ``GS r 1``: the printer answers that only once everything
before it has been processed, so a reply means "printed"; while waiting, DLE EOT polls
tell a printer that stopped (paper out, cover open, cutter error…) from a slow one.
A job that did not print stays on disk; :meth:`ReceiptPrinter.reprint` sends it again and
:meth:`ReceiptPrinter.screen_receipt` gives the flow something to show instead.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from devices.base import (
    Device,
    DeviceError,
    DeviceNotReady,
    DeviceTimeout,
    SelfTestResult,
    SupervisionTiming,
)
from devices.printer import escpos_cache
from devices.printer.api import Printable
from devices.printer.jobkey import KeyFileError, load_or_create_key
from devices.printer.jobs import JobNotFound, JobStore, PrintJob, new_job_id
from devices.printer.outcomes import (
    REASON_WORDS,
    PrintReason,
    PrintResult,
    after_stop,
    reason_of_code,
)
from devices.printer.rtstatus import (
    QUERY_ALL,
    PrinterCondition,
    StatusReplyError,
    is_status_byte,
    parse_replies,
)
from devices.printer.settings import PrinterSettings
from devices.printer.transport import Transport, open_transport
from kiosk_core.keystore import KeyRing, KeyStore, KeyStoreError
from kiosk_core.status import DeviceState, DeviceStatus, MediaState, SupplyState

log = logging.getLogger(__name__)

GS_R_PAPER = b"\x1dr\x01"  # answered through the buffer: the "job done" marker
DLE_ENQ_CLEAR = b"\x10\x05\x02"  # recover from a recoverable error, clearing the buffer


class PrintFailed(DeviceError):
    """The job did not print; it is kept (``job_id``) for reprint."""

    def __init__(self, message: str, *, job_id: str, code: str = "") -> None:
        super().__init__(message, code=code)
        self.job_id = job_id


@dataclass(frozen=True)
class ScreenReceipt:
    """What a flow shows when printing is out: the receipt as text, and the job's id and
    token from which receipts.links builds the link its QR code carries."""

    job_id: str
    title: str
    text: str
    token: str


@dataclass(frozen=True)
class PrintOutcome:
    """What one job left on the paper (:mod:`devices.printer.outcomes`) and why.

    ``printed`` (whole, cut or to tear off) jobs are deleted; ``partial`` and
    ``not_printed`` ones are kept for reprint and carry the on-screen ``alternative``."""

    job_id: str
    result: PrintResult
    status: DeviceStatus
    reason: PrintReason = PrintReason.NONE
    error: str = ""  # the printer's own words for the fault (its status detail)
    alternative: ScreenReceipt | None = None  # set when the job was kept

    @property
    def printed(self) -> bool:
        """The whole receipt is in the customer's hands (cut, or to tear off)."""
        return self.result.on_paper

    @property
    def cut(self) -> bool:
        return self.result is PrintResult.PRINTED

    @property
    def kept(self) -> bool:
        return self.result.kept

    @property
    def reason_text(self) -> str:
        return REASON_WORDS[self.reason]

    def record(self) -> dict[str, Any]:
        """For a journal record: the job, the outcome and the reason (code and words)."""
        out: dict[str, Any] = {"job": self.job_id, "printed": self.printed,
                               "outcome": str(self.result), "reason": str(self.reason),
                               "reason_text": self.reason_text}
        if self.error:
            out["detail"] = self.error
        return out


def jobs_dir_for(settings: PrinterSettings, data_dir: str | Path | None) -> Path:
    """Where a printer keeps its jobs: ``jobs_dir``, under the kiosk's data dir if relative."""
    jobs_dir = Path(settings.jobs_dir)
    if jobs_dir.is_absolute():
        return jobs_dir
    if data_dir is None:
        # No hidden fallback (environment, cwd): the runtime or the command passes the data dir.
        raise ValueError(f"printer jobs_dir {settings.jobs_dir!r} is relative and no data_dir "
                         "was given (pass data_dir= or call bind_storage first)")
    return Path(data_dir) / jobs_dir


def jobs_key_path_for(settings: PrinterSettings, data_dir: str | Path | None) -> Path:
    """The jobs' key file: ``jobs_key_path``, under the kiosk's data dir if relative."""
    path = Path(settings.jobs_key_path)
    if path.is_absolute():
        return path
    if data_dir is None:
        raise ValueError(f"printer jobs_key_path {settings.jobs_key_path!r} is relative and no "
                         "data_dir was given (pass data_dir= or call bind_storage first)")
    return Path(data_dir) / path


def open_job_store(settings: PrinterSettings, data_dir: str | Path | None,
                   keys: KeyStore | None = None) -> JobStore:
    """The printer's job store as the driver opens it: its folder, its key (created on first
    use) and the receipt link's lifetime (``receipt_link_days``) as the jobs' lifetime.

    ``keys``: the kiosk's key store (the runtime binds it): the jobs use its ``print-jobs``
    key ring, and an old ``jobs_key_path`` file becomes version 1. Without one (a tool, a
    test) the single key file ``jobs_key_path`` is used."""
    key: bytes | KeyRing
    if keys is not None:
        old = jobs_key_path_for(settings, data_dir)
        try:
            ring_store = keys if not old.is_file() else KeyStore(
                keys.secrets_dir, wrap=keys.wrap, tpm=keys.tpm, legacy_dirs=[old.parent])
            key = ring_store.ring("print-jobs")
        except KeyStoreError as exc:
            raise KeyFileError(str(exc)) from None
    else:
        key = load_or_create_key(jobs_key_path_for(settings, data_dir))
    return JobStore(jobs_dir_for(settings, data_dir), key=key,
                    lifetime_s=settings.receipt_link_days * 86400.0)


def print_jobs_ring(cfg: Any) -> KeyRing | None:
    """The kiosk's print-jobs key ring for a reader in another process (``kiosk receipts
    serve``), or None when the kiosk has not made one yet."""
    store = KeyStore.from_config(cfg)
    return store.ring("print-jobs") if store.has("print-jobs") else None


class ReceiptPrinter(Device):
    kind = "printer"
    #: Polled while idle (DLE EOT) and reconnected by the base's supervision.
    supervised = True

    def __init__(self, name: str, settings: PrinterSettings, *,
                 data_dir: str | Path | None = None) -> None:
        super().__init__(name, settings.url)
        self.settings = settings
        self._data_dir = data_dir
        self._jobs: JobStore | None = None  # opened on first use, after bind_storage
        self._keys: KeyStore | None = None  # the kiosk's key store (bind_keys)
        self._transport: Transport | None = None
        self._parked: Transport | None = None
        self._condition: PrinterCondition | None = None
        self._width_dots, self._columns = _profile_geometry(settings.profile)

    def bind_storage(self, data_dir: str | Path) -> None:
        """Keep jobs under the kiosk's data dir (called by the runtime before start)."""
        self._data_dir, self._jobs = data_dir, None

    def bind_keys(self, keys: KeyStore) -> None:
        """Encrypt kept jobs with the key store's print-jobs key (called by the runtime)."""
        self._keys, self._jobs = keys, None

    @property
    def jobs(self) -> JobStore:
        if self._jobs is None:
            try:
                self._jobs = open_job_store(self.settings, self._data_dir, self._keys)
            except KeyFileError as exc:  # no key, no receipts kept: say which file
                raise DeviceNotReady(f"{self.name}: {exc}", code="jobsKey") from None
        return self._jobs

    # -- lifecycle (worker) ---------------------------------------------------------------

    def open(self) -> None:
        # A printer switched on after the kiosk is found by the base's supervision.
        self._count_jobs()
        self._connect()
        self.read_status_now()

    def shutdown(self) -> None:
        self._disconnect()

    def poll_status(self) -> None:
        """Supervision: DLE EOT 1-4 while idle; no answer leaves the status offline."""
        self.read_status_now()

    def supervision_timing(self) -> SupervisionTiming:
        """``status_poll_s`` (the printer's older key) still sets the idle poll when it is
        given and ``poll_interval_s`` is not."""
        timing = super().supervision_timing()
        given = self.settings.model_fields_set
        if "status_poll_s" in given and "poll_interval_s" not in given:
            timing = replace(timing, poll_interval_s=self.settings.status_poll_s)
        return timing

    @property
    def simulator(self) -> Any:
        """The PrinterSimulator behind a sim:// URL (None for real hardware)."""
        t = self._transport or self._parked
        return t.sim if t else None

    # -- public API (any thread) ----------------------------------------------------------

    @property
    def can_print(self) -> bool:
        return self.status.device == DeviceState.ONLINE

    @property
    def geometry(self) -> tuple[int, int]:
        """(paper width in dots, text columns) of this printer's profile: what a job builder
        lays a receipt out for."""
        return self._width_dots, self._columns

    def print_receipt(self, receipt: Printable) -> Future[PrintOutcome]:
        """Store the job, then print it on the worker. The future never loses the job:
        on failure the outcome has ``printed=False``, the reason and an on-screen alternative."""
        return self.submit(self._store_and_run, receipt)

    def reprint(self, job_id: str) -> Future[PrintOutcome]:
        """Send a kept job again (after the fault was cleared)."""
        self.jobs.get(job_id)  # raise JobNotFound on the caller's thread
        return self.submit(self._run_job, job_id)

    def keep(self, receipt: Printable, *, job_id: str, token: str) -> PrintJob:
        """Store a job without printing it yet, under an id (and link token) its flow fixed
        in advance, so a redo after a power cut finds it; an existing job is kept as it is.
        ``reprint(job_id)`` prints it."""
        try:
            return self.jobs.get(job_id)
        except JobNotFound:
            pass
        job = PrintJob(job_id, receipt.template, receipt.lang, receipt.title, time.time(),
                       text=receipt.text, qr_payloads=list(receipt.qr_payloads), token=token)
        self.jobs.add(job, receipt.data)
        return job

    def has_job(self, job_id: str) -> bool:
        """Is the job still kept (not yet confirmed printed)?"""
        try:
            self.jobs.get(job_id)
        except JobNotFound:
            return False
        return True

    def pending_jobs(self) -> list[PrintJob]:
        return self.jobs.pending()

    def refresh_status(self) -> Future[DeviceStatus]:
        return self.submit(self.read_status_now)

    def screen_receipt(self, job: PrintJob | str) -> ScreenReceipt:
        j = self.jobs.get(job) if isinstance(job, str) else job
        return ScreenReceipt(j.id, j.title, j.text, j.token)

    # -- worker ----------------------------------------------------------------------------

    def read_status_now(self) -> DeviceStatus:
        """DLE EOT 1-4 → status model. Runs on the worker."""
        t = self._transport
        if t is None:
            try:
                t = self._connect()
            except DeviceError as exc:
                self.status_model.update(device=DeviceState.OFFLINE, detail=str(exc),
                                         supplies={"paper": SupplyState.UNKNOWN})
                return self.status
        if not t.can_read:
            # file:// and friends: writable is all we can know.
            self.status_model.update(device=DeviceState.ONLINE, media=MediaState.UNKNOWN,
                                     supplies={"paper": SupplyState.UNKNOWN},
                                     detail="no status channel on this transport",
                                     error_code="")
            return self.status
        try:
            t.write(QUERY_ALL)
            replies = self._read_status_bytes(t)
            cond = parse_replies(replies)
        except (DeviceError, StatusReplyError, OSError) as exc:
            self._condition = None
            self.status_model.update(device=DeviceState.OFFLINE,
                                     supplies={"paper": SupplyState.UNKNOWN},
                                     media=MediaState.UNKNOWN,
                                     detail=f"printer does not answer status: {exc}",
                                     error_code="noStatus")
            self._disconnect()  # reconnect on the next try
            return self.status
        self._apply(cond)
        return self.status

    def _read_status_bytes(self, t: Transport, *, sync: list[bool] | None = None) -> bytes:
        """Four DLE EOT replies; a GS r reply met on the way is noted in ``sync``."""
        out = b""
        deadline = time.monotonic() + self.settings.status_timeout_s
        while len(out) < 4:
            chunk = t.read_exact(1, max(0.001, deadline - time.monotonic()))
            if is_status_byte(chunk[0]):
                out += chunk
            elif sync is not None and not chunk[0] & 0x93:
                sync.append(True)  # GS r reply: 0xx0xx00
            else:
                raise StatusReplyError(f"unexpected byte 0x{chunk[0]:02x} from printer")
        return out

    def _apply(self, cond: PrinterCondition) -> None:
        prev = self._condition
        self._condition = cond
        detail = "; ".join(cond.problems)
        self.status_model.update(device=cond.device_state, media=cond.media,
                                 supplies={"paper": cond.paper}, detail=detail,
                                 error_code=cond.error_code)
        if cond.paper == SupplyState.LOW and not (prev and prev.paper == SupplyState.LOW):
            log.warning("%s: paper near end - replace the roll soon", self.name)

    def _store_and_run(self, receipt: Printable) -> PrintOutcome:
        job = PrintJob(new_job_id(), receipt.template, receipt.lang, receipt.title, time.time(),
                       text=receipt.text, qr_payloads=list(receipt.qr_payloads))
        self.jobs.add(job, receipt.data)  # on disk before a single byte goes out
        return self._run_job(job.id)

    def _run_job(self, job_id: str) -> PrintOutcome:
        job = self.jobs.get(job_id)
        data = self.jobs.data(job_id)
        status = self.read_status_now()
        if status.error_code == "noStatus" and self._transport is None:
            # The link dropped since the last poll (the printer restarted, a switch): the
            # status read closed it; one new connection and ask again before deciding.
            status = self.read_status_now()
        cond = self._condition
        if (cond is not None and (cond.cutter_error or cond.auto_recoverable)
                and self._transport is not None):
            self._transport.write(DLE_ENQ_CLEAR)
            status = self.read_status_now()
        t = self._transport
        if status.device != DeviceState.ONLINE or t is None:
            # Nothing was sent: no paper came out.
            return self._failed(job, status.detail or f"printer {status.device}",
                                PrintResult.NOT_PRINTED, reason_of_code(status.error_code))
        job.state, job.attempts, job.error = "sending", job.attempts + 1, ""
        self.jobs.save(job)
        try:
            t.write(data)
            # Without a read channel (file://) a completed write is all we can know.
            result, reason = self._wait_printed(t) if t.can_read else (PrintResult.PRINTED,
                                                                       PrintReason.NONE)
        except (OSError, DeviceError, StatusReplyError) as exc:
            # The line dropped (or babbled) with the job on its way: some of it may be on
            # the paper, uncut. Kept for reprint; the customer is told to ignore any stub.
            self._disconnect()
            self.status_model.update(device=DeviceState.OFFLINE, detail=f"write failed: {exc}",
                                     error_code="writeFailed")
            return self._failed(job, f"could not send the job: {exc}", PrintResult.PARTIAL,
                                PrintReason.DISCONNECTED)
        if t.can_read:
            self.read_status_now()  # paper near end after it, a jam…: for the status model
        if result.on_paper:
            self.jobs.done(job.id)  # never kept: a reprint would be a duplicate
            self._bump("jobs_printed")
            if result is PrintResult.PRINTED_NOT_CUT:
                self._bump("jobs_not_cut")
                log.warning("%s: job %s printed but not cut (%s): the customer tears it off",
                            self.name, job.id, self.status.detail or "cutter error")
            self._count_jobs()
            error = "" if result is PrintResult.PRINTED else self.status.detail
            return PrintOutcome(job.id, result, self.status, reason, error)
        return self._failed(job, self.status.detail or REASON_WORDS[reason], result, reason)

    def _wait_printed(self, t: Transport) -> tuple[PrintResult, PrintReason]:
        """What the job left on the paper: ``printed`` once the printer answered GS r after
        it; if it stopped, what its real-time status says (:func:`outcomes.after_stop`)."""
        t.write(GS_R_PAPER)
        deadline = time.monotonic() + self.settings.timeout_s
        while time.monotonic() < deadline:
            try:
                b = t.read_exact(1, 0.05)
            except DeviceTimeout:
                # Still busy, or stopped? DLE EOT is answered at once either way.
                sync: list[bool] = []
                t.write(QUERY_ALL)
                cond = parse_replies(self._read_status_bytes(t, sync=sync))
                if sync:
                    return PrintResult.PRINTED, PrintReason.NONE
                if not cond.can_print:
                    self._apply(cond)
                    return after_stop(cond)
                continue
            if not b[0] & 0x93:
                return PrintResult.PRINTED, PrintReason.NONE
            raise StatusReplyError(f"unexpected byte 0x{b[0]:02x} while printing")
        return PrintResult.PARTIAL, PrintReason.TIMEOUT

    def _failed(self, job: PrintJob, error: str, result: PrintResult = PrintResult.NOT_PRINTED,
                reason: PrintReason = PrintReason.FAILED) -> PrintOutcome:
        """Keep the job for reprint, marked with what came out (``partial``: a stub)."""
        job.state, job.error = "failed", error
        job.outcome, job.reason = str(result), str(reason)
        self.jobs.save(job)
        self._bump("jobs_failed")
        self._count_jobs()
        log.warning("%s: job %s %s (%s): %s (kept for reprint)", self.name, job.id,
                    "stopped part-way" if result is PrintResult.PARTIAL else "not printed",
                    reason, error)
        return PrintOutcome(job.id, result, self.status, reason, error, self.screen_receipt(job))

    def _bump(self, counter: str) -> None:
        self.status_model.update(counters={counter: self.status.counters.get(counter, 0) + 1})

    def _count_jobs(self) -> None:
        if self._data_dir is None and not (Path(self.settings.jobs_dir).is_absolute()
                                           and Path(self.settings.jobs_key_path).is_absolute()):
            return  # no store yet: counted when the first job is kept (after bind_storage)
        self.status_model.update(counters={"jobs_pending": len(self.jobs.pending())})

    def _connect(self) -> Transport:
        if self._transport is None:
            parked, self._parked = self._parked, None
            if parked is not None:  # a sim:// printer keeps its state across reconnects
                try:
                    parked.printer.open()
                except Exception as exc:
                    self._parked = parked
                    raise DeviceNotReady(f"cannot reconnect to {self.url}: {exc}") from None
                self._transport = parked
            else:
                self._transport = open_transport(self.url, profile=self.settings.profile,
                                                 timeout=self.settings.timeout_s,
                                                 base_dir=self._data_dir)
        return self._transport

    def _disconnect(self) -> None:
        t, self._transport = self._transport, None
        if t is None:
            return
        if t.sim is not None:
            try:
                t.printer.close()
            except Exception:
                log.debug("closing the simulator connection failed", exc_info=True)
            self._parked = t
        else:
            t.close()

    def _self_test(self) -> SelfTestResult:
        status = self.read_status_now()
        checks = {"state": str(status.device), "paper": str(status.supplies.get("paper", "?"))}
        if status.detail:
            checks["detail"] = status.detail
        checks["pending_jobs"] = str(len(self.jobs.pending()))
        return SelfTestResult(ok=status.device == DeviceState.ONLINE, checks=checks)

    def close(self, timeout: float | None = 5.0) -> None:
        super().close(timeout)
        for t in (self._transport, self._parked):
            if t is not None:
                t.close()
        self._transport = self._parked = None


def _profile_geometry(profile: str) -> tuple[int, int]:
    """Printable dots and Font A columns from the python-escpos profile."""
    get_profile = escpos_cache.load().get_profile

    try:
        data = get_profile(profile).profile_data
    except Exception as exc:
        raise DeviceNotReady(f"unknown printer profile '{profile}': {exc}") from None
    try:
        width = int(data["media"]["width"]["pixels"])
    except (KeyError, ValueError, TypeError):
        width = 512
    try:
        columns = int(data["fonts"]["0"]["columns"])
    except (KeyError, ValueError, TypeError):
        columns = width // 12
    return width, columns


def create(name: str, settings: PrinterSettings, *, data_dir: str | Path | None = None) -> Device:
    return ReceiptPrinter(name, settings, data_dir=data_dir)
