from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
import serial
from hypothesis import given
from hypothesis import strategies as st

from devices.base import Device, DeviceClosed, DeviceNotReady
from devices.registry import create_device
from devices.simlink import ByteSimulator, PtyLink, TcpLink, parse_hostport, wire_time
from devices.urls import DeviceURLError, parse_device_url
from kiosk_core.status import DeviceState, MediaState, StatusChanged, StatusModel, SupplyState


def test_status_model_raises_event_only_on_change() -> None:
    model = StatusModel("printer")
    events: list[StatusChanged] = []
    unsubscribe = model.subscribe(events.append)
    model.update(device=DeviceState.ONLINE, supplies={"paper": SupplyState.FULL})
    model.update(device=DeviceState.ONLINE)  # no change, no event
    model.update(supplies={"paper": SupplyState.LOW}, counters={"lines": 3})
    assert [e.changed for e in events] == [
        frozenset({"device", "supplies"}),
        frozenset({"supplies", "counters"}),
    ]
    assert events[1].previous.supplies["paper"] is SupplyState.FULL
    assert events[1].current.supplies == {"paper": SupplyState.LOW}
    unsubscribe()
    model.update(media=MediaState.JAMMED)
    assert len(events) == 2
    assert model.current.as_dict()["media"] == "jammed"


def test_bad_listener_does_not_break_device() -> None:
    model = StatusModel("x")
    seen: list[StatusChanged] = []
    model.subscribe(lambda e: 1 / 0)  # type: ignore[func-returns-value]
    model.subscribe(seen.append)
    model.update(device=DeviceState.ONLINE)
    assert len(seen) == 1


def test_statuses_are_immutable() -> None:
    model = StatusModel("x")
    model.update(supplies={"paper": SupplyState.OK})
    with pytest.raises(TypeError):
        model.current.supplies["paper"] = SupplyState.OUT  # type: ignore[index]


class LoopDevice(Device):
    """A device over pyserial's loop:// — real pyserial, no hardware."""

    kind = "loop"

    def open(self) -> None:
        if "fail" in self.url:
            raise OSError("no such device")
        self.port = serial.serial_for_url(self.url, timeout=0.5)
        self.status_model.update(device=DeviceState.ONLINE)

    def shutdown(self) -> None:
        self.port.close()

    def echo(self, data: bytes) -> tuple[bytes, str]:
        def work() -> tuple[bytes, str]:
            self.port.write(data)
            return self.port.read(len(data)), threading.current_thread().name

        return self.submit(work).result(timeout=2)


def test_device_does_io_on_its_own_worker() -> None:
    dev = LoopDevice("loop1", "loop://")
    try:
        dev.start().result(timeout=2)
        assert dev.status.device is DeviceState.ONLINE
        data, thread = dev.echo(b"hello")
        assert data == b"hello"
        assert thread.startswith("device-loop1") and thread != threading.current_thread().name
    finally:
        dev.close()
    assert dev.status.device is DeviceState.OFFLINE
    with pytest.raises(DeviceClosed):
        dev.submit(lambda: None).result()
    dev.close()  # twice is fine


def test_open_failure_reports_no_device() -> None:
    dev = LoopDevice("loop2", "loop://fail")
    try:
        with pytest.raises(DeviceNotReady, match="cannot open"):
            dev.start().result(timeout=2)
        assert dev.status.device is DeviceState.NO_DEVICE
        assert "no such device" in dev.status.detail
    finally:
        dev.close()


@pytest.mark.parametrize(
    ("url", "scheme", "target"),
    [
        ("/dev/ttyUSB0", "", "/dev/ttyUSB0"),
        ("COM3", "", "COM3"),
        ("socket://127.0.0.1:7000", "socket", "127.0.0.1:7000"),
        ("sim://card-dispenser?cards=5&fault=jam", "sim", "card-dispenser"),
    ],
)
def test_parse_device_url(url: str, scheme: str, target: str) -> None:
    u = parse_device_url(url)
    assert (u.scheme, u.target) == (scheme, target)
    if u.is_sim:
        assert u.params == {"cards": "5", "fault": "jam"}


@given(st.text(max_size=60))
def test_parse_device_url_never_crashes(text: str) -> None:
    try:
        parse_device_url(text)
    except DeviceURLError:
        pass


class Echo(ByteSimulator):
    def __init__(self) -> None:
        super().__init__()
        self.connects = 0

    def on_bytes(self, data: bytes) -> None:
        self.send(data.upper())

    def on_connect(self) -> None:
        self.connects += 1


def test_pty_link_with_pyserial() -> None:
    link = PtyLink(Echo()).start()
    try:
        assert Path(link.url).exists()
        port = serial.serial_for_url(link.url, timeout=1)
        port.write(b"abc")
        assert port.read(3) == b"ABC"
        port.close()
    finally:
        link.stop()


def test_tcp_link_with_pyserial_socket_url() -> None:
    sim = Echo()
    link = TcpLink(sim).start()
    try:
        assert link.url.startswith("socket://127.0.0.1:")
        port = serial.serial_for_url(link.url, timeout=1)
        port.write(b"xyz")
        assert port.read(3) == b"XYZ"
        port.close()
        # The simulator takes the next host after a disconnect.
        port = serial.serial_for_url(link.url, timeout=1)
        port.write(b"q")
        assert port.read(1) == b"Q"
        port.close()
        assert sim.connects == 2
    finally:
        link.stop()


def test_paced_link_takes_wire_time() -> None:
    link = PtyLink(Echo(), baudrate=9600).start()
    try:
        port = serial.serial_for_url(link.url, timeout=2)
        t0 = time.perf_counter()
        port.write(b"x" * 96)
        got = port.read(96)
        elapsed = time.perf_counter() - t0
        port.close()
        assert got == b"X" * 96
        # 96 bytes in and 96 out at 9600 8N1 cannot arrive faster than the wire allows.
        assert elapsed >= wire_time(96, 9600)
    finally:
        link.stop()


def test_parse_hostport() -> None:
    assert parse_hostport("127.0.0.1:9100") == ("127.0.0.1", 9100)
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_hostport("nope")


def test_runtime_reports_service_from_required_devices(kiosk_config: Any, closing: Any) -> None:
    from devices import registry
    from kiosk_core.runtime import KioskRuntime, RuntimeEvent

    # Every device of the demo config is a loop:// device here; the printer fails to open.
    # Marked required (a kiosk that can do nothing without it; the demo's is optional).
    devices = kiosk_config.devices.model_copy(update={
        "printer": kiosk_config.devices.printer.model_copy(update={"required": True})})
    kiosk_config = kiosk_config.model_copy(update={"devices": devices})
    with registry.drivers_replaced(f"{__name__}:_create",
                                   ("card_dispenser", "printer", "camera")):
        rt = KioskRuntime(kiosk_config, device_factory=create_device)
        events: list[RuntimeEvent] = []
        rt.subscribe(events.append)
        closing(rt)
        rt.start(wait_devices=True)
        assert rt.service.in_service is False
        assert rt.service.down == ("printer",)
        assert rt.device_statuses()["card_dispenser"].device is DeviceState.ONLINE
        assert any(e.kind == "service" for e in events)
        rt.journal_writer.flush()  # type: ignore[union-attr]  # status events are queued
        kinds = [r.kind for r in rt.journal.records()]  # type: ignore[union-attr]
        assert kinds[0] == "kiosk.start" and "device.status" in kinds


def _create(name: str, settings: Any) -> Device:
    return LoopDevice(name, "loop://fail" if name == "printer" else "loop://")
