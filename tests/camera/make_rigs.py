"""Landmarks of the simulator's sample photos, computed with the identity models.

The simulated camera warps these photos (blink, turn, smile) around their 68 landmarks. They
are computed here, once, and shipped as ``devices/camera/rigs.json``, so building a scene in
the kiosk's process loads no dlib model (540 ms holding the GIL) and devices/ does not import
identity/. ``tests/camera/test_rigs.py`` fails when the shipped file and the models disagree.

    .venv/bin/python tests/camera/make_rigs.py     # rewrite devices/camera/rigs.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from devices.camera import photos  # noqa: E402
from devices.camera.synth import RIGS_FILE  # noqa: E402


def compute() -> dict[str, Any]:
    from identity import faces

    out: dict[str, Any] = {}
    for name in photos.PHOTOS:
        img = photos.load(name)
        boxes = faces.detect(img, upsample=1)
        if not boxes:
            raise RuntimeError(f"no face found in photo '{name}'")
        b = boxes[0]
        pts = faces.landmarks68(img, b)
        out[name] = {"box": [b.left, b.top, b.right, b.bottom],
                     "landmarks": [[float(x), float(y)] for x, y in pts]}
    return out


if __name__ == "__main__":
    RIGS_FILE.write_text(json.dumps(compute(), separators=(",", ":")) + "\n", encoding="utf-8")
    print(RIGS_FILE)
