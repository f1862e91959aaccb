"""What every ``kiosk sim <kind>`` does once its simulator is built: serve it on a pty or a
TCP port, print where, take runtime control lines from stdin (faults, key presses…), and
stop cleanly on SIGTERM / SIGINT; and the settings every ``kiosk diag <kind>`` opens with."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from devices.simlink import PtyLink, SimLink, TcpLink, parse_hostport

S = TypeVar("S", bound=BaseModel)

#: Reads control lines until EOF; gets the simulator and the stop event.
ControlLoop = Callable[[Any, threading.Event], None]


def open_link(sim: Any, tcp: str | None, baudrate: int = 0) -> SimLink:
    """The simulator behind a TCP port (``HOST:PORT``) or, without one, a new pty (``baudrate``
    paces its output; 0: as fast as it can).
    Raises ValueError / OSError with the reason."""
    if tcp:
        host, port = parse_hostport(tcp)
        return TcpLink(sim, host, port, baudrate=baudrate)
    return PtyLink(sim, baudrate=baudrate)


def stdin_is_ours() -> bool:
    """False when started in the background of a shell (``… &``): reading the terminal
    there would stop the process (SIGTTIN)."""
    try:
        return not os.isatty(0) or os.tcgetpgrp(0) == os.getpgrp()
    except OSError:
        return False


def serve(sim: Any, link: SimLink, *, tcp: bool, control: ControlLoop | None,
          name: str) -> int:
    """Serve until SIGTERM / SIGINT; prints ``tcp: URL`` or ``pty: URL`` first."""
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    link.start()
    try:
        print(f"tcp: {link.url}" if tcp else f"pty: {link.url}", flush=True)
        if control is not None and stdin_is_ours():
            threading.Thread(target=control, args=(sim, stop), name=f"{name}-stdin",
                             daemon=True).start()
        while not stop.wait(0.2):
            pass
    finally:
        link.stop()
    return 0


def diag_settings(kind: str, model: type[S], config: str | None,
                  overrides: dict[str, Any]) -> S:
    """The settings ``kiosk diag <kind>`` opens the device with: ``[devices.<kind>]`` from
    kiosk.toml unless ``--url`` is given, with the command line's options on top."""
    from kiosk_core.cli import CommandError, command_config

    base: dict[str, Any] = {}
    if not overrides.get("url"):
        configured = command_config(config).device(kind, model)
        if configured is None:
            raise CommandError(f"no --url and no [devices.{kind}] in kiosk.toml")
        base = configured.model_dump()
    base.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return model(**base)
    except ValueError as exc:
        raise CommandError(f"bad settings: {exc}") from None
