"""The one ``sim://`` handler: every device kind's simulator URL follows the same rules.

``sim://<kind>?option=value&…`` names a kind's simulator (``sim://card-dispenser``,
``sim://printer``, ``sim://camera``; ``_`` and ``-`` are the same) and its options. Each
kind declares a :class:`SimSpec`: the options it takes, each with a parser and a default,
and the byte links it can sit behind (the first is the default). Rules, the same for all:

- a URL for another kind's simulator is an error naming both;
- an option the kind does not declare is an error naming it and listing the known ones;
- a value its parser refuses is an error naming the option;
- ``link`` (``pty`` or ``tcp``) is an option of every byte simulator.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from devices.simlink import ByteSimulator, PtyLink, SimLink, TcpLink
from devices.urls import DeviceURL, DeviceURLError, parse_device_url


class SimURLError(DeviceURLError):
    """A ``sim://`` URL that names an unknown simulator, option or value."""


@dataclass(frozen=True)
class SimOption:
    name: str
    parse: Callable[[str], Any] = str
    default: str | None = None  # None: absent unless given
    help: str = ""


@dataclass(frozen=True)
class SimSpec:
    device: str  # the simulator's name in the URL, e.g. "card-dispenser"
    options: tuple[SimOption, ...] = ()
    #: Byte links this simulator can sit behind; the first is the default. () for a
    #: simulator that is not a byte device (the camera's frame source).
    links: tuple[str, ...] = ("pty", "tcp")
    aliases: tuple[str, ...] = field(default=())

    def known(self) -> tuple[str, ...]:
        names = tuple(o.name for o in self.options)
        return (*names, "link") if self.links else names


def _norm(name: str) -> str:
    return name.strip("/").replace("_", "-").lower()


def sim_options(url: str | DeviceURL, spec: SimSpec,
                extra: Iterable[str] = ()) -> dict[str, Any]:
    """Check ``url`` against ``spec`` and return every option, parsed, defaults filled in.

    ``extra`` names further options passed on as strings (a camera scene's own options).
    """
    u = parse_device_url(url, frozenset({"sim"})) if isinstance(url, str) else url
    if u.scheme != "sim":
        raise SimURLError(f"not a sim:// URL: {u.raw!r}")
    names = {_norm(spec.device), *(_norm(a) for a in spec.aliases)}
    target = _norm(u.target)
    if target not in names:
        raise SimURLError(f"{u.raw}: sim://{u.target} is not the {spec.device} simulator "
                          f"(use sim://{spec.device})")
    extra = tuple(extra)
    known = (*spec.known(), *extra)
    unknown = sorted(set(u.params) - set(known))
    if unknown:
        raise SimURLError(f"{u.raw}: unknown sim:// option(s) {', '.join(unknown)} "
                          f"(known: {', '.join(known) or 'none'})")
    out: dict[str, Any] = {}
    for opt in spec.options:
        raw = u.params.get(opt.name, opt.default)
        if raw is None:
            continue
        try:
            out[opt.name] = opt.parse(raw)
        except (ValueError, TypeError) as exc:
            raise SimURLError(f"{u.raw}: sim:// option {opt.name}={raw!r}: {exc}") from None
    if spec.links:
        link = u.params.get("link", spec.links[0])
        if link not in spec.links:
            raise SimURLError(f"{u.raw}: sim:// option link={link!r}: "
                              f"use {' or '.join(spec.links)}")
        out["link"] = link
    for name in extra:
        if name in u.params:
            out[name] = u.params[name]
    return out


def start_link(sim: ByteSimulator, link: str, *, baudrate: int = 0,
               tcp_scheme: str = "socket") -> SimLink:
    """Put ``sim`` behind a started pty or TCP link (``link`` as :func:`sim_options` gave it)."""
    if link == "pty":
        return PtyLink(sim, baudrate=baudrate).start()
    if link == "tcp":
        return TcpLink(sim, baudrate=baudrate, scheme=tcp_scheme).start()
    raise SimURLError(f"sim:// link must be pty or tcp, not {link!r}")


def int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = int(text)
        if value < minimum:
            raise ValueError(f"must be ≥ {minimum}")
        return value
    return parse


def float_at_least(minimum: float) -> Callable[[str], float]:
    def parse(text: str) -> float:
        value = float(text)
        if not value >= minimum:  # NaN too
            raise ValueError(f"must be ≥ {minimum:g}")
        return value
    return parse


def comma_list(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in text.split(",") if p.strip())


def options_help(spec: SimSpec) -> Mapping[str, str]:
    return {o.name: o.help for o in spec.options}
