"""The one HOST:PORT parser: kiosk.toml listen keys, --listen/--tcp options, tcp:// printers."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk_core.netaddr import HostPort, parse_host_port


@pytest.mark.parametrize(("text", "host", "port"), [
    ("127.0.0.1:8093", "127.0.0.1", 8093),
    ("localhost:80", "localhost", 80),
    ("[::1]:8093", "::1", 8093),
    ("[fe80::1%eth0]:9100", "fe80::1%eth0", 9100),
    ("0.0.0.0:65535", "0.0.0.0", 65535),
    ("printer-1.branch.example:9100", "printer-1.branch.example", 9100),
    ("127.0.0.1:1", "127.0.0.1", 1),
])
def test_good_addresses(text: str, host: str, port: int) -> None:
    addr = parse_host_port(text)
    assert addr == HostPort(host, port) and (addr.host, addr.port) == (host, port)
    assert str(addr) == text
    assert parse_host_port(str(addr)) == addr


def test_ipv6_is_rebracketed_in_urls() -> None:
    v6 = parse_host_port("[::1]:8093")
    assert v6.is_ipv6 and v6.netloc == "[::1]:8093"
    assert v6.url("http") == "http://[::1]:8093"
    assert v6.url("http", "/r/") == "http://[::1]:8093/r/"
    v4 = parse_host_port("127.0.0.1:8093")
    assert not v4.is_ipv6 and v4.url("socket") == "socket://127.0.0.1:8093"


@pytest.mark.parametrize(("text", "why"), [
    ("", "empty"),
    ("8093", "port is missing"),
    ("127.0.0.1", "port is missing"),
    ("127.0.0.1:", "port is empty"),
    (":8093", "host is empty"),
    ("127.0.0.1:0", "1-65535, not 0"),
    ("127.0.0.1:65536", "1-65535, not 65536"),
    ("127.0.0.1:99999", "1-65535"),
    ("127.0.0.1:http", "not a number"),
    ("127.0.0.1:-1", "not a number"),
    ("127.0.0.1:８０", "not a number"),  # full-width digits: isdigit() but not ASCII
    ("127.0.0.1:+80", "not a number"),
    ("local host:80", "no spaces"),
    (" 127.0.0.1:80", "no spaces"),
    ("127.0.0.1:80 ", "no spaces"),
    ("127.0.0.1:\t80", "no spaces"),
    ("::1:8093", "must be in brackets"),
    ("fe80::1", "must be in brackets"),
    ("[::1:8093", "without ']'"),
    ("[::1]8093", "expected ':' after ']'"),
    ("[localhost]:80", "not an IPv6 address"),
    ("[]:80", "not an IPv6 address"),
    ("host/path:80", "not a host name"),
    ("-bad.example:80", "not a host name"),
    ("http://127.0.0.1:80", "not a URL"),
])
def test_bad_addresses_say_why(text: str, why: str) -> None:
    with pytest.raises(ValueError, match="HOST:PORT") as err:
        parse_host_port(text)
    assert why in str(err.value) and repr(text) in str(err.value)


def test_defaults_and_any_port() -> None:
    assert parse_host_port("localhost", default_port=9100) == ("localhost", 9100)
    assert parse_host_port("[::1]", default_port=9100) == ("::1", 9100)
    assert parse_host_port("printer:9101", default_port=9100).port == 9101
    assert parse_host_port(":9100", default_host="127.0.0.1") == ("127.0.0.1", 9100)
    assert parse_host_port("127.0.0.1:0", any_port=True).port == 0
    with pytest.raises(ValueError, match="0-65535"):
        parse_host_port("127.0.0.1:70000", any_port=True)


def test_not_a_string() -> None:
    bad: Any = 8093
    with pytest.raises(ValueError, match="HOST:PORT"):
        parse_host_port(bad)


_label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?", fullmatch=True)
_names = st.lists(_label, min_size=1, max_size=4).map(".".join)
_v4 = st.ip_addresses(v=4).map(str)
_v6 = st.ip_addresses(v=6).map(str)
_ports = st.integers(1, 65535)


@given(host=st.one_of(_names, _v4, _v6), port=_ports)
def test_round_trip(host: str, port: int) -> None:
    addr = HostPort(host, port)
    assert parse_host_port(str(addr)) == addr
    assert parse_host_port(addr.url("http").removeprefix("http://")) == addr


@given(host=_v6, port=_ports)
def test_unbracketed_ipv6_is_refused(host: str, port: int) -> None:
    with pytest.raises(ValueError, match="brackets"):
        parse_host_port(f"{host}:{port}")
    assert ipaddress.ip_address(parse_host_port(f"[{host}]:{port}").host) == \
        ipaddress.ip_address(host)


@given(st.text(max_size=40))
def test_any_text_parses_or_raises_value_error(text: str) -> None:
    try:
        addr = parse_host_port(text)
    except ValueError as exc:
        assert "HOST:PORT" in str(exc)
    else:
        assert 1 <= addr.port <= 65535 and addr.host and not addr.host.startswith("[")
        assert not any(ch.isspace() for ch in addr.host)


@given(host=st.one_of(_v4, _names), port=st.integers(65536, 10**9))
def test_ports_out_of_range_are_refused(host: str, port: int) -> None:
    with pytest.raises(ValueError, match="1-65535"):
        parse_host_port(f"{host}:{port}")


def _has_ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_simulator_tcp_link_binds_bracketed_ipv6() -> None:
    """``--tcp [::1]:0`` reaches socket.bind as the bare ``::1`` and is written back bracketed."""
    from devices.simlink import ByteSimulator, TcpLink, parse_hostport

    class Echo(ByteSimulator):
        def on_bytes(self, data: bytes) -> None:
            self.send(data)

    host, port = parse_hostport("[::1]:0")
    link = TcpLink(Echo(), host, port)
    link.start()
    try:
        assert link.url.startswith("socket://[::1]:") and link.port > 0
        with socket.create_connection(("::1", link.port), timeout=5) as c:
            c.sendall(b"ping")
            got = b""
            while len(got) < 4:
                got += c.recv(16)
        assert got == b"ping"
    finally:
        link.stop()


def test_listen_keys_take_ipv6_and_name_the_key() -> None:
    from pydantic import ValidationError

    from devices.printer.settings import PrinterSettings
    from o2o_sync.settings import SyncSettings

    s = SyncSettings(webhook_listen="[::1]:8781", staff_console_listen="[::1]:8782")
    assert parse_host_port(s.webhook_listen).host == "::1"
    for key in ("webhook_listen", "staff_console_listen"):
        with pytest.raises(ValidationError) as err:
            SyncSettings(**{key: "::1:8781"})
        assert err.value.errors()[0]["loc"] == (key,)
        assert "brackets" in str(err.value)
    p = PrinterSettings(url="sim://printer", receipt_link_listen="[::1]:8093")
    assert p.receipt_link_listen == "[::1]:8093"
    with pytest.raises(ValidationError) as err:
        PrinterSettings(url="sim://printer", receipt_link_listen="127.0.0.1:0")
    assert err.value.errors()[0]["loc"] == ("receipt_link_listen",)
    assert '"" for off' in str(err.value)


@pytest.mark.skipif(not _has_ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_http_server_binds_bracketed_ipv6_listen() -> None:
    """A ``[::1]:PORT`` listen key serves on ::1 and reports a URL a browser can open."""
    import urllib.request

    from aiohttp import web

    from o2o_sync.aio import ServerThread

    async def hello(_: web.Request) -> web.Response:
        return web.Response(text="hi")

    def app() -> web.Application:
        a = web.Application()
        a.router.add_get("/", hello)
        return a

    addr = parse_host_port("[::1]:1")
    server = ServerThread(app, host=addr.host, port=0).start()
    try:
        assert server.url.startswith("http://[::1]:")
        with urllib.request.urlopen(server.url + "/", timeout=5) as resp:
            assert resp.read() == b"hi"
    finally:
        server.stop()
