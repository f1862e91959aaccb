"""Walk-in queue ticket ("Take a number"): a customer with no appointment picks a service
and gets a number, through the branch store so the staff console sees it at once.

Qt-free, in the shape of the check-in (docs/architecture.md, *How to add a flow*):

- :func:`definition` — the persisted flow ``walkin_ticket``: ``issue`` (o2o_sync's
  ``BranchStore.issue_walk_in`` keyed by the flow id, so a flow redone after a power cut
  gets the same number back, never a second one), ``store_ticket`` (the queue-ticket job
  kept under an id chosen before the flow started), ``journal_ticket`` (``walkin.ticket``
  through the runtime's journal writer, *before* the printer acts) and ``print_ticket``.
  The printing steps are the check-in's (template ``queue_ticket``): a printer that is out
  is not a failed ticket — the screen shows the number and the ticket's QR code instead.
- :class:`WalkinSession` — the screen's state machine (choose → busy → ticket | error),
  the time limit on the choice, the blocking work handed to ``submit``.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, cast

from customer_flows import register
from customer_flows.checkin import (
    TEMPLATE,
    _as_printer,
    _print_ticket,
    _recover_print,
    _store_ticket,
    branch_store,
)
from kiosk_core.failures import Failure, FlowFailed, failure_of
from kiosk_core.flows import FlowContext, FlowDefinition, FlowEngine, Outcome, Step
from kiosk_core.prompts import IDLE, Prompt, PromptBoard
from o2o_sync.services import SERVICES
from receipts.links import default_base_url

if TYPE_CHECKING:
    from devices.printer.api import ReceiptPrinterAPI
    from kiosk_core.runtime import KioskRuntime

log = logging.getLogger(__name__)

FLOW = "walkin_ticket"
__all__ = ["FLOW", "TEMPLATE", "WalkinResult", "WalkinService", "WalkinSession", "definition"]

#: The services a walk-in customer may queue for (the branch's service list, in its order).
WALKIN_SERVICES: tuple[str, ...] = tuple(SERVICES)
#: The choice screen gives up (back to the menu) after this long without a choice.
CHOOSE_LIMIT_S = 120.0


@dataclass(frozen=True)
class WalkinResult:
    flow_id: str
    ticket_number: str
    service: str
    ahead: int
    estimated_wait_min: int
    printed: bool
    job_id: str
    ticket_url: str  # the ticket's QR code; shown on screen when the printer is out
    print_outcome: str = ""  # printed | printed_not_cut | partial | not_printed
    print_reason: str = ""
    print_error: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# -- the persisted flow ------------------------------------------------------------------------


def _ticket_data(t: Any) -> dict[str, Any]:
    return {"id": t.id, "number": t.number, "service": t.service, "ahead": t.ahead,
            "wait": t.estimated_wait_min}


def _issue(ctx: FlowContext) -> dict[str, Any]:
    ticket = branch_store(ctx).issue_walk_in(ctx.data["service"], key=ctx.flow_id)
    return {"ticket": _ticket_data(ticket)}


def _journal(ctx: FlowContext) -> Callable[[str, Mapping[str, object]], object]:
    journal = ctx.resources.get("journal")
    if journal is not None:
        return cast("Callable[[str, Mapping[str, object]], object]", journal)
    writer = ctx.resources["runtime"].journal_writer
    return cast("Callable[[str, Mapping[str, object]], object]", writer.append)


def _journal_ticket(ctx: FlowContext) -> dict[str, Any]:
    """``walkin.ticket`` before the printer acts: the number is the customer's already."""
    t = ctx.data["ticket"]
    _journal(ctx)("walkin.ticket", {"flow": ctx.flow_id, "ticket": t["number"],
                                    "service": t["service"], "job": ctx.data["job_id"]})
    return {}


def _recover_journal(ctx: FlowContext) -> Outcome:
    return "done"  # the record may be in the journal: a second copy would say it twice


def definition() -> FlowDefinition:
    return FlowDefinition(
        FLOW,
        (
            Step("issue", _issue, idempotent=True),  # keyed by the flow id in the store
            Step("store_ticket", _store_ticket, idempotent=True),
            Step("journal_ticket", _journal_ticket, recover=_recover_journal),
            Step("print_ticket", _print_ticket, recover=_recover_print),
        ),
        on_restart="resume",
    )


register(definition())


class WalkinService:
    """The blocking call the screen makes: run the flow for one service."""

    def __init__(self, engine: FlowEngine, *, branch: str, zone: str,
                 printer: ReceiptPrinterAPI | None) -> None:
        self.engine = engine
        self.branch = branch
        self.zone = zone
        self.printer = printer

    @classmethod
    def from_runtime(cls, runtime: KioskRuntime) -> WalkinService:
        if runtime.flow_engine is None:
            raise RuntimeError("the kiosk runtime has not started")
        cfg = runtime.config
        return cls(runtime.flow_engine, branch=cfg.kiosk.branch, zone=cfg.kiosk.timezone,
                   printer=_as_printer(runtime.devices.get("printer")))

    def take_number(self, service: str, language: str) -> WalkinResult:
        from devices.printer.jobs import new_job_id

        if service not in WALKIN_SERVICES:
            raise FlowFailed(Failure.INVALID, service)
        job_id = new_job_id()
        token = secrets.token_urlsafe(12)
        base = (self.printer.settings.receipt_base_url if self.printer is not None
                else default_base_url())
        data = {"service": service, "language": language, "branch": self.branch,
                "zone": self.zone, "job_id": job_id, "job_token": token,
                "link_base": base}  # the QR's link is fixed once the number is issued
        flow_id = self.engine.start(FLOW, data)
        out = self.engine.run(flow_id)
        t = out["ticket"]
        return WalkinResult(
            flow_id, t["number"], t["service"], int(t["ahead"]), int(t["wait"]),
            bool(out.get("printed")), job_id, out["ticket_url"],
            out.get("print_outcome") or ("printed" if out.get("printed") else "not_printed"),
            out.get("print_reason", ""), out.get("print_error", ""))


# -- the screen's session ----------------------------------------------------------------------


@dataclass
class WalkinState:
    step: str = "choose"  # choose | busy | ticket | error
    service: str = ""
    result: WalkinResult | None = None
    error: str = ""  # a Failure value ("" when none)


class WalkinSession:
    """Choose a service → the number. Taps on the GUI thread; the flow runs on ``submit``;
    ``on_change`` is called on any thread (the view-model re-posts it)."""

    def __init__(
        self,
        *,
        service: Callable[[], WalkinService],
        submit: Callable[..., object],
        prompts: PromptBoard,
        on_change: Callable[[], None] = lambda: None,
        services: Sequence[str] = WALKIN_SERVICES,
        choose_limit_s: float = CHOOSE_LIMIT_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.state = WalkinState()
        self._service_factory = service
        self._service: WalkinService | None = None
        self.submit = submit
        self.prompts = prompts
        self.on_change = on_change
        self.services = tuple(services)
        self.choose_limit_s = choose_limit_s
        self.clock = clock
        self._lock = threading.RLock()
        self._shown_at = clock()
        self.closed = False
        prompts.show(Prompt(FLOW, "choose_service", {"services": ",".join(self.services)}))

    @property
    def step(self) -> str:
        return self.state.step

    def choose(self, service: str, language: str) -> bool:
        """The customer picked ``service``: take a number for it (on a worker)."""
        with self._lock:
            if self.closed or self.state.step != "choose" or service not in self.services:
                return False
            self.state.step, self.state.service = "busy", service
        self.prompts.show(IDLE)
        self.on_change()
        self.submit(self._take, service, language)
        return True

    def retry(self) -> None:
        with self._lock:
            if self.state.step != "error":
                return
            self.state.step, self.state.error, self.state.service = "choose", "", ""
            self._shown_at = self.clock()
        self.prompts.show(Prompt(FLOW, "choose_service", {"services": ",".join(self.services)}))
        self.on_change()

    def timed_out(self) -> bool:
        """True once the choice screen has waited ``choose_limit_s`` without a choice (the
        view-model polls it and leaves the flow)."""
        with self._lock:
            return (self.state.step == "choose"
                    and self.clock() - self._shown_at > self.choose_limit_s)

    def close(self) -> None:
        with self._lock:
            self.closed = True
        if self.prompts.current.flow == FLOW:
            self.prompts.show(IDLE)

    def _svc(self) -> WalkinService:
        if self._service is None:
            self._service = self._service_factory()
        return self._service

    def _take(self, service: str, language: str) -> None:  # worker thread
        try:
            result = self._svc().take_number(service, language)
        except Exception as exc:
            log.exception("walk-in ticket for %s failed", service)
            failure = getattr(getattr(exc, "cause", None), "failure", None)
            code = failure if isinstance(failure, Failure) else failure_of(exc, Failure.FAILED)
            with self._lock:
                self.state.step, self.state.error = "error", str(code)
        else:
            with self._lock:
                self.state.step, self.state.result = "ticket", result
        self.on_change()

    def snapshot(self) -> dict[str, Any]:
        s = self.state
        return {"step": s.step, "service": s.service, "error": s.error,
                "result": s.result.as_dict() if s.result is not None else None}
