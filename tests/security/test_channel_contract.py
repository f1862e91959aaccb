"""The O2O contract and the reference channel service under hostile input (issue 15).

The OpenAPI file is validated; schemathesis generates requests from it (schema-valid and
schema-violating) against the real service on loopback, and no answer may be a 5xx; the
faults a third-party API tester found each have a test that failed before the fix.
"""

from __future__ import annotations

import json
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

from o2o_sync.channel.service import ChannelError, ChannelService

from .conftest import TOKEN, Channel
from .hostile import edge_times, hostile_json, request

SPEC = Path(__file__).resolve().parents[2] / "o2o_sync" / "openapi.yaml"
SCHEMA = schemathesis.openapi.from_path(str(SPEC))
OPERATIONS = [r.ok() for r in SCHEMA.get_all_operations()]  # type: ignore[union-attr]
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def test_the_openapi_file_is_valid() -> None:
    """Failed before: two descriptions were split by unquoted commas (YAML flow mappings)."""
    validate(yaml.safe_load(SPEC.read_text("utf-8")))
    responses = yaml.safe_load(SPEC.read_text("utf-8"))["webhooks"]["appointmentChanged"][
        "post"]["responses"]
    assert all(set(r) == {"description"} for r in responses.values())


@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE,
                                  schemathesis.GenerationMode.NEGATIVE])
@pytest.mark.parametrize("op", OPERATIONS, ids=lambda o: f"{o.method.upper()} {o.path}")
def test_no_generated_request_gets_a_5xx(channel: Channel, op: Any,
                                         mode: schemathesis.GenerationMode) -> None:
    """Property-based contract test: ~100 generated requests per operation and mode, half
    with the right token (so they reach the handlers), some aimed at real appointments."""
    seen: list[int] = []

    @given(case=op.as_strategy(generation_mode=mode), authorised=st.booleans(),
           aim=st.sampled_from([None, *channel.ids]))
    @settings(max_examples=100, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any, authorised: bool, aim: str | None) -> None:
        headers = dict(case.headers or {})
        if authorised:
            headers.update(AUTH)
        if aim is not None and isinstance(case.body, dict) and "appointment_id" in case.body:
            case.body["appointment_id"] = aim
        try:
            resp = case.call(base_url=channel.url, headers=headers, timeout=10)
        except ValueError:  # a header requests itself refuses to send (e.g. "\n"): not a test
            return
        seen.append(resp.status_code)
        assert resp.status_code < 500, (case.method, case.formatted_path, case.query,
                                        case.body, resp.text[:300])

    run()
    assert (seen and any(s < 300 for s in seen)) or mode is schemathesis.GenerationMode.NEGATIVE


def _event(**patch: Any) -> bytes:
    return json.dumps({"kind": "served", "occurred": "2026-12-02T02:00:00Z", **patch}).encode()


def _post(channel: Channel, body: bytes, *, branch: str = "DEMO", key: str = "key-00000001",
          token: str = TOKEN) -> tuple[int, Any]:
    status, _, data = request(channel.port, "POST", f"/v1/branches/{branch}/events", body=body,
                              headers={"Authorization": f"Bearer {token}",
                                       "Idempotency-Key": key,
                                       "Content-Type": "application/json"})
    return status, data


def test_idempotency_keys_are_per_branch(channel: Channel) -> None:
    """Failed before: DEMO's key replayed at OTHER returned DEMO's stored answer."""
    demo, other = channel.ids[0], channel.ids[1]
    body_demo = _event(kind="check_in", appointment_id=demo)
    body_other = _event(kind="check_in", appointment_id=other)
    assert _post(channel, body_demo, branch="DEMO", key="shared-key-1")[0] == 201
    status, data = _post(channel, body_other, branch="OTHER", key="shared-key-1")
    assert status == 201, data  # a fresh event at OTHER, not a replay or a conflict
    assert channel.svc.get(other)["status"] == "checked_in"
    status, _ = _post(channel, body_demo, branch="DEMO", key="shared-key-1")
    assert status == 200  # a replay at its own branch still replays


def test_per_branch_keys_migrate_an_old_channel_database(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE branch_events (idempotency_key TEXT PRIMARY KEY, branch TEXT "
                 "NOT NULL, kind TEXT NOT NULL, appointment_id TEXT, body_sha256 TEXT NOT NULL, "
                 "payload TEXT NOT NULL, response TEXT NOT NULL, received_utc TEXT NOT NULL)")
    conn.execute("INSERT INTO branch_events VALUES ('k-00000001','DEMO','served',NULL,'x',"
                 "'{}','{\"accepted\": true}','2026-01-01T00:00:00Z')")
    conn.commit()
    conn.close()
    svc = ChannelService(db)
    try:
        pk = [r[1] for r in svc.conn.execute("PRAGMA table_info(branch_events)") if r[5]]
        assert pk == ["idempotency_key", "branch"] or set(pk) == {"idempotency_key", "branch"}
        assert len(svc.branch_events()) == 1
    finally:
        svc.close()


@pytest.mark.parametrize("field", ["occurred", "callback_at"])
@pytest.mark.parametrize("when", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00",
                                  "0001-01-01T00:00:00Z", "٢٠٢٦-12-02T10:00:00Z"])
def test_times_at_the_ends_of_the_range_are_400(channel: Channel, field: str, when: str) -> None:
    """Failed before: OverflowError → 500 (year 1 or 9999 shifted out of range by its offset)."""
    fields = {"kind": "callback_request", "reference": "call-1",
              "callback_at": "2030-01-01T10:00Z", field: when}
    body = _event(**fields)
    status, data = _post(channel, body, key=f"time-{abs(hash((field, when))) % 10**8:08d}")
    assert status == 400 and b"bad_time" in data


@pytest.mark.parametrize("cursor", ["9" * 400, "REVNTzo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",
                                    "x" * 600, "%ff%fe", "٣"])
def test_huge_or_foreign_cursors_are_400(channel: Channel, cursor: str) -> None:
    """Failed before: a cursor holding a huge sequence number → OverflowError in SQLite → 500."""
    import base64

    epoch = channel.svc._meta("epoch")
    huge = base64.urlsafe_b64encode(f"{epoch}:{'9' * 30}".encode()).decode().rstrip("=")
    for c in (cursor, huge):
        status, _, data = request(channel.port, "GET",
                                  f"/v1/branches/DEMO/changes?cursor={c}", headers=AUTH)
        assert status == 400, (c, data)


@pytest.mark.parametrize("branch", ["DEMO%0A", "x" * 33, "a%20b", "a%2Fb", "D%C3%A9MO",
                                    "%ED%A0%80"])
def test_branch_ids_are_validated(channel: Channel, branch: str) -> None:
    """Failed before: any text was taken as a branch id (and stored with its events)."""
    status, _, _ = request(channel.port, "GET", f"/v1/branches/{branch}/changes", headers=AUTH)
    assert status in (400, 404)
    status, _ = _post(channel, _event(), branch=branch)
    assert status in (400, 404)


@pytest.mark.parametrize("patch", [
    {"appointment_id": "apt_1\n"}, {"appointment_id": "../../etc"}, {"ticket": "A" * 40},
    {"via": "kiosk\x00"}, {"service": ""}, {"language": 7}, {"reference": ["x"]},
    {"ticket": "A007\n"},
])
def test_event_fields_are_validated(channel: Channel, patch: dict[str, Any]) -> None:
    """Failed before: these fields were stored as sent (a trailing newline, NUL, any type)."""
    status, data = _post(channel, _event(**patch), key="fields-0001")
    assert status == 400, data
    assert channel.svc.branch_events() == []


@pytest.mark.parametrize("body", [b"[" * 100000 + b"]" * 100000, b'{"kind":"' + b"x" * 70000
                                  + b'"}', b'{"kind":"served","occurred":"\\ud800"}',
                                  b'{"kind":"served","occurred":1e999}'])
def test_huge_deep_or_invalid_unicode_bodies_are_4xx(channel: Channel, body: bytes) -> None:
    """Failed before: deep nesting → RecursionError → 500."""
    status, _ = _post(channel, body, key="body-00001")
    assert status in (400, 413)
    status, _, _ = request(channel.port, "POST", "/v1/admin/appointments", body=body,
                           headers=AUTH)
    assert status in (400, 413)


def test_a_failed_write_leaves_no_partial_state(channel: Channel) -> None:
    """Failed before: the appointment's status changed (and a webhook went out) although the
    idempotency record was never written; the retry then changed it a second time."""
    aid = channel.ids[0]
    announced: list[dict[str, Any]] = []
    channel.svc.listeners.append(announced.append)
    channel.svc.conn.execute("CREATE TEMP TRIGGER fail BEFORE INSERT ON branch_events "
                             "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    body = _event(kind="check_in", appointment_id=aid)
    with pytest.raises(sqlite3.IntegrityError):
        channel.svc.record_branch_event("DEMO", "atomic-0001", body)
    before = channel.svc.get(aid)
    assert before["status"] == "booked" and before["version"] == 1 and announced == []
    channel.svc.conn.execute("DROP TRIGGER fail")
    assert channel.svc.record_branch_event("DEMO", "atomic-0001", body)[0] == 201
    after = channel.svc.get(aid)
    assert after["status"] == "checked_in" and after["version"] == 2 and len(announced) == 1


def test_wrong_missing_and_malformed_tokens_are_401(channel: Channel) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN},
                    {"Authorization": f"bearer {TOKEN} x"},
                    {"Authorization": "Bearer \udcff\udcfe"}):
        status, _, _ = request(channel.port, "GET", "/v1/branches/DEMO/changes",
                               headers=headers)
        assert status == 401, headers


def test_a_slow_body_is_cut_off(channel: Channel, monkeypatch: pytest.MonkeyPatch) -> None:
    """A body trickled in is 408 after the read time-out, not a held connection."""
    import socket

    import o2o_sync.channel.app as app_module

    monkeypatch.setattr(app_module, "READ_TIMEOUT_S", 0.5)
    with socket.create_connection(("127.0.0.1", channel.port), timeout=5) as s:
        s.sendall(b"POST /v1/branches/DEMO/events HTTP/1.1\r\nHost: x\r\n"
                  b"Authorization: Bearer " + TOKEN.encode() + b"\r\n"
                  b"Idempotency-Key: slow-00001\r\nContent-Length: 100\r\n\r\n{")
        start = time.monotonic()
        answer = s.recv(100)
        assert answer.startswith(b"HTTP/1.1 408") and time.monotonic() - start < 4


@given(body=hostile_json(like={"kind": "check_in", "appointment_id": "apt_x",
                               "occurred": "2026-12-02T02:00:00Z", "ticket": "A001",
                               "via": "kiosk"}),
       when=edge_times)
@settings(max_examples=80, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_fuzzed_event_bodies_never_get_a_5xx(channel: Channel, body: bytes, when: str) -> None:
    status, data = _post(channel, body, key=f"fuzz-{time.monotonic_ns() % 10**12:012d}")
    assert status < 500, (body[:200], data[:200])
    status, data = _post(channel, _event(occurred=when), key=f"fz-{time.monotonic_ns():016d}")
    assert status < 500, (when, data[:200])


def test_record_branch_event_refuses_bad_branch_directly(channel: Channel) -> None:
    with pytest.raises(ChannelError) as err:
        channel.svc.record_branch_event("DEMO\n", "key-0000001", _event())
    assert err.value.status == 400
