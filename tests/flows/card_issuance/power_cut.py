"""Run the card-issuance flow in this process against a dispenser at URL, and die
(os._exit, no clean-up: a power cut) right after the dispenser did ``CUT_AT``.

    python power_cut.py FLOW_STORE SOCKET_URL PROTOCOL CUT_AT   # prints the flow id first
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from customer_flows import card_issuance
from devices.card_dispenser.driver import create
from devices.card_dispenser.settings import CardDispenserSettings
from kiosk_core.flows import FlowEngine, FlowStore


class CutAfter:
    """The dispenser, except that the process dies as soon as ``op`` has completed."""

    def __init__(self, dev: Any, op: str) -> None:
        self._dev, self._op = dev, op

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._dev, name)
        if name != self._op:
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            attr(*args, **kwargs).result(timeout=10)
            os._exit(137)

        return call


if __name__ == "__main__":
    from bank_host.sandbox.bank import SandboxBank
    from devices.pinpad.driver import create as create_pinpad
    from devices.pinpad.settings import PinPadSettings
    from flows.card_issuance.conftest import CUSTOMER, KIOSK, PIN

    store, url, protocol, cut = Path(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4]
    dev = create("card_dispenser", CardDispenserSettings(url=url, protocol=protocol))
    dev.start().result(timeout=10)
    # The bank's file survives this process, as the bank does.
    bank = SandboxBank(store.parent / "bank.sqlite")
    master = bank.enrol(KIOSK)["AES"].hex().upper()
    pad = create_pinpad("pinpad", PinPadSettings(
        url=f"sim://pinpad?master={master}&master_alg=AES&pin={PIN}"))
    pad.start().result(timeout=10)
    engine = FlowEngine(FlowStore(store),
                        {"card_issuance": card_issuance.DEFINITION},
                        resources={"devices": {"card_dispenser": CutAfter(dev, cut),
                                               "pinpad": pad},
                                   "services": {"bank": bank.host(KIOSK)},
                                   "personal": dict(CUSTOMER)})
    data: dict[str, Any] = {"language": "en_US", "kiosk_id": KIOSK, "pin_format": "iso4"}
    if os.environ.get("TAKE_TIMEOUT_S"):
        data["take_timeout_s"] = float(os.environ["TAKE_TIMEOUT_S"])
    fid = engine.start("card_issuance", data)
    print(fid, flush=True)
    engine.run(fid)
    os._exit(3)  # the cut did not happen
