"""The headphone jack: says whether a headset is plugged. Listeners hear every change.

Opened from ``[voice] jack`` (a URL, as devices are):

``sim://jack[?plugged=1]``
    simulated: starts as ``plugged`` says; the demo toggles it with Ctrl+Alt+H
    (kiosk_ui/voice.py), tests call :meth:`HeadphoneJack.set_plugged`.
``evdev:///dev/input/eventN`` (or a ``/dev/input/by-path/…`` name)
    the sound card's jack sense as Linux reports it: an input device with the switch
    ``SW_HEADPHONE_INSERT``. The state is read at open (``EVIOCGSW``) and then followed
    from the device's ``EV_SW`` events on a small reader thread.
``none``
    no jack: never plugged (voice only with ``[voice] always``).
"""

from __future__ import annotations

import fcntl
import logging
import os
import select
import struct
import threading
from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)

Listener = Callable[[bool], None]

#: linux/input-event-codes.h
EV_SW = 0x05
SW_HEADPHONE_INSERT = 0x02
#: struct input_event on 64-bit Linux: struct timeval (two longs), __u16 type, __u16 code,
#: __s32 value.
EVENT = struct.Struct("llHHi")


def _eviocgsw(length: int) -> int:
    """EVIOCGSW(len) = _IOC(_IOC_READ, 'E', 0x1b, len)."""
    return (2 << 30) | (length << 16) | (ord("E") << 8) | 0x1B


class JackURLError(ValueError):
    """A ``[voice] jack`` value that names no jack."""


class HeadphoneJack:
    def __init__(self, plugged: bool = False, *, simulated: bool = True) -> None:
        self._plugged = plugged
        self.simulated = simulated  # may be toggled by hand (the demo's Ctrl+Alt+H)
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    @property
    def plugged(self) -> bool:
        return self._plugged

    def set_plugged(self, plugged: bool) -> None:
        with self._lock:
            changed, self._plugged = plugged != self._plugged, plugged
            listeners = list(self._listeners)
        if changed:
            log.info("headphone jack: %s", "headset plugged in" if plugged else "unplugged")
            for listener in listeners:
                listener(plugged)

    def subscribe(self, listener: Listener) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)
        return unsubscribe

    def close(self) -> None:
        """Stop following the hardware (nothing to do for a simulated jack)."""


class EvdevJack(HeadphoneJack):
    """The jack sense of a Linux input device (``SW_HEADPHONE_INSERT``)."""

    def __init__(self, path: str) -> None:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # OSError names the path
        super().__init__(_switch_state(fd), simulated=False)
        self.path = path
        self._fd = fd
        self._stop_r, self._stop_w = os.pipe()
        self._thread = threading.Thread(target=self._follow, name="voice-jack", daemon=True)
        self._thread.start()

    def _follow(self) -> None:
        buf = b""
        while True:
            ready, _, _ = select.select([self._fd, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            try:
                data = os.read(self._fd, EVENT.size * 16)
            except BlockingIOError:
                continue
            except OSError as exc:  # unplugged sound card, device gone
                log.warning("headphone jack %s: %s; taken as unplugged", self.path, exc)
                self.set_plugged(False)
                return
            if not data:  # end of a pipe (tests) or a vanished device
                return
            buf += data
            while len(buf) >= EVENT.size:
                _, _, kind, code, value = EVENT.unpack_from(buf)
                buf = buf[EVENT.size:]
                if kind == EV_SW and code == SW_HEADPHONE_INSERT:
                    self.set_plugged(value != 0)

    def close(self) -> None:
        try:
            os.write(self._stop_w, b"x")
        except OSError:
            pass
        self._thread.join(timeout=2)
        for fd in (self._fd, self._stop_r, self._stop_w):
            try:
                os.close(fd)
            except OSError:
                pass


def _switch_state(fd: int) -> bool:
    """SW_HEADPHONE_INSERT now (False where the file is no input device, e.g. a test pipe)."""
    bits = bytearray(8)
    try:
        fcntl.ioctl(fd, _eviocgsw(len(bits)), bits)
    except OSError:
        return False
    return bool(bits[SW_HEADPHONE_INSERT // 8] >> (SW_HEADPHONE_INSERT % 8) & 1)


def check_jack_url(url: str) -> str:
    """The URL if it names a jack; JackURLError saying what is wrong otherwise."""
    if url == "none":
        return url
    try:
        parts = urlsplit(url)
    except ValueError as exc:  # "evdev://[", a bad port…
        raise JackURLError(f"{url!r}: {exc}") from None
    if parts.scheme == "sim":
        if parts.netloc != "jack":
            raise JackURLError(f"{url!r}: the simulated jack is sim://jack")
        opts = parse_qs(parts.query, keep_blank_values=True)
        unknown = sorted(set(opts) - {"plugged"})
        if unknown:
            raise JackURLError(f"{url!r}: unknown option {unknown[0]!r} (plugged)")
        if opts.get("plugged", ["0"])[-1] not in ("0", "1", "true", "false"):
            raise JackURLError(f"{url!r}: plugged is 0 or 1")
        return url
    if parts.scheme == "evdev":
        if not parts.path.startswith("/dev/input/"):
            raise JackURLError(f"{url!r}: evdev:// names a /dev/input/ device")
        return url
    raise JackURLError(f"{url!r}: a jack is sim://jack, evdev:///dev/input/… or none")


def open_jack(url: str) -> HeadphoneJack:
    """The jack ``url`` names (see the module docstring)."""
    check_jack_url(url)
    if url == "none":
        return HeadphoneJack(simulated=False)
    parts = urlsplit(url)
    if parts.scheme == "sim":
        plugged = parse_qs(parts.query).get("plugged", ["0"])[-1] in ("1", "true")
        return HeadphoneJack(plugged)
    return EvdevJack(parts.path)
