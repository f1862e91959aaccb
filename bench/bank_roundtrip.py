"""Bank host round trip: the sandbox bank served as its own process (``kiosk bank sandbox
serve``) and called through HttpBankHost over loopback, per operation, p50 and p99.

Target (the issue's): p99 <= 20 ms per call. Baseline: the same call on the sandbox
in-process (no HTTP), which is what the bank's own work (SQLite, WAL, synchronous=FULL) costs.

    .venv/bin/python -m bench.bank_roundtrip
"""

from __future__ import annotations

import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bank_host.http_client import HttpBankHost
from bank_host.sandbox.bank import SandboxBank
from bank_host.sandbox.schema import load_seed
from devices.pinpad.pinblock import encode_format4, kcv, unwrap_key

N = 300
KIOSK = "KIOSK-DEMO-01"
TARGET_P99_MS = 20.0
REPO = Path(__file__).resolve().parents[1]


def bench_seed(n: int) -> dict[str, Any]:
    seed = load_seed()
    seed["customers"] = [
        {"customer_id": f"BEN{i:05d}", "id_number": f"BENCH{i:08d}", "name": f"BENCH PERSON {i}",
         "birth_date": "1980-01-01", "id_expiry": "2050-01-01"}
        for i in range(n)
    ]
    return seed


def timed(fn: Callable[[int], Any], n: int) -> list[float]:
    out = []
    for i in range(n):
        t0 = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def p(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def serve(db: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "kiosk_app.cli", "bank", "sandbox", "serve", "--db", str(db),
         "--port", "0"], cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    m = re.search(r"http://127\.0\.0\.1:\d+", proc.stdout.readline())
    if m is None:
        proc.kill()
        raise SystemExit("the sandbox did not start")
    return proc, m.group(0)


def main() -> None:
    rows: list[tuple[str, list[float]]] = []
    with tempfile.TemporaryDirectory() as d:
        inproc = SandboxBank(Path(d) / "inproc.sqlite", seed=bench_seed(N))
        h = inproc.host(KIOSK)
        base = timed(lambda i: h.lookup_customer(f"BENCH{i:08d}", f"bench person {i}",
                                                 f"b-{i}"), N)
        inproc.close()

        db = Path(d) / "bank.sqlite"
        SandboxBank(db, seed=bench_seed(N)).close()
        master = SandboxBank(db).enrol(KIOSK)["AES"]
        proc, url = serve(db)
        try:
            c = HttpBankHost(url, KIOSK, timeout_s=5)
            ids: dict[int, Any] = {}
            rows.append(("lookup_customer (new key)", timed(
                lambda i: ids.__setitem__(i, c.lookup_customer(
                    f"BENCH{i:08d}", f"Bench Person {i}", f"l-{i}")), N)))
            rows.append(("lookup_customer (retry, same key)", timed(
                lambda i: c.lookup_customer(f"BENCH{i:08d}", f"Bench Person {i}", f"l-{i}"), N)))
            accounts: dict[int, Any] = {}
            rows.append(("open_account", timed(
                lambda i: accounts.__setitem__(i, c.open_account(
                    ids[i].customer_id, "debit", f"o-{i}")), N)))
            rows.append(("approve_issuance", timed(
                lambda i: c.approve_issuance(accounts[i].account_id, "debit", f"a-{i}"), N)))
            links: dict[int, Any] = {}
            rows.append(("link_card (fresh PAN)", timed(
                lambda i: links.__setitem__(i, c.link_card(
                    accounts[i].account_id, f"BE{i:012X}", f"k-{i}")), N)))
            wk = c.pin_working_key(KIOSK, "AES")
            pwk = unwrap_key(master, wk.wrapped, "AES")  # the PIN pad's side
            assert kcv(pwk, "AES") == wk.kcv
            blocks = {i: encode_format4("2580", links[i].pan, pwk) for i in range(N)}
            rows.append(("set_pin (ISO 4, AES)", timed(
                lambda i: c.set_pin(links[i].card_id, blocks[i], "iso4", f"p-{i}"), N)))
            rows.append(("report_card", timed(
                lambda i: c.report_card(links[i].card_id, "delivered", f"r-{i}"), N)))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(15)

    print(f"{N} calls each; target p99 <= {TARGET_P99_MS:.0f} ms")
    print(f"{'operation':<36} {'p50 ms':>8} {'p99 ms':>8} {'p99/target':>11}")
    print(f"{'in-process lookup (baseline)':<36} {statistics.median(base):>8.2f} "
          f"{p(base, 0.99):>8.2f} {p(base, 0.99) / TARGET_P99_MS:>10.2f}x")
    worst = 0.0
    for name, values in rows:
        p99 = p(values, 0.99)
        worst = max(worst, p99)
        print(f"{name:<36} {statistics.median(values):>8.2f} {p99:>8.2f} "
              f"{p99 / TARGET_P99_MS:>10.2f}x")
    http_p50 = statistics.median(rows[0][1])
    print(f"HTTP over in-process (lookup p50): {http_p50 / statistics.median(base):.1f}x; "
          f"worst p99 {worst:.2f} ms: {'meets' if worst <= TARGET_P99_MS else 'MISSES'} target")


if __name__ == "__main__":
    main()
