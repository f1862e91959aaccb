"""What a flow may ask of a card dispenser: the interface customer flows are typed by.

:class:`devices.card_dispenser.driver.CardDispenser` satisfies it (checked in
tests/flows/card_issuance); a future dispenser model or a PIN-pad-style combined device
only has to offer these calls. Every command returns a Future answered on the device's
own worker thread; the caller waits with a time-out of its choosing.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Literal, Protocol

from devices.card_dispenser.model import Reading, TakeResult
from kiosk_core.status import DeviceStatus

ResetTo = Literal["current", "exit", "retain"]


class DispenserSettings(Protocol):
    @property
    def take_timeout_s(self) -> float: ...


class CardDispenserApi(Protocol):
    @property
    def status(self) -> DeviceStatus:
        """The last reported status (no I/O)."""
        ...

    @property
    def settings(self) -> DispenserSettings: ...

    def query_status(self) -> Future[DeviceStatus]: ...

    def to_read_position(self) -> Future[Reading]: ...

    def read_serial(self) -> Future[str]: ...

    def present(self) -> Future[Reading]: ...

    def wait_taken(self, timeout: float | None = None, *, retract: bool = True
                   ) -> Future[TakeResult]: ...

    def cancel_wait(self) -> None: ...

    def retract(self) -> Future[Reading]: ...

    def reset(self, to: ResetTo = "retain") -> Future[Reading]: ...


if TYPE_CHECKING:  # mypy proves the driver offers every call flows make
    from devices.card_dispenser.driver import CardDispenser

    def _driver_conforms(driver: CardDispenser) -> CardDispenserApi:
        return driver
