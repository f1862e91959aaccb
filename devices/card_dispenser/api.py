"""What a flow may ask of a card dispenser: the interface customer flows are typed by.

:class:`devices.card_dispenser.driver.CardDispenser` satisfies it (checked in
tests/flows/card_issuance); a future dispenser model or a PIN-pad-style combined device
only has to offer these calls. Every command returns a Future answered on the device's
own worker thread; the caller waits with a time-out of its choosing.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Literal, Protocol

from devices.card_dispenser.counts import DispenserCounts
from devices.card_dispenser.model import Reading, Sensors, TakeResult
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

    def move_to_ic(self) -> Future[Reading]:
        """A card to the IC contact position (chip cards); to_read_position is the RF one."""
        ...

    def read_sensors(self) -> Future[Sensors]: ...

    def machine_serial(self) -> Future[str]:
        """The dispenser's own serial number (not the card's: that is read_serial)."""
        ...

    def read_serial(self) -> Future[str]: ...

    def present(self) -> Future[Reading]: ...

    def wait_taken(self, timeout: float | None = None, *, retract: bool = True
                   ) -> Future[TakeResult]: ...

    def cancel_wait(self) -> None: ...

    def retract(self) -> Future[Reading]: ...

    def reset(self, to: ResetTo = "retain") -> Future[Reading]: ...

    def counters(self) -> Future[dict[str, int]]:
        """dispensed / retracted / captured / taken, and "bin": the retain bin's count
        (the device's retract counter where it keeps one)."""
        ...

    def counts(self) -> Future[DispenserCounts]:
        """Every persisted count (presented, retained, the stacker's load…)."""
        ...

    def load_stacker(self, count: int) -> Future[DispenserCounts]:
        """The technician loaded ``count`` cards: the stacker's count starts again."""
        ...


if TYPE_CHECKING:  # mypy proves the driver offers every call flows make
    from devices.card_dispenser.driver import CardDispenser

    def _driver_conforms(driver: CardDispenser) -> CardDispenserApi:
        return driver
