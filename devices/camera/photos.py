"""Public-domain portraits the simulated camera builds its scenes from.

* ``astronaut`` — Eileen Collins, NASA portrait (public domain), from scikit-image's data.
* ``hopper`` — Grace Hopper, US Navy photo (public domain), from matplotlib's sample data.

Both packages ship the files inside their wheels, so nothing is downloaded.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

PHOTOS = ("astronaut", "hopper")


class PhotoUnavailable(LookupError):
    pass


#: Where each package keeps its photo, relative to the package's directory.
_FILES = {"astronaut": ("skimage", "data/astronaut.png"),
          "hopper": ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg")}


def path(name: str) -> Path:
    """The photo's file inside its package, found without importing the package (importing
    scikit-image or matplotlib costs ~0.4 s of GIL-holding work in the kiosk's process)."""
    try:
        package, rel = _FILES[name]
    except KeyError:
        raise PhotoUnavailable(f"unknown photo '{name}' (have: {', '.join(PHOTOS)})") from None
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise PhotoUnavailable(f"photo '{name}' needs {package}")
    for root in spec.submodule_search_locations:
        file = Path(root) / rel
        if file.is_file():
            return file
    raise PhotoUnavailable(f"photo '{name}': {rel} is missing from {package}")


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
