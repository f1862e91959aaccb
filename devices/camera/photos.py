"""Public-domain portraits the simulated camera builds its scenes from.

* ``astronaut`` — Eileen Collins, NASA portrait (public domain), from scikit-image's data.
* ``hopper`` — Grace Hopper, US Navy photo (public domain), from matplotlib's sample data.

Both packages ship the files inside their wheels, so nothing is downloaded.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import numpy.typing as npt

PHOTOS = ("astronaut", "hopper")


class PhotoUnavailable(LookupError):
    pass


@cache
def load(name: str) -> npt.NDArray[np.uint8]:
    """An RGB portrait by name (read-only array)."""
    if name == "astronaut":
        try:
            import skimage.data
        except ImportError as exc:
            raise PhotoUnavailable("photo 'astronaut' needs scikit-image") from exc
        img = np.asarray(skimage.data.astronaut(), dtype=np.uint8)
    elif name == "hopper":
        try:
            import matplotlib.cbook
            from PIL import Image
        except ImportError as exc:
            raise PhotoUnavailable("photo 'hopper' needs matplotlib") from exc
        path = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
        img = np.asarray(Image.open(str(path)).convert("RGB"), dtype=np.uint8)
    else:
        raise PhotoUnavailable(f"unknown photo '{name}' (have: {', '.join(PHOTOS)})")
    img = np.ascontiguousarray(img)
    img.setflags(write=False)
    return img
