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


#: How often a link thread ticks a simulator that does not say when it needs it (the
#: default :meth:`ByteSimulator.next_tick`).
TICK_S = 0.02
#: The longest a link thread sleeps with no bytes coming in and nothing time-driven pending:
#: a simulator changed from another thread without :meth:`ByteSimulator.wake` is ticked
#: within this. An idle link thus wakes 4 times a second instead of 50 (issue 17).
IDLE_TICK_S = 0.25


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

    def stop(self) -> None:  # noqa: B027 - optional hook
        """Its link stopped: end any thread of the simulator's own."""

    def tick(self) -> None:  # noqa: B027 - optional hook
        """Called from the link thread after bytes arrived and when :meth:`next_tick`
        said: time-driven behaviour."""

    def next_tick(self) -> float | None:
        """Seconds until :meth:`tick` has something to do (0: now), or None when nothing
        time-driven is pending (the link then sleeps until bytes come, or
        ``IDLE_TICK_S``). The default ticks every ``TICK_S``."""
        return TICK_S

    def wake(self) -> None:
        """Something time-driven was started from another thread: tick now."""
        if self.link is not None:
            self.link.wake()


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
        self.sim.stop()

    def wake(self) -> None:  # noqa: B027 - optional hook: links without a thread
        """Make the link thread look at the simulator now (see ByteSimulator.wake)."""

    def _tick_timeout(self) -> float:
        """How long the link thread may wait for bytes before it ticks the simulator."""
        try:
            due = self.sim.next_tick()
        except Exception:
            log.exception("simulator failed to say when it ticks")
            due = TICK_S
        if due is None:
            return IDLE_TICK_S
        return min(max(due, 0.002), IDLE_TICK_S)

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


class _Waker:
    """A self-pipe a link thread's select() also waits on: wake() ends its wait at once."""

    def __init__(self) -> None:
        self.fd, self._w = os.pipe()
        os.set_blocking(self.fd, False)
        os.set_blocking(self._w, False)

    def wake(self) -> None:
        if self._w >= 0:
            with contextlib.suppress(OSError):  # full (already woken) or closed
                os.write(self._w, b"\0")

    def drain(self) -> None:
        with contextlib.suppress(OSError):
            while os.read(self.fd, 512):
                pass

    def close(self) -> None:
        fds, self.fd, self._w = (self.fd, self._w), -1, -1  # never close a reused number
        for fd in fds:
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)


class PtyLink(SimLink):
    """The simulator on the master side of a pty; drivers open :attr:`url` (the slave)."""

    def __init__(self, sim: ByteSimulator, *, baudrate: int = 0) -> None:
        super().__init__(sim, baudrate=baudrate)
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        tty.setraw(self._master)
        self._path = os.ttyname(self._slave)
        self._muted = False
        self._waker = _Waker()

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

    def wake(self) -> None:
        self._waker.wake()

    def stop(self) -> None:
        self._stop.set()
        self._waker.wake()
        super().stop()
        self._waker.close()

    def _run(self) -> None:
        self.sim.on_connect()
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master, self._waker.fd], [], [],
                                            self._tick_timeout())
            except (OSError, ValueError):
                break
            if self._waker.fd in ready:
                self._waker.drain()
            if self._master in ready:
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
        self._waker = _Waker()

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

    def wake(self) -> None:
        self._waker.wake()

    def stop(self) -> None:
        self._stop.set()
        self._waker.wake()
        super().stop()
        self._waker.close()

    def _wait(self, sock: socket.socket) -> bool:
        """Wait for ``sock`` (or a wake-up) until the simulator's next tick; True if
        ``sock`` is readable."""
        fd = sock.fileno()
        ready, _, _ = select.select([fd, self._waker.fd], [], [], self._tick_timeout())
        if self._waker.fd in ready:
            self._waker.drain()
        return fd in ready

    def _run(self) -> None:
        while not self._stop.is_set():
            if self._client is None:
                try:
                    if not self._wait(self._server):
                        self.sim.tick()
                        continue
                    conn, _ = self._server.accept()
                except (TimeoutError, BlockingIOError):
                    self.sim.tick()
                    continue
                except (OSError, ValueError):
                    break
                conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                self._client = conn
                self.sim.on_connect()
            client = self._client
            if client is None:
                continue
            try:
                readable = self._wait(client)
            except (OSError, ValueError):
                self._drop_client()
                continue
            if readable:
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
