"""500 simulated kiosks publishing to one mosquitto: a status change is visible in
``kiosk fleet status`` within 1 s at p95 (issue #13).

``python -m bench fleet_status`` or ``python bench/fleet_status.py [--kiosks N]
[--changes N] [--procs N]``.

How the kiosks are simulated: 500 real MQTT connections, each with its own client id,
login, last will and retained state — what the broker sees from 500 kiosks — but not 500
Python threads. ``--procs`` worker processes (default 2, one per core) each drive their share
of paho clients from one thread with paho's non-blocking ``loop_read``/``loop_write``/
``loop_misc`` over ``select``, and publish exactly what :class:`fleet.agent.FleetAgent`
publishes (the same payload builders and topics). The operations side is the
:class:`fleet.view.FleetView` behind ``kiosk fleet status``, running all along: a change's
latency is from just before the kiosk's ``publish`` to the moment the view has applied it
(both on this machine's clock).

Also the real mosquitto that tests/fleet start (:class:`Mosquitto`).
"""

from __future__ import annotations

import argparse
import getpass
import multiprocessing as mp
import os
import random
import select
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_S = 1.0
MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
MOSQUITTO_PASSWD = shutil.which("mosquitto_passwd") or "/usr/bin/mosquitto_passwd"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Mosquitto:
    """Debian's mosquitto on 127.0.0.1:``port``: logins required, nothing persisted.

    ``stop()`` then ``start()`` again is a broker restart on the same port (retained
    messages forgotten, as after a crash of a broker run without persistence)."""

    def __init__(self, workdir: Path, port: int, users: dict[str, str], *,
                 acl: str | None = None, extra: str = "") -> None:
        self.workdir = workdir
        self.port = port
        self.users = users
        self.acl = acl
        self.extra = extra
        self.proc: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / "mosquitto.log"

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def _configure(self) -> Path:
        self.workdir.mkdir(parents=True, exist_ok=True)
        passwd = self.workdir / "passwd"
        passwd.unlink(missing_ok=True)
        for i, (user, password) in enumerate(self.users.items()):
            subprocess.run([MOSQUITTO_PASSWD, "-b", *(["-c"] if i == 0 else []), str(passwd),
                            user, password], check=True, capture_output=True)
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous false",
            f"password_file {passwd}",
            "persistence false",
            f"user {getpass.getuser()}",  # as root it would switch to "mosquitto"
            f"log_dest file {self.log_path}",
            "log_type error", "log_type warning", "log_type notice",
            "max_queued_messages 10000",
        ]
        if self.acl is not None:
            acl = self.workdir / "acl"
            acl.write_text(self.acl, encoding="utf-8")
            lines.append(f"acl_file {acl}")
        conf = self.workdir / "mosquitto.conf"
        conf.write_text("\n".join(lines) + "\n" + self.extra, encoding="utf-8")
        return conf

    def start(self, timeout: float = 10.0) -> None:
        conf = self._configure()
        self.proc = subprocess.Popen([MOSQUITTO, "-c", str(conf)], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode(errors="replace") if self.proc.stderr \
                    else ""
                raise RuntimeError(f"mosquitto exited {self.proc.returncode}: {err.strip()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(f"mosquitto not listening on {self.port}") from None
                time.sleep(0.02)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        if proc.stderr:
            proc.stderr.close()

    def __enter__(self) -> Mosquitto:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


# --- the simulated kiosks -----------------------------------------------------------------

USER, PASSWORD = "fleet", "bench-password"
PREFIX = "bench"


def _report(kiosk: str, branch: str, in_service: bool, at: float) -> dict[str, Any]:
    """A technician's report as the kiosk's snapshot() would give it."""
    devices = [
        {"kind": kind, "url": "sim://", "required": True,
         "state": "online" if in_service or kind != "card_dispenser" else "hardwareError",
         "media": "notPresent", "supplies": {"stacker": "ok", "bin": "ok"}
         if kind == "card_dispenser" else {"paper": "ok"}, "firmware": "1.0", "detail": "",
         "last_error": "", "last_error_code": "", "last_error_at": "", "extra": {}}
        for kind in ("card_dispenser", "printer", "camera", "pinpad")
    ]
    return {"kiosk_id": kiosk, "branch": branch, "in_service": in_service,
            "down": [] if in_service else ["card_dispenser"], "degraded": [],
            "functions": [], "devices": devices, "links": [], "overrides": [],
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(at))}


def _kiosk_name(i: int) -> tuple[str, str]:
    return f"K{i:04d}", f"B{i // 10:03d}"


def _on_connected(connected: set[int], i: int) -> Any:
    return lambda *args: connected.add(i)


def _simulator(indices: list[int], port: int, cmd: mp.connection.Connection) -> None:
    """One process: many kiosks' MQTT connections, one thread, select() over sockets."""
    import paho.mqtt.client as mqtt

    from fleet.broker import BrokerAddress, Credentials, make_client
    from fleet.payloads import device_payloads, encode, offline_payload, state_payload
    from fleet.topics import KioskTopics

    address = BrokerAddress("127.0.0.1", port, False)
    creds = Credentials(USER, PASSWORD)
    clients: dict[int, mqtt.Client] = {}
    topics: dict[int, KioskTopics] = {}
    seq: dict[int, int] = {}
    connected: set[int] = set()
    for i in indices:
        kiosk, branch = _kiosk_name(i)
        t = topics[i] = KioskTopics(PREFIX, branch, kiosk)
        c = make_client(t.base, address, creds, clean_session=True)
        c.will_set(t.state, encode(offline_payload(kiosk, branch, time.time(), 0, will=True)),
                   qos=1, retain=True)
        c.on_connect = _on_connected(connected, i)
        c.connect(address.host, address.port, keepalive=60)
        clients[i] = c
        seq[i] = 0

    def pump(timeout: float) -> None:
        socks: dict[Any, mqtt.Client] = {c.socket(): c for c in clients.values()
                                         if c.socket() is not None}
        want_write = [s for s, c in socks.items() if c.want_write()]
        r, w, _ = select.select(list(socks), want_write, [], timeout)
        for s in r:
            socks[s].loop_read()
        for s in w:
            socks[s].loop_write()
        for c in clients.values():
            c.loop_misc()

    def publish(i: int, in_service: bool) -> float:
        kiosk, branch = _kiosk_name(i)
        t = topics[i]
        snap = _report(kiosk, branch, in_service, time.time())
        seq[i] += 1
        ts = time.time()
        clients[i].publish(t.state, encode({**state_payload(snap), "ts": ts, "seq": seq[i]}),
                           qos=1, retain=True)
        return ts

    deadline = time.monotonic() + 60
    while len(connected) < len(clients) and time.monotonic() < deadline:
        pump(0.05)
    for i in indices:  # the first retained status of every kiosk, and its devices
        kiosk, branch = _kiosk_name(i)
        snap = _report(kiosk, branch, True, time.time())
        for kind, dev in device_payloads(snap).items():
            clients[i].publish(topics[i].device(kind), encode({**dev, "ts": time.time()}),
                               qos=1, retain=True)
        publish(i, True)
        pump(0)
    for _ in range(50):
        pump(0.01)
    cmd.send(("ready", len(connected)))
    while True:
        while cmd.poll():
            msg = cmd.recv()
            if msg[0] == "stop":
                for c in clients.values():
                    c.disconnect()
                for _ in range(10):
                    pump(0.01)
                cmd.send(("stopped",))
                return
            _, i, in_service = msg
            publish(i, in_service)
        pump(0.005)


@dataclass
class Result:
    kiosks: int
    changes: int
    seen: int
    latencies: list[float]
    connect_s: float
    load: tuple[float, float, float]
    burst: list[float]  # every kiosk changing at once (a branch-wide outage)
    cli_s: list[float]  # wall time of `kiosk fleet status --json`, process start included
    cli_kiosks: int  # kiosks that command listed


def _drain(waiting: dict[tuple[str, int], float], lock: threading.Lock,
           timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with lock:
            if not waiting:
                return
        time.sleep(0.02)


def _cli_status(tmp: Path, port: int, runs: int) -> tuple[list[float], int]:
    """``kiosk fleet status --json`` as an operator runs it, against the 500 kiosks."""
    import json

    (tmp / "var" / "secrets").mkdir(parents=True, exist_ok=True)
    (tmp / "var" / "secrets" / "fleet.pw").write_text(PASSWORD)
    cfg = tmp / "kiosk.toml"
    cfg.write_text(f'[kiosk]\nid = "OPS"\nbranch = "HQ"\n\n[fleet]\n'
                   f'broker = "mqtt://127.0.0.1:{port}"\nusername = "{USER}"\n'
                   f'password_file = "fleet.pw"\ntopic_prefix = "{PREFIX}"\n')
    root = Path(__file__).resolve().parents[1]
    times: list[float] = []
    listed = 0
    for _ in range(runs):
        t0 = time.perf_counter()
        out = subprocess.run([sys.executable, "-m", "kiosk_app.cli", "fleet", "status",
                              "--json", "--config", str(cfg)], cwd=root, capture_output=True,
                             text=True, timeout=60, env={**os.environ,
                                                         "QT_QPA_PLATFORM": "offscreen"})
        times.append(time.perf_counter() - t0)
        if out.returncode != 0:
            print(out.stderr, file=sys.stderr)
            continue
        listed = len(json.loads(out.stdout)["kiosks"])
    return times, listed


def run(kiosks: int = 500, changes: int = 1000, rate: float = 200.0, procs: int = 2,
        seed: int = 1, cli_runs: int = 3) -> Result:
    from fleet.broker import BrokerAddress, Credentials
    from fleet.view import FleetView, KioskStatus

    rng = random.Random(seed)
    tmp = Path(tempfile.mkdtemp(prefix="bench-fleet-"))
    port = free_port()
    broker = Mosquitto(tmp, port, {USER: PASSWORD}, extra="max_connections -1\n")
    broker.start()
    waiting: dict[tuple[str, int], float] = {}  # (kiosk, seq) -> sent
    latencies: list[float] = []
    lock = threading.Lock()

    def on_state(status: KioskStatus, received: float) -> None:
        with lock:
            sent = waiting.pop((status.kiosk, status.seq), None)
            if sent is not None:
                latencies.append(time.time() - sent)

    view = FleetView(BrokerAddress("127.0.0.1", port, False), Credentials(USER, PASSWORD),
                     PREFIX, on_state=on_state)
    workers: list[tuple[Any, mp.connection.Connection]] = []
    ctx = mp.get_context("spawn")
    try:
        t0 = time.monotonic()
        shares = [list(range(kiosks))[p::procs] for p in range(procs)]
        for share in shares:
            parent, child = ctx.Pipe()
            proc = ctx.Process(target=_simulator, args=(share, port, child), daemon=True)
            proc.start()
            workers.append((proc, parent))
        for _, pipe in workers:
            if not pipe.poll(90):
                raise RuntimeError("a simulator process did not get ready")
            pipe.recv()
        connect_s = time.monotonic() - t0
        view.start()
        view.settle(10, quiet_s=0.5)
        known = len(view.kiosks())
        if known != kiosks:
            print(f"warning: the view knows {known} of {kiosks} kiosks", file=sys.stderr)
        owner = {i: workers[i % procs][1] for i in range(kiosks)}
        state = dict.fromkeys(range(kiosks), True)
        seqs = dict.fromkeys(range(kiosks), 1)
        interval = 1.0 / rate
        next_at = time.monotonic()
        for _ in range(changes):
            i = rng.randrange(kiosks)
            state[i] = not state[i]
            seqs[i] += 1
            kiosk, _branch = _kiosk_name(i)
            with lock:
                # The simulator stamps ts just before publishing; this is a few µs earlier.
                waiting[(kiosk, seqs[i])] = time.time()
            owner[i].send(("change", i, state[i]))
            next_at += interval
            time.sleep(max(0.0, next_at - time.monotonic()))
        _drain(waiting, lock)
        load = os.getloadavg()
        with lock:
            seen = list(latencies)
            latencies.clear()
        # Burst: every kiosk flips at once, as when a branch-wide link comes back.
        with lock:
            for i in range(kiosks):
                state[i] = not state[i]
                seqs[i] += 1
                waiting[(_kiosk_name(i)[0], seqs[i])] = time.time()
        for i in range(kiosks):
            owner[i].send(("change", i, state[i]))
        _drain(waiting, lock)
        with lock:
            burst = list(latencies)
        cli_s, cli_kiosks = _cli_status(tmp, port, cli_runs)
        return Result(kiosks, changes, len(seen), seen, connect_s, load, burst, cli_s,
                      cli_kiosks)
    finally:
        view.stop()
        for proc, pipe in workers:
            try:
                pipe.send(("stop",))
                pipe.poll(5)
            except (BrokenPipeError, OSError):
                pass
            proc.join(5)
            if proc.is_alive():
                proc.kill()
        broker.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else "")
    ap.add_argument("--kiosks", type=int, default=500)
    ap.add_argument("--changes", type=int, default=1000)
    ap.add_argument("--rate", type=float, default=200.0, help="state changes per second")
    ap.add_argument("--procs", type=int, default=2, help="simulator processes")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cli-runs", type=int, default=3,
                    help="times to run `kiosk fleet status --json` against them")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
    r = run(args.kiosks, args.changes, args.rate, args.procs, args.seed, args.cli_runs)
    ms = [x * 1000 for x in r.latencies]
    p95 = _pct(ms, 95)
    print(f"\nfleet status latency: {r.kiosks} kiosks on one mosquitto, {r.changes} state "
          f"changes at {args.rate:g}/s from {args.procs} simulator process(es); "
          f"{os.cpu_count()} cores, load {r.load[0]:.2f} {r.load[1]:.2f} {r.load[2]:.2f}")
    print(f"kiosks connected and retained status published in {r.connect_s:.1f} s")
    print(f"{'metric':<28}{'value':>12}")
    print(f"{'changes seen':<28}{r.seen:>12} / {r.changes}")
    for name, p in (("p50 ms", 50), ("p95 ms", 95), ("p99 ms", 99)):
        print(f"{name:<28}{_pct(ms, p):>12.1f}")
    print(f"{'max ms':<28}{(max(ms) if ms else float('nan')):>12.1f}")
    print(f"{'mean ms':<28}{(statistics.fmean(ms) if ms else float('nan')):>12.1f}")
    bms = [x * 1000 for x in r.burst]
    print(f"{'burst: all change at once':<28}{len(bms):>12} / {r.kiosks}")
    for name, p in (("burst p50 ms", 50), ("burst p95 ms", 95), ("burst p99 ms", 99)):
        print(f"{name:<28}{_pct(bms, p):>12.1f}")
    if r.cli_s:
        print(f"{'`kiosk fleet status` s':<28}{statistics.median(r.cli_s):>12.2f} "
              f"(median of {len(r.cli_s)}, process start and --wait settle included; "
              f"listed {r.cli_kiosks} kiosks)")
    ratio = p95 / (TARGET_S * 1000)
    ok = r.seen == r.changes and ratio <= 1.0 and len(bms) == r.kiosks
    ok = ok and (not r.cli_s or r.cli_kiosks == r.kiosks)
    print(f"p95 / target (1 s): {ratio:.3f} → {'OK' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
