"""The kiosk over a long run: RSS and CPU of the demo kiosk after ``--minutes`` of idle on
the attract screen with mixed traffic (issue 17, item 2: "report also RSS after 1 hour of
simulated idle and mixed traffic").

The harness is the idle benchmark's (bench/_kiosk_proc.py: ``kiosk run`` with every device
simulated and the demo services, offscreen). Every ``--every`` seconds one round of traffic
comes from outside, as a branch's systems and technicians make it: the monitoring scrape
(``/healthz`` and ``/metrics``), ``kiosk diag status``, and in turn each device's self-test
through the control socket (``kiosk diag selftest camera`` — which wakes the idle camera to
stream and lets it go again —, ``printer``: a test page, ``card-dispenser``: a card to the
bin, ``pinpad``). Between rounds the kiosk idles. The table shows RSS and CPU over time; a
kiosk that runs for years must not grow.

    python -m bench soak [--minutes 60] [--every 30] [--report-every 5]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

from bench._kiosk_proc import CLK_TCK, KIOSK, DemoKiosk, cpu_ticks, load_average, rss_mb

SELFTESTS = ("camera", "printer", "card-dispenser", "pinpad")
#: RSS growth over the run (after the first sample) above which the soak fails.
MAX_GROWTH_MB = 50.0


def _monitoring(config: Path) -> tuple[str, str]:
    """The monitoring address and its scrape token, from the kiosk's own files."""
    from kiosk_app.config import load_config

    cfg = load_config(config)
    token = (cfg.path("secrets_dir") / cfg.monitoring.token_file).read_text()
    return f"http://{cfg.monitoring.listen}", token.strip()


def _scrape(base: str, token: str) -> None:
    for path in ("/healthz", "/metrics"):
        req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                resp.read()
        except urllib.error.HTTPError as exc:  # 503 when degraded: still an answer
            exc.read()


def _diag(config: Path, *args: str) -> bool:
    out = subprocess.run([*KIOSK, "diag", *args, "--config", str(config), "--json"],
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    if out.returncode not in (0, 1):  # 1: a self-test that found a fault is an answer too
        print(f"  diag {' '.join(args)}: exit {out.returncode}: {out.stderr.strip()[-300:]}",
              file=sys.stderr)
        return False
    if args[0] == "selftest":
        try:
            json.loads(out.stdout)
        except ValueError:
            return False
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak")
    parser.add_argument("--minutes", type=float, default=60.0)
    parser.add_argument("--every", type=float, default=30.0,
                        help="seconds between rounds of traffic (0: idle only)")
    parser.add_argument("--report-every", type=float, default=5.0, help="minutes per row")
    args = parser.parse_args(argv)
    rows: list[tuple[float, float, float, int, int]] = []
    rounds = failures = 0
    with tempfile.TemporaryDirectory(prefix="kiosk-soak-") as tmp, DemoKiosk(Path(tmp)) as kiosk:
        kiosk.wait_ready()
        time.sleep(10)
        base, token = _monitoring(kiosk.config)
        t0 = time.monotonic()
        end = t0 + args.minutes * 60
        next_round = t0 if args.every else float("inf")
        next_row = t0
        last_t, last_c = t0, cpu_ticks(kiosk.pid)
        while True:
            now = time.monotonic()
            if now >= next_row or now >= end:
                c = cpu_ticks(kiosk.pid)
                pct = 100.0 * (c - last_c) / CLK_TCK / max(now - last_t, 1e-9)
                rows.append(((now - t0) / 60, rss_mb(kiosk.pid), pct, rounds, failures))
                print(f"  {rows[-1][0]:6.1f} min  RSS {rows[-1][1]:7.1f} MB  CPU {pct:5.2f} %  "
                      f"rounds {rounds}  failed {failures}", flush=True)
                last_t, last_c = now, c
                next_row = now + args.report_every * 60
            if now >= end:
                break
            if now >= next_round:
                ok = True
                try:
                    _scrape(base, token)
                except OSError as exc:
                    print(f"  scrape failed: {exc}", file=sys.stderr)
                    ok = False
                ok &= _diag(kiosk.config, "status")
                ok &= _diag(kiosk.config, "selftest", SELFTESTS[rounds % len(SELFTESTS)])
                rounds += 1
                failures += not ok
                next_round = time.monotonic() + args.every
            time.sleep(max(0.05, min(next_round, next_row, end) - time.monotonic()))
        load = load_average()
        rc = kiosk.stop()
    # After warm-up: every self-test has run once (their first use imports OpenCV & co.).
    first = next((r for r in rows if r[3] >= len(SELFTESTS)), rows[0])
    last = rows[-1]
    growth = last[1] - first[1]
    print(f"\nsoak: {args.minutes:g} min of idle with a round of traffic every "
          f"{args.every:g} s ({os.cpu_count()} CPUs, load average at the end {load})")
    print(f"{'minute':>7} {'RSS MB':>8} {'CPU % (since last)':>19} {'rounds':>7} {'failed':>7}")
    for m, rss, pct, n, bad in rows:
        print(f"{m:>7.1f} {rss:>8.1f} {pct:>19.2f} {n:>7} {bad:>7}")
    print()
    print(f"{'metric':<44} {'value':>10}")
    print(f"{'RSS on the attract screen at start (MB)':<44} {rows[0][1]:>10.1f}")
    print(f"{f'RSS after warm-up, minute {first[0]:.1f} (MB)':<44} {first[1]:>10.1f}")
    print(f"{'RSS at the end (MB)':<44} {last[1]:>10.1f}")
    print(f"{'growth after warm-up (MB)':<44} {growth:>10.1f}")
    print(f"{'allowed growth (MB)':<44} {MAX_GROWTH_MB:>10.1f}")
    print(f"{'ratio growth / allowed':<44} {growth / MAX_GROWTH_MB:>10.2f}")
    print(f"{'traffic rounds (failed)':<44} {f'{rounds} ({failures})':>10}")
    print(f"{'kiosk exit code after SIGTERM':<44} {rc:>10}")
    ok = growth <= MAX_GROWTH_MB and failures == 0 and rc == 0
    print(f"\n{'PASS' if ok else 'FAIL'}: RSS {first[1]:.0f} → {last[1]:.0f} MB "
          f"after {args.minutes:g} min, {failures} failed round(s), exit {rc}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
