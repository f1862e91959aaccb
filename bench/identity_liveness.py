"""Liveness evaluation on the generated attack set (ISO/IEC 30107-3 style): APCER per attack
type and BPCER for genuine presentations, per attempt and per transaction (the kiosk retries
a timed-out attempt once with other challenges). ``python -m bench.identity_liveness [N]``."""

from __future__ import annotations

import sys
import time
from collections import Counter

from identity.attacks import ATTACKS, make_presenter, run_transaction

PEOPLE = ("astronaut", "hopper")


def evaluate(trials: int) -> None:
    print(f"{'presentation':<13}{'person':<10}{'n':>4}{'1st ok':>7}{'rate/attempt':>13}"
          f"{'txn ok':>7}{'rate/txn':>9}  metric; outcomes")
    for kind in ("genuine", *ATTACKS):
        for person in PEOPLE:
            first_ok, txn_ok, reasons = 0, 0, Counter[str]()
            t0 = time.perf_counter()
            for seed in range(trials):
                up, used = run_transaction(make_presenter(kind, person, seed), attempts=2,
                                           seed=1000 + seed, count=3)
                ok = up.state == "passed"
                txn_ok += ok
                first_ok += ok and used == 1
                reasons[(up.reason or "passed") + (f"@{used}" if used > 1 else "")] += 1
            genuine = kind == "genuine"

            def rate(n_ok: int, genuine: bool = genuine) -> float:
                return 1 - n_ok / trials if genuine else n_ok / trials

            print(f"{kind:<13}{person:<10}{trials:>4}{first_ok:>7}{rate(first_ok):>13.2f}"
                  f"{txn_ok:>7}{rate(txn_ok):>9.2f}  {'BPCER' if genuine else 'APCER'}; "
                  f"{dict(reasons)} ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    evaluate(int(sys.argv[1]) if len(sys.argv) > 1 else 10)
