"""Start under the service manager (issue 17): a fresh ``kiosk run`` of the demo as systemd
starts it — ``Type=notify``, ``$NOTIFY_SOCKET`` bound here the way systemd binds it — timed
from the spawn to ``READY=1`` (the attract screen drawn: kiosk_app/watchdog.py) and to *in
service* (every device online and the kiosk taking customers: ``GET /healthz`` of the
kiosk's monitoring endpoint says ``in_service`` with each device ``online``).

Targets: attract screen ≤ 1 s, in service ≤ 2 s. Each run is a new interpreter (warm page
cache after run 1); the demo's services (sandbox bank, call hub, O2O channel) start too.

    python -m bench service_start [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench._kiosk_proc import DemoKiosk, demo_config, load_average

READY_TARGET_S = 1.0
IN_SERVICE_TARGET_S = 2.0


def _health(cfg_path: Path) -> tuple[str, Path]:
    """(healthz URL, token file) of the demo kiosk's config."""
    from kiosk_app.config import load_config
    from technician.settings import MonitoringSettings

    cfg = load_config(cfg_path)
    m = cfg.section(MonitoringSettings)
    token = m.token_file if m.token_file.is_absolute() else cfg.path("secrets_dir") / m.token_file
    return f"http://{m.listen}/healthz", token


def _in_service(url: str, token_file: Path) -> bool:
    if not token_file.exists():
        return False
    req = urllib.request.Request(url, headers={
        "Authorization": f"Bearer {token_file.read_text().strip()}"})
    try:
        with urllib.request.urlopen(req, timeout=0.5) as resp:
            body = json.loads(resp.read())
    except (urllib.error.URLError, OSError, ValueError):
        return False
    devices = body.get("devices") or {}
    return bool(body.get("in_service")) and bool(devices) and all(
        d.get("state") == "online" for d in devices.values())


def one_run(place: Path) -> tuple[float, float]:
    cfg = demo_config(place)
    url, token = _health(cfg)
    notify = place / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify))
    sock.settimeout(0.02)
    ready = in_service = float("nan")
    env = {"NOTIFY_SOCKET": str(notify), "INVOCATION_ID": "bench", "WATCHDOG_USEC": "20000000"}
    try:
        with DemoKiosk(place, config=cfg, env=env) as kiosk:
            t0 = kiosk.started
            deadline = t0 + 30
            while time.monotonic() < deadline:
                if ready != ready:  # not yet
                    try:
                        msg = sock.recv(4096).decode()
                        if "READY=1" in msg.split("\n"):
                            ready = time.monotonic() - t0
                    except TimeoutError:
                        pass
                elif _in_service(url, token):
                    in_service = time.monotonic() - t0
                    break
                else:
                    time.sleep(0.01)
    finally:
        sock.close()
    return ready, in_service


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    readies, services = [], []
    print(f"{'run':>4} {'READY=1 (s)':>12} {'in service (s)':>15}")
    for i in range(1, args.runs + 1):
        with tempfile.TemporaryDirectory(prefix="bench-start-") as d:
            r, s = one_run(Path(d))
        readies.append(r)
        services.append(s)
        print(f"{i:>4} {r:>12.3f} {s:>15.3f}")
    ok_r = [x for x in readies if x == x]
    ok_s = [x for x in services if x == x]
    med_r = statistics.median(ok_r) if ok_r else float("nan")
    med_s = statistics.median(ok_s) if ok_s else float("nan")
    print()
    print(f"{'metric':<44} {'value':>8}")
    print(f"{'median spawn → READY=1 (attract screen), s':<44} {med_r:>8.3f}")
    print(f"{'  target, s / ratio':<44} {READY_TARGET_S:>8.3f} {med_r / READY_TARGET_S:>6.2f}")
    print(f"{'median spawn → in service, s':<44} {med_s:>8.3f}")
    print(f"{'  target, s / ratio':<44} {IN_SERVICE_TARGET_S:>8.3f} "
          f"{med_s / IN_SERVICE_TARGET_S:>6.2f}")
    print(f"machine load: {load_average()} on {os.cpu_count()} CPUs")
    met = med_r <= READY_TARGET_S and med_s <= IN_SERVICE_TARGET_S
    print("targets met" if met else "targets NOT met")
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
