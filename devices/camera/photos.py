"""Public-domain portraits the simulated camera builds its scenes from, shipped with the
package in ``devices/camera/samples/`` (README.md there names each one's source):

* ``astronaut`` — Eileen Collins, NASA portrait (public domain; scikit-image's sample data);
* ``hopper`` — Grace Hopper, US Navy photo (public domain; matplotlib's sample data).

Copied once, so neither scikit-image nor matplotlib (~240 MB with their dependencies) is
installed to read two photos.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

PHOTOS = ("astronaut", "hopper")
SAMPLES = Path(__file__).resolve().parent / "samples"
_FILES = {"astronaut": "astronaut.png", "hopper": "grace_hopper.jpg"}


class PhotoUnavailable(LookupError):
    pass


def path(name: str) -> Path:
    """The photo's file."""
    try:
        file = SAMPLES / _FILES[name]
    except KeyError:
        raise PhotoUnavailable(f"unknown photo '{name}' (have: {', '.join(PHOTOS)})") from None
    if not file.is_file():
        raise PhotoUnavailable(f"photo '{name}': {file} is missing")
    return file


@cache
def load(name: str) -> npt.NDArray[np.uint8]:
    """An RGB portrait by name (read-only array)."""
    import cv2

    file = path(name)
    bgr = cv2.imread(str(file), cv2.IMREAD_COLOR)  # releases the GIL while it decodes
    if bgr is None:
        raise PhotoUnavailable(f"photo '{name}': cannot read {file}")
    img = np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), dtype=np.uint8)
    img.setflags(write=False)
    return img
