"""A device kind that lives only in the tests: proves a new kind needs no edit outside its
own package and one line in devices.kinds.PLUGINS."""

from __future__ import annotations

import argparse
from concurrent.futures import Future
from typing import ClassVar

from pydantic import Field

from devices.base import Device
from devices.plugin import DeviceKind
from devices.settings import DeviceSettings
from devices.sim import SimOption, SimSpec, int_at_least, sim_options
from kiosk_core.cli import Commands


class FakePinpadSettings(DeviceSettings):
    url_schemes: ClassVar[frozenset[str]] = frozenset({"", "socket", "sim"})
    pin_length: int = Field(6, ge=4, le=12)


SIM = SimSpec(device="fake-pinpad", options=(SimOption("keys", int_at_least(0), "0"),))


class FakePinpad(Device):
    kind = "fake_pinpad"

    def __init__(self, name: str, settings: FakePinpadSettings) -> None:
        super().__init__(name, settings.url)
        self.options = sim_options(settings.url, SIM)

    def open(self) -> None:
        pass

    def shutdown(self) -> None:
        pass

    def ping(self) -> Future[str]:
        return self.submit(lambda: "pong")


def create(name: str, settings: FakePinpadSettings) -> FakePinpad:
    return FakePinpad(name, settings)


def add_commands(cli: Commands) -> None:
    p = cli.sim.add_parser("fake-pinpad", help="the tests' fake PIN pad")
    p.set_defaults(handler=lambda args: print("fake pin pad simulator") or 0)
    d = cli.diag.add_parser("fake-pinpad", help="the tests' fake PIN pad")
    d.set_defaults(handler=_diag)


def _diag(args: argparse.Namespace) -> int:
    print("fake pin pad ok")
    return 0


KIND = DeviceKind(name="fake_pinpad", settings=FakePinpadSettings,
                  driver=f"{__name__}:create", commands=__name__, sim=SIM)
