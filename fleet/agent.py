"""The kiosk's side of fleet telemetry: status out to the bank's broker, signed commands in.

One :class:`FleetAgent` per kiosk. paho-mqtt's network thread connects, keeps alive and
reconnects with backoff; the agent's own thread (``fleet-agent``) does everything else —
it takes snapshots, publishes, carries out commands — so a slow ``on_command`` or
``snapshot`` never stalls the keep-alive, and every publish leaves from one thread in order.

While the broker is away nothing is lost that matters: each retained topic keeps only its
newest payload (latest wins) and is republished on every connect (a broker restarted without
persistence has forgotten it); faults wait in order in a bounded queue, the oldest dropped
and counted, and go out after the retained topics.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.reasoncodes import ReasonCode

from fleet.broker import (
    FleetConfigError,
    in_secrets,
    make_client,
    parse_broker,
    read_credentials,
)
from fleet.nonces import NonceStore
from fleet.payloads import (
    device_payloads,
    encode,
    fault_payload,
    offline_payload,
    state_payload,
    supplies_payload,
)
from fleet.settings import FleetSettings
from fleet.signing import CommandRefused, CommandVerifier, FleetCommand, load_public_key
from fleet.topics import KioskTopics

log = logging.getLogger(__name__)

Snapshot = Callable[[], Mapping[str, Any]]
OnCommand = Callable[[FleetCommand], str]
Journal = Callable[[str, Mapping[str, Any]], object]

NONCE_FILE = "fleet_nonces.json"
#: Commands waiting for the agent's thread; more than this at once is a flood, not an operator.
MAX_QUEUED_COMMANDS = 64
#: Refusals journalled per minute; beyond that they are counted into the next record, so a
#: hostile publisher cannot fill the journal.
REFUSALS_JOURNALLED_PER_MIN = 30
#: When snapshot() fails, try again after this long.
SNAPSHOT_RETRY_S = 5.0


@dataclass(frozen=True)
class AgentStatus:
    """For the health endpoint and the service screen."""

    connected: bool
    broker: str
    #: The broker has acknowledged the subscription to this kiosk's command topic: a
    #: command published now reaches the agent (connected alone does not promise that).
    listening: bool
    last_error: str  # "" once connected
    faults_buffered: int
    faults_dropped: int  # since start, while the broker was away
    commands_accepted: int
    commands_refused: int


def create_agent(settings: FleetSettings, **kwargs: Any) -> FleetAgent | None:
    """The agent, or None when ``[fleet] broker`` is empty (telemetry off)."""
    if not settings.broker:
        log.info("fleet telemetry off (fleet.broker is empty)")
        return None
    return FleetAgent(settings, **kwargs)


class FleetAgent:
    """Publishes this kiosk's state, devices, supplies and faults; obeys signed commands.

    ``snapshot`` returns the technician's report as a dict
    (``technician.report().as_dict()``, optionally with ``"counters"``); it is called on
    the agent's thread after :meth:`changed`. ``on_command`` carries out a verified
    command and returns words for the operations centre. ``journal(kind, data)`` records
    ``fleet.command`` before the command runs and ``fleet.command_refused``.

    The constructor checks the configuration (:class:`FleetConfigError` names the key or
    file); :meth:`start` connects in the background, so a broker that is down at start is
    retried like one that goes away later.
    """

    def __init__(self, settings: FleetSettings, *, kiosk_id: str, branch: str,
                 secrets_dir: Path, state_dir: Path, snapshot: Snapshot,
                 on_command: OnCommand, journal: Journal,
                 reconnect_delay: tuple[int, int] = (1, 30),
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.address = parse_broker(settings.broker)
        self.credentials = read_credentials(settings, secrets_dir)
        self.topics = KioskTopics(settings.topic_prefix, branch, kiosk_id)
        self.kiosk_id = kiosk_id
        self.branch = branch
        key_path = in_secrets(secrets_dir, settings.command_key_file)
        try:
            key = load_public_key(key_path)
        except FileNotFoundError:
            log.warning("fleet: no operations-centre key at %s: every command is refused",
                        key_path)
            key = None
        except (OSError, ValueError) as exc:
            raise FleetConfigError(f"fleet.command_key_file: {exc}") from None
        try:
            nonces = NonceStore(state_dir / NONCE_FILE)
        except ValueError as exc:
            raise FleetConfigError(str(exc)) from None
        self.verifier = CommandVerifier(key, kiosk=kiosk_id, branch=branch,
                                        max_age_s=settings.command_max_age_s, nonces=nonces)
        self._snapshot = snapshot
        self._on_command = on_command
        self._journal = journal
        self._clock = clock
        self._reconnect_delay = reconnect_delay

        self._cond = threading.Condition()
        # Everything below is guarded by _cond.
        self._started = False
        self._stopping = False
        self._dirty_due: float | None = None  # monotonic time the next snapshot is due
        self._reconnected = False  # set by paho's thread; the agent's thread republishes
        self._commands: deque[bytes] = deque()
        self._faults: deque[bytes] = deque()
        self._faults_dropped = 0
        self._faults_dropped_unreported = 0
        self._last_error = "not connected yet"
        self._link_up = False
        self._accepted = 0
        self._refused = 0
        # Owned by the agent's thread.
        self._retained: dict[str, bytes] = {}  # topic -> newest payload (republished on connect)
        self._content: dict[str, Any] = {}  # topic -> payload without ts/seq (change detection)
        self._seq = 0
        self._fault_seq = 0
        self._next_heartbeat = 0.0
        self._refusal_window = (0.0, 0, 0)  # minute start, journalled, suppressed

        self._client = make_client(f"{self.topics.base}", self.address, self.credentials,
                                   clean_session=False)  # commands queued while we are away
        self._client.reconnect_delay_set(*reconnect_delay)
        self._client.on_connect = self._on_connect
        self._client.on_disconnect = self._on_disconnect
        self._client.on_connect_fail = self._on_connect_fail
        self._client.on_message = self._on_message
        self._client.on_subscribe = self._on_subscribe
        self._subscribe_mid: int | None = None
        self._listening = False
        self._set_will()
        self._thread = threading.Thread(target=self._run, name="fleet-agent", daemon=True)

    # --- the kiosk's calls ------------------------------------------------------------

    def start(self) -> None:
        with self._cond:
            if self._started:
                raise RuntimeError("FleetAgent.start() called twice")
            self._started = True
            self._dirty_due = time.monotonic()
        self._thread.start()
        self._client.connect_async(self.address.host, self.address.port,
                                   keepalive=self.settings.keepalive_s)
        self._client.loop_start()
        log.info("fleet: publishing to %s as %s", self.address.url, self.topics.base)

    def changed(self) -> None:
        """Something in the report changed: a snapshot goes out within ``coalesce_s``
        (changes in between ride along with it)."""
        due = time.monotonic() + self.settings.coalesce_s
        with self._cond:
            # Never later than already due (so a burst of changes is one snapshot), but
            # sooner than a pending retry.
            if self._dirty_due is None or due < self._dirty_due:
                self._dirty_due = due
                self._cond.notify()

    def fault(self, kind: str, data: Mapping[str, Any]) -> None:
        """A fault event (``"card_dispenser.jam"``, {...}): one message on ``…/faults``."""
        with self._cond:
            self._fault_seq += 1
            payload = encode(fault_payload(kind, data, self._clock(), self._fault_seq))
            if len(self._faults) >= self.settings.buffer_max:
                self._faults.popleft()
                self._faults_dropped += 1
                self._faults_dropped_unreported += 1
            self._faults.append(payload)
            self._cond.notify()

    def stop(self, timeout: float = 5.0) -> None:
        """Say "offline" (retained) if connected, disconnect, and end both threads."""
        deadline = time.monotonic() + timeout
        with self._cond:
            if not self._started or self._stopping:
                self._stopping = True
                return
            self._stopping = True
            self._cond.notify()
        self._thread.join(max(0.0, deadline - time.monotonic()))
        if self._client.is_connected():
            payload = offline_payload(self.kiosk_id, self.branch, self._clock(),
                                      self._seq + 1, will=False)
            info = self._client.publish(self.topics.state, encode(payload), qos=1, retain=True)
            with contextlib.suppress(RuntimeError, ValueError):
                info.wait_for_publish(max(0.1, deadline - time.monotonic()))
        self._client.disconnect()
        self._client.loop_stop()

    def status(self) -> AgentStatus:
        with self._cond:
            return AgentStatus(
                connected=self._client.is_connected(), broker=self.address.url,
                listening=self._client.is_connected() and self._listening,
                last_error="" if self._client.is_connected() else self._last_error,
                faults_buffered=len(self._faults), faults_dropped=self._faults_dropped,
                commands_accepted=self._accepted, commands_refused=self._refused)

    # --- paho's thread ------------------------------------------------------------------

    def _set_will(self) -> None:
        # Read by the broker at CONNECT; "ts" is then (about) when this link came up.
        will = offline_payload(self.kiosk_id, self.branch, self._clock(), self._seq + 1,
                               will=True)
        self._client.will_set(self.topics.state, encode(will), qos=1, retain=True)

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: mqtt.ConnectFlags,
                    reason: ReasonCode, properties: object) -> None:
        if reason.is_failure:
            error = f"broker refused the connection: {reason}"
            with self._cond:
                repeated, self._last_error = self._last_error == error, error
            if not repeated:  # retried with backoff; said once
                log.error("fleet: %s refused the connection: %s", self.address.url, reason)
            return
        _, mid = client.subscribe(self.topics.command, qos=1)
        with self._cond:
            self._subscribe_mid, self._listening = mid, False
            self._link_up = True
            self._reconnected = True
            self._last_error = ""
            self._cond.notify()
        log.info("fleet: connected to %s", self.address.url)

    def _on_connect_fail(self, client: mqtt.Client, userdata: object) -> None:
        with self._cond:
            if not self._last_error.startswith("connection lost"):
                self._last_error = f"cannot reach {self.address.url} (retrying)"

    def _on_disconnect(self, client: mqtt.Client, userdata: object,
                       flags: mqtt.DisconnectFlags, reason: ReasonCode,
                       properties: object) -> None:
        with self._cond:
            # Only a link that was up is "lost"; a refused login keeps its own words.
            if self._link_up and not self._stopping:
                self._last_error = f"connection lost: {reason}"
                log.warning("fleet: lost %s (%s); buffering", self.address.url, reason)
            self._link_up = self._listening = False
        self._set_will()

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int,
                      reason_codes: list[ReasonCode], properties: object) -> None:
        ok = bool(reason_codes) and not any(rc.is_failure for rc in reason_codes)
        with self._cond:
            if mid == self._subscribe_mid:
                self._listening = ok
        if not ok:
            log.error("fleet: the broker refused the command subscription: %s", reason_codes)

    def _on_message(self, client: mqtt.Client, userdata: object,
                    message: mqtt.MQTTMessage) -> None:
        if message.topic != self.topics.command:
            return
        with self._cond:
            if len(self._commands) >= MAX_QUEUED_COMMANDS:
                self._refused += 1
                log.warning("fleet: command flood: one dropped unread")
                return
            self._commands.append(bytes(message.payload))
            self._cond.notify()

    # --- the agent's thread -------------------------------------------------------------

    def _run(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._stopping:
                        return
                    now = time.monotonic()
                    online = self._client.is_connected()
                    due = self._dirty_due
                    if self._reconnected or self._commands or (online and self._faults) \
                            or (due is not None and due <= now) or now >= self._next_heartbeat:
                        break
                    wait = self._next_heartbeat - now
                    if due is not None:
                        wait = min(wait, due - now)
                    # Faults buffered while offline wait for the reconnect's notify.
                    self._cond.wait(max(0.01, wait))
                reconnected, self._reconnected = self._reconnected, False
                commands = list(self._commands)
                self._commands.clear()
                snapshot_due = (due is not None and due <= now) or now >= self._next_heartbeat
                heartbeat = now >= self._next_heartbeat
                if snapshot_due:
                    self._dirty_due = None
            try:
                if reconnected:
                    self._republish()
                for payload in commands:
                    self._handle_command(payload)
                if snapshot_due:
                    self._publish_snapshot(force_state=heartbeat)
                self._flush_faults()
            except Exception:  # the agent must outlive a bad snapshot or callback
                log.exception("fleet: agent step failed")

    def _publish(self, topic: str, payload: bytes, *, retain: bool) -> bool:
        if not self._client.is_connected():
            return False
        info = self._client.publish(topic, payload, qos=1, retain=retain)
        # Queued by paho (QoS 1) even if the link just dropped: it resends on reconnect.
        return info.rc in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN)

    def _republish(self) -> None:
        for topic, payload in self._retained.items():
            self._publish(topic, payload, retain=True)

    def _set_retained(self, topic: str, content: Any, payload: bytes) -> None:
        self._content[topic] = content
        self._retained[topic] = payload
        self._publish(topic, payload, retain=True)

    def _publish_snapshot(self, *, force_state: bool) -> None:
        try:
            snap = self._snapshot()
        except Exception:
            log.exception("fleet: snapshot() failed; retrying in %.0f s", SNAPSHOT_RETRY_S)
            retry = time.monotonic() + SNAPSHOT_RETRY_S
            self._next_heartbeat = max(self._next_heartbeat, retry)  # not a hot loop
            with self._cond:
                if self._dirty_due is None:
                    self._dirty_due = retry
            return
        ts = self._clock()
        state = state_payload(snap)
        if force_state or self._content.get(self.topics.state) != state:
            self._seq += 1
            self._set_retained(self.topics.state, state,
                               encode({**state, "ts": ts, "seq": self._seq}))
            self._next_heartbeat = time.monotonic() + self.settings.heartbeat_s
        devices = device_payloads(snap)
        for kind, dev in devices.items():
            topic = self.topics.device(kind)
            if self._content.get(topic) != dev:
                self._set_retained(topic, dev, encode({**dev, "ts": ts}))
        gone = [t for t in self._retained
                if t.startswith(self.topics.base + "/devices/")
                and t not in {self.topics.device(k) for k in devices}]
        for topic in gone:  # an empty retained message removes the topic from the broker
            del self._retained[topic]
            del self._content[topic]
            self._publish(topic, b"", retain=True)
        supplies = supplies_payload(snap)
        if self._content.get(self.topics.supplies) != supplies:
            self._set_retained(self.topics.supplies, supplies, encode({**supplies, "ts": ts}))
        seal = snap.get("journal_seal")  # the journal's newest signed checkpoint (issue 15)
        topic = self.topics.base + "/journal/seal"
        if isinstance(seal, Mapping) and self._content.get(topic) != seal:
            self._set_retained(topic, dict(seal), encode({**seal, "ts": ts}))

    def _flush_faults(self) -> None:
        while True:
            with self._cond:
                if not self._faults or not self._client.is_connected():
                    return
                dropped, self._faults_dropped_unreported = self._faults_dropped_unreported, 0
                payload = self._faults.popleft()
            if dropped:
                self._fault_seq_note(dropped)
            if not self._publish(self.topics.faults, payload, retain=False):
                with self._cond:
                    self._faults.appendleft(payload)
                return

    def _fault_seq_note(self, dropped: int) -> None:
        # Tell the operations centre the queue overflowed before the oldest fault it gets.
        note = fault_payload("fleet.faults_dropped", {"dropped": dropped}, self._clock(), 0)
        self._publish(self.topics.faults, encode(note), retain=False)

    def _result(self, payload: Mapping[str, Any]) -> None:
        self._publish(self.topics.command_result, encode(payload), retain=False)

    def _handle_command(self, payload: bytes) -> None:
        try:
            cmd = self.verifier.verify(payload)
        except CommandRefused as refused:
            with self._cond:
                self._refused += 1
            log.warning("fleet: command refused: %s", refused)
            self._journal_refusal(refused)
            self._result({"nonce": refused.nonce, "accepted": False,
                          "reason": refused.reason, "detail": refused.detail})
            return
        record = {**cmd.fields(), "who": f"fleet:{cmd.issuer}"}
        try:
            self._journal("fleet.command", record)
        except Exception as exc:  # not journalled, not done
            log.exception("fleet: cannot journal a command; refused")
            self._result({"nonce": cmd.nonce, "accepted": False, "reason": "journal_failed",
                          "detail": f"the kiosk could not journal it: {exc}"})
            return
        with self._cond:
            self._accepted += 1
        log.info("fleet: command %s %s from %s", cmd.name, cmd.function, cmd.issuer)
        try:
            result = self._on_command(cmd)
        except Exception as exc:
            log.exception("fleet: command %s failed", cmd.name)
            with contextlib.suppress(Exception):
                self._journal("fleet.command_failed", {"nonce": cmd.nonce, "error": str(exc)})
            self._result({"nonce": cmd.nonce, "accepted": True, "error": True,
                          "result": f"failed: {exc}"})
            return
        self._result({"nonce": cmd.nonce, "accepted": True, "result": str(result)})

    def _journal_refusal(self, refused: CommandRefused) -> None:
        start, count, suppressed = self._refusal_window
        now = time.monotonic()
        if now - start >= 60:
            start, count = now, 0
        if count >= REFUSALS_JOURNALLED_PER_MIN:
            self._refusal_window = (start, count, suppressed + 1)
            return
        self._refusal_window = (start, count + 1, 0)
        data: dict[str, Any] = {"reason": refused.reason, "detail": refused.detail,
                                "nonce": refused.nonce, "issuer": refused.issuer}
        if suppressed:
            data["suppressed_before"] = suppressed
        try:
            self._journal("fleet.command_refused", data)
        except Exception:
            log.exception("fleet: cannot journal a refused command")
