"""Journal and flow-store write costs: what durability (WAL + synchronous=FULL) costs per record.

Baseline: the same inserts into a plain SQLite table with default settings (no chain, no fsync
per record beyond SQLite's defaults, one transaction per insert).
"""

from __future__ import annotations

import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from kiosk_core.flows import FlowDefinition, FlowEngine, FlowStore, Step
from kiosk_core.journal import Journal, verify_file

N = 2000


def bench_journal(tmp: Path) -> tuple[float, float, float]:
    j = Journal(tmp / "journal.sqlite", kiosk_id="BENCH")
    times = []
    for i in range(N):
        t0 = time.perf_counter()
        j.append("bench.event", {"i": i, "text": "card 622202******9013 dispensed", "ok": True})
        times.append(time.perf_counter() - t0)
    j.close()
    t0 = time.perf_counter()
    res = verify_file(tmp / "journal.sqlite")
    verify_s = time.perf_counter() - t0
    assert res.ok and res.count == N
    return statistics.median(times), sorted(times)[int(0.99 * N)], N / verify_s


def bench_plain(tmp: Path) -> float:
    conn = sqlite3.connect(tmp / "plain.sqlite", isolation_level=None)
    conn.execute("CREATE TABLE t (seq INTEGER PRIMARY KEY, ts TEXT, kind TEXT, data TEXT)")
    times = []
    for i in range(N):
        t0 = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute(
            "INSERT INTO t (ts, kind, data) VALUES (?, ?, ?)",
            ("now", "bench.event", f'{{"i":{i}}}'),
        )
        conn.execute("COMMIT")
        times.append(time.perf_counter() - t0)
    conn.close()
    return statistics.median(times)


def bench_flow(tmp: Path) -> float:
    steps = tuple(Step(f"s{i}", lambda ctx: None) for i in range(4))
    eng = FlowEngine(FlowStore(tmp / "flows.sqlite"), {"f": FlowDefinition("f", steps)})
    times = []
    for _ in range(200):
        t0 = time.perf_counter()
        eng.run(eng.start("f"))
        times.append(time.perf_counter() - t0)
    eng.store.close()
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        med, p99, verify_rate = bench_journal(tmp)
        plain = bench_plain(tmp)
        flow = bench_flow(tmp)
    print(f"{'measure':<48} {'value':>12}")
    print(f"{'journal append, median (WAL, synchronous=FULL)':<48} {med * 1e3:>9.3f} ms")
    print(f"{'journal append, p99':<48} {p99 * 1e3:>9.3f} ms")
    print(f"{'plain SQLite insert, median (baseline)':<48} {plain * 1e3:>9.3f} ms")
    print(f"{'ratio journal / plain insert':<48} {med / plain:>11.2f}x")
    print(f"{'journal verify':<48} {verify_rate:>8,.0f} rec/s")
    print(f"{'4-step flow, persisted (9 durable writes)':<48} {flow * 1e3:>9.3f} ms")


if __name__ == "__main__":
    main()
