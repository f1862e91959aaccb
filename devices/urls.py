"""Device URLs, in the style of pyserial's ``serial_for_url``.

A device is named in kiosk.toml by a URL: a plain path (``/dev/ttyUSB0``, ``COM3``)
or ``scheme://rest``. Which schemes a device accepts depends on its class: serial
devices take what pyserial takes, printers what python-escpos transports take, and
every device takes ``sim://`` for its simulator.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit

#: Schemes a serial-line device accepts ("" is a plain device path).
SERIAL_SCHEMES = frozenset({"", "socket", "rfc2217", "loop", "spy", "sim"})


class DeviceURLError(ValueError):
    """A device URL that cannot be used."""


@dataclass(frozen=True)
class DeviceURL:
    raw: str
    scheme: str  # "" for a plain path
    target: str  # host:port, device path, or simulator name
    params: dict[str, str]

    @property
    def is_sim(self) -> bool:
        return self.scheme == "sim"


def scheme_of(url: str) -> str:
    """The URL's scheme, or "" for a plain path such as /dev/ttyUSB0 or COM3."""
    if "://" not in url:
        return ""
    return url.split("://", 1)[0].lower()


def parse_device_url(url: str, allowed: frozenset[str] = SERIAL_SCHEMES) -> DeviceURL:
    """Parse and check a device URL; raises DeviceURLError naming what is wrong."""
    if not isinstance(url, str) or not url.strip():
        raise DeviceURLError("empty device URL")
    url = url.strip()
    scheme = scheme_of(url)
    if scheme not in allowed:
        shown = ", ".join(sorted(f"{s}://" if s else "a device path" for s in allowed))
        raise DeviceURLError(f"unknown scheme '{scheme}' (use {shown})")
    if not scheme:
        return DeviceURL(url, "", url, {})
    parts = urlsplit(url)
    target = (parts.netloc + parts.path) if parts.netloc else parts.path
    params = dict(parse_qsl(parts.query, keep_blank_values=True))
    if scheme in ("socket", "rfc2217", "tcp") and not parts.port:
        raise DeviceURLError(f"{scheme}:// needs host:port, got '{url}'")
    return DeviceURL(url, scheme, target, params)
