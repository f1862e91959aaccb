"""Appointment check-in: find the booking, check in once, print the queue ticket.

Qt-free. Two parts:

- :func:`definition` — the persisted flow (``kiosk_core.flows``) that runs after the
  customer confirmed: ``check_in`` (o2o_sync look-up API: appointment state, queue ticket
  and outbox event in one transaction), ``store_ticket`` (the ticket job written to the
  printer's job store under an id chosen *before* the flow started) and ``print_ticket``.
  After a power cut ``check_in`` asks the branch database and ``print_ticket`` asks the job
  store what really happened, so a check-in is never doubled and a ticket never lost.
- :class:`CheckinService` — the blocking calls the screen makes (look-ups, the flow).
  The view-model runs them off the GUI thread through the bridge.
"""

from __future__ import annotations

import logging
import math
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from customer_flows import register
from devices.printer.outcomes import PrintReason, PrintResult
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.flows import FlowContext, FlowDefinition, FlowEngine, Outcome, Step
from o2o_sync.lookup import Appointment, CheckInDesk, LookupRefused
from receipts.links import default_base_url, queue_url
from receipts.printing import render_for
from receipts.queue_page import QueueLinks, links_for

if TYPE_CHECKING:
    from devices.printer.api import ReceiptPrinterAPI
    from kiosk_core.config import CoreConfig
    from kiosk_core.runtime import KioskRuntime
    from o2o_sync.store import BranchStore

log = logging.getLogger(__name__)

FLOW = "appointment_checkin"
TEMPLATE = "queue_ticket"

#: Service names in both languages, for the ticket (the screen translates through Qt).
SERVICE_NAMES: dict[str, dict[str, str]] = {
    "account": {"en_US": "Open an account", "zh_CN": "开户"},
    "loan": {"en_US": "Loan consultation", "zh_CN": "贷款咨询"},
    "wealth": {"en_US": "Wealth management", "zh_CN": "理财服务"},
    "card": {"en_US": "Cards and payments", "zh_CN": "银行卡与支付"},
    "forex": {"en_US": "Foreign exchange", "zh_CN": "外币兑换"},
}


def service_name(key: str, lang: str) -> str:
    names = SERVICE_NAMES.get(key)
    return names.get(lang, names["en_US"]) if names else key


def mask_name(name: str) -> str:
    """What a passer-by may read on screen: 张*三, 李*, J*** S****."""
    name = (name or "").strip()
    if not name:
        return ""
    if any("\u4e00" <= ch <= "\u9fff" for ch in name):
        if len(name) <= 2:
            return name[0] + "*"
        return name[0] + "*" * (len(name) - 2) + name[-1]
    return " ".join(w[0] + "*" * (len(w) - 1) for w in name.split())


# -- refusals ------------------------------------------------------------------------------


class CheckinRefused(FlowFailed):
    """What the screen says no to: a :class:`Failure` (o2o_sync's refusal codes plus
    ``too_many``) and its detail, e.g. "09:15" (too_early) or "2026-11-24" (not_today)."""

    @property
    def code(self) -> Failure:
        return self.failure


def _refused(exc: LookupRefused) -> CheckinRefused:
    # o2o_sync names the reason and its detail; nothing is read back out of the message.
    return CheckinRefused(Failure.parse(exc.code), exc.detail, str(exc))


# -- what the screen shows -----------------------------------------------------------------


@dataclass(frozen=True)
class FoundAppointment:
    appointment_id: str
    service: str  # channel key: "loan"
    service_en: str  # English name (the screen translates it)
    local_time: str  # HH:MM in the branch's zone
    local_date: str
    today: bool
    name_masked: str
    phone_masked: str

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckinResult:
    flow_id: str
    ticket_number: str
    service: str
    ahead: int
    estimated_wait_min: int
    printed: bool
    job_id: str
    ticket_url: str  # the QR on the ticket; also shown on screen when printing is out
    print_error: str = ""
    #: devices.printer.outcomes: printed | printed_not_cut | partial | not_printed
    print_outcome: str = ""
    print_reason: str = ""  # PrintReason code: paper_out, cover_open, cutter, offline…

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the persisted flow ------------------------------------------------------------------------


_desks: dict[str, CheckInDesk] = {}
_desks_lock = threading.Lock()


def desk_for(config: CoreConfig) -> CheckInDesk:
    """One look-up desk (one branch-DB connection) per database file in this process."""
    key = str(Path(config.path("branch_db")).resolve())
    with _desks_lock:
        desk = _desks.get(key)
        if desk is None:
            desk = _desks[key] = CheckInDesk.from_config(config)
        return desk


def close_desks() -> None:
    with _desks_lock:
        for desk in _desks.values():
            desk.close()
        _desks.clear()


def _desk(ctx: FlowContext) -> CheckInDesk:
    desk = ctx.resources.get("checkin_desk")
    if desk is None:
        desk = desk_for(ctx.resources["runtime"].config)
    return desk


def branch_store(ctx: FlowContext) -> BranchStore:
    """The branch store a flow writes tickets to: the ``branch_store`` resource (tests, the
    walk-in flow's engine), else the check-in desk's."""
    store = ctx.resources.get("branch_store")
    return cast("BranchStore", store) if store is not None else _desk(ctx).store


def _printer(ctx: FlowContext) -> ReceiptPrinterAPI | None:
    """The printer, or None on a kiosk without one (the ticket is then shown on screen)."""
    return _as_printer(ctx.resources.get("devices", {}).get("printer"))


def _as_printer(device: object) -> ReceiptPrinterAPI | None:
    # runtime.devices holds every kind as a ManagedDevice; "printer" is the printer kind's.
    return cast("ReceiptPrinterAPI | None", device)


def _check_in(ctx: FlowContext) -> dict[str, Any]:
    ticket = _desk(ctx).check_in(ctx.data["appointment_id"], via="kiosk")
    return {"ticket": {"id": ticket.id, "number": ticket.number, "service": ticket.service,
                       "ahead": ticket.ahead, "wait": ticket.estimated_wait_min}}


def _recover_check_in(ctx: FlowContext) -> Outcome:
    """In doubt: the branch DB knows. Checked in → take that ticket (never a second one)."""
    store = _desk(ctx).store
    row = store.appointment(ctx.data["appointment_id"])
    if row is None or not row.get("ticket_id"):
        return "not_done"
    t = store.ticket(row["ticket_id"])
    if t is None:
        return "not_done"
    ctx.data["ticket"] = {"id": t["id"], "number": t["number"], "service": t["service"],
                          "ahead": 0, "wait": 0}
    return "done"


def follow_url(ctx: FlowContext) -> str:
    """The ticket's "Scan to follow the queue" link: the live queue page of this ticket
    (receipts.queue_page), signed with the kiosk's queue-link key. The same link is the QR
    on the printed ticket and the QR on screen when the ticket did not print."""
    t = ctx.data["ticket"]
    links = ctx.resources.get("queue_links")
    if links is None:
        links = links_for(ctx.resources["runtime"].config)
    store = branch_store(ctx)
    row = store.ticket(int(t["id"])) or {}
    day = str(row.get("day") or datetime.now(ZoneInfo(ctx.data.get("zone") or "UTC"))
              .date().isoformat())
    return queue_url(ctx.data["link_base"],
                     links.token(int(t["id"]), day, ctx.data["language"]))


def _ticket_values(ctx: FlowContext, printer: Any) -> dict[str, Any]:
    t = ctx.data["ticket"]
    lang = ctx.data["language"]
    zone = ZoneInfo(ctx.data.get("zone") or "UTC")
    return {
        "branch": ctx.data.get("branch") or "",
        "ticket_no": t["number"],
        "service": service_name(t["service"], lang),
        "waiting_ahead": int(t["ahead"]),
        "estimated_wait_min": int(t["wait"]),
        "checked_in_at": datetime.now(zone).replace(tzinfo=None),
        "appointment_ref": ctx.data.get("booking_code") or "",
        "ticket_url": ctx.data["ticket_url"],
    }


def _store_ticket(ctx: FlowContext) -> dict[str, Any]:
    """Fix the ticket's queue link, then write the ticket job under the id fixed at flow
    start (safe to redo: the same link, the job written once)."""
    if not ctx.data.get("ticket_url"):
        ctx.data["ticket_url"] = follow_url(ctx)
    link = {"ticket_url": ctx.data["ticket_url"]}
    printer = _printer(ctx)
    if printer is None or printer.has_job(ctx.data["job_id"]):
        return link
    try:
        receipt = render_for(printer, TEMPLATE, ctx.data["language"], _ticket_values(ctx, printer))
    except Exception as exc:  # a bad template or value must not undo a done check-in
        log.error("check-in %s: ticket not rendered: %s", ctx.flow_id, exc)
        return {**link, "store_error": str(exc) or type(exc).__name__}
    printer.keep(receipt, job_id=ctx.data["job_id"], token=ctx.data["job_token"])
    return link


def _not_printed(result: PrintResult, reason: PrintReason, error: str) -> dict[str, Any]:
    return {"printed": result.on_paper, "print_outcome": str(result),
            "print_reason": str(reason), "print_error": error}


def _print_ticket(ctx: FlowContext) -> dict[str, Any]:
    """Print the stored job. A printer fault is not a failed check-in: the job stays kept
    for reprint and the screen shows the number and the ticket's QR instead. What came out
    (``print_outcome``: whole, whole but uncut, a stub, nothing) is what the screen says."""
    printer = _printer(ctx)
    if printer is None:
        return _not_printed(PrintResult.NOT_PRINTED, PrintReason.NO_PRINTER,
                            "this kiosk has no printer")
    if ctx.data.get("store_error"):
        return _not_printed(PrintResult.NOT_PRINTED, PrintReason.FAILED,
                            ctx.data["store_error"])
    try:
        outcome = printer.reprint(ctx.data["job_id"]).result(
            timeout=printer.settings.timeout_s + 15)
    except TimeoutError as exc:  # still at it: some of it may be on the paper
        log.warning("check-in %s: ticket not confirmed: %s", ctx.flow_id, exc)
        return _not_printed(PrintResult.PARTIAL, PrintReason.TIMEOUT,
                            str(exc) or "the printer did not answer in time")
    except Exception as exc:  # printer closed or gone: the job is still on disk
        log.warning("check-in %s: ticket not printed: %s", ctx.flow_id, exc)
        return _not_printed(PrintResult.NOT_PRINTED, PrintReason.FAILED,
                            str(exc) or type(exc).__name__)
    return {"printed": bool(outcome.printed), "print_outcome": str(outcome.result),
            "print_reason": str(outcome.reason), "print_error": outcome.error}


def _recover_print(ctx: FlowContext) -> Outcome:
    """In doubt: a job the printer confirmed is deleted from the store; one still there
    did not (fully) print, so it is printed again."""
    printer = _printer(ctx)
    if printer is None or ctx.data.get("store_error"):
        return "not_done"  # redoing it just records "not printed" again
    if not printer.has_job(ctx.data["job_id"]):
        ctx.data["printed"] = True
        ctx.data.setdefault("print_outcome", str(PrintResult.PRINTED))
        return "done"
    return "not_done"


def definition() -> FlowDefinition:
    return FlowDefinition(
        FLOW,
        (
            # No compensation: a check-in stands (the customer is in the queue either way).
            Step("check_in", _check_in, recover=_recover_check_in),
            Step("store_ticket", _store_ticket, idempotent=True),
            Step("print_ticket", _print_ticket, recover=_recover_print),
        ),
        on_restart="resume",
    )


register(definition())


# -- what the screen calls (blocking; run off the GUI thread) ------------------------------


class CheckinService:
    """Look-ups and the check-in flow for one kiosk. Thread-safe (the desk serialises)."""

    def __init__(self, desk: CheckInDesk, engine: FlowEngine, *, branch: str, zone: str,
                 printer: ReceiptPrinterAPI | None, queue_links: QueueLinks) -> None:
        self.desk = desk
        self.engine = engine
        self.branch = branch
        self.zone = zone
        self.printer = printer
        self.queue_links = queue_links  # signs the ticket's "follow the queue" link

    @classmethod
    def from_runtime(cls, runtime: KioskRuntime) -> CheckinService:
        if runtime.flow_engine is None:
            raise RuntimeError("the kiosk runtime has not started")
        cfg = runtime.config
        return cls(desk_for(cfg), runtime.flow_engine, branch=cfg.kiosk.branch,
                   zone=cfg.kiosk.timezone, printer=_as_printer(runtime.devices.get("printer")),
                   queue_links=links_for(cfg))

    def _found(self, appt: Appointment) -> FoundAppointment:
        today = datetime.now(ZoneInfo(self.zone)).date().isoformat()
        return FoundAppointment(appt.id, appt.service, service_name(appt.service, "en_US"),
                                appt.local_time, appt.local_date, appt.local_date == today,
                                mask_name(appt.name), appt.phone_masked)

    def find_by_qr(self, text: str) -> FoundAppointment:
        try:
            return self._found(self.desk.find_by_qr(text))
        except LookupRefused as exc:
            raise _refused(exc) from None

    def find_by_phone(self, phone: str, code: str) -> FoundAppointment:
        try:
            return self._found(self.desk.find_by_phone(phone, code))
        except LookupRefused as exc:
            raise _refused(exc) from None

    def check_in(self, appointment_id: str, language: str) -> CheckinResult:
        """Run the persisted flow; raises CheckinRefused if the check-in itself is refused
        (e.g. checked in meanwhile at the staff console)."""
        from devices.printer.jobs import new_job_id

        row = self.desk.store.appointment(appointment_id) or {}
        job_id = new_job_id()
        token = secrets.token_urlsafe(12)
        base = (self.printer.settings.receipt_base_url if self.printer is not None
                else default_base_url())
        data = {
            "appointment_id": appointment_id, "language": language, "branch": self.branch,
            "zone": self.zone, "booking_code": row.get("booking_code") or "",
            "job_id": job_id, "job_token": token,
            # The QR's link (the live queue page) is fixed once the ticket has its number.
            "link_base": base,
        }
        flow_id = self.engine.start(FLOW, data)
        try:
            out = self.engine.run(flow_id)
        except Exception as exc:
            cause = getattr(exc, "cause", exc)
            if isinstance(cause, LookupRefused):
                raise _refused(cause) from None
            raise
        t = out["ticket"]
        return CheckinResult(flow_id, t["number"], t["service"], int(t["ahead"]), int(t["wait"]),
                             bool(out.get("printed")), job_id, out["ticket_url"],
                             out.get("print_error", ""),
                             out.get("print_outcome") or ("printed" if out.get("printed")
                                                          else "not_printed"),
                             out.get("print_reason", ""))

    # -- "already checked in": the same ticket printed again ---------------------------------

    def _rows_for(self, kind: str, *args: str) -> list[Any]:
        """The appointment rows a look-up (QR text, or phone + code) names, whatever state."""
        from o2o_sync.lookup import QR_PREFIX
        from o2o_sync.wire import digits

        if kind == "qr":
            text = (args[0] or "").strip()
            if text.upper().startswith(QR_PREFIX):
                text = text[len(QR_PREFIX):]
            return list(self.desk.store.by_qr(text))
        d = digits(args[0] or "")
        return [r for r in self.desk.store.by_code((args[1] or "").strip().upper())
                if d and r["phone_digits"]
                and (r["phone_digits"].endswith(d) or d.endswith(r["phone_digits"]))]

    def used_ticket(self, kind: str, *args: str) -> dict[str, Any] | None:
        """Today's waiting (or called) ticket of an appointment already checked in."""
        rows = self._rows_for(kind, *args)
        if len(rows) != 1 or not rows[0]["ticket_id"]:
            return None
        today = datetime.now(ZoneInfo(self.zone)).date().isoformat()
        t = next((t for t in self.desk.store.tickets_today(today)
                  if t["id"] == rows[0]["ticket_id"]), None)
        if t is None or t["status"] not in ("waiting", "called"):
            return None
        return {"id": t["id"], "number": t["number"], "service": t["service"],
                "booking_code": rows[0]["booking_code"] or ""}

    def reprint(self, kind: str, args: tuple[str, ...], language: str) -> CheckinResult | None:
        """Print the ticket of an appointment already checked in again (the customer lost
        it, or the printer was out). None: no ticket of today to print."""
        from devices.printer.jobs import new_job_id

        t = self.used_ticket(kind, *args)
        if t is None:
            return None
        waiting = [x for x in self.desk.store.tickets_today() if x["status"] == "waiting"]
        ahead = next((i for i, x in enumerate(waiting) if x["id"] == t["id"]), 0)
        wait = math.ceil(ahead * self.desk.store.service_minutes)
        job_id, token = new_job_id(), secrets.token_urlsafe(12)
        base = (self.printer.settings.receipt_base_url if self.printer is not None
                else default_base_url())
        ctx = FlowContext("reprint", FLOW, {
            "ticket": {"id": t["id"], "number": t["number"], "service": t["service"],
                       "ahead": ahead, "wait": wait},
            "language": language, "branch": self.branch, "zone": self.zone,
            "booking_code": t["booking_code"], "job_id": job_id, "job_token": token,
            "link_base": base},
            {"devices": {"printer": self.printer}, "branch_store": self.desk.store,
             "queue_links": self.queue_links})
        ctx.data.update(_store_ticket(ctx))
        out = _print_ticket(ctx)
        return CheckinResult("", t["number"], t["service"], ahead, wait,
                             bool(out.get("printed")), job_id, ctx.data["ticket_url"],
                             out.get("print_error", ""), out.get("print_outcome", ""),
                             out.get("print_reason", ""))
