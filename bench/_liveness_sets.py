"""The liveness evaluation's split (issue 16): synthetic people and scene seeds the thresholds
are tuned on (``bench.liveness_tune``), and a held-apart set they are scored on
(``bench.identity_liveness``) that tuning never touches.

People are names for :mod:`devices.camera.variants` (``base.tags@scene``). The two sets
share no person, no person-tag combination, no scene-condition combination and no seed;
both draw on both shipped photos (there are only two), so a base face itself is not held
apart — see docs/liveness-evaluation.md. The original photos are in the *tuning* set: the
thresholds before this split were chosen by looking at them.
"""

from __future__ import annotations

TUNING_PEOPLE = (
    "astronaut",
    "hopper",
    "astronaut.m.narrow.thick@warm",
    "astronaut.long.olive.thin@side",
    "hopper.m.wide@warm.noisy",
    "hopper.long.pale.soft@side",
)
TUNING_SEEDS = range(100, 200)

HELD_APART_PEOPLE = (
    "astronaut.m.wide.deep@dim",
    "astronaut.narrow.pale.thin@cold",
    "astronaut.m.long.soft.thick@cold.noisy",
    "hopper.m.narrow.deep@dim",
    "hopper.wide.olive.soft@cold",
    "hopper.m.pale@side.cold",
)
HELD_APART_SEEDS = range(500, 600)
#: Challenge orders are drawn from this offset + the trial's seed (tuning draws none).
ORDER_SEED_OFFSET = 1000

#: The bench before the split: the two photos as shipped, seeds 0–19.
LEGACY_PEOPLE = ("astronaut", "hopper")


def person_of(name: str) -> str:
    """The person part of a name (without the scene conditions)."""
    return name.partition("@")[0]
