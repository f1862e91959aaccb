"""The customer flows the matrix drives, headless, on the kiosk under test.

Card issuance: its device and bank part, as ``CardIssuanceSession._issue`` runs it (the
runtime's flow engine, the session's progress hook and the customer's personal data in
memory); what the screen would show is the session's own mapping of the failure
(``card_session.failure_code``). Check-in: ``CheckinService.from_runtime``, as the page's
view-model builds it, by phone and booking code.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from customer_flows import card_issuance
from customer_flows.card_session import failure_code
from customer_flows.checkin import CheckinResult, CheckinService
from kiosk_core.clock import local_now
from kiosk_core.flows import FlowEngine

from .conftest import Kiosk

log = logging.getLogger(__name__)


@dataclass
class Issued:
    state: str  # "done" | "failed"
    reason: str  # the Failure the screen explains ("" when done)
    data: dict[str, Any]
    flow_id: str
    error: BaseException | None = None
    progress: list[str] = field(default_factory=list)


def issue_card(kiosk: Kiosk, at: Mapping[str, Callable[[], None]] | None = None, *,
               take_timeout_s: float = 5.0) -> Issued:
    """One card issuance past the signature; ``at[what]`` runs (once) when the flow reports
    ``what`` (reserving, preparing, pin, dispensing, take_card, printing): the moment a
    fault strikes mid-flow."""
    runtime = kiosk.runtime
    base: FlowEngine = runtime.flow_engine
    hooks = dict(at or {})
    seen: list[str] = []
    hook_errors: list[BaseException] = []

    def progress(what: str, **info: Any) -> None:  # on the flow's thread
        if what not in seen:
            seen.append(what)
            hook = hooks.pop(what, None)
            if hook is not None:
                try:
                    hook()
                except BaseException as exc:  # the flow swallows a progress error: keep it
                    hook_errors.append(exc)
                    raise

    engine = FlowEngine(base.store, base.definitions,
                        resources={**base.resources, "progress": progress,
                                   "personal": kiosk.next_customer()},
                        on_event=base.on_event)
    cfg = runtime.config
    data = {"language": "en_US", "identity_session": "", "product": "debit",
            "product_name": {"en_US": "Debit card", "zh_CN": "借记卡"},
            "branch": cfg.kiosk.branch, "kiosk_id": cfg.kiosk.id, "pin_format": "iso4",
            "opened": local_now(cfg.kiosk.timezone).isoformat(timespec="seconds"),
            "timezone": cfg.kiosk.timezone, "take_timeout_s": take_timeout_s,
            "pin_timeout_s": 10.0}
    flow_id = engine.start(card_issuance.FLOW, data)
    try:
        out = engine.run(flow_id)
        result = Issued("done", "", out, flow_id, progress=seen)
    except Exception as exc:
        log.info("issuance %s failed: %s", flow_id, exc)
        result = Issued("failed", str(failure_code(exc)), {}, flow_id, exc, progress=seen)
    assert not hook_errors, f"injecting the fault failed: {hook_errors[0]!r}"
    assert not hooks, f"the flow never reached {sorted(hooks)} (it went {seen})"
    return result


def check_in(kiosk: Kiosk) -> CheckinResult:
    """One appointment checked in by phone and booking code; its ticket printed (or not)."""
    svc = CheckinService.from_runtime(kiosk.runtime)
    aid, phone, code = kiosk.next_booking()
    found = svc.find_by_phone(phone.replace("+86", "").replace(" ", ""), code)
    assert found.appointment_id == aid
    return svc.check_in(found.appointment_id, "en_US")
