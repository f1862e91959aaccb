"""A camera's last reported status as the one problem a customer is told about.

Flows (the card's identity check, the check-in QR scan, the video teller) read the camera's
status (no I/O) and tell the customer in plain words: unplugged, frozen or too dark. The
codes are the ones :mod:`devices.camera.driver` reports; ``None`` means "usable now".
"""

from __future__ import annotations

from kiosk_core.failures import Failure
from kiosk_core.status import DeviceState, DeviceStatus

#: driver error code -> what the customer is told.
_BY_CODE = {
    "frozen": Failure.CAMERA_FROZEN,
    "too_dark": Failure.CAMERA_DARK,
    "unplugged": Failure.CAMERA_UNPLUGGED,
}
#: Problems a flow waits out (they clear by themselves or by the customer stepping into
#: the light), showing the sentence meanwhile.
CAMERA_FAILURES = frozenset(_BY_CODE.values())


def camera_failure(status: DeviceStatus) -> Failure | None:
    """Why the camera cannot be used for a customer now, or None (also None while it is
    still starting: a flow gives it time)."""
    if status.device is DeviceState.STARTING:
        return None
    failure = _BY_CODE.get(status.error_code)
    if failure is not None:
        return failure
    if status.device.usable:
        return None  # online (losing some frames is a technician's matter, not a customer's)
    return Failure.CAMERA_UNPLUGGED


def camera_starting(status: DeviceStatus) -> bool:
    return status.device is DeviceState.STARTING
