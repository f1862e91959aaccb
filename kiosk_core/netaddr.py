"""``HOST:PORT`` as written in kiosk.toml and on the command line, parsed in one place.

``127.0.0.1:8093``, ``localhost:80`` and ``[::1]:8093`` (an IPv6 address is bracketed, as in
a URL, because its own colons would make the port ambiguous). :class:`HostPort` holds the
bare host — what ``socket.bind`` and aiohttp's ``TCPSite`` want — and re-brackets it when
written back as text or as a URL.
"""

from __future__ import annotations

import ipaddress
import re
from typing import NamedTuple

__all__ = ["HostPort", "parse_host_port"]

# A DNS name (RFC 1123 labels; "_" too, as container names have it) or an IPv4 address.
_NAME = re.compile(r"(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?")
_USAGE = "expected HOST:PORT (e.g. 127.0.0.1:8093, localhost:80, [::1]:8093)"


class HostPort(NamedTuple):
    """A listen or connect address. ``host`` is bare (``::1``, never ``[::1]``)."""

    host: str
    port: int

    @property
    def is_ipv6(self) -> bool:
        return ":" in self.host

    @property
    def netloc(self) -> str:
        """The ``host:port`` part of a URL: ``[::1]:8093`` for IPv6."""
        return f"[{self.host}]:{self.port}" if self.is_ipv6 else f"{self.host}:{self.port}"

    def url(self, scheme: str = "http", path: str = "") -> str:
        """``http://[::1]:8093`` + ``path`` (which should start with ``/``)."""
        return f"{scheme}://{self.netloc}{path}"

    def __str__(self) -> str:
        return self.netloc


def parse_host_port(text: str, *, default_port: int | None = None,
                    default_host: str | None = None, any_port: bool = False) -> HostPort:
    """Parse ``HOST:PORT``; a ``ValueError`` says what is wrong with ``text``.

    ``default_port``: a bare host (``localhost``, ``[::1]``) is allowed and gets this port.
    ``default_host``: ``:PORT`` is allowed and gets this host. The port is 1-65535;
    ``any_port`` allows 0 too ("any free port", for a simulator started by hand or a test).
    """
    if not isinstance(text, str):
        raise ValueError(f"{_USAGE}, got {text!r}")
    if not text or text != text.strip() or any(ch.isspace() for ch in text):
        raise ValueError(f"{_USAGE}, got {text!r}: " + (
            "empty" if not text else "no spaces allowed"))
    if "://" in text:
        raise ValueError(f"{_USAGE}, got {text!r}: an address, not a URL")
    if text.startswith("["):
        end = text.find("]")
        if end < 0:
            raise ValueError(f"{_USAGE}, got {text!r}: '[' without ']'")
        host, rest = text[1:end], text[end + 1:]
        if rest and not rest.startswith(":"):
            raise ValueError(f"{_USAGE}, got {text!r}: expected ':' after ']'")
        port_text: str | None = rest[1:] if rest else None
        try:
            ipaddress.IPv6Address(host.split("%", 1)[0])
        except ValueError:
            raise ValueError(
                f"{_USAGE}, got {text!r}: [{host}] is not an IPv6 address") from None
    else:
        if text.count(":") > 1:
            raise ValueError(
                f"{_USAGE}, got {text!r}: an IPv6 address must be in brackets, e.g. [::1]:8093")
        host, sep, tail = text.partition(":")
        port_text = tail if sep else None
        if not host:
            if default_host is None:
                raise ValueError(f"{_USAGE}, got {text!r}: the host is empty")
            host = default_host
        elif not _NAME.fullmatch(host):
            raise ValueError(f"{_USAGE}, got {text!r}: {host!r} is not a host name or address")
    if port_text is None:
        if default_port is None:
            raise ValueError(f"{_USAGE}, got {text!r}: the port is missing")
        port = default_port
    elif not port_text:
        raise ValueError(f"{_USAGE}, got {text!r}: the port is empty")
    elif not (port_text.isascii() and port_text.isdigit()):
        raise ValueError(f"{_USAGE}, got {text!r}: the port {port_text!r} is not a number")
    else:
        port = int(port_text)
    if not (0 if any_port else 1) <= port <= 65535:
        span = "0-65535" if any_port else "1-65535"
        raise ValueError(f"{_USAGE}, got {text!r}: the port must be {span}, not {port}")
    return HostPort(host, port)
