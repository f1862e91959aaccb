"""The bank's part of card issuance: steps and compensations of the persisted flow
(customer_flows.card_issuance) that talk to the bank's core system (bank_host.api).

Every call carries an idempotency key made of the flow id and the step, so a step redone
after a power cut (or a retry after a time-out) is the same request to the bank: it never
opens a second account or links a second card. A step whose answer never came is treated
as done by the recovery, so its compensation *reverses* it: the bank undoes what it did,
or blocks the key if the request never arrived (a late original is then refused).

Personal data (ID number, names, the full card number) reaches the steps through
``ctx.resources["personal"]`` (memory only), never through the flow store.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast

from bank_host.api import BankHost, BankRefused, BankUnavailable, Refusal
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.flows import FlowContext, Outcome
from kiosk_core.journal import mask_pan

log = logging.getLogger(__name__)

#: A bank refusal as the reason the screen explains in plain words.
REFUSALS: Mapping[Refusal, Failure] = {
    Refusal.UNKNOWN_CUSTOMER: Failure.BANK_UNKNOWN_CUSTOMER,
    Refusal.ID_EXPIRED: Failure.BANK_ID_EXPIRED,
    Refusal.NAME_MISMATCH: Failure.BANK_NAME_MISMATCH,
    Refusal.ALREADY_HOLDS_PRODUCT: Failure.BANK_ALREADY_HOLDS,
    Refusal.UNDER_AGE: Failure.BANK_UNDER_AGE,
    Refusal.CUSTOMER_BLOCKED: Failure.BANK_BLOCKED,
    Refusal.PIN_MISMATCH: Failure.PIN_MISMATCH,
    Refusal.PIN_TOO_SIMPLE: Failure.PIN_TOO_SIMPLE,
}


def rid(ctx: FlowContext, what: str) -> str:
    """The idempotency key of one bank request of this flow."""
    return f"{ctx.flow_id}/{what}"


def bank(ctx: FlowContext) -> BankHost:
    services: Mapping[str, Any] = ctx.resources.get("services", {})
    host = services.get("bank")
    if host is None:
        raise FlowFailed(Failure.BANK_UNAVAILABLE, "no bank connection")
    return cast("BankHost", host)


def personal(ctx: FlowContext) -> dict[str, Any]:
    found = ctx.resources.get("personal")
    return found if isinstance(found, dict) else {}


def failure(exc: BankRefused | BankUnavailable) -> FlowFailed:
    if isinstance(exc, BankUnavailable):
        return FlowFailed(Failure.BANK_UNAVAILABLE, str(exc))
    return FlowFailed(REFUSALS.get(exc.reason, Failure.BANK_REFUSED), str(exc.reason))


# -- open the account ------------------------------------------------------------------


def open_account(ctx: FlowContext) -> dict[str, Any]:
    """Who the customer is at the bank, the account for the product, the approval."""
    host, who = bank(ctx), personal(ctx)
    product = str(ctx.data.get("product") or "debit")
    id_number, name = str(who.get("id_number", "")), str(who.get("id_name", ""))
    if not id_number:
        raise FlowFailed(Failure.BANK_UNKNOWN_CUSTOMER, "no ID number read")
    try:
        birth = who.get("birth_date") or None
        customer = host.lookup_customer(id_number, name, rid(ctx, "lookup"),
                                        birth_date=str(birth) if birth else None)
        account = host.open_account(customer.customer_id, product, rid(ctx, "open"))
        approval = host.approve_issuance(account.account_id, product, rid(ctx, "approve"))
    except (BankRefused, BankUnavailable) as exc:
        raise failure(exc) from exc
    who["customer_name"] = customer.name  # the bank's record, for the receipt (memory)
    return {"customer_id": customer.customer_id, "account_id": account.account_id,
            "approval_id": approval.approval_id, "account_opened_utc": account.opened_utc}


def assume_sent(ctx: FlowContext) -> Outcome:
    """After a cut while a bank request was out: assume the bank acted, so that the
    compensation reverses it (a reversal of a request the bank never saw blocks it)."""
    return "done"


def reverse_account(ctx: FlowContext) -> None:
    """Undo the approval and the account opening (in that order). Safe to repeat."""
    host = bank(ctx)
    for step in ("approve", "open"):
        try:
            host.reverse(rid(ctx, step), rid(ctx, f"reverse-{step}"))
        except BankRefused as exc:
            if exc.reason is not Refusal.NOTHING_TO_REVERSE:
                raise
        except BankUnavailable as exc:
            raise FlowFailed(Failure.BANK_UNAVAILABLE, str(exc)) from exc


# -- link the card ---------------------------------------------------------------------


def link_card(ctx: FlowContext) -> dict[str, Any]:
    """Tell the bank which card (by its chip) goes with the account; it answers with the
    card's number (kept in memory: the PIN block is bound to it) and its card id."""
    host = bank(ctx)
    try:
        link = host.link_card(str(ctx.data["account_id"]), str(ctx.data["chip_uid"]),
                              rid(ctx, "link"))
    except (BankRefused, BankUnavailable) as exc:
        raise failure(exc) from exc
    personal(ctx)["pan"] = link.pan
    # First 6 and last 4 digits only: the flow store, the journal and paper never hold more.
    return {"card_id": link.card_id, "card_number": mask_pan(link.pan, force=True)}


def reverse_link(ctx: FlowContext) -> None:
    """Undo the card link (the card goes back to the bank's stock, then is reported
    retained by the feed's compensation). Safe to repeat."""
    try:
        bank(ctx).reverse(rid(ctx, "link"), rid(ctx, "reverse-link"))
    except BankRefused as exc:
        if exc.reason is not Refusal.NOTHING_TO_REVERSE:
            raise
    except BankUnavailable as exc:
        raise FlowFailed(Failure.BANK_UNAVAILABLE, str(exc)) from exc


def report_retained(ctx: FlowContext) -> None:
    """The card went to the retain bin: the bank marks it retained (never usable)."""
    card = str(ctx.data.get("chip_uid") or ctx.data.get("card_id") or "")
    if not card:
        return
    try:
        bank(ctx).report_card(card, "retained", rid(ctx, "report-retained"))
    except BankRefused as exc:
        if exc.reason not in (Refusal.CARD_UNKNOWN, Refusal.BAD_STATE_CHANGE):
            raise
        log.warning("flow %s: bank refused the retained report: %s", ctx.flow_id, exc)
    except BankUnavailable as exc:
        raise FlowFailed(Failure.BANK_UNAVAILABLE, str(exc)) from exc


def report_delivered(ctx: FlowContext) -> dict[str, Any]:
    try:
        bank(ctx).report_card(str(ctx.data["card_id"]), "delivered", rid(ctx, "delivered"))
    except (BankRefused, BankUnavailable) as exc:
        raise failure(exc) from exc
    return {"bank_delivered": True}
