"""What the kiosk asks of the bank's core system, typed.

Methods are synchronous: flows call them from worker threads (the kiosk's thread pool), never
from the UI thread or the core loop. Every call carries an idempotency key (``request_id``,
one per flow step): the same key again returns the first answer, even a refusal, and never
opens a second account or links a second card; the same key with other arguments is refused
(:attr:`Refusal.IDEMPOTENCY_CONFLICT`). A host is bound to one kiosk (its id travels with each
request), so keys are scoped to the kiosk.

Two exceptions only: :class:`BankRefused` (the bank answered no; ``reason`` says why, a
:class:`Refusal`) and :class:`BankUnavailable` (no answer: time-out, connection refused, 5xx;
retry with the SAME ``request_id``, or reverse it).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, TypeVar, runtime_checkable


class Refusal(StrEnum):
    """Every reason the bank refuses a request."""

    UNKNOWN_CUSTOMER = "unknown_customer"  # no customer with that ID number
    ID_EXPIRED = "id_expired"  # the ID document is past its expiry date
    NAME_MISMATCH = "name_mismatch"  # the name read from the ID is not the bank's
    UNDER_AGE = "under_age"  # younger than the product's minimum age
    ALREADY_HOLDS_PRODUCT = "already_holds_product"  # one debit account per customer
    CUSTOMER_BLOCKED = "customer_blocked"  # compliance hold: see a teller
    PRODUCT_UNKNOWN = "product_unknown"
    PRODUCT_MISMATCH = "product_mismatch"  # issuance for a product the account is not
    ACCOUNT_UNKNOWN = "account_unknown"
    ACCOUNT_CLOSED = "account_closed"
    NOT_APPROVED = "not_approved"  # link_card without a standing approve_issuance
    CARD_UNKNOWN = "card_unknown"
    CARD_ALREADY_LINKED = "card_already_linked"  # the chip is another account's card
    CARD_NOT_ACTIVE = "card_not_active"  # PIN or report on a card not linked / retained
    BAD_STATE_CHANGE = "bad_state_change"  # e.g. delivered -> undelivered
    PIN_BLOCK_INVALID = "pin_block_invalid"  # garbled block, wrong key or wrong PAN
    PIN_MISMATCH = "pin_mismatch"  # the two entries (PIN and its confirmation) differ
    PIN_TOO_SIMPLE = "pin_too_simple"  # 1111, 1234…
    KEY_UNKNOWN = "key_unknown"  # set_pin before pin_working_key for that algorithm
    KIOSK_UNKNOWN = "kiosk_unknown"  # no master key for this kiosk at the HSM
    NOTHING_TO_REVERSE = "nothing_to_reverse"  # the step's key was already reversed
    REVERSED = "reversed"  # this step's key was reversed before it arrived
    IDEMPOTENCY_CONFLICT = "idempotency_conflict"  # same request_id, other arguments
    BAD_REQUEST = "bad_request"  # malformed request (a bug on our side, not the customer)


class BankError(Exception):
    """Base of the two exceptions a BankHost raises."""


class BankRefused(BankError):
    """The bank answered and said no."""

    def __init__(self, reason: Refusal, detail: str = "") -> None:
        super().__init__(f"{reason.value}: {detail}" if detail else reason.value)
        self.reason = reason
        self.detail = detail


class BankUnavailable(BankError):
    """No answer from the bank (time-out, connection refused, 5xx). The step's outcome is
    unknown: retry with the same request_id, or reverse it."""


class Product(StrEnum):
    DEBIT = "debit"
    SAVINGS = "savings"


class CardState(StrEnum):
    """Where a card is. ``stock`` and ``linked`` are the bank's; the others are reported."""

    STOCK = "stock"  # pre-personalised, in a kiosk's hopper, no account
    LINKED = "linked"  # linked to an account, not yet in the customer's hand
    DELIVERED = "delivered"  # the customer took it
    RETAINED = "retained"  # the kiosk swallowed it (customer did not take it)
    UNDELIVERED = "undelivered"  # never left the kiosk (jam, power cut)


#: The states a kiosk may report with report_card.
REPORTABLE = frozenset({CardState.DELIVERED, CardState.RETAINED, CardState.UNDELIVERED})


class PinFormat(StrEnum):
    """ISO 9564-1 PIN block formats and the key algorithm each is enciphered with."""

    ISO0 = "iso0"  # format 0, TDES (2-key)
    ISO4 = "iso4"  # format 4, AES-128

    @property
    def algorithm(self) -> str:
        return "TDES" if self is PinFormat.ISO0 else "AES"


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str  # as the bank holds it (Latin, as on the MRZ)
    birth_date: str  # ISO date
    products: tuple[str, ...]  # products the customer already holds


@dataclass(frozen=True)
class Account:
    account_id: str
    customer_id: str
    product: str
    opened_utc: str


@dataclass(frozen=True)
class Approval:
    approval_id: str
    account_id: str
    product: str


@dataclass(frozen=True)
class CardLink:
    card_id: str
    account_id: str
    card_uid: str
    pan: str


@dataclass(frozen=True)
class PinSet:
    card_id: str


@dataclass(frozen=True)
class CardReport:
    card_id: str
    state: str


@dataclass(frozen=True)
class Reversal:
    reversed_request_id: str
    operation: str | None  # what the step was; None when the bank never saw it
    undone: bool  # False: the step had no effect to undo (a look-up, or never arrived)


@dataclass(frozen=True)
class WorkingKey:
    """The PIN working key, enciphered under the kiosk's master key, and its check value."""

    kiosk_id: str
    algorithm: str  # "TDES" or "AES"
    wrapped: bytes
    kcv: bytes  # 3 bytes: the key enciphering a zero block


@runtime_checkable
class BankHost(Protocol):
    """The bank's core system. Every method may raise BankRefused or BankUnavailable."""

    def lookup_customer(self, id_number: str, name: str, request_id: str,
                        birth_date: str | None = None) -> Customer:
        """``birth_date`` (ISO): as read from the ID's MRZ, where a check digit covers it
        (the name has none). With it the bank forgives an OCR slip of one letter per word
        of the name; without it the name must match exactly."""
        ...

    def open_account(self, customer_id: str, product: str, request_id: str) -> Account: ...

    def approve_issuance(self, account_id: str, product: str, request_id: str) -> Approval: ...

    def link_card(self, account_id: str, card_uid: str, request_id: str) -> CardLink: ...

    def set_pin(self, card_id: str, pin_block: bytes, format: str, request_id: str,
                confirm_block: bytes | None = None) -> PinSet:
        """``confirm_block``: the second entry; the host (never the kiosk, which cannot
        read a PIN block) compares the two and refuses ``pin_mismatch``."""
        ...

    def report_card(self, card: str, state: str, request_id: str) -> CardReport:
        """``card``: the card_id from link_card, or the chip UID (a card never linked)."""
        ...

    def reverse(self, step_request_id: str, request_id: str) -> Reversal: ...

    def pin_working_key(self, kiosk_id: str, algorithm: str = "AES") -> WorkingKey: ...


R = TypeVar("R")

#: The result type of each operation, by its wire name.
RESULTS: dict[str, type[Any]] = {
    "lookup_customer": Customer,
    "open_account": Account,
    "approve_issuance": Approval,
    "link_card": CardLink,
    "set_pin": PinSet,
    "report_card": CardReport,
    "reverse": Reversal,
    "pin_working_key": WorkingKey,
}


def to_wire(result: Any) -> dict[str, Any]:
    """A result as JSON-ready data (bytes as hex, tuples as lists)."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(result):
        value = getattr(result, f.name)
        if isinstance(value, bytes):
            value = value.hex()
        elif isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def from_wire(cls: type[R], data: Any) -> R:
    """The inverse of :func:`to_wire`; a malformed answer is a BankUnavailable (the bank's
    answer cannot be trusted, so the outcome is unknown)."""
    try:
        kwargs: dict[str, Any] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            value = data[f.name]
            if f.type == "bytes":
                value = bytes.fromhex(value)
            elif str(f.type).startswith("tuple"):
                value = tuple(value)
            kwargs[f.name] = value
        return cls(**kwargs)
    except (KeyError, TypeError, ValueError) as exc:
        raise BankUnavailable(f"malformed {cls.__name__} from the bank: {exc!r}") from None
