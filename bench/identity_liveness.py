"""Liveness evaluation (ISO/IEC 30107-3 style): APCER per attack type and BPCER per person,
per attempt and per transaction (the kiosk retries a timed-out attempt once with other
challenges), on the **held-apart** set of synthetic people (:mod:`bench._liveness_sets`) that
the thresholds were not tuned on (``bench.liveness_tune``).

``python -m bench.identity_liveness [N] [--genuine G] [--set held|tuning|legacy]
[--params FILE] [--workers W] [--markdown]``: N trials per attack cell, G per genuine person
(default 2 × N), each trial its own seed for the attack's motion and noise and for the
challenge order. ``--set legacy`` is the bench before the split (the two photos as shipped,
seeds 0–…); ``--params`` takes thresholds from ``bench.liveness_tune --out`` instead of the
defaults in ``LivenessParams``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from bench._liveness_sets import (
    HELD_APART_PEOPLE,
    HELD_APART_SEEDS,
    LEGACY_PEOPLE,
    ORDER_SEED_OFFSET,
    TUNING_PEOPLE,
    TUNING_SEEDS,
)
from identity.attacks import ATTACKS, make_presenter, run_transaction
from identity.liveness import CHALLENGES, LivenessParams

SETS = {"held": (HELD_APART_PEOPLE, HELD_APART_SEEDS),
        "tuning": (TUNING_PEOPLE, TUNING_SEEDS),
        "legacy": (LEGACY_PEOPLE, range(0, 1000))}


def upper_95(errors: int, n: int) -> float:
    """One-sided 95 % upper confidence bound of an error rate (exact, Clopper–Pearson):
    the rate at which seeing ``errors`` or fewer in ``n`` has 5 % probability."""
    if n <= 0:
        return 1.0
    if errors >= n:
        return 1.0

    def cdf(p: float) -> float:
        term, total = (1 - p) ** n, 0.0
        for k in range(errors + 1):
            total += term
            term *= (n - k) / (k + 1) * p / (1 - p) if p < 1 else 0.0
        return total

    lo, hi = errors / n, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if cdf(mid) > 0.05 else (lo, mid)
    return hi


@dataclass
class Cell:
    kind: str
    person: str
    n: int = 0
    first_ok: int = 0
    txn_ok: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def genuine(self) -> bool:
        return self.kind == "genuine"

    def errors(self, per: str) -> int:
        ok = self.first_ok if per == "attempt" else self.txn_ok
        return self.n - ok if self.genuine else ok


def trial(kind: str, person: str, seed: int, params: dict[str, float]) -> tuple[bool, int, str]:
    """One transaction: (accepted, attempts used, outcome)."""
    kw: dict[str, object] = {"count": 3}
    if params:
        kw["params"] = LivenessParams(**params)  # type: ignore[arg-type]
    up, used = run_transaction(make_presenter(kind, person, seed), attempts=2,
                               seed=ORDER_SEED_OFFSET + seed, **kw)
    # A refusal for a movement names the challenge it happened in (what went wrong where).
    what = f"[{up.challenge.partition('@')[0]}]" if up.challenge and up.reason in (
        "fail_timeout", "fail_person_changed", "fail_wrong_action") else ""
    return up.state == "passed", used, (up.reason or "passed") + what


def _trial_args(args: tuple[str, str, int, dict[str, float]]) -> tuple[bool, int, str]:
    return trial(*args)


def evaluate(people: Sequence[str], seeds: Sequence[int], trials: int, genuine_trials: int,
             params: dict[str, float], workers: int = 1) -> list[Cell]:
    cells: list[Cell] = []
    print(f"{'presentation':<13}{'person':<40}{'n':>4}{'1st ok':>7}{'rate/att':>9}"
          f"{'txn ok':>7}{'rate/txn':>9}  metric; outcomes", flush=True)
    pool = None
    if workers > 1:
        import multiprocessing

        pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        for kind in ("genuine", *ATTACKS):
            for person in people:
                n = genuine_trials if kind == "genuine" else trials
                jobs = [(kind, person, s, params) for s in list(seeds)[:n]]
                t0 = time.perf_counter()
                results = pool.map(_trial_args, jobs) if pool else [_trial_args(j) for j in jobs]
                cell = Cell(kind, person, len(jobs), seconds=time.perf_counter() - t0)
                for ok, used, reason in results:
                    cell.txn_ok += ok
                    cell.first_ok += ok and used == 1
                    cell.reasons[reason + (f"@{used}" if used > 1 else "")] += 1
                cells.append(cell)
                rate_a = cell.errors("attempt") / cell.n
                rate_t = cell.errors("txn") / cell.n
                print(f"{kind:<13}{person:<40}{cell.n:>4}{cell.first_ok:>7}{rate_a:>9.2f}"
                      f"{cell.txn_ok:>7}{rate_t:>9.2f}  "
                      f"{'BPCER' if cell.genuine else 'APCER'}; {dict(cell.reasons)} "
                      f"({cell.seconds:.0f} s)", flush=True)
    finally:
        if pool:
            pool.close()
            pool.join()
    return cells


def summary(cells: Sequence[Cell]) -> str:
    """APCER per attack type (people pooled) and BPCER per person, with 95 % upper bounds."""
    lines = [f"{'':<44}{'per attempt':>22}{'per transaction':>26}",
             f"{'rate':<8}{'of':<36}{'err/n':>9}{'rate':>6}{'≤95%':>7}"
             f"{'err/n':>11}{'rate':>6}{'≤95%':>7}"]
    by_attack: dict[str, list[Cell]] = defaultdict(list)
    for c in cells:
        if not c.genuine:
            by_attack[c.kind].append(c)

    def row(metric: str, label: str, group: Sequence[Cell]) -> str:
        n = sum(c.n for c in group)
        out = f"{metric:<8}{label:<36}"
        for per in ("attempt", "txn"):
            e = sum(c.errors(per) for c in group)
            out += f"{f'{e}/{n}':>{9 if per == 'attempt' else 11}}{e / n:>6.3f}" \
                   f"{upper_95(e, n):>7.3f}"
        return out

    for kind, group in by_attack.items():
        lines.append(row("APCER", kind, group))
    for c in cells:
        if c.genuine:
            lines.append(row("BPCER", c.person, [c]))
    gen = [c for c in cells if c.genuine]
    if gen:
        lines.append(row("BPCER", "all genuine pooled", gen))
    return "\n".join(lines)


def markdown(cells: Sequence[Cell]) -> str:
    rows = ["| presentation | person | n | accepted 1st | rate / attempt | accepted txn | "
            "rate / txn | outcomes |", "|---|---|---:|---:|---:|---:|---:|---|"]
    for c in cells:
        m = "BPCER " if c.genuine else ""
        rows.append(f"| {c.kind} | `{c.person}` | {c.n} | {c.first_ok} | "
                    f"{m}{c.errors('attempt') / c.n:.2f} | {c.txn_ok} | "
                    f"{m}**{c.errors('txn') / c.n:.2f}** | "
                    f"{', '.join(f'{k} {v}' for k, v in sorted(c.reasons.items()))} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.identity_liveness", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("trials", nargs="?", type=int, default=10, help="trials per attack cell")
    ap.add_argument("--genuine", type=int, help="trials per genuine person (default 2 × N)")
    ap.add_argument("--set", choices=sorted(SETS), default="held")
    ap.add_argument("--params", type=Path, help="thresholds from bench.liveness_tune --out")
    ap.add_argument("--workers", type=int, default=1,
                    help="processes (use 2 only on an otherwise idle 2-core machine)")
    ap.add_argument("--markdown", action="store_true", help="also print the table as markdown")
    args = ap.parse_args(argv)
    people, seeds = SETS[args.set]
    params: dict[str, float] = {}
    if args.params:
        params = json.loads(args.params.read_text(encoding="utf-8"))["params"]
    genuine = args.genuine if args.genuine is not None else 2 * args.trials
    used = LivenessParams(**params)  # type: ignore[arg-type]
    print(f"set {args.set}: {len(people)} people, seeds from {seeds[0]}; challenges "
          f"{', '.join(CHALLENGES)}; turn_score {used.turn_score}, nod_score "
          f"{getattr(used, 'nod_score', '—')}, smile_ratio "
          f"{used.smile_ratio}, moire_fail {used.moire_fail}"
          f"{' (from ' + str(args.params) + ')' if args.params else ' (defaults)'}")
    print(f"{platform.machine()} {os.cpu_count()} cpu, Python {platform.python_version()}, "
          f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC", flush=True)
    t0 = time.perf_counter()
    cells = evaluate(people, seeds, args.trials, genuine, params, args.workers)
    print(summary(cells))
    if args.markdown:
        print(markdown(cells))
    print(f"{sum(c.n for c in cells)} transactions in {time.perf_counter() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
