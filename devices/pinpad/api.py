"""What a flow may ask of an encrypting PIN pad (vocabulary after XFS4IoT KeyboardPinPad).

:class:`devices.pinpad.driver.PinPad` satisfies it (checked by mypy below). Every command
returns a Future answered on the device's own worker thread. The clear PIN never reaches
the caller: ``get_pin`` reports key events without digit values and ends with a count;
``get_pin_block`` returns the encrypted ISO 9564-1 block.
"""

from __future__ import annotations

from concurrent.futures import Future
from typing import TYPE_CHECKING, Protocol

from devices.pinpad.model import KeyInfo, OnKey, PinBlockFormat, PinEntry
from kiosk_core.status import DeviceStatus


class PinPadApi(Protocol):
    @property
    def status(self) -> DeviceStatus:
        """The last reported status (no I/O)."""
        ...

    def query_status(self) -> Future[DeviceStatus]: ...

    def import_key(self, name: str, wrapped_key: bytes, kcv: bytes, algorithm: str
                   ) -> Future[bytes]:
        """Load a working key encrypted under the master key; the result is the pad's KCV.
        A KCV that differs from ``kcv`` is refused (``KcvMismatch``)."""
        ...

    def key_info(self) -> Future[list[KeyInfo]]:
        """Names, algorithms and KCVs of the loaded keys (never the keys)."""
        ...

    def get_pin(self, min_len: int, max_len: int, timeout: float,
                on_key: OnKey | None = None) -> Future[PinEntry]:
        """Run a PIN entry; ``on_key`` sees each key event (digits without values)."""
        ...

    def cancel_pin(self) -> None:
        """End a running ``get_pin`` now (it completes with ``cancel``)."""
        ...

    def end_entry(self) -> Future[None]:
        """Wipe a PIN held after ENTER without making a block."""
        ...

    def get_pin_block(self, pan: str, format: PinBlockFormat = 0, key: str | None = None
                      ) -> Future[bytes]:
        """The entered PIN as an encrypted ISO 9564-1 block; the pad then wipes the PIN."""
        ...


if TYPE_CHECKING:  # mypy proves the driver offers every call flows make
    from devices.pinpad.driver import PinPad

    def _driver_conforms(driver: PinPad) -> PinPadApi:
        return driver
