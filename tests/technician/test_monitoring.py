"""Health and metrics over real HTTP on loopback, from a running kiosk (every device
simulated): the token, /healthz following a fault injected in a simulator and the
technician's service switch, /metrics in the Prometheus text format after real flows."""

from __future__ import annotations

import json
import os
import stat
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ports import free_port
from prometheus_client.parser import text_string_to_metric_families

from demo.technician import hands_for
from kiosk_core.failures import Failure, FlowFailed
from kiosk_core.flows import FlowDefinition, StepFailed
from kiosk_core.flows import Step as FlowStep
from kiosk_core.runtime import KioskRuntime
from technician.counters import TransactionCounters
from technician.monitoring import MonitoringServer, monitoring_server, start_monitoring
from technician.service import TechnicianService, for_runtime
from technician.settings import MonitoringSettings

Response = tuple[int, dict[str, str], bytes]


@pytest.fixture
def tech_config(tech_config: Any) -> Any:
    """The shared kiosk, its health endpoint on a free loopback port."""
    return tech_config.model_copy(update={
        "monitoring": MonitoringSettings(listen=f"127.0.0.1:{free_port()}")})


@pytest.fixture
def counters(runtime: KioskRuntime) -> Iterator[TransactionCounters]:
    c = TransactionCounters.for_config(runtime.config, flush_s=0.05)
    c.attach(runtime)
    try:
        yield c
    finally:
        c.close()


@pytest.fixture
def tallied(runtime: KioskRuntime, counters: TransactionCounters
            ) -> Iterator[TechnicianService]:
    """The technician as kiosk_app wires it: its counters() read the same tallies."""
    service, _ = for_runtime(runtime, hands=hands_for(runtime), tallies=counters)
    try:
        yield service
    finally:
        service.close()


@pytest.fixture
def server(runtime: KioskRuntime, tallied: TechnicianService,
           counters: TransactionCounters) -> MonitoringServer:
    srv = monitoring_server(runtime, tallied, counters)
    assert srv is not None
    return srv  # stopped by runtime.stop() (a stop hook)


def _token(runtime: KioskRuntime) -> str:
    return (runtime.config.path("secrets_dir") / "monitoring.token").read_text().strip()


def _get(server: MonitoringServer, path: str, token: str | None = None,
         scheme: str = "Bearer") -> Response:
    req = urllib.request.Request(server.url + path)
    if token is not None:
        req.add_header("Authorization", f"{scheme} {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def _wait(pred: Callable[[], Any], timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def _health(server: MonitoringServer, runtime: KioskRuntime) -> tuple[int, dict[str, Any]]:
    status, _, body = _get(server, "/healthz", _token(runtime))
    return status, json.loads(body)


def test_no_token_or_a_wrong_one_gets_401(runtime: KioskRuntime,
                                          server: MonitoringServer) -> None:
    path = runtime.config.path("secrets_dir") / "monitoring.token"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600  # made at the first start
    token = _token(runtime)
    assert len(token) >= 32
    for route in ("/healthz", "/metrics"):
        status, headers, body = _get(server, route)
        assert status == 401 and headers["WWW-Authenticate"].startswith("Bearer")
        assert b"devices" not in body and b"smartbranch_" not in body
        assert _get(server, route, token[:-1] + ("x" if token[-1] != "x" else "y"))[0] == 401
        assert _get(server, route, token + "x")[0] == 401
        assert _get(server, route, token, scheme="Basic")[0] == 401
        assert _get(server, route, token)[0] == 200
    # The supervisor's probe: no token, and nothing about the kiosk in it.
    assert _get(server, "/livez") == (200, _get(server, "/livez")[1], b"ok\n")
    assert _get(server, "/nothing", token)[0] == 404


def test_a_rotated_token_works_without_a_restart(runtime: KioskRuntime,
                                                 server: MonitoringServer) -> None:
    old = _token(runtime)
    path = runtime.config.path("secrets_dir") / "monitoring.token"
    path.write_text("a-new-token-from-the-bank-vault-0123456789\n")
    assert _get(server, "/healthz", "a-new-token-from-the-bank-vault-0123456789")[0] == 200
    assert _get(server, "/healthz", old)[0] == 401


def test_healthz_follows_a_printer_fault_and_the_service_switch(
        runtime: KioskRuntime, tallied: TechnicianService, server: MonitoringServer) -> None:
    status, body = _health(server, runtime)
    assert status == 200 and body["in_service"] is True
    assert set(body["devices"]) == {"card_dispenser", "printer", "camera", "pinpad"}
    assert body["devices"]["printer"]["state"] == "online"
    assert set(body["links"]) == {"bank", "hub", "sync"}
    assert body["links"]["bank"]["up"] is False  # no bank attached to this runtime
    assert body["status"] == "degraded"  # in service, but links are down
    assert "258013" not in json.dumps(body)  # the simulated pad's PIN stays masked

    printer = runtime.devices["printer"]
    printer.simulator.inject("cover-open")  # type: ignore[attr-defined]
    printer.refresh_status().result(timeout=5)  # type: ignore[attr-defined]
    status, body = _wait(lambda: (h := _health(server, runtime))[1]["devices"]["printer"]
                         ["last_error"] and h)
    dev = body["devices"]["printer"]
    assert dev["state"] == "userError", dev
    assert dev["last_error"] and dev["last_error_at"]
    assert status == 200 and body["status"] == "degraded"  # check-in goes on without paper

    tallied.set_service(False, who="T-1", reason="cleaning")
    status, body = _health(server, runtime)
    assert status == 503 and body["status"] == "down" and body["in_service"] is False
    assert body["overrides"] == [{"function": "*", "who": "T-1", "reason": "cleaning",
                                  "at": body["overrides"][0]["at"]}]
    tallied.set_service(True, who="T-1")
    assert _health(server, runtime)[0] == 200


def _families(server: MonitoringServer, runtime: KioskRuntime) -> dict[str, Any]:
    status, headers, body = _get(server, "/metrics", _token(runtime))
    assert status == 200
    assert headers["Content-Type"].startswith("text/plain; version=0.0.4")
    return {f.name: f for f in text_string_to_metric_families(body.decode())}


def _value(family: Any, name: str | None = None, **labels: str) -> float:
    found = [s.value for s in family.samples
             if (name is None or s.name == name) and all(s.labels.get(k) == v
                                                         for k, v in labels.items())]
    assert len(found) == 1, (family.name, labels, family.samples)
    return float(found[0])


def test_metrics_after_real_flows_a_teller_call_and_a_fault(
        runtime: KioskRuntime, counters: TransactionCounters, tallied: TechnicianService,
        server: MonitoringServer) -> None:
    def cancel(ctx: Any) -> dict[str, Any]:
        raise FlowFailed(Failure.CUSTOMER_CANCEL, "walked away")

    tallied.replenish("cards", 40, who="T-1")  # until then the kiosk does not know the count
    runtime.add_flows({
        "checkin_test": FlowDefinition("checkin_test", (FlowStep("check_in", lambda c: {}),)),
        "card_test": FlowDefinition("card_test", (FlowStep("reserve", lambda c: {}),
                                                  FlowStep("pin", cancel))),
    })
    engine = runtime.flow_engine
    assert engine is not None
    for _ in range(2):
        engine.run(engine.start("checkin_test"))
    with pytest.raises(StepFailed):
        engine.run(engine.start("card_test"))
    writer = runtime.journal_writer
    assert writer is not None
    writer.append("teller.request", {"screen": "home", "language": "en_US"})
    time.sleep(0.05)
    writer.append("teller.answered", {"teller_id": "T-9"})
    printer = runtime.devices["printer"]
    printer.simulator.inject("cover-open")  # type: ignore[attr-defined]
    printer.refresh_status().result(timeout=5)  # type: ignore[attr-defined]
    _wait(lambda: runtime.service.degraded)
    assert writer.flush() and counters.flush()

    fams = _families(server, runtime)
    for name in ("smartbranch_up", "smartbranch_in_service", "smartbranch_device_up",
                 "smartbranch_device_state", "smartbranch_device_faults",
                 "smartbranch_transactions", "smartbranch_cards_in_stacker",
                 "smartbranch_cards_in_bin", "smartbranch_supply_level",
                 "smartbranch_link_up", "smartbranch_teller_queue_wait_seconds",
                 "smartbranch_function_available"):
        assert name in fams, name
    assert _value(fams["smartbranch_up"]) == 1
    assert _value(fams["smartbranch_in_service"]) == 1
    tx = fams["smartbranch_transactions"]
    assert tx.type == "counter"
    assert _value(tx, kind="checkin_test", outcome="completed") == 2
    assert _value(tx, kind="card_test", outcome="started") == 1
    assert _value(tx, kind="card_test", outcome="cancelled") == 1
    assert _value(tx, kind="teller_call", outcome="answered") == 1
    assert _value(fams["smartbranch_transaction_failures"], kind="card_test",
                  reason="customer_cancel") == 1
    assert _value(fams["smartbranch_device_faults"], device="printer") == 1
    assert _value(fams["smartbranch_device_faults"], device="camera") == 0
    assert _value(fams["smartbranch_device_up"], device="printer") == 0
    assert _value(fams["smartbranch_device_up"], device="card_dispenser") == 1
    states = fams["smartbranch_device_state"]
    assert _value(states, device="printer", state="userError") == 1
    assert _value(states, device="printer", state="online") == 0
    assert _value(fams["smartbranch_supply_level"], device="card_dispenser",
                  supply="stacker", level="ok") == 1
    assert _value(fams["smartbranch_link_up"], link="bank") == 0
    assert _value(fams["smartbranch_function_available"], function="walkin") == 1
    assert _value(fams["smartbranch_function_available"], function="card_issuance") == 0
    cards = tallied.counters().cards
    assert _value(fams["smartbranch_cards_in_bin"]) == cards["retained"]
    assert _value(fams["smartbranch_cards_in_stacker"]) == cards["stacker_remaining"] == 40
    waits = fams["smartbranch_teller_queue_wait_seconds"]
    assert waits.type == "histogram"
    assert _value(waits, "smartbranch_teller_queue_wait_seconds_count",
                  outcome="answered") == 1
    assert 0 < _value(waits, "smartbranch_teller_queue_wait_seconds_sum",
                      outcome="answered") < 5
    assert _value(waits, "smartbranch_teller_queue_wait_seconds_bucket",
                  outcome="answered", le="5.0") == 1
    # The technician's counters read the very same tallies.
    assert tallied.counters().transactions["checkin_test"]["completed"] == 2
    assert tallied.counters().faults == {"printer": 1}


def test_replenishing_shows_in_metrics(runtime: KioskRuntime, counters: TransactionCounters,
                                       tallied: TechnicianService,
                                       server: MonitoringServer) -> None:
    tallied.replenish("cards", 37, who="T-1")
    tallied.replenish("paper", None, who="T-1")
    assert runtime.journal_writer is not None and runtime.journal_writer.flush()
    assert counters.flush()
    fams = _families(server, runtime)
    assert _value(fams["smartbranch_cards_in_stacker"]) == 37
    replaced = _value(fams["smartbranch_paper_replaced_timestamp_seconds"])
    assert abs(replaced - time.time()) < 60
    assert _value(fams["smartbranch_receipts_since_paper_replaced"]) == 0


def test_off_when_listen_is_empty_and_false_when_the_port_is_taken(
        runtime: KioskRuntime, tallied: TechnicianService, counters: TransactionCounters,
        tmp_path: Path) -> None:
    import socket

    cfg = runtime.config
    off = cfg.model_copy(update={"monitoring": MonitoringSettings(listen="")})
    runtime.config = off
    try:
        assert start_monitoring(runtime, tallied, counters) is False
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            runtime.config = cfg.model_copy(update={
                "monitoring": MonitoringSettings(listen=f"127.0.0.1:{port}")})
            assert start_monitoring(runtime, tallied, counters) is False
    finally:
        runtime.config = cfg
    assert start_monitoring(runtime, tallied, counters) is True
