"""Cold start of the kiosk app: a fresh process until the attract screen's first frame.

Runs ``kiosk run --windowed --exit-after-first-frame`` (offscreen) several times. Each
run is a new interpreter, so it pays Python start-up, imports, config validation, QML
compilation and the first render — everything a kiosk pays at boot except the OS
reading files from disk (the page cache is warm after the first run; run 1 is shown).
Targets on this 2-core machine: ≤ 1.5 s (issue 2), ≤ 0.35 s median (issue 9). Each run also
reports the process's own CPU time at its first frame, which a loaded machine inflates far
less than the wall time. It also checks that no heavy library
(dlib, cv2, …) was imported before the first frame, and shows what importing
dlib up front would have cost.

    python -m bench.cold_start [--runs N]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_S = 0.35  # issue 9 (issue 2 asked ≤ 1.5 s)
ISSUE2_TARGET_S = 1.5
#: The code issue 9 measured its 0.29 s on (the last commit before that work began).
ISSUE9_BASELINE = "797e320"
#: Issue 9's allowance over that baseline: 0.35 s where the baseline drew in 0.29 s.
ALLOWED_RATIO = TARGET_S / 0.29


@dataclass(frozen=True)
class Tree:
    """A source tree to start: this checkout, or an older commit unpacked for comparison."""

    name: str
    root: Path
    cli: str  # the module whose main() is the `kiosk` command
    cfg: Path

    @classmethod
    def at(cls, name: str, root: Path, tmp: Path) -> Tree:
        cli = "kiosk_app.cli" if (root / "kiosk_app" / "cli.py").is_file() else "kiosk_core.cli"
        work = tmp / name
        work.mkdir(parents=True, exist_ok=True)
        text = (root / "kiosk.toml").read_text(encoding="utf-8")
        cfg = work / "kiosk.toml"
        cfg.write_text(text.replace('data_dir = "var"', f'data_dir = "{work / "var"}"'),
                       encoding="utf-8")
        # As installed: byte-compiled (a wheel's install compiles; PYTHONDONTWRITEBYTECODE
        # would otherwise make every run compile every module from source again).
        packages = sorted(str(d) for d in root.iterdir()
                          if (d / "__init__.py").is_file() and d.name not in ("tests", "bench"))
        subprocess.run([sys.executable, "-m", "compileall", "-q", "-j", "0", *packages],
                       check=True, stdout=subprocess.DEVNULL)
        return cls(name, root, cli, cfg)


def unpack(ref: str, into: Path) -> Path:
    """``ref`` of this repository as plain files (git archive: no worktree, no .git change)."""
    into.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into


@dataclass(frozen=True)
class Run:
    wall_s: float  # spawn → first-frame line read, measured here
    self_s: float  # the process's own age at its first frame (from /proc)
    cpu_s: float  # CPU seconds the process had used by then (all its threads; nan: old code)
    heavy: tuple[str, ...]  # heavy modules already imported at that frame


def one_run(tree: Tree) -> Run:
    env = {**os.environ, "QT_QPA_PLATFORM": os.environ.get("QT_QPA_PLATFORM", "offscreen"),
           "PYTHONPATH": str(tree.root)}
    code = f"import sys; from {tree.cli} import main; sys.exit(main())"
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code, "run", "--config", str(tree.cfg),
                             "--windowed", "--exit-after-first-frame"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env, cwd=tree.root)
    assert proc.stdout is not None
    line = proc.stdout.readline()  # printed the moment the first frame is swapped
    wall = time.perf_counter() - t0
    proc.wait(timeout=60)
    if not line:
        raise SystemExit(f"{tree.name}: kiosk run exited ({proc.returncode}) without drawing "
                         "a frame")
    report = json.loads(line)
    return Run(wall, float(report["first_frame_s"]), float(report.get("cpu_s", "nan")),
               tuple(report["heavy_loaded"]))


def import_cost(module: str) -> float:
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    return float(out.stdout.strip()) if out.returncode == 0 else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cold_start")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--baseline", nargs="?", const=ISSUE9_BASELINE, metavar="REF",
                        help="also start the code at this commit, runs interleaved with "
                             f"this checkout's (default ref: {ISSUE9_BASELINE}, issue 9's)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kiosk-cold-") as tmp_s:
        tmp = Path(tmp_s)
        trees = [Tree.at("this checkout", REPO, tmp)]
        if args.baseline:
            trees.append(Tree.at(f"baseline {args.baseline}",
                                 unpack(args.baseline, tmp / "baseline-src"), tmp))
        runs: dict[str, list[Run]] = {t.name: [] for t in trees}
        for _ in range(args.runs):  # interleaved: both see the same machine, minute by minute
            for tree in trees:
                runs[tree.name].append(one_run(tree))

    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    print(f"cold start to attract screen drawn, {args.runs} fresh processes per tree "
          f"({os.cpu_count()} CPUs, QT_QPA_PLATFORM={platform}, byte-compiled)")
    print(f"{'tree':<22}{'run':>4} {'spawn→frame (s)':>16} {'CPU at frame (s)':>17}")
    for name, rs in runs.items():
        for i, r in enumerate(rs, 1):
            print(f"{name:<22}{i:>4} {r.wall_s:>16.3f} {r.cpu_s:>17.3f}")
    ours = runs[trees[0].name]
    median = statistics.median(r.wall_s for r in ours)
    heavy = sorted({m for r in ours for m in r.heavy})
    print()
    print(f"{'metric':<48} {'value':>10}")
    print(f"{'median spawn→first frame (s)':<48} {median:>10.3f}")
    print(f"{'min / max (s)':<48} {min(r.wall_s for r in ours):>4.3f} / "
          f"{max(r.wall_s for r in ours):.3f}")
    print(f"{'median CPU time at first frame (s)':<48} "
          f"{statistics.median(r.cpu_s for r in ours):>10.3f}")
    print(f"{'target (issue 9) (s)':<48} {TARGET_S:>10.3f}")
    print(f"{'ratio median / target':<48} {median / TARGET_S:>10.2f}")
    print(f"{'ratio median / issue 2 target (1.5 s)':<48} {median / ISSUE2_TARGET_S:>10.2f}")
    ratio = None
    if len(trees) > 1:
        base = statistics.median(r.wall_s for r in runs[trees[1].name])
        ratio = median / base
        print(f"{'baseline ' + args.baseline + ' median (s)':<48} {base:>10.3f}")
        print(f"{'ratio median / baseline (allowed ' + f'{ALLOWED_RATIO:.2f}' + ')':<48} "
              f"{ratio:>10.2f}")
    print(f"{'load average (1 min) at the end':<48} {os.getloadavg()[0]:>10.2f}")
    print(f"{'heavy modules loaded before first frame':<48} {', '.join(heavy) or 'none':>10}")
    print(f"{'(for reference) import dlib (s)':<48} {import_cost('dlib'):>10.3f}")
    print(f"{'(for reference) import cv2 (s)':<48} {import_cost('cv2'):>10.3f}")
    ok = median <= TARGET_S and not heavy
    print(f"\n{'PASS' if ok else 'FAIL'}: median {median:.3f} s vs target {TARGET_S} s"
          f"{'' if not heavy else '; heavy imports before first frame: ' + ', '.join(heavy)}")
    if ratio is not None:
        print(f"{'PASS' if ratio <= ALLOWED_RATIO else 'FAIL'}: {ratio:.2f} × the baseline's "
              f"start on this machine now (issue 9 allows {TARGET_S} / 0.29 = "
              f"{ALLOWED_RATIO:.2f} ×)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
