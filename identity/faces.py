"""Face detection, landmarks and encodings on dlib, with dlib's own model files.

The two model files the kiosk uses ship in ``identity/models/`` (copied unchanged from the
``face_recognition_models`` 0.3.0 wheel; identity/models/README.md). The 68-point model is
found in that wheel, which only the ``sim``/``dev`` extras install (data only: found with
``importlib.util.find_spec``, never imported — its ``__init__`` needs ``pkg_resources``).
Each model is loaded on first use, never at import of this module. Models and licences:

* HOG frontal face detector (built into dlib): Boost Software Licence 1.0.
* ``shape_predictor_5_face_landmarks.dat`` + ``dlib_face_recognition_resnet_model_v1.dat``
  (Davis King, dlib-models): CC0 / public domain — face alignment and matching.
* ``shape_predictor_68_face_landmarks.dat`` (trained on iBUG 300-W): **not for commercial
  use**. Only :func:`landmarks68` loads it, and only the camera simulator's rig tool and its
  tests call that; the kiosk's liveness uses :mod:`identity.face_mesh` (Apache-2.0).

Frames are RGB ``uint8`` arrays (H, W, 3).
"""

from __future__ import annotations

import importlib.util
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

Image = npt.NDArray[np.uint8]
Points = npt.NDArray[np.float64]  # (N, 2) x, y

_lock = threading.Lock()

MODEL_PACKAGE = "face_recognition_models"
SHAPE_5 = "shape_predictor_5_face_landmarks.dat"
ENCODER = "dlib_face_recognition_resnet_model_v1.dat"
SHAPE_68 = "shape_predictor_68_face_landmarks.dat"


class ModelUnavailable(RuntimeError):
    """A model file is missing (message names the file and the package that ships it)."""


#: The model files shipped with this package (the CC0 ones the kiosk needs).
SHIPPED_MODELS = Path(__file__).resolve().parent / "models"


def model_path(filename: str) -> Path:
    """A dlib model file: shipped in identity/models/, else (the 68-point model, for the
    simulator's tools) inside the ``face_recognition_models`` wheel, found without importing
    the package."""
    shipped = SHIPPED_MODELS / filename
    if shipped.is_file():
        return shipped
    spec = importlib.util.find_spec(MODEL_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"dlib model {filename} needs the {MODEL_PACKAGE} package "
                               f"(pip install 'smartbranch[sim]': simulator tools only)")
    for root in spec.submodule_search_locations:
        file = Path(root) / "models" / filename
        if file.is_file():
            return file
    raise ModelUnavailable(f"dlib model {filename} is missing from {MODEL_PACKAGE}")


class _Models:
    """dlib's detector, 5-point predictor and encoder (~0.5 s to load, ~30 MB)."""

    def __init__(self) -> None:
        import dlib

        self.dlib: Any = dlib
        self.detector: Any = dlib.get_frontal_face_detector()
        self.shape5: Any = dlib.shape_predictor(str(model_path(SHAPE_5)))
        self.encoder: Any = dlib.face_recognition_model_v1(str(model_path(ENCODER)))


@cache
def _models() -> _Models:
    return _Models()


@cache
def _shape68() -> Any:
    import dlib

    return dlib.shape_predictor(str(model_path(SHAPE_68)))


def models_loaded() -> bool:
    return _models.cache_info().currsize > 0


@dataclass(frozen=True)
class Box:
    """A face box in pixel coordinates (left, top, right, bottom)."""

    left: int
    top: int
    right: int
    bottom: int

    @property
    def area(self) -> int:
        return max(0, self.right - self.left) * max(0, self.bottom - self.top)

    @property
    def width(self) -> int:
        return self.right - self.left

    def as_dict(self) -> dict[str, int]:
        return {"left": self.left, "top": self.top, "right": self.right, "bottom": self.bottom}

    def scaled(self, k: float) -> Box:
        return Box(round(self.left * k), round(self.top * k), round(self.right * k),
                   round(self.bottom * k))


def _rgb(img: Image) -> Image:
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        raise ValueError(f"expected an RGB uint8 image (H, W, 3), got {img.dtype} {img.shape}")
    return np.ascontiguousarray(img)


def detect(img: Image, *, upsample: int = 0, max_side: int = 0) -> list[Box]:
    """HOG face boxes, largest first. ``max_side`` > 0 first shrinks the image so its longer
    side is at most that: a kiosk face fills much of a 640×480 frame, and HOG at half size
    is ~4× faster while faces stay above its ~80 px minimum."""
    import cv2

    img = _rgb(img)
    k = 1.0
    if max_side and max(img.shape[:2]) > max_side:
        k = max_side / max(img.shape[:2])
        img = np.asarray(cv2.resize(img, None, fx=k, fy=k, interpolation=cv2.INTER_AREA),
                         dtype=np.uint8)
    models = _models()
    with _lock:  # dlib objects are not documented as thread-safe
        rects = models.detector(img, upsample)
    h, w = img.shape[:2]
    boxes = [Box(max(0, r.left()), max(0, r.top()), min(w, r.right()), min(h, r.bottom()))
             for r in rects]
    boxes = [b.scaled(1 / k) if k != 1.0 else b for b in boxes]
    return sorted(boxes, key=lambda b: b.area, reverse=True)


def _rect(box: Box) -> Any:
    return _models().dlib.rectangle(box.left, box.top, box.right, box.bottom)


def landmarks68(img: Image, box: Box) -> Points:
    """The 68 iBUG landmarks — **non-commercial model**: for the camera simulator's rigs and
    its tests only, never called by the kiosk (see module doc)."""
    predictor = _shape68()
    with _lock:
        shape = predictor(_rgb(img), _rect(box))
    return np.array([(p.x, p.y) for p in shape.parts()], dtype=np.float64)


def encode(img: Image, box: Box, *, jitters: int = 1) -> npt.NDArray[np.float64]:
    """128-d encoding of the face in ``box`` (5-point alignment, public-domain models)."""
    models = _models()
    img = _rgb(img)
    with _lock:
        shape = models.shape5(img, _rect(box))
        vec = models.encoder.compute_face_descriptor(img, shape, jitters)
    return np.array(vec, dtype=np.float64)


def distance(a: npt.NDArray[np.float64], b: npt.NDArray[np.float64]) -> float:
    return float(np.linalg.norm(a - b))


# -- geometry on the 68 points ------------------------------------------------------------
RIGHT_EYE = slice(36, 42)  # the person's right eye: image left in a non-mirrored frame
LEFT_EYE = slice(42, 48)
NOSE_TIP = 30
MOUTH_CORNERS = (48, 54)
INNER_LIPS = (62, 66)


def eye_aspect_ratio(pts: Points) -> float:
    """Mean EAR of both eyes (Soukupová & Čech 2016): lid distance over eye width."""

    def one(e: Points) -> float:
        v = np.linalg.norm(e[1] - e[5]) + np.linalg.norm(e[2] - e[4])
        return float(v / (2.0 * max(float(np.linalg.norm(e[0] - e[3])), 1e-6)))

    return (one(pts[RIGHT_EYE]) + one(pts[LEFT_EYE])) / 2.0


def interocular(pts: Points) -> float:
    return float(np.linalg.norm(pts[RIGHT_EYE].mean(0) - pts[LEFT_EYE].mean(0)))


def mouth_width_ratio(pts: Points) -> float:
    """Mouth-corner distance over inter-ocular distance: rises with a smile."""
    a, b = MOUTH_CORNERS
    return float(np.linalg.norm(pts[a] - pts[b]) / max(interocular(pts), 1e-6))


def yaw_ratio(pts: Points) -> float:
    """Horizontal nose offset from the eye midpoint, in inter-ocular distances.

    Positive = nose towards image right; for a non-mirrored camera that is the person
    turning to *their* left."""
    mid = (pts[RIGHT_EYE].mean(0) + pts[LEFT_EYE].mean(0)) / 2.0
    return float((pts[NOSE_TIP][0] - mid[0]) / max(interocular(pts), 1e-6))


#: Points for the planar (homography) fit: jaw, brows, nose and eye corners — not the lids
#: or lips, which move in blinks and smiles.
RIGID_POINTS = np.r_[0:17, 17:27, 27:36, 36, 39, 42, 45]


def homography_residual(ref: Points, cur: Points) -> float:
    """RMS error of the best homography mapping ``ref`` landmarks to ``cur``, in inter-ocular
    distances. A flat photo, however tilted, fits one homography (~0.02); a real head turning
    does not (~0.1–0.2), because the nose and jaw move against the cheeks."""
    import cv2

    src = ref[RIGID_POINTS].astype(np.float32)
    dst = cur[RIGID_POINTS].astype(np.float32)
    h, _ = cv2.findHomography(src, dst, 0)
    if h is None:
        return float("inf")
    proj = cv2.perspectiveTransform(src.reshape(-1, 1, 2), h).reshape(-1, 2)
    rms = float(np.sqrt(np.mean(np.sum((proj - dst) ** 2, axis=1))))
    return rms / max(interocular(cur), 1e-6)
