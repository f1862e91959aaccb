"""Why a flow ended without what the customer came for: one enum for every layer.

The layer that knows the reason raises it typed (``FlowFailed(Failure.X, detail)``, or an
exception with a ``.failure`` attribute); sessions, view-models and QML compare these
values, never exception class names or English messages. The values are the wire names
kept in the journal and the flow store, so they never change once released.
"""

from __future__ import annotations

from enum import StrEnum


class Failure(StrEnum):
    # -- check-in: what the branch says no to -----------------------------------------------
    UNKNOWN = "unknown"  # no such appointment (or not for this phone + code)
    INVALID = "invalid"  # not a branch QR code / malformed phone or code
    NO_QR = "no_qr"  # no QR code seen within the scan time limit
    TOO_EARLY = "too_early"  # detail: "HH:MM" when check-in opens
    TOO_LATE = "too_late"
    NOT_TODAY = "not_today"  # detail: "YYYY-MM-DD" of the appointment
    CANCELLED = "cancelled"
    USED = "used"  # already checked in
    NO_SHOW = "no_show"
    STATE = "state"  # a counter action not allowed in the current state
    TOO_MANY = "too_many"  # too many wrong phone/code attempts
    CAMERA = "camera"  # the camera broke while scanning
    FAILED = "failed"  # an unexpected error (logged); a person can help

    # -- identity (card issuance): identity.session's failure reasons ----------------------
    NO_MATCH = "fail_no_match"
    TIMEOUT = "fail_timeout"  # the liveness movement was not seen in time
    WRONG_ACTION = "fail_wrong_action"
    PERSON_CHANGED = "fail_person_changed"
    NOT_LIVE = "fail_not_live"
    ID_TIMEOUT = "fail_id_timeout"
    FACE_TIMEOUT = "fail_face_timeout"
    IDENTITY_UNAVAILABLE = "identity_unavailable"  # the identity worker died or hung

    # -- card issuance: devices and the customer --------------------------------------------
    NO_CAMERA = "no_camera"
    # -- the camera (any flow that uses it): devices.camera.condition.camera_failure
    CAMERA_UNPLUGGED = "camera_unplugged"  # no camera on the bus / stream lost
    CAMERA_FROZEN = "camera_frozen"  # the picture stopped changing
    CAMERA_DARK = "camera_dark"  # the picture is too dark to use (the customer can help)
    DEVICE_MISSING = "device_missing"  # detail: the device kind
    STACKER_EMPTY = "stacker_empty"
    BIN_FULL = "bin_full"
    CARD_IN_MACHINE = "card_in_machine"
    JAM = "jam"
    CARD_PULLED = "card_pulled"
    NOT_TAKEN = "not_taken"  # the card was not taken in time (retained)
    DEVICE = "device"  # any other device fault
    CUSTOMER_CANCEL = "customer_cancel"
    EVIDENCE = "evidence"  # the signed agreement could not be kept: no card without it
    # -- the bank (bank_host): what a bank refuses, in words the customer can act on
    BANK_UNAVAILABLE = "bank_unavailable"  # no answer, or a 5xx: whatever began is reversed
    BANK_UNKNOWN_CUSTOMER = "bank_unknown_customer"
    BANK_ID_EXPIRED = "bank_id_expired"
    BANK_NAME_MISMATCH = "bank_name_mismatch"
    BANK_ALREADY_HOLDS = "bank_already_holds"  # already holds this product
    BANK_UNDER_AGE = "bank_under_age"
    BANK_BLOCKED = "bank_blocked"  # a hold on the customer: a teller must look
    BANK_REFUSED = "bank_refused"  # any other refusal (detail: the bank's reason)
    # -- the PIN pad
    PIN_MISMATCH = "pin_mismatch"  # the confirmation differed, every attempt
    PIN_TOO_SIMPLE = "pin_too_simple"
    PIN_CANCELLED = "pin_cancelled"
    PIN_TIMEOUT = "pin_timeout"
    PINPAD = "pinpad"  # the PIN pad failed (tampered, removed, no key)
    # -- a remote teller
    TELLER_DECLINED = "teller_declined"  # the teller looked and could not confirm identity

    @classmethod
    def parse(cls, value: str) -> Failure:
        """A stored/wire value as a Failure; a clear error names an unknown one."""
        try:
            return cls(value)
        except ValueError:
            raise ValueError(f"unknown failure reason {value!r}; known: "
                             f"{', '.join(m.value for m in cls)}") from None


#: Check-in refusals worth another try: a misread QR code, a mistyped phone or code.
CHECKIN_RETRYABLE = frozenset({Failure.UNKNOWN, Failure.INVALID, Failure.NO_QR,
                               # a camera fault that may be over by now: scan again
                               Failure.CAMERA_UNPLUGGED, Failure.CAMERA_FROZEN,
                               Failure.CAMERA_DARK})


class FlowFailed(Exception):
    """A flow step failed for a reason the customer is told about."""

    def __init__(self, failure: Failure, detail: str = "", message: str = "") -> None:
        super().__init__(message or (f"{failure.value}: {detail}" if detail else failure.value))
        self.failure = failure
        self.detail = detail


def failure_of(exc: BaseException, default: Failure = Failure.DEVICE) -> Failure:
    """The typed reason an exception carries (``.failure``), else ``default``."""
    failure = getattr(exc, "failure", None)
    return failure if isinstance(failure, Failure) else default
