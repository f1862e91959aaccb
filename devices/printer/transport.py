"""Printer URLs to python-escpos transports, plus the raw status read python-escpos lacks.

``usb://04b8:0202``, ``serial:///dev/ttyS0?baudrate=38400``, ``tcp://host:9100``,
``file:///dev/usb/lp0`` open python-escpos' own Usb / Serial / Network / File classes; we
only use their raw ``_raw`` write and ``_read`` (python-escpos's ``query_status`` wraps
just DLE EOT 1 and 4, and its ``_read`` returns whatever one recv gave). ``sim://printer``
starts :class:`~devices.printer.simulator.PrinterSimulator` on a pty or TCP port and
opens it like real hardware.
"""

from __future__ import annotations

import contextlib
import errno
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from devices.base import DeviceNotReady, DeviceTimeout
from devices.printer import escpos_cache
from devices.sim import sim_options, start_link
from devices.simlink import SimLink
from devices.urls import DeviceURL, DeviceURLError, parse_device_url
from kiosk_core.netaddr import parse_host_port

PRINTER_SCHEMES = frozenset({"usb", "serial", "tcp", "file", "sim"})


@dataclass
class Transport:
    """One open python-escpos printer object and what it can do."""

    printer: Any  # escpos.escpos.Escpos subclass
    url: str
    can_read: bool
    sim: Any = None  # the PrinterSimulator behind a sim:// URL
    link: SimLink | None = None
    _rx: bytes = b""  # bytes read beyond what was asked (python-escpos reads up to 16)

    def write(self, data: bytes) -> None:
        self.printer._raw(data)

    def read_exact(self, n: int, timeout: float) -> bytes:
        """Read exactly ``n`` bytes or raise DeviceTimeout (python-escpos reads up to 16)."""
        if not self.can_read:
            raise DeviceNotReady(f"{self.url}: this transport cannot read status")
        buf, self._rx = self._rx, b""
        deadline = time.monotonic() + timeout
        dev = self.printer.device
        while len(buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                self._rx = buf
                raise DeviceTimeout(f"{self.url}: no status reply ({len(buf)}/{n} bytes)")
            _set_timeout(dev, left)
            try:
                if hasattr(dev, "in_waiting"):
                    # pyserial's read(16) would wait for all 16 bytes: ask for what we need.
                    chunk = dev.read(n - len(buf))
                else:
                    chunk = self.printer._read()
            except OSError as exc:
                if not _timed_out(exc):
                    raise DeviceNotReady(f"{self.url}: read failed: {exc}") from exc
                chunk = b""
            buf += bytes(chunk)
        self._rx = buf[n:]
        return buf[:n]

    def drain(self) -> None:
        """Throw away stale input (late replies from a timed-out query)."""
        if not self.can_read:
            return
        self._rx = b""
        dev = self.printer.device
        _set_timeout(dev, 0.01)
        with contextlib.suppress(OSError, TimeoutError):
            for _ in range(64):
                if not self.printer._read():
                    break

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.printer.close()
        if self.link is not None:
            self.link.stop()


def _set_timeout(dev: Any, seconds: float) -> None:
    seconds = max(0.001, seconds)
    if hasattr(dev, "settimeout"):  # socket
        dev.settimeout(seconds)
    elif hasattr(dev, "default_timeout"):  # pyusb: python-escpos' read uses the default, in ms
        dev.default_timeout = max(1, round(seconds * 1000))
    elif hasattr(dev, "timeout"):  # pyserial
        dev.timeout = seconds


def _timed_out(exc: OSError) -> bool:
    """A read that found nothing in time: sockets raise TimeoutError, pyusb raises
    USBTimeoutError (an OSError with errno ETIMEDOUT)."""
    return isinstance(exc, TimeoutError) or exc.errno == errno.ETIMEDOUT


def parse_printer_url(url: str) -> DeviceURL:
    return parse_device_url(url, PRINTER_SCHEMES)


def open_transport(url: str, *, profile: str, timeout: float,
                   base_dir: str | Path | None = None) -> Transport:
    """Open the printer at ``url`` (raises DeviceURLError / DeviceNotReady).

    ``base_dir`` (the kiosk's data dir) anchors a relative ``sim://printer?out=DIR``.
    """
    u = parse_printer_url(url)
    if u.scheme == "sim":
        out = u.params.get("out")
        if out and base_dir is not None and not Path(out).is_absolute():
            u = replace(u, params={**u.params, "out": str(Path(base_dir) / out)})
        return _open_sim(u, profile=profile, timeout=timeout)
    return _open_real(u, profile=profile, timeout=timeout)


def _open_real(u: DeviceURL, *, profile: str, timeout: float) -> Transport:
    escpos_cache.load()  # before escpos.printer imports it
    from escpos.exceptions import DeviceNotFoundError

    try:
        if u.scheme == "tcp":
            from escpos.printer import Network

            addr = parse_host_port(u.target.rstrip("/"), default_port=9100)  # JetDirect
            printer: Any = Network(addr.host, addr.port, timeout=timeout, profile=profile)
            can_read = True
        elif u.scheme == "serial":
            from escpos.printer import Serial

            baud = int(u.params.get("baudrate", "38400"))
            printer = Serial(u.target, baudrate=baud, timeout=timeout, profile=profile)
            can_read = True
        elif u.scheme == "usb":
            from escpos.printer import Usb

            vid, sep, pid = u.target.strip("/").partition(":")
            if not sep:
                raise DeviceURLError(f"usb:// needs VID:PID in hex, got '{u.raw}'")
            printer = Usb(int(vid, 16), int(pid, 16), timeout=int(timeout * 1000),
                          profile=profile)
            can_read = True
        elif u.scheme == "file":
            from escpos.printer import File

            printer = File(u.target, profile=profile)
            can_read = False  # a device file (/dev/usb/lp0) is write-only for us
        else:  # pragma: no cover - parse_printer_url refuses other schemes
            raise DeviceURLError(f"unsupported scheme '{u.scheme}'")
    except ValueError as exc:
        raise DeviceURLError(f"bad printer URL '{u.raw}': {exc}") from None
    try:
        printer.open()
    except DeviceNotFoundError as exc:
        raise DeviceNotReady(f"cannot open {u.raw}: {' '.join(str(exc).split())}") from None
    except Exception as exc:  # pyusb missing, permission denied…
        raise DeviceNotReady(f"cannot open {u.raw}: {exc}") from None
    return Transport(printer, u.raw, can_read)


def _open_sim(u: DeviceURL, *, profile: str, timeout: float) -> Transport:
    from devices.printer.plugin import SIM
    from devices.printer.simulator import PrinterSimulator, SimulatorError

    try:
        opts = sim_options(u, SIM)
        sim = PrinterSimulator(paper=opts["paper"], out_dir=opts.get("out") or None,
                               speed_mm_s=opts["speed"])
        for fault in opts["faults"]:
            name, _, when = fault.partition("@")
            sim.inject(name, mid_job=(when == "mid-job"))
    except SimulatorError as exc:
        raise DeviceURLError(f"{u.raw}: {exc}") from None
    link: SimLink = start_link(sim, opts["link"], tcp_scheme="tcp")
    real = parse_printer_url(link.url if opts["link"] == "tcp" else f"serial://{link.url}")
    try:
        t = _open_real(real, profile=profile, timeout=timeout)
    except Exception:
        link.stop()
        raise
    t.sim, t.link, t.url = sim, link, u.raw
    return t
