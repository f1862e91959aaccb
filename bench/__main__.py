"""Run every benchmark: ``python -m bench`` (or ``./dev.sh bench``); ``python -m bench NAME…``
runs only those; options after the names go to each (``python -m bench power_cut --runs 2``).
Each benchmark is its own module, run in a fresh process so that one's
imports and caches do not colour another's numbers."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    split = next((i for i, a in enumerate(argv) if a.startswith("-")), len(argv))
    argv, options = argv[:split], argv[split:]
    wanted = argv or names
    unknown = [n for n in wanted if n not in names]
    if unknown:
        print(
            f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(names)}", file=sys.stderr
        )
        return 2
    failed = []
    for name in wanted:
        print(f"\n=== bench.{name} ===", flush=True)
        t0 = time.perf_counter()
        rc = subprocess.call([sys.executable, "-m", f"bench.{name}", *options])
        print(f"--- bench.{name}: exit {rc} in {time.perf_counter() - t0:.1f} s", flush=True)
        if rc:
            failed.append(name)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
