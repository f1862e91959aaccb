"""The PIN, chosen on the encrypting PIN pad: a step of the persisted card-issuance flow.

The customer types the new PIN twice on the pad. The kiosk never sees a digit: the pad
reports key events (the screen shows one dot per digit) and hands out each entry only as an
ISO 9564-1 PIN block (format 4 under AES, or format 0 under TDES) bound to the card's
number. The bank's host decodes both blocks and compares them; a mismatch is told to the
customer, who tries again (at most :data:`ATTEMPTS` times).

Before the first entry the pad must hold the bank's PIN working key: it is fetched from the
bank, enciphered under the pad's master key, and loaded with its check value
(:func:`ensure_pin_key`), so a pad that was reset or replaced recovers by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any, cast

from bank_host.api import BankError, BankHost, BankRefused, BankUnavailable, Refusal
from customer_flows import bank_steps
from devices.pinpad.api import PinPadApi
from devices.pinpad.model import EntryCompletion, KeyEvent, PinBlockFormat
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.flows import FlowContext, Outcome

log = logging.getLogger(__name__)

ATTEMPTS = 3
MIN_LEN, MAX_LEN = 6, 6  # a debit card PIN in China is six digits
ENTRY_TIMEOUT_S = 60.0
DEVICE_TIMEOUT_S = 15.0
#: [bank] pin_format → (ISO 9564-1 format, the working key's algorithm)
FORMATS: Mapping[str, tuple[PinBlockFormat, str]] = {"iso4": (4, "AES"), "iso0": (0, "TDES")}


def _pad(ctx: FlowContext) -> PinPadApi:
    devices: Mapping[str, object] = ctx.resources.get("devices", {})
    pad = devices.get("pinpad")
    if pad is None:
        raise FlowFailed(Failure.DEVICE_MISSING, "pinpad")
    return cast("PinPadApi", pad)


class PinKeyError(RuntimeError):
    """The PIN working key could not be loaded into the pad (the message says why; a bank
    error is the ``__cause__``)."""


def ensure_pin_key(pad: PinPadApi, host: BankHost, kiosk_id: str, algorithm: str, *,
                   key_name: str = "pin", timeout_s: float = DEVICE_TIMEOUT_S) -> bytes:
    """Make sure the pad holds the bank's current PIN working key under ``key_name``
    (fetched from the bank, enciphered under the pad's master key; imported unless the pad
    already holds it with the same check value); returns its KCV. Called before each PIN
    entry, so a pad that was reset, tampered with or replaced recovers by itself."""
    try:
        wk = host.pin_working_key(kiosk_id, algorithm)
    except BankError as exc:
        raise PinKeyError(f"the bank gave no {algorithm} PIN working key: {exc}") from exc
    if wk.algorithm != algorithm:
        raise PinKeyError(f"asked the bank for a {algorithm} key, got {wk.algorithm}")
    try:
        held = pad.key_info().result(timeout=timeout_s)
        if any(k.name == key_name and k.algorithm == algorithm and k.kcv == wk.kcv
               for k in held):
            return wk.kcv
        computed = pad.import_key(key_name, wk.wrapped, wk.kcv, algorithm).result(
            timeout=timeout_s)
    except TimeoutError as exc:
        raise PinKeyError(f"the PIN pad did not answer within {timeout_s} s") from exc
    except Exception as exc:  # the pad's typed errors: KcvMismatch, Tampered, …
        raise PinKeyError(f"the PIN pad refused the working key: {exc}") from exc
    if bytes(computed) != wk.kcv:
        raise PinKeyError(f"KCV mismatch: the bank says {wk.kcv.hex().upper()}, "
                          f"the pad computed {bytes(computed).hex().upper()}")
    return wk.kcv


def choose_pin(ctx: FlowContext) -> dict[str, Any]:
    pad, host = _pad(ctx), bank_steps.bank(ctx)
    pan = str(bank_steps.personal(ctx).get("pan", ""))
    if not pan:
        raise FlowFailed(Failure.PINPAD, "no card number to bind the PIN to")
    fmt_name = str(ctx.data.get("pin_format") or "iso4")
    block_format, algorithm = FORMATS[fmt_name]
    progress: Callable[..., None] = ctx.resources.get("progress") or (lambda *a, **k: None)
    try:
        ensure_pin_key(pad, host, str(ctx.data.get("kiosk_id", "")), algorithm)
    except PinKeyError as exc:
        cause = exc.__cause__
        if isinstance(cause, BankRefused | BankUnavailable):
            raise bank_steps.failure(cause) from exc
        raise FlowFailed(Failure.PINPAD, f"PIN key not loaded: {exc}") from exc
    last = Failure.PIN_MISMATCH
    for attempt in range(1, ATTEMPTS + 1):
        blocks = []
        for confirm in (False, True):
            blocks.append(_entry(pad, pan, block_format, progress, attempt, confirm,
                                 mismatch=attempt > 1 and not confirm, last=last,
                                 timeout=float(ctx.data.get("pin_timeout_s")
                                               or ENTRY_TIMEOUT_S)))
        try:
            host.set_pin(str(ctx.data["card_id"]), blocks[0], fmt_name,
                         bank_steps.rid(ctx, f"pin-{attempt}"), confirm_block=blocks[1])
            return {"pin_set": True, "pin_attempts": attempt}
        except BankRefused as exc:
            if exc.reason not in (Refusal.PIN_MISMATCH, Refusal.PIN_TOO_SIMPLE):
                raise bank_steps.failure(exc) from exc
            last = bank_steps.REFUSALS[exc.reason]
            log.info("flow %s: PIN attempt %d refused (%s)", ctx.flow_id, attempt, exc.reason)
        except BankUnavailable as exc:
            raise bank_steps.failure(exc) from exc
    raise FlowFailed(last, f"{ATTEMPTS} attempts")


def _entry(pad: PinPadApi, pan: str, block_format: PinBlockFormat,
           progress: Callable[..., None], attempt: int, confirm: bool, *, mismatch: bool,
           last: Failure, timeout: float) -> bytes:
    """One PIN entry on the pad, as a PIN block."""
    def on_key(event: KeyEvent) -> None:  # the pad's worker thread
        progress("pin", digits=event.digits, attempt=attempt, confirm=confirm,
                 retry_reason=last.value if mismatch else "")

    progress("pin", digits=0, attempt=attempt, confirm=confirm,
             retry_reason=last.value if mismatch else "")
    try:
        entry = pad.get_pin(MIN_LEN, MAX_LEN, timeout, on_key).result(
            timeout=timeout + DEVICE_TIMEOUT_S)
    except FlowFailed:
        raise
    except Exception as exc:
        raise FlowFailed(Failure.PINPAD, str(exc)) from exc
    if entry.completion is EntryCompletion.CANCEL:
        raise FlowFailed(Failure.PIN_CANCELLED)
    if entry.completion is EntryCompletion.TIMEOUT:
        raise FlowFailed(Failure.PIN_TIMEOUT)
    try:
        return pad.get_pin_block(pan, block_format).result(timeout=DEVICE_TIMEOUT_S)
    except Exception as exc:
        raise FlowFailed(Failure.PINPAD, str(exc)) from exc


def no_pin_after_restart(ctx: FlowContext) -> Outcome:
    """A cut during PIN entry: the customer is gone; the flow unwinds (card to the bin)."""
    return "failed"
