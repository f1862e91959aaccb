"""Choose the liveness thresholds from the tuning set only (issue 16).

``python -m bench.liveness_tune [SEEDS] [--out FILE]``: for every tuning person
(:data:`bench._liveness_sets.TUNING_PEOPLE`) and the first SEEDS tuning seeds, *probes* the
method: the genuine person is asked one movement (turn left, turn right, smile, blink) with
thresholds out of reach, so the whole movement is measured instead of stopping where it
passes; the attacks (print, tilted photo, mask, screen replay, wrong-order video) are watched
the same way. Then, per threshold, the value between the two classes:

* ``turn_score`` — above the largest turn score a flat photo (print, tilted photo) reached,
  and low enough that 1.5× it (what the method needs to fail a person for an *unasked*
  turn, which is what refuses a recording) stays under the smallest genuine turn, the way
  asked: the middle of that interval (of the plain gap, flagged, if the interval is empty);
* ``nod_score`` — the same rule for a nod (down), where the pool has one;
* ``smile_ratio`` — between the widest mouth (× baseline, face frontal) seen where nobody
  smiled (genuine turns and blinks, print, tilted photo, mask) and the narrowest genuine
  smile;
* ``moire_fail`` — between the highest running median of the passive score for a genuine
  person and the lowest for a screen replay or print (geometric mean: the score is a ratio).

Classes that overlap get the value with the fewest errors (genuine errors counted first) and
are flagged. Prints what it chose; ``--out`` writes it as JSON for
``bench.identity_liveness --params``.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench._liveness_sets import TUNING_PEOPLE, TUNING_SEEDS
from identity.attacks import make_presenter
from identity.liveness import CHALLENGES, GeometricChallenge, LivenessParams

#: The genuine movements probed (those of the pool with a threshold this tunes).
GENUINE_PROBES = tuple(c for c in ("turn_left", "turn_right", "smile", "blink", "nod")
                       if c in CHALLENGES)
ATTACK_PROBES = ("print", "tilt", "mask", "replay", "wrong_video")
FLAT = ("print", "tilt")  # what the turn test itself must refuse
PASSIVE = ("print", "replay")  # what the passive score is meant to catch
#: Thresholds out of reach: the probe measures, it does not decide.
_PROBE = LivenessParams(turn_score=99.0, smile_ratio=99.0, blink_ratio=0.0, moire_fail=1e12,
                        nod_score=99.0, time_limit_s=4.0)


@dataclass
class Probe:
    kind: str  # "genuine" or an attack
    asked: str  # the movement asked (genuine) or "" (attacks)
    person: str
    seed: int
    turn_left: float = 0.0  # largest turn score towards the person's left (signed +)
    turn_right: float = 0.0  # largest towards the right (as a positive number)
    nod: float = 0.0  # largest nod score (down)
    smile: float = 0.0  # widest mouth / baseline while frontal
    passive: float = 0.0  # highest running median of the passive score (from 3 samples)
    frames: int = 0
    moire: list[float] = field(default_factory=list)


def probe(kind: str, person: str, seed: int, asked: str = "turn_left",
          fps: float = 12.0) -> Probe:
    """Watch one presentation for one asked movement (4 s) with thresholds out of reach."""
    presenter = make_presenter(kind, person, seed)
    method = GeometricChallenge([asked], params=_PROBE, encoder=None)
    out = Probe(kind, asked if kind == "genuine" else "", person, seed)
    t, last = 0.0, ""
    while t < 16.0:
        up = method.feed(presenter.frame(t), t)
        out.frames += 1
        if up.done:
            break
        if up.prompt != last:
            last = up.prompt
            if up.action:
                presenter.act(up.action)
        if up.state == "challenge" and up.face_box is not None and method.base_mwr:
            score = up.metrics.get("turn_score", 0.0)
            out.turn_left = max(out.turn_left, score)
            out.turn_right = max(out.turn_right, -score)
            out.nod = max(out.nod, up.metrics.get("nod_score", 0.0))
            if abs(up.metrics["yaw"] - method.base_yaw) < method.p.smile_max_yaw:
                out.smile = max(out.smile, up.metrics["mouth"] / method.base_mwr)
        t += 1.0 / fps
    out.moire = list(method.moire)
    running = [statistics.median(out.moire[:k]) for k in range(3, len(out.moire) + 1)]
    out.passive = max(running, default=0.0)
    return out


@dataclass(frozen=True)
class Choice:
    name: str
    value: float
    below: float  # the class that must stay under it: its largest value
    above: float  # the class that must reach it: its smallest value
    separated: bool
    errors_below: int  # values of the lower class at or over the threshold
    errors_above: int  # values of the upper class under it
    n_below: int
    n_above: int
    clear_margin: bool = True  # clear × value stays under the upper class (when asked)


def between(name: str, low: Sequence[float], high: Sequence[float], *,
            geometric: bool = False, clear: float = 1.0) -> Choice:
    """The threshold between a class that must stay below (``low``) and one that must reach
    it (``high``): the midpoint of the gap if there is one, else the candidate with the
    fewest errors (the upper class's first: for genuine people that is the BPCER). With
    ``clear`` > 1 the gap's top is ``min(high) / clear`` when that still leaves one."""
    if not low or not high:
        raise ValueError(f"{name}: need values of both classes")
    lo, hi = max(low), min(high)

    def errs(v: float) -> tuple[int, int]:
        return sum(x >= v for x in low), sum(x < v for x in high)

    top = hi / clear if lo < hi / clear else hi
    if lo < hi:
        value = math.sqrt(lo * top) if geometric and lo > 0 else (lo + top) / 2
    else:
        cands = sorted({*low, *high})
        cands += [c + 1e-9 for c in cands]
        value = min(cands, key=lambda v: (errs(v)[1], errs(v)[0], v))
    e_lo, e_hi = errs(value)
    return Choice(name, value, lo, hi, lo < hi, e_lo, e_hi, len(low), len(high),
                  clear * value < hi)


def choose(probes: Sequence[Probe]) -> dict[str, Choice]:
    """Thresholds from probes (the rule; see the module's docstring). Which class is which:

    * turn — upper: genuine turn probes, the asked way; lower: flat attacks, either way;
    * nod — upper: genuine nod probes; lower: flat attacks (a photo leaned back or shaken);
    * smile — upper: genuine smile probes; lower: genuine turns and blinks, and the attacks
      that cannot smile (recordings of a real smile are refused by the order, not by this);
    * passive — upper: prints and replays; lower: every genuine probe.
    """
    gen = [p for p in probes if p.kind == "genuine"]
    turns = [p.turn_left if p.asked == "turn_left" else p.turn_right
             for p in gen if p.asked in ("turn_left", "turn_right")]
    flat = [max(p.turn_left, p.turn_right) for p in probes if p.kind in FLAT]
    smiles = [p.smile for p in gen if p.asked == "smile"]
    not_smile = [p.smile for p in probes if (p.kind == "genuine" and p.asked != "smile")
                 or p.kind in (*FLAT, "mask")]
    nods = [p.nod for p in gen if p.asked == "nod"]
    flat_nod = [p.nod for p in probes if p.kind in FLAT]
    live = [p.passive for p in gen]
    spoof = [p.passive for p in probes if p.kind in PASSIVE]
    out = {"turn_score": between("turn_score", flat, turns, clear=1.5)}
    if nods:
        out["nod_score"] = between("nod_score", flat_nod, nods, clear=1.5)
    return out | {
        "smile_ratio": between("smile_ratio", not_smile, smiles),
        "moire_fail": between("moire_fail", live, spoof, geometric=True),
    }


def collect(people: Sequence[str], seeds: Sequence[int], log: bool = True) -> list[Probe]:
    probes = []
    for person in people:
        t0 = time.perf_counter()
        for seed in seeds:
            for asked in GENUINE_PROBES:
                probes.append(probe("genuine", person, seed, asked))
            for kind in ATTACK_PROBES:
                probes.append(probe(kind, person, seed))
        if log:
            mine = [p for p in probes if p.person == person]
            print(f"  {person:<34} {len(mine):>3} probes  {_summary(mine)}  "
                  f"({time.perf_counter() - t0:.0f} s)", flush=True)
    return probes


def _summary(probes: Sequence[Probe]) -> str:
    def rng(vals: list[float]) -> str:
        return f"{min(vals):.3g}–{max(vals):.3g}" if vals else "—"

    gen = [p for p in probes if p.kind == "genuine"]
    return (f"turn gen {rng([max(p.turn_left, p.turn_right) for p in gen if 'turn' in p.asked])}"
            f" flat {rng([max(p.turn_left, p.turn_right) for p in probes if p.kind in FLAT])};"
            f" smile {rng([p.smile for p in gen if p.asked == 'smile'])};"
            f" passive gen {rng([p.passive for p in gen])}"
            f" spoof {rng([p.passive for p in probes if p.kind in PASSIVE])}")


def report(choices: dict[str, Choice]) -> str:
    lines = [f"{'threshold':<12}{'chosen':>9}{'lower max':>11}{'upper min':>11}"
             f"{'errors lower/upper':>20}  classes"]
    for c in choices.values():
        flag = "separated" if c.separated else "OVERLAP"
        if c.separated and not c.clear_margin:
            flag += f"; 1.5× ({1.5 * c.value:.3g}) is above the weakest genuine one"
        lines.append(f"{c.name:<12}{c.value:>9.4g}{c.below:>11.4g}{c.above:>11.4g}"
                     f"{f'{c.errors_below}/{c.n_below}  {c.errors_above}/{c.n_above}':>20}  "
                     f"{flag}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.liveness_tune", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("seeds", nargs="?", type=int, default=3,
                    help="tuning seeds per person (default 3)")
    ap.add_argument("--out", type=Path, help="write the chosen thresholds as JSON")
    args = ap.parse_args(argv)
    seeds = list(TUNING_SEEDS)[:args.seeds]
    print(f"tuning set: {len(TUNING_PEOPLE)} people × seeds {seeds[0]}–{seeds[-1]}; "
          f"{len(GENUINE_PROBES)} genuine + {len(ATTACK_PROBES)} attack probes each", flush=True)
    t0 = time.perf_counter()
    probes = collect(TUNING_PEOPLE, seeds)
    choices = choose(probes)
    print(report(choices))
    tuned = {k: round(c.value, 4) for k, c in choices.items()}
    print(f"LivenessParams({', '.join(f'{k}={v}' for k, v in tuned.items())})  "
          f"[{len(probes)} probes, {sum(p.frames for p in probes)} frames, "
          f"{time.perf_counter() - t0:.0f} s]")
    if args.out:
        args.out.write_text(json.dumps({"params": tuned, "people": list(TUNING_PEOPLE),
                                        "seeds": seeds, "probes": len(probes)}, indent=1)
                            + "\n", encoding="utf-8")
    return 0


__all__ = ["Choice", "Probe", "between", "choose", "collect", "main", "probe"]

if __name__ == "__main__":
    sys.exit(main())
