"""How much a customer drew: a dot or a stray touch is not a signature. Standard library
only, so the screens can check a signature on the GUI thread without loading the flows."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

#: A signature needs at least this much ink (pad units: the pad is 1000 wide).
MIN_INK = 250.0


def ink(strokes: Sequence[Sequence[Sequence[float]]]) -> float:
    """Total length of the strokes (points are [x, y, …])."""
    return sum(math.dist(p0[:2], p1[:2]) for stroke in strokes
               for p0, p1 in itertools.pairwise(stroke))
