"""Byte links that put a device simulator on a pty or a TCP port.

A simulator is a :class:`ByteSimulator`: it is fed the bytes the host wrote and
answers through ``link.send``. The same simulator object can sit behind a pty
(``os.openpty``; the driver opens the slave path with pyserial like a real
/dev/ttyUSB0) or a TCP socket (``socket://127.0.0.1:port``). Links can pace their
output at a baud rate so timing is realistic, and can be told to drop the line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import socket
import threading
import time
import tty
from abc import ABC, abstractmethod

from kiosk_core.netaddr import HostPort, parse_host_port

log = logging.getLogger(__name__)


def wire_time(nbytes: int, baudrate: int, bits_per_byte: int = 10) -> float:
    """Seconds ``nbytes`` take on a serial line (8N1 = 10 bits a byte)."""
    return nbytes * bits_per_byte / baudrate if baudrate else 0.0


class ByteSimulator(ABC):
    """A device model that speaks bytes. Subclasses implement :meth:`on_bytes`."""

    def __init__(self) -> None:
        self.link: SimLink | None = None

    def send(self, data: bytes) -> None:
        if self.link is not None:
            self.link.send(data)

    @abstractmethod
    def on_bytes(self, data: bytes) -> None:
        """Bytes arrived from the host."""

    def on_connect(self) -> None:  # noqa: B027 - optional hook
        """A host connected (TCP) or the pty was opened."""

    def on_disconnect(self) -> None:  # noqa: B027 - optional hook
        """The host went away."""

    def tick(self) -> None:  # noqa: B027 - optional hook
        """Called about every 20 ms from the link thread: time-driven behaviour."""


class SimLink(ABC):
    """Carries bytes between one host and one simulator on a background thread."""

    def __init__(self, sim: ByteSimulator, *, baudrate: int = 0) -> None:
        self.sim = sim
        sim.link = self
        self.baudrate = baudrate
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._send_lock = threading.Lock()

    @property
    @abstractmethod
    def url(self) -> str:
        """What a driver opens to reach this simulator."""

    def start(self) -> SimLink:
        self._thread = threading.Thread(
            target=self._run, name=f"sim-{type(self.sim).__name__}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
        self._close()

    def __enter__(self) -> SimLink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def send(self, data: bytes) -> None:
        """Write to the host, paced at ``baudrate`` if set."""
        with self._send_lock:
            if self.baudrate:
                # Pace byte by byte in small groups so a reader sees realistic arrival.
                chunk = max(1, self.baudrate // 1000)
                for i in range(0, len(data), chunk):
                    part = data[i : i + chunk]
                    self._write(part)
                    time.sleep(wire_time(len(part), self.baudrate))
            else:
                self._write(data)

    @abstractmethod
    def drop(self) -> None:
        """Cut the line now (a disconnect fault)."""

    @abstractmethod
    def _write(self, data: bytes) -> None: ...

    @abstractmethod
    def _run(self) -> None: ...

    @abstractmethod
    def _close(self) -> None: ...

    def _delay_for_input(self, nbytes: int) -> None:
        # The host's bytes also take wire time to arrive.
        if self.baudrate:
            time.sleep(wire_time(nbytes, self.baudrate))


class PtyLink(SimLink):
    """The simulator on the master side of a pty; drivers open :attr:`url` (the slave)."""

    def __init__(self, sim: ByteSimulator, *, baudrate: int = 0) -> None:
        super().__init__(sim, baudrate=baudrate)
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        tty.setraw(self._master)
        self._path = os.ttyname(self._slave)
        self._muted = False

    @property
    def url(self) -> str:
        return self._path

    def _write(self, data: bytes) -> None:
        if self._muted:
            return
        view = memoryview(data)
        while view:
            try:
                n = os.write(self._master, view)
            except OSError:
                return
            view = view[n:]

    def drop(self) -> None:
        # A pty cannot be unplugged and plugged back under the same path; a dropped
        # line is modelled as output lost until the host writes again.
        self._muted = True

    def _run(self) -> None:
        self.sim.on_connect()
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.02)
            except (OSError, ValueError):
                break
            if ready:
                try:
                    data = os.read(self._master, 4096)
                except OSError:
                    break
                if data:
                    self._muted = False
                    self._delay_for_input(len(data))
                    try:
                        self.sim.on_bytes(data)
                    except Exception:
                        log.exception("simulator failed on %r", data[:32])
            self.sim.tick()
        self.sim.on_disconnect()

    def _close(self) -> None:
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)


class TcpLink(SimLink):
    """The simulator as a TCP server (one host at a time); drivers open ``socket://``."""

    def __init__(
        self,
        sim: ByteSimulator,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        baudrate: int = 0,
        scheme: str = "socket",
    ) -> None:
        super().__init__(sim, baudrate=baudrate)
        host = host.strip("[]")  # the socket layer wants the bare address
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._server = socket.create_server((host, port), family=family, reuse_port=False)
        self._server.settimeout(0.05)
        self.host, self.port = self._server.getsockname()[:2]
        self._scheme = scheme
        self._client: socket.socket | None = None

    @property
    def url(self) -> str:
        return HostPort(self.host, self.port).url(self._scheme)

    def _write(self, data: bytes) -> None:
        client = self._client
        if client is None:
            return
        try:
            client.sendall(data)
        except OSError:
            self._drop_client()

    def drop(self) -> None:
        self._drop_client()

    def _drop_client(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            with contextlib.suppress(OSError):
                client.shutdown(socket.SHUT_RDWR)
            client.close()
            self.sim.on_disconnect()

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._client is None:
                try:
                    conn, _ = self._server.accept()
                except (TimeoutError, BlockingIOError):
                    self.sim.tick()
                    continue
                except OSError:
                    break
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._client = conn
                self.sim.on_connect()
            client = self._client
            if client is None:
                continue
            try:
                ready, _, _ = select.select([client], [], [], 0.02)
            except (OSError, ValueError):
                self._drop_client()
                continue
            if ready:
                try:
                    data = client.recv(4096)
                except OSError:
                    data = b""
                if not data:
                    self._drop_client()
                    continue
                self._delay_for_input(len(data))
                try:
                    self.sim.on_bytes(data)
                except Exception:
                    log.exception("simulator failed on %r", data[:32])
            self.sim.tick()

    def _close(self) -> None:
        self._drop_client()
        with contextlib.suppress(OSError):
            self._server.close()


def parse_hostport(text: str) -> HostPort:
    """``--tcp HOST:PORT`` of the simulator commands: ``:PORT`` is on 127.0.0.1, port 0 is any
    free port (:func:`kiosk_core.netaddr.parse_host_port`, the kiosk's one parser)."""
    return parse_host_port(text, default_host="127.0.0.1", any_port=True)
