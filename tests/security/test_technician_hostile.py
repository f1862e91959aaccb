"""The technician control API (Unix socket) and the health endpoint (TCP) of a running kiosk
(every device simulated) under hostile input (issue 15): never a 5xx, never a crash."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ports import free_port

from demo.technician import hands_for
from devices.registry import create_device
from kiosk_core.runtime import KioskRuntime
from technician.control import start_control
from technician.control_client import API, control_paths
from technician.counters import TransactionCounters
from technician.monitoring import monitoring_server
from technician.service import TechnicianService, for_runtime
from technician.settings import MonitoringSettings, TechnicianSettings

from .hostile import deep, hostile_json, nasty_text, request


@pytest.fixture
def kiosk(kiosk_config: Any) -> Iterator[tuple[KioskRuntime, TechnicianService]]:
    folder = Path(tempfile.mkdtemp(dir="/tmp", prefix="sbs-"))  # AF_UNIX paths are short
    tech = kiosk_config.section(TechnicianSettings).model_copy(
        update={"control_socket": folder / "control.sock"})
    cfg = kiosk_config.model_copy(update={
        "technician": tech, "monitoring": MonitoringSettings(listen=f"127.0.0.1:{free_port()}")})
    rt = KioskRuntime(cfg, device_factory=create_device)
    rt.start(wait_devices=True)
    service, _ = for_runtime(rt, hands=hands_for(rt))
    try:
        yield rt, service
    finally:
        service.close()
        rt.stop()
        shutil.rmtree(folder, ignore_errors=True)


class _Unix(http.client.HTTPConnection):
    def __init__(self, path: str) -> None:
        super().__init__("localhost", timeout=10)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(10)
        self.sock.connect(self._path)


def _control(sock: Path, method: str, route: str, body: bytes = b"",
             headers: dict[str, str] | None = None) -> int:
    conn = _Unix(str(sock))
    try:
        conn.putrequest(method, route, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v.encode("utf-8", "surrogateescape"))
        conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        return conn.getresponse().status
    finally:
        conn.close()


ROUTES = [("POST", "/replenish"), ("POST", "/empty-bin"), ("POST", "/service"),
          ("POST", "/export"), ("POST", "/selftest/printer"), ("GET", "/logs?limit=5"),
          ("GET", "/status")]


def test_control_api_refuses_hostile_input(kiosk: tuple[KioskRuntime, TechnicianService]) -> None:
    """Failed before: deep JSON (RecursionError) and "1e999" went to the catch-all → 500;
    "printer\\n" and "*\\n" passed re.match with "$"; "٣" passed str.isdigit()."""
    rt, service = kiosk
    assert start_control(rt, service)
    sock, token_path = control_paths(rt.config)
    auth = {"Authorization": f"Bearer {token_path.read_text().strip()}",
            "Content-Type": "application/json"}
    for method, route in ROUTES:
        for token in ("", "Bearer", "Bearer wrong", "Basic abc", "Bearer \udcff"):
            assert _control(sock, method, API + route, headers={"Authorization": token}) == 401
    for body in (deep(2000).encode(), b'{"supply":"cards","count":1e999}', b"NaN",
                 b'{"supply":"\\ud800"}', b"x" * 5000, b'{"in_service":true,"function":"*\\n"}',
                 b'{"removed":' + b"9" * 5000 + b"}"):
        for method, route in ROUTES[:4]:
            status = _control(sock, method, API + route, body, auth)
            assert 400 <= status < 500, (route, body[:40], status)
    assert _control(sock, "GET", API + "/logs?limit=%D9%A3", headers=auth) == 400
    assert _control(sock, "POST", API + "/selftest/printer%0A", b"{}", auth) in (400, 404)

    @given(route=st.sampled_from(ROUTES[:5]), body=hostile_json(
        like={"supply": "cards", "count": 3, "in_service": True, "function": "*",
              "reason": "x", "removed": 1, "directory": "/tmp"}))
    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def fuzz(route: tuple[str, str], body: bytes) -> None:
        if route[1] == "/export":
            return  # a valid body would really export; the checks above cover it
        status = _control(sock, route[0], API + route[1], body, auth)
        assert status < 500, (route, body[:80])

    fuzz()


def test_health_endpoint_refuses_hostile_input(
        kiosk: tuple[KioskRuntime, TechnicianService]) -> None:
    """Failed before: a header of non-UTF-8 bytes reached .encode() → UnicodeEncodeError → 500."""
    rt, service = kiosk
    counters = TransactionCounters.for_config(rt.config, flush_s=0.05)
    try:
        srv = monitoring_server(rt, service, counters)
        assert srv is not None
        port = int(srv.url.rsplit(":", 1)[1].strip("/"))
        for auth in ("Bearer \udcff\udcfe", "Bearer " + "x" * 5000, "Bearer ٣", ""):
            status, _, _ = request(port, "GET", "/healthz", headers={"Authorization": auth})
            assert status == 401, auth[:20]

        @given(path=nasty_text, auth=nasty_text)
        @settings(max_examples=60, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(path: str, auth: str) -> None:
            from urllib.parse import quote

            if "\n" in auth or "\r" in auth:
                return
            status, _, _ = request(port, "GET", "/" + quote(path, errors="surrogatepass"),
                                   headers={"Authorization": auth})
            assert status in (400, 401, 404, 405), path
            status, _, _ = request(port, "POST", "/healthz", body=b"x" * 4000)
            assert 400 <= status < 500

        fuzz()
        token = (rt.config.path("secrets_dir") / "monitoring.token").read_text().strip()
        status, _, body = request(port, "GET", "/healthz",
                                  headers={"Authorization": f"Bearer {token}"})
        assert status in (200, 503) and json.loads(body.split(b"\r\n", 1)[-1] if b"{" not in
                                                   body[:1] else body)["status"]
    finally:
        counters.close()
