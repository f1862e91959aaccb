"""Debit card issuance, device and bank part: a persisted flow (kiosk_core.flows).

    reserve → open_account → feed → link_card → choose_pin → hand_over ‖ report_delivered
            → print_receipt

(‖: the point of no return. ``hand_over`` presents the card and waits for the customer to
take it; once it is taken the flow is never unwound.)

Intent is written before every step, so after a power cut ``FlowEngine.recover`` knows
which step was in flight. The policy is *unwind*: the customer of an interrupted flow is
gone, so nothing is resumed: the card still in the machine goes to the retain bin and is
reported retained to the bank, the card link and the account opening are reversed. A card
the customer already took completes the flow instead (``card.issued``, the bank told it
was delivered).

The steps find their devices in ``ctx.resources["devices"]`` (the runtime's), report
progress through ``ctx.resources["progress"]`` when a screen is watching, and journal
through ``ctx.resources["runtime"].journal``. Only the masked card number is ever kept:
in the flow store, the journal and on paper. The customer's name is not in the flow store
at all: it reaches the receipt through ``ctx.resources["personal"]`` (memory only).
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from customer_flows import bank_steps, pin_step
from devices.card_dispenser.api import CardDispenserApi
from devices.printer.outcomes import PrintReason, PrintResult
from kiosk_core.clock import local_now
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.flows import FlowContext, FlowDefinition, Outcome, Step
from kiosk_core.journal import mask_pan
from kiosk_core.journal_writer import JournalSink
from kiosk_core.status import MediaState, SupplyState
from receipts.links import link_for
from receipts.printing import outcome_record, print_template

log = logging.getLogger(__name__)

FLOW = "card_issuance"
DEVICE_TIMEOUT_S = 30.0
JOURNAL_TIMEOUT_S = 10.0


class IssuanceError(FlowFailed):
    """Why the card could not be issued: a :class:`Failure` naming the plain-words message
    on screen (``code`` is the same value, for older callers)."""

    def __init__(self, failure: Failure | str, detail: str = "") -> None:
        super().__init__(Failure.parse(failure), detail)

    @property
    def code(self) -> Failure:
        return self.failure


# -- card numbers ----------------------------------------------------------------------


def masked(pan: str) -> str:
    """First 6 and last 4 digits, as the journal keeps them."""
    return mask_pan(pan, force=True)


# -- resources -------------------------------------------------------------------------


def _device(ctx: FlowContext, kind: str) -> object:
    devices: Mapping[str, object] = ctx.resources.get("devices", {})
    dev = devices.get(kind)
    if dev is None:
        raise IssuanceError(Failure.DEVICE_MISSING, kind)
    return dev


def _dispenser(ctx: FlowContext) -> CardDispenserApi:
    return cast("CardDispenserApi", _device(ctx, "card_dispenser"))


def _progress(ctx: FlowContext, what: str, **info: Any) -> None:
    report: Callable[..., None] | None = ctx.resources.get("progress")
    if report is not None:
        try:
            report(what, **info)
        except Exception:  # a screen that went away must not break the transaction
            log.exception("progress listener failed")


def _journal(ctx: FlowContext, kind: str, data: dict[str, Any]) -> None:
    runtime = ctx.resources.get("runtime")
    writer: JournalSink | None = getattr(runtime, "journal_writer", None)
    if writer is not None:
        # Through the one writer; the flow's worker waits, so the record is on disk
        # before the step is marked done.
        writer.append(kind, {"flow": ctx.flow_id, **data}).result(timeout=JOURNAL_TIMEOUT_S)


def _where_is_the_card(ctx: FlowContext) -> MediaState:
    status = _dispenser(ctx).query_status().result(timeout=DEVICE_TIMEOUT_S)
    return status.media


# -- steps -----------------------------------------------------------------------------


#: How long a new card waits for the previous customer's card being binned after its
#: dispenser came back (a settle is a capture: a second or two).
SETTLE_WAIT_S = 15.0
_NO_CARD = (MediaState.NOT_PRESENT, MediaState.UNKNOWN, MediaState.NOT_SUPPORTED)


def reserve(ctx: FlowContext) -> dict[str, Any]:
    """Check the dispenser can issue (a card in the stacker, room in the bin)."""
    _progress(ctx, "reserving")
    status = _dispenser(ctx).query_status().result(timeout=DEVICE_TIMEOUT_S)
    runtime = ctx.resources.get("runtime")
    if (status.media not in _NO_CARD and runtime is not None
            and hasattr(runtime, "wait_settled") and runtime.wait_settled(SETTLE_WAIT_S)):
        # The previous customer's card was on its way to the bin (its dispenser had just
        # come back, see KioskRuntime.wait_settled): read again now that it is there.
        status = _dispenser(ctx).query_status().result(timeout=DEVICE_TIMEOUT_S)
    if status.supplies.get("stacker") is SupplyState.EMPTY:
        raise IssuanceError(Failure.STACKER_EMPTY)
    if status.supplies.get("bin") is SupplyState.FULL:
        raise IssuanceError(Failure.BIN_FULL)
    if status.media not in _NO_CARD:
        raise IssuanceError(Failure.CARD_IN_MACHINE, str(status.media))
    now = local_now(str(ctx.data.get("timezone") or "UTC"))
    txn = now.strftime("T%Y%m%d%H%M%S") + secrets.token_hex(2).upper()
    return {"transaction_no": txn}


def release(ctx: FlowContext) -> None:
    _journal(ctx, "card.reservation_released", {"transaction_no": ctx.data.get("transaction_no")})


def feed(ctx: FlowContext) -> dict[str, Any]:
    """Feed a card from the stacker to the read position and read its chip (the card stays
    inside until its PIN is set)."""
    disp = _dispenser(ctx)
    _progress(ctx, "preparing")
    try:
        # The bin's count before the card can leave: after a power cut during hand_over it
        # tells a card that was retracted from one the customer took.
        bin_before = _bin_count(ctx)
        disp.to_read_position().result(timeout=DEVICE_TIMEOUT_S)
        uid = disp.read_serial().result(timeout=DEVICE_TIMEOUT_S)
    except Exception:
        # The engine does not compensate a step that failed: a card half-way (jammed,
        # or read but not presented) is binned here, before the error goes up.
        try:
            retract(ctx)
        except Exception as exc:
            log.error("flow %s: card could not be binned after a failed dispense: %s",
                      ctx.flow_id, exc)
        raise
    return {"chip_uid": uid, "bin_before": bin_before}


def _bin_count(ctx: FlowContext) -> int | None:
    """The retain bin's count as the device reports it (None: the device cannot tell)."""
    counters = _dispenser(ctx).counters().result(timeout=DEVICE_TIMEOUT_S)
    value = counters.get("bin")
    return int(value) if value is not None else None


def recover_dispense(ctx: FlowContext) -> Outcome:
    """After a cut: a card in the machine means the dispense happened (the compensation
    then bins it); an empty channel means it never started."""
    media = _where_is_the_card(ctx)
    log.info("flow %s: after restart the card is %s", ctx.flow_id, media)
    return "done" if media in (MediaState.ENTERING, MediaState.PRESENT, MediaState.JAMMED) \
        else "not_done"


def retract(ctx: FlowContext) -> None:
    """Put this flow's card, wherever it still is in the machine, into the retain bin.
    Safe to repeat: with no card in the machine it does nothing."""
    disp = _dispenser(ctx)
    media = _where_is_the_card(ctx)
    if media is MediaState.ENTERING:
        disp.retract().result(timeout=DEVICE_TIMEOUT_S)
    elif media in (MediaState.PRESENT, MediaState.JAMMED):
        disp.reset("retain").result(timeout=DEVICE_TIMEOUT_S)
    else:
        return
    _journal(ctx, "card.retained", {"card_number": ctx.data.get("card_number", ""),
                                    "why": "flow unwound"})


def retract_and_report(ctx: FlowContext) -> None:
    """The feed's compensation: the card to the bin, and the bank told it is retained."""
    retract(ctx)
    if ctx.data.get("chip_uid"):
        bank_steps.report_retained(ctx)


def hand_over(ctx: FlowContext) -> dict[str, Any]:
    """Present the card at the gate and wait for the customer to take it."""
    from devices.card_dispenser.model import TakeResult

    disp = _dispenser(ctx)
    _progress(ctx, "dispensing")
    disp.present().result(timeout=DEVICE_TIMEOUT_S)
    timeout = float(ctx.data.get("take_timeout_s") or disp.settings.take_timeout_s)
    _progress(ctx, "take_card", timeout_s=timeout)
    result = disp.wait_taken(timeout).result(timeout=timeout + DEVICE_TIMEOUT_S)
    if result is not TakeResult.TAKEN:
        _journal(ctx, "card.retained", {"card_number": ctx.data.get("card_number", ""),
                                        "why": "not taken in time"})
        # Unwinding reports it retained to the bank and reverses the link and the account.
        raise IssuanceError(Failure.NOT_TAKEN, str(result))
    _journal_issued(ctx)
    return {"taken": True}


def _journal_issued(ctx: FlowContext, **extra: Any) -> None:
    _journal(ctx, "card.issued", {
        "card_number": ctx.data.get("card_number", ""),
        "transaction_no": ctx.data.get("transaction_no", ""),
        "identity_session": ctx.data.get("identity_session", ""),
        "product": ctx.data.get("product", ""), "card_id": ctx.data.get("card_id", ""),
        "account_id": ctx.data.get("account_id", ""), **extra,
    })


def recover_wait_taken(ctx: FlowContext) -> Outcome:
    """After a cut while the card was offered. Still in the machine: not taken (the unwind
    bins it). Gone: the bin's count says whether the dispenser retracted it (then it is
    journalled as retained and the flow unwinds) or the customer took it (journalled as
    issued; the step commits, so the flow completes instead of unwinding)."""
    media = _where_is_the_card(ctx)
    if media is not MediaState.NOT_PRESENT:
        return "not_done"
    before, now = ctx.data.get("bin_before"), _bin_count(ctx)
    if before is None or now is None:
        _journal(ctx, "card.fate_unknown", {"card_number": ctx.data.get("card_number", ""),
                                            "why": "no bin counter to tell taken from retained"})
        return "failed"
    if now > int(before):
        _journal(ctx, "card.retained", {"card_number": ctx.data.get("card_number", ""),
                                        "why": "retracted before a restart", "recovered": True})
        return "not_done"
    _journal_issued(ctx, recovered=True)
    return "done"


RECEIPT_TEXTS = {
    "zh_CN": {"card_product": "借记卡", "account_type": "一类户", "currency": "人民币"},
    "en_US": {"card_product": "Debit card", "account_type": "Class I", "currency": "CNY"},
}


def receipt_values(data: Mapping[str, Any],
                   personal: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The receipt's fields. ``personal`` (the customer's name) is held in memory only, never
    in the flow store: after a restart the receipt is not printed for a customer who left."""
    lang = str(data.get("language", "en_US"))
    words = dict(RECEIPT_TEXTS.get(lang, RECEIPT_TEXTS["en_US"]))
    product_name = data.get("product_name") or {}
    if isinstance(product_name, dict) and product_name.get(lang):
        words["card_product"] = str(product_name[lang])  # as configured ([card_issuance])
    return {
        "branch": data.get("branch") or "-", "kiosk_id": data.get("kiosk_id") or "-",
        "customer_name": mask_name(str((personal or {}).get("customer_name", ""))) or "-",
        "card_number": data["card_number"], **words,
        "hotline": data.get("hotline", "400-820-1234"),
        "account_opened": _opened_at(data),
        "transaction_no": data.get("transaction_no") or "-",
    }


def mask_name(name: str) -> str:
    """A name as the screen and the receipt show it: the surname, then initials
    ("COLLINS E. M."); a Chinese name keeps its first character ("张*")."""
    name = " ".join(name.split())
    if not name:
        return ""
    if not name.isascii():
        return name[0] + "*" * max(1, len(name) - 1)
    first, *rest = name.split(" ")
    return " ".join([first, *(f"{part[0]}." for part in rest)])


def _opened_at(data: Mapping[str, Any]) -> datetime:
    """When the bank opened the account, on the branch's clock (the bank answers in UTC)."""
    zone = ZoneInfo(str(data.get("timezone") or "UTC"))
    raw = data.get("account_opened_utc")
    if not raw:
        raise IssuanceError(Failure.BANK_REFUSED, "no account opening to print")
    opened = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    if opened.tzinfo is None:
        opened = opened.replace(tzinfo=UTC)
    return opened.astimezone(zone)


def _journal_receipt(ctx: FlowContext, record: dict[str, Any]) -> None:
    try:
        _journal(ctx, "card.receipt", record)
    except Exception:  # the card is with the customer; the record is a copy of the outcome
        log.exception("flow %s: card.receipt not journalled", ctx.flow_id)


def _receipt_not_printed(ctx: FlowContext, result: PrintResult, reason: PrintReason,
                         error: str) -> dict[str, Any]:
    _journal_receipt(ctx, outcome_record(result=result, reason=reason, detail=error))
    return {"receipt_printed": False, "receipt_outcome": str(result),
            "receipt_reason": str(reason), "receipt_error": error}


def print_receipt(ctx: FlowContext) -> dict[str, Any]:
    """Print the receipt; when printing is out (or stopped part-way) the job is kept and the
    screen shows its QR code instead. ``receipt_outcome`` says what came out (whole, whole
    but uncut, a stub, nothing) for the screen and the journal. Redone after a cut (a
    second receipt harms no one)."""
    printer = ctx.resources.get("devices", {}).get("printer")
    _progress(ctx, "printing")
    if printer is None:
        return _receipt_not_printed(ctx, PrintResult.NOT_PRINTED, PrintReason.NO_PRINTER,
                                    "no printer")
    lang = str(ctx.data.get("language", "en_US"))
    try:
        outcome = print_template(printer, "card_issuance", lang, receipt_values(
            ctx.data, ctx.resources.get("personal"))).result(timeout=DEVICE_TIMEOUT_S)
    except TimeoutError as exc:  # still at it: some of it may be on the paper
        log.error("flow %s: receipt not confirmed: %s", ctx.flow_id, exc)
        return _receipt_not_printed(ctx, PrintResult.PARTIAL, PrintReason.TIMEOUT,
                                    str(exc) or "the printer did not answer in time")
    except Exception as exc:  # the card is with the customer: a receipt problem undoes nothing
        log.error("flow %s: receipt not printed: %s", ctx.flow_id, exc)
        return _receipt_not_printed(ctx, PrintResult.NOT_PRINTED, PrintReason.FAILED,
                                    str(exc) or type(exc).__name__)
    _journal_receipt(ctx, outcome_record(outcome))
    out: dict[str, Any] = {"receipt_job": outcome.job_id, "receipt_printed": outcome.printed,
                           "receipt_outcome": str(outcome.result),
                           "receipt_reason": str(outcome.reason)}
    if outcome.error:
        out["receipt_error"] = outcome.error
    if outcome.alternative is not None:  # kept: a stub or nothing came out
        out["receipt_url"] = link_for(printer.settings, outcome.alternative)
        out["receipt_text"] = outcome.alternative.text
    return out


DEFINITION = FlowDefinition(
    FLOW,
    (
        Step("reserve", reserve, compensate=release, idempotent=True),
        Step("open_account", bank_steps.open_account, compensate=bank_steps.reverse_account,
             recover=bank_steps.assume_sent),
        Step("feed", feed, compensate=retract_and_report, recover=recover_dispense),
        Step("link_card", bank_steps.link_card, compensate=bank_steps.reverse_link,
             recover=bank_steps.assume_sent),
        Step("choose_pin", pin_step.choose_pin, recover=pin_step.no_pin_after_restart),
        # The point of no return: a card the customer took is never "unwound".
        Step("hand_over", hand_over, recover=recover_wait_taken, commits=True),
        Step("report_delivered", bank_steps.report_delivered, idempotent=True, resume=True),
        Step("print_receipt", print_receipt, idempotent=True),
    ),
    on_restart="unwind",
)

#: Collected by customer_flows.definitions() for KioskRuntime(flows=…).
DEFINITIONS = (DEFINITION,)
