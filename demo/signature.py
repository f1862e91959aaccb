"""The scripted customer's signature: strokes as a finger draws them on the pad, points
(x, y, ms since the first touch) in pad units (1000 wide), at a finger's pace (~60 points/s);
a few connected loops, well above the session's minimum ink."""

from __future__ import annotations

import math

Stroke = list[tuple[float, float, float]]


def scripted_signature(width: float = 1000.0, height: float = 700.0) -> list[Stroke]:
    """Two strokes: a looping surname and an underline."""
    loops: Stroke = []
    for i in range(120):
        t = i / 119
        x = width * (0.12 + 0.7 * t) + 30 * math.cos(t * 6 * math.pi)
        y = height * 0.45 + 60 * math.sin(t * 6 * math.pi) - 40 * t
        loops.append((round(x, 1), round(y, 1), 16.0 * i))
    # Lifted, then the underline 400 ms after the loops ended.
    start = 16.0 * 120 + 400
    underline: Stroke = [(round(width * (0.15 + 0.6 * t / 20), 1), round(height * 0.65, 1),
                          start + 16.0 * t) for t in range(21)]
    return [loops, underline]
