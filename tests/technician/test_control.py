"""The control API (technician.control) over a real Unix socket, the real TechnicianService
over a running runtime with every device simulated, and its client
(technician.control_client): access, every route, bad input, refusals, a second kiosk."""

from __future__ import annotations

import getpass
import json
import logging
import os
import shutil
import socket
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from technician_support import records, short_tmp

from kiosk_core.runtime import KioskRuntime
from technician.control import MAX_BODY, start_control
from technician.control_client import ControlClient, ControlError, control_paths
from technician.service import TechnicianService
from technician.settings import TechnicianSettings

WHO = f"cli:{getpass.getuser()}"


@pytest.fixture
def tech_config(tech_config: Any) -> Iterator[Any]:
    """The socket in a short folder: tmp_path can be longer than AF_UNIX allows."""
    folder = short_tmp()
    tech = tech_config.section(TechnicianSettings).model_copy(
        update={"control_socket": folder / "control.sock"})
    yield tech_config.model_copy(update={"technician": tech})
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def control(runtime: KioskRuntime, technician: TechnicianService) -> ControlClient:
    assert start_control(runtime, technician)
    return ControlClient(*control_paths(runtime.config))


def raw(path: Path, method: str, route: str, body: bytes | None = None,
        headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
    """One request as any local process could send it."""
    from technician.control_client import _UnixHTTPConnection

    conn = _UnixHTTPConnection(str(path), 10.0)
    try:
        conn.request(method, route, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, json.loads(resp.read() or b"{}")
    finally:
        conn.close()


def authed(client: ControlClient, method: str, route: str, body: Any = None, *,
           data: bytes | None = None) -> tuple[int, dict[str, Any]]:
    token = client.token_path.read_text().strip()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    payload = data if data is not None else (json.dumps(body).encode()
                                             if body is not None else None)
    return raw(client.socket_path, method, route, payload, headers)


# -- access --------------------------------------------------------------------------------


def test_socket_and_token_are_the_kiosk_users_only(control: ControlClient) -> None:
    assert stat.S_IMODE(os.stat(control.socket_path).st_mode) == 0o600
    assert stat.S_ISSOCK(os.stat(control.socket_path).st_mode)
    assert stat.S_IMODE(os.stat(control.token_path).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(control.token_path.parent).st_mode) & 0o077 == 0
    assert len(control.token_path.read_text().strip()) >= 40  # 256 bits, url-safe base64
    assert control.running()


def test_no_token_or_a_wrong_one_is_refused(control: ControlClient, tmp_path: Path,
                                            runtime: KioskRuntime) -> None:
    path = control.socket_path
    token = control.token_path.read_text().strip()
    assert raw(path, "GET", "/v1/status") == (401, {"error": "missing or wrong control token"})
    for header in (f"Bearer {token[:-1]}", f"Bearer {token}x", token, f"Basic {token}",
                   "Bearer "):
        status, _ = raw(path, "GET", "/v1/status", headers={"Authorization": header})
        assert status == 401, header
    # Refused before routing: an unknown route or an action says nothing more.
    assert raw(path, "GET", "/nope")[0] == 401
    before = len(records(runtime, "technician.service_out"))
    assert raw(path, "POST", "/v1/service", b'{"in_service": false}')[0] == 401
    assert len(records(runtime, "technician.service_out")) == before
    assert not runtime.out_of_service

    wrong = tmp_path / "wrong.token"
    wrong.write_text("x" * 43)
    with pytest.raises(ControlError, match="refused the control token") as err:
        ControlClient(path, wrong).status()
    assert err.value.status == 401
    assert raw(path, "GET", "/v1/status", headers={"Authorization": f"Bearer {token}"})[0] == 200


def test_a_token_others_can_read_is_refused(runtime: KioskRuntime,
                                            technician: TechnicianService,
                                            caplog: pytest.LogCaptureFixture) -> None:
    sock, token = control_paths(runtime.config)
    token.parent.mkdir(parents=True, exist_ok=True)
    token.write_text("t" * 43)
    token.chmod(0o644)
    with caplog.at_level(logging.ERROR, "technician.control"):
        assert not start_control(runtime, technician)
    assert "readable by others" in caplog.text and not sock.exists()


# -- the routes ----------------------------------------------------------------------------


def test_every_route_through_the_client(control: ControlClient, runtime: KioskRuntime,
                                        tmp_path: Path,
                                        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)  # the kiosk logs at INFO; pytest's root is at WARNING
    status = control.status()
    assert status["kiosk_id"] == runtime.config.kiosk.id
    kinds = {d["kind"] for d in status["devices"]}
    assert kinds == set(runtime.config.configured_devices())
    assert {f["function"] for f in status["functions"]} >= {"card_issuance"}

    counters = control.replenish("cards", 40)
    assert counters["cards"]["stacker_loaded"] == 40
    assert control.counters()["cards"]["stacker_loaded"] == 40
    assert records(runtime, "technician.replenish")[-1] == {
        "supply": "cards", "count": 40, "who": WHO}
    control.replenish("paper")
    assert records(runtime, "technician.replenish")[-1]["supply"] == "paper"

    test = control.selftest("card-dispenser")
    assert test["ok"], test
    assert test["device"] == "card_dispenser" and test["checks"]["to bin"] == "ok"
    assert records(runtime, "technician.selftest")[-1]["who"] == WHO
    retained = control.counters()["cards"]["retained"]
    after = control.empty_bin(retained)
    assert after["cards"]["retained"] == 0
    emptied = records(runtime, "technician.bin_emptied")[-1]
    assert emptied["removed"] == retained and not emptied["mismatch"] and emptied["who"] == WHO

    report = control.service(False, "card_issuance", "stacker jammed, engineer called")
    issuance = next(f for f in report["functions"] if f["function"] == "card_issuance")
    assert not issuance["available"] and "out_of_service" in issuance["reasons"]
    assert report["overrides"][0]["who"] == WHO
    assert report["overrides"][0]["reason"] == "stacker jammed, engineer called"
    assert records(runtime, "technician.service_out")[-1] == {
        "function": "card_issuance", "who": WHO, "reason": "stacker jammed, engineer called"}
    assert not control.service(True, "card_issuance")["overrides"]
    assert records(runtime, "technician.service_in")[-1]["who"] == WHO

    verify = control.journal_verify()
    assert verify["ok"] and verify["count"] > 5
    logs = control.logs(50)["lines"]
    assert isinstance(logs, list) and len(logs) <= 50
    assert any("stacker loaded with 40 cards" in line for line in logs)
    config = control.config()
    assert config["kiosk"]["id"] == runtime.config.kiosk.id
    assert "demo-branch-token" not in json.dumps(config)  # [sync] api_token masked

    out = tmp_path / "export"
    exported = control.export(out)
    assert exported["directory"] == str(out)
    assert {"journal.sqlite", "status.json", "counters.json"} <= set(exported["files"])
    assert json.loads((out / "journal_verify.json").read_text())["ok"]
    assert records(runtime, "technician.export")[-1]["who"] == WHO


def test_bad_input_is_400_and_changes_nothing(control: ControlClient,
                                              runtime: KioskRuntime) -> None:
    def counts() -> dict[str, Any]:  # the counts, not when the driver last saved them
        return {k: v for k, v in control.counters()["cards"].items() if k != "updated"}

    before = counts()
    journal_before = len(runtime.journal.records()) if runtime.journal else 0
    cases: list[tuple[str, str, Any, bytes | None, str]] = [
        ("POST", "/v1/replenish", None, b"{not json", "not JSON"),
        ("POST", "/v1/replenish", None, b"\xff\xfe", "not JSON"),
        ("POST", "/v1/replenish", [1, 2], None, "JSON object"),
        ("POST", "/v1/replenish", {"supply": "cards", "count": "40"}, None, "count: must be"),
        ("POST", "/v1/replenish", {"supply": "cards", "count": True}, None, "count: must be"),
        ("POST", "/v1/replenish", {"supply": "cards", "count": 4.5}, None, "count: must be"),
        ("POST", "/v1/replenish", {"supply": "cards", "count": -3}, None, "count: must be 1"),
        ("POST", "/v1/replenish", {"supply": "cards", "count": 0}, None, "count: must be 1"),
        ("POST", "/v1/replenish", {"supply": "cards"}, None, "number of cards"),
        ("POST", "/v1/replenish", {"supply": "paper", "count": 3}, None, "not used for paper"),
        ("POST", "/v1/replenish", {"supply": "ink", "count": 3}, None, "cards or paper"),
        ("POST", "/v1/replenish", {"count": 3}, None, "supply: missing"),
        ("POST", "/v1/replenish", {"supply": "cards", "count": 3, "x": 1}, None,
         "unknown field(s): x"),
        ("POST", "/v1/empty-bin", {"removed": -1}, None, "removed: must be 0"),
        ("POST", "/v1/empty-bin", {}, None, "removed: missing"),
        ("POST", "/v1/selftest/scanner", {}, None, "no scanner configured"),
        ("POST", "/v1/selftest/..%2Fetc", {}, None, "not a device name"),
        ("POST", "/v1/service", {"in_service": "no"}, None, "in_service: must be bool"),
        ("POST", "/v1/service", {"in_service": False, "function": "Card Issuance!"}, None,
         "not a function name"),
        ("POST", "/v1/service", {"in_service": False, "reason": "a\nb"}, None, "one line"),
        ("POST", "/v1/service", {"in_service": False, "reason": "r" * 201}, None, "one line"),
        ("POST", "/v1/export", {"directory": "relative/dir"}, None, "absolute path"),
        ("POST", "/v1/export", {"directory": 7}, None, "directory: must be str"),
        ("GET", "/v1/logs?limit=abc", None, None, "limit: must be a whole number"),
        ("GET", "/v1/logs?limit=0", None, None, "limit: must be 1"),
    ]
    for method, route, body, data, words in cases:
        status, answer = authed(control, method, route, body, data=data)
        assert status == 400, (route, body, data, status, answer)
        assert words in answer["error"], (route, body, answer)
    status, answer = authed(control, "POST", "/v1/replenish",
                            data=b'{"supply": "' + b"c" * MAX_BODY + b'"}')
    assert status == 413 and str(MAX_BODY) in answer["error"]
    assert authed(control, "GET", "/v1/nothing")[0] == 404
    status, answer = authed(control, "GET", "/v1/replenish")
    assert status == 405 and "POST" in answer["error"]
    assert counts() == before
    assert not runtime.out_of_service
    kinds = {r.kind for r in runtime.journal.records()[journal_before:]} if runtime.journal \
        else set()
    assert not {k for k in kinds if k.startswith("technician.")}


def test_a_refusal_is_409_with_its_words(control: ControlClient, tmp_path: Path) -> None:
    with pytest.raises(ControlError, match="no function 'teller_video'") as err:
        control.service(False, "teller_video")
    assert err.value.status == 409
    full = tmp_path / "full"
    full.mkdir()
    (full / "old.txt").write_text("x")
    with pytest.raises(ControlError, match="not empty") as err:
        control.export(full)
    assert err.value.status == 409


# -- one kiosk per socket ------------------------------------------------------------------


def test_a_second_kiosk_does_not_take_the_live_socket(
        control: ControlClient, runtime: KioskRuntime, technician: TechnicianService,
        caplog: pytest.LogCaptureFixture) -> None:
    inode = os.stat(control.socket_path).st_ino
    with caplog.at_level(logging.ERROR, "technician.control"):
        assert not start_control(runtime, technician)
    assert "another kiosk answers" in caplog.text
    assert os.stat(control.socket_path).st_ino == inode
    assert control.status()["kiosk_id"]  # the first one still answers
    # Stopping the kiosk removes its socket: then nothing is running there.
    runtime.stop_hooks.pop()()
    assert not control.socket_path.exists() and not control.running()


def test_a_stale_socket_is_replaced_and_a_file_is_not(runtime: KioskRuntime,
                                                      technician: TechnicianService) -> None:
    path, _ = control_paths(runtime.config)
    dead = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dead.bind(str(path))  # a kiosk that was killed: the file stays, nobody listens
    dead.close()
    client = ControlClient(*control_paths(runtime.config))
    assert path.exists() and not client.running()
    assert start_control(runtime, technician)
    assert client.running() and client.status()["in_service"] in (True, False)
    runtime.stop_hooks.pop()()
    path.write_text("not a socket")
    assert not start_control(runtime, technician)
    assert path.read_text() == "not a socket"


def test_the_client_tells_a_hung_kiosk_from_none(tmp_path: Path) -> None:
    folder = short_tmp()
    try:
        token = tmp_path / "t"
        token.write_text("a" * 43)
        client = ControlClient(folder / "control.sock", token, timeout=0.5)
        assert not client.running()  # no file
        hung = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        hung.bind(str(folder / "control.sock"))
        hung.listen(1)  # the kernel accepts; the process never answers
        try:
            assert client.running()
            with pytest.raises(ControlError, match=r"did not answer within 0\.5 s"):
                client.status()
        finally:
            hung.close()
        assert not client.running()  # closed: a stale file
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_an_answer_that_is_not_ours_is_a_clear_error(tmp_path: Path) -> None:
    """Something else on the socket: its answer is reported, never trusted as a report."""
    import threading

    folder = short_tmp()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(str(folder / "s"))
    srv.listen(1)

    def answer() -> None:
        conn, _ = srv.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 500 Oops\r\nContent-Length: 5\r\n\r\nhello")
        conn.close()

    thread = threading.Thread(target=answer, daemon=True)
    thread.start()
    token = tmp_path / "t"
    token.write_text("a" * 43)
    try:
        with pytest.raises(ControlError, match="hello") as err:
            ControlClient(folder / "s", token).status()
        assert err.value.status == 500
    finally:
        thread.join(5)
        srv.close()
        shutil.rmtree(folder, ignore_errors=True)
    with pytest.raises(ControlError, match="no control token"):
        ControlClient(folder / "s", tmp_path / "none")._token()


def test_start_control_refuses_to_wait_for_its_own_loop(runtime: KioskRuntime,
                                                         technician: TechnicianService) -> None:
    async def on_the_core_loop() -> bool:
        return start_control(runtime, technician)

    with pytest.raises(RuntimeError, match="core loop"):
        runtime.loop.submit(on_the_core_loop()).result(timeout=5)
    assert not control_paths(runtime.config)[0].exists()
