"""Soak: card issuances back to back, headless, on the kiosk's own runtime — simulated
dispenser, printer and PIN pad (sim:// as in the demo), the sandbox bank as its own process
over HTTP — and the persisted flow exactly as the screen runs it after the signature (the
bank, the card, the PIN on the pad, hand-over, receipt). The identity check is left out
(it has its own benchmarks, bench.identity*): with it, 1,000 issuances take ~3 h here.

Target (the issue's): 1,000 back to back, 0 failures, RSS growth <= 5 % (from the 50th
issuance, once caches are warm, to the last), the journal verifies.

    python -m bench.issuance_soak [--runs 1000]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
TARGET_GROWTH = 0.05
WARM = 50


def rss_kib() -> int:
    with open(f"/proc/{os.getpid()}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def config(tmp: Path, runs: int) -> Any:
    from kiosk_app.config import load_config

    cfg = load_config(REPO / "kiosk.toml")
    d: Any = cfg.devices
    upd = {
        "card_dispenser": d.card_dispenser.model_copy(update={
            "url": f"sim://card-dispenser?cards={runs + 10}&take=0.05", "take_timeout_s": 5.0}),
        "printer": d.printer.model_copy(update={"url": "sim://printer"}),
        "camera": d.camera.model_copy(update={"enabled": False}),
        "pinpad": d.pinpad.model_copy(update={
            "url": "sim://pinpad?ceremony=true&pin=258013&key_delay=0.002"}),
    }
    return cfg.model_copy(update={"base_dir": tmp, "devices": d.model_copy(update=upd)})


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.issuance_soak")
    parser.add_argument("--runs", type=int, default=1000)
    args = parser.parse_args()
    import customer_flows
    from bank_host.sandbox.bank import SandboxBank
    from bench.bank_roundtrip import bench_seed
    from devices.registry import create_device
    from kiosk_app.bank_service import bank_failure, start_bank, wait_bank_ready
    from kiosk_core.journal import verify_file
    from kiosk_core.runtime import KioskRuntime

    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        cfg = config(tmp, args.runs)
        cfg.data_dir.mkdir(parents=True, exist_ok=True)
        # One sandbox customer per issuance (a customer holds one debit account).
        SandboxBank(cfg.data_dir / "bank_sandbox.sqlite", seed=bench_seed(args.runs)).close()
        runtime = KioskRuntime(cfg, flows=customer_flows.definitions(),
                               device_factory=create_device)
        runtime.start(wait_devices=True)
        failures: list[str] = []
        times: list[float] = []
        rss_warm = rss_end = 0
        try:
            start_bank(runtime)
            if not wait_bank_ready(runtime, 60):
                raise SystemExit(f"issuance_soak: bank not ready: {bank_failure(runtime)}")
            engine = runtime.flow_engine
            assert engine is not None
            started = time.perf_counter()
            printer: Any = runtime.devices.get("printer")
            if printer is not None and printer.simulator is not None:
                # The simulated printer keeps its last rendered pages (images, ~1 MB each) for
                # tests; a real printer is another machine: keep only the last two here, so
                # the RSS measured is the kiosk's.
                printer.simulator.keep_pages = 2
            for i in range(args.runs):
                if i % 100 == 0 and printer is not None and printer.simulator is not None:
                    printer.simulator.load_paper()  # the technician's new roll (~150 receipts)
                engine.resources["personal"] = {"id_number": f"BENCH{i:08d}",
                                                "id_name": f"BENCH PERSON {i}"}
                t0 = time.perf_counter()
                try:
                    fid = engine.start("card_issuance", {
                        "language": "en_US", "kiosk_id": cfg.kiosk.id, "pin_format": "iso4",
                        "timezone": cfg.kiosk.timezone, "product": "debit"})
                    data = engine.run(fid)
                    if not data.get("taken") or not data.get("receipt_printed"):
                        failures.append(f"{i}: taken={data.get('taken')} "
                                        f"printed={data.get('receipt_printed')}")
                except Exception as exc:
                    failures.append(f"{i}: {exc}")
                times.append(time.perf_counter() - t0)
                if i + 1 == min(WARM, args.runs):
                    rss_warm = rss_kib()
            total = time.perf_counter() - started
            rss_end = rss_kib()
        finally:
            runtime.stop()
        journal = verify_file(cfg.path("journal"))
    times.sort()
    growth = (rss_end - rss_warm) / rss_warm if rss_warm else 0.0
    print(f"{'issuances':<22}{args.runs:>10}")
    print(f"{'failures':<22}{len(failures):>10}")
    print(f"{'seconds (total)':<22}{total:>10.1f}")
    print(f"{'p50 / p99 per card s':<22}{times[len(times) // 2]:>10.3f} "
          f"{times[int(len(times) * 0.99) - 1]:.3f}")
    print(f"{'RSS warm / end MiB':<22}{rss_warm / 1024:>10.1f} {rss_end / 1024:.1f}")
    print(f"{'RSS growth':<22}{growth * 100:>9.2f}%  (target <= {TARGET_GROWTH * 100:.0f} %: "
          f"ratio {growth / TARGET_GROWTH:.2f})")
    print(f"{'journal':<22}{'verifies' if journal.ok else 'BROKEN'} ({journal.count} records)")
    for f in failures[:10]:
        print("  failed:", f)
    ok = not failures and growth <= TARGET_GROWTH and journal.ok
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
