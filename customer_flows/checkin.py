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
import secrets
import threading
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from customer_flows import register
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.flows import FlowContext, FlowDefinition, FlowEngine, Outcome, Step
from o2o_sync.lookup import Appointment, CheckInDesk, LookupRefused
from receipts.printing import render_for

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

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the persisted flow ------------------------------------------------------------------------


_desks: dict[str, CheckInDesk] = {}
_desks_lock = threading.Lock()


def desk_for(config: Any) -> CheckInDesk:
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


def _printer(ctx: FlowContext) -> Any:
    """The printer, or None on a kiosk without one (the ticket is then shown on screen)."""
    return ctx.resources.get("devices", {}).get("printer")


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
    day_rows = [t for t in store.tickets_today() if t["id"] == row["ticket_id"]]
    if not day_rows:  # the ticket is from another day: recover it from its own row
        day_rows = [dict(r) for r in store.conn.execute(
            "SELECT * FROM tickets WHERE id=?", (row["ticket_id"],)).fetchall()]
    t = day_rows[0]
    ctx.data["ticket"] = {"id": t["id"], "number": t["number"], "service": t["service"],
                          "ahead": 0, "wait": 0}
    return "done"


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
    """Write the ticket job under the id fixed at flow start (safe to redo)."""
    from devices.printer.jobs import JobNotFound, PrintJob

    printer = _printer(ctx)
    if printer is None:
        return {}
    try:
        printer.jobs.get(ctx.data["job_id"])
        return {}
    except JobNotFound:
        pass
    try:
        receipt = render_for(printer, TEMPLATE, ctx.data["language"], _ticket_values(ctx, printer))
    except Exception as exc:  # a bad template or value must not undo a done check-in
        log.error("check-in %s: ticket not rendered: %s", ctx.flow_id, exc)
        return {"store_error": str(exc) or type(exc).__name__}
    job = PrintJob(ctx.data["job_id"], receipt.template, receipt.lang, receipt.title,
                   datetime.now().timestamp(), text=receipt.text,
                   qr_payloads=list(receipt.qr_payloads), token=ctx.data["job_token"])
    printer.jobs.add(job, receipt.data)
    return {}


def _print_ticket(ctx: FlowContext) -> dict[str, Any]:
    """Print the stored job. A printer fault is not a failed check-in: the job stays kept
    for reprint and the screen shows the number and the ticket's QR instead."""
    printer = _printer(ctx)
    if printer is None:
        return {"printed": False, "print_error": "this kiosk has no printer"}
    if ctx.data.get("store_error"):
        return {"printed": False, "print_error": ctx.data["store_error"]}
    try:
        outcome = printer.reprint(ctx.data["job_id"]).result(
            timeout=printer.settings.timeout_s + 15)
    except Exception as exc:  # printer closed or gone: the job is still on disk
        log.warning("check-in %s: ticket not printed: %s", ctx.flow_id, exc)
        return {"printed": False, "print_error": str(exc) or type(exc).__name__}
    return {"printed": bool(outcome.printed), "print_error": outcome.error}


def _recover_print(ctx: FlowContext) -> Outcome:
    """In doubt: a job the printer confirmed is deleted from the store; one still there
    did not (fully) print, so it is printed again."""
    from devices.printer.jobs import JobNotFound

    printer = _printer(ctx)
    if printer is None or ctx.data.get("store_error"):
        return "not_done"  # redoing it just records "not printed" again
    try:
        printer.jobs.get(ctx.data["job_id"])
    except JobNotFound:
        ctx.data["printed"] = True
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
                 printer: Any) -> None:
        self.desk = desk
        self.engine = engine
        self.branch = branch
        self.zone = zone
        self.printer = printer

    @classmethod
    def from_runtime(cls, runtime: Any) -> CheckinService:
        if runtime.flow_engine is None:
            raise RuntimeError("the kiosk runtime has not started")
        cfg = runtime.config
        return cls(desk_for(cfg), runtime.flow_engine, branch=cfg.kiosk.branch,
                   zone=cfg.kiosk.timezone, printer=runtime.devices.get("printer"))

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
        base = "https://receipts.smartbranch.example/r"
        if self.printer is not None:
            base = self.printer.settings.receipt_base_url.rstrip("/")
        data = {
            "appointment_id": appointment_id, "language": language, "branch": self.branch,
            "zone": self.zone, "booking_code": row.get("booking_code") or "",
            "job_id": job_id, "job_token": token,
            # Same URL as the printer's screen alternative: the QR fetches this ticket.
            "ticket_url": f"{base}/{job_id}?t={token}",
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
                             bool(out.get("printed")), job_id, data["ticket_url"],
                             out.get("print_error", ""))
