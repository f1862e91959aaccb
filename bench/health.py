"""Health endpoint latency while card flows run (issue 13: ``GET /healthz`` p99 <= 20 ms).

The kiosk's own runtime in this process — simulated dispenser, printer and PIN pad (sim://
as in the demo), the sandbox bank as its own process over HTTP — with the monitoring
server on its core loop (technician.monitoring, the real TechnicianService and counters
behind it). Card issuances run back to back, exactly as bench.issuance_soak runs them (the
persisted flow after the signature: bank, card, PIN on the pad, hand-over, receipt), while
a scraper in another process (as Prometheus is another machine) asks ``GET /healthz`` every
``--interval`` seconds and ``GET /metrics`` every tenth time, each on a new connection.
Only requests that began while a card flow was running count for the "card flow" rows; an
idle phase first gives the floor.

    python -m bench health [--cards 30] [--interval 0.05]
    python -m bench.health --cards 30
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

TARGET_MS = 20.0
IDLE_S = 3.0


# -- the scraper (its own process) -----------------------------------------------------------


def client(url: str, token_file: Path, stop_file: Path, interval: float,
           limit_s: float) -> int:
    host, port = url.removeprefix("http://").rsplit(":", 1)
    token = token_file.read_text().strip()
    headers = {"Authorization": f"Bearer {token}"}
    out: list[tuple[str, float, float, int]] = []
    deadline = time.monotonic() + limit_s
    i = 0
    while not stop_file.exists() and time.monotonic() < deadline:
        path = "/metrics" if i % 10 == 9 else "/healthz"
        t0 = time.monotonic()
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        try:
            conn.request("GET", path, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except OSError:
            status = 0
        finally:
            conn.close()
        t1 = time.monotonic()
        out.append((path, t0, t1 - t0, status))
        i += 1
        time.sleep(max(0.0, interval - (time.monotonic() - t0)))
    json.dump(out, sys.stdout)
    return 0


def scrape(url: str, token_file: Path, stop_file: Path, interval: float,
           limit_s: float) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "bench.health", "--client", url, "--token-file",
         str(token_file), "--stop-file", str(stop_file), "--interval", str(interval),
         "--limit", str(limit_s)],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).resolve().parents[1])


def collect(proc: subprocess.Popen[str]) -> list[tuple[str, float, float, int]]:
    stdout, _ = proc.communicate(timeout=60)
    return [(str(p), float(t), float(dt), int(s)) for p, t, dt, s in json.loads(stdout)]


# -- the kiosk -------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered) + 0.5) - 1))]


def row(label: str, path: str, samples: list[float]) -> str:
    if not samples:
        return f"{label:<12}{path:<10}{0:>6}"
    ms = [s * 1000 for s in samples]
    p99 = pct(ms, 0.99)
    ratio = f"{p99 / TARGET_MS:>7.2f}" if path == "/healthz" else f"{'':>7}"
    return (f"{label:<12}{path:<10}{len(ms):>6}{pct(ms, 0.50):>9.2f}{pct(ms, 0.95):>9.2f}"
            f"{p99:>9.2f}{max(ms):>9.2f}{ratio}")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.health")
    parser.add_argument("--cards", type=int, default=30, help="card issuances to run")
    parser.add_argument("--interval", type=float, default=0.05,
                        help="seconds between the scraper's requests")
    parser.add_argument("--client", help=argparse.SUPPRESS)
    parser.add_argument("--token-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop-file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--limit", type=float, default=600.0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        return client(args.client, args.token_file, args.stop_file, args.interval,
                      args.limit)

    import customer_flows
    from bank_host.sandbox.bank import SandboxBank
    from bench.bank_roundtrip import bench_seed
    from bench.issuance_soak import config as soak_config
    from devices.registry import create_device
    from kiosk_app.bank_service import bank_failure, start_bank, wait_bank_ready
    from kiosk_core.runtime import KioskRuntime
    from technician.counters import TransactionCounters
    from technician.monitoring import monitoring_server
    from technician.service import for_runtime
    from technician.settings import MonitoringSettings

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cfg = soak_config(tmp, args.cards)
        cfg = cfg.model_copy(update={
            "monitoring": MonitoringSettings(listen=f"127.0.0.1:{free_port()}")})
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        SandboxBank(cfg.data_dir / "bank_sandbox.sqlite", seed=bench_seed(args.cards)).close()
        runtime = KioskRuntime(cfg, flows=customer_flows.definitions(),
                               device_factory=create_device)
        runtime.start(wait_devices=True)
        counters = TransactionCounters.for_config(cfg)
        windows: list[tuple[float, float]] = []
        failures: list[str] = []
        try:
            counters.attach(runtime)
            service, _ = for_runtime(runtime, tallies=counters)
            server = monitoring_server(runtime, service, counters)
            if server is None:
                raise SystemExit("health: the monitoring server did not start")
            start_bank(runtime)
            if not wait_bank_ready(runtime, 60):
                raise SystemExit(f"health: bank not ready: {bank_failure(runtime)}")
            token_file = cfg.path("secrets_dir") / "monitoring.token"
            idle_stop = tmp / "idle.stop"
            idle = scrape(server.url, token_file, idle_stop, args.interval, IDLE_S)
            idle_samples = collect(idle)

            engine = runtime.flow_engine
            assert engine is not None
            printer: Any = runtime.devices.get("printer")
            if printer is not None and printer.simulator is not None:
                printer.simulator.keep_pages = 2
            stop = tmp / "busy.stop"
            busy = scrape(server.url, token_file, stop, args.interval, 600.0)
            time.sleep(0.5)  # the scraper's interpreter is up
            for i in range(args.cards):
                engine.resources["personal"] = {"id_number": f"BENCH{i:08d}",
                                                "id_name": f"BENCH PERSON {i}"}
                t0 = time.monotonic()
                try:
                    fid = engine.start("card_issuance", {
                        "language": "en_US", "kiosk_id": cfg.kiosk.id, "pin_format": "iso4",
                        "timezone": cfg.kiosk.timezone, "product": "debit"})
                    data = engine.run(fid)
                    if not data.get("taken"):
                        failures.append(f"{i}: not taken")
                except Exception as exc:
                    failures.append(f"{i}: {exc}")
                windows.append((t0, time.monotonic()))
            stop.touch()
            busy_samples = collect(busy)
            counters.flush()
            tx = counters.snapshot().transactions.get("card_issuance", {})
        finally:
            runtime.stop()
            counters.close()

    def during_flow(t: float) -> bool:
        return any(a <= t <= b for a, b in windows)

    bad = [s for s in idle_samples + busy_samples if s[3] != 200]
    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
          f"{args.cards} card issuances ({sum(b - a for a, b in windows):.1f} s), "
          f"a request every {args.interval * 1000:.0f} ms (/metrics every 10th)")
    print(f"{'phase':<12}{'path':<10}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'max ms':>9}{'ratio':>7}")
    for label, samples in (("idle", idle_samples),
                           ("card flow", [s for s in busy_samples if during_flow(s[1])])):
        for path in ("/healthz", "/metrics"):
            print(row(label, path, [s[2] for s in samples if s[0] == path]))
    print(f"ratio: /healthz p99 during card flows / {TARGET_MS:.0f} ms target")
    print(f"counted by the counters: card_issuance {tx}")
    for f in failures[:5]:
        print("  card flow failed:", f)
    if bad:
        print(f"  {len(bad)} requests failed (status {sorted({s[3] for s in bad})})")
    busy_health = [s[2] * 1000 for s in busy_samples if s[0] == "/healthz"
                   and during_flow(s[1])]
    ok = not failures and not bad and bool(busy_health) and pct(busy_health, 0.99) <= TARGET_MS
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
