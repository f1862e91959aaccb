"""468-point face mesh for liveness: MediaPipe's face landmark model run by OpenCV's DNN.

Model: ``identity/models/face_landmark.tflite`` — MediaPipe Face Mesh v1 (Google), copied
unchanged from the ``mediapipe`` 0.10.21 wheel on PyPI (``mediapipe/modules/face_landmark/``;
sha256 1055cb9d…c814), licence Apache-2.0 (``identity/models/LICENSE-mediapipe.txt``), which
allows a bank to ship it. The ``mediapipe`` package itself is not a dependency (it pins
``numpy<2`` and pulls JAX and a second OpenCV): OpenCV reads the TFLite file itself
(``cv2.dnn.readNetFromTFLite``). Loaded on first use; nothing is downloaded, ever.

Input: a square crop around the face box (1.6× its size, as MediaPipe crops 1.5× its own
detector's looser box), 192×192 RGB in [0, 1]. Output: 468 points (x, y in crop pixels, z
relative depth) and a face-presence logit. ~3 ms a frame on one core.

:data:`DLIB68` maps the mesh to the 68 iBUG point positions, so the geometry in
:mod:`identity.faces` (eye aspect ratio, mouth width, nose offset, planar fit) reads the same
on either model.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from identity.faces import Box, Image, Points

MODEL_FILE = Path(__file__).resolve().parent / "models" / "face_landmark.tflite"
MODEL_SHA256 = "1055cb9d4a9ca8b8c688902a3a5194311138ba256bcc94e336d8373a5f30c814"
INPUT = 192
CROP_SCALE = 1.6

#: Mesh vertex for each of the 68 iBUG positions (jaw 0–16, brows 17–26, nose 27–35,
#: eyes 36–47, outer lips 48–59, inner lips 60–67).
DLIB68 = np.array([
    162, 234, 93, 58, 172, 136, 149, 148, 152, 377, 378, 365, 397, 288, 323, 454, 389,
    71, 63, 105, 66, 107, 336, 296, 334, 293, 301,
    168, 197, 5, 4, 75, 97, 2, 326, 305,
    33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380,
    61, 39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181,
    78, 82, 13, 312, 308, 317, 14, 87,
])

_lock = threading.Lock()


class MeshUnavailable(RuntimeError):
    pass


@cache
def _net() -> Any:
    import cv2

    if not MODEL_FILE.is_file():
        raise MeshUnavailable(f"face mesh model missing: {MODEL_FILE}")
    return cv2.dnn.readNetFromTFLite(str(MODEL_FILE))


def loaded() -> bool:
    return _net.cache_info().currsize > 0


def mesh(img: Image, box: Box) -> tuple[npt.NDArray[np.float64], float]:
    """The 468 mesh points (x, y, z) in frame pixels for the face in ``box``, and the
    model's face-presence probability (low: no face in the crop)."""
    import cv2

    cx, cy = (box.left + box.right) / 2.0, (box.top + box.bottom) / 2.0
    side = max(box.right - box.left, box.bottom - box.top) * CROP_SCALE
    k = INPUT / side
    m = np.array([[k, 0, (side / 2 - cx) * k], [0, k, (side / 2 - cy) * k]], dtype=np.float32)
    crop = cv2.warpAffine(img, m, (INPUT, INPUT), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_REPLICATE)
    blob = cv2.dnn.blobFromImage(crop, 1 / 255.0)
    net = _net()
    with _lock:  # one net, its buffers are reused between calls
        net.setInput(blob)
        outs = net.forward(net.getUnconnectedOutLayersNames())
    pts = next(o for o in outs if o.size == 468 * 3).reshape(468, 3).astype(np.float64)
    logit = float(next(o for o in outs if o.size == 1).ravel()[0])
    pts[:, :2] = pts[:, :2] / k + [cx - side / 2, cy - side / 2]
    pts[:, 2] /= k
    return pts, float(1.0 / (1.0 + np.exp(-logit)))


def landmarks68(img: Image, box: Box) -> Points:
    """The mesh read at the 68 iBUG positions (x, y in frame pixels)."""
    pts, _ = mesh(img, box)
    return np.ascontiguousarray(pts[DLIB68, :2])


def landmarks_with_mesh(img: Image, box: Box) -> Points:
    """Rows 0–67: the iBUG positions; rows 68–535: the whole mesh (x, y)."""
    pts, _ = mesh(img, box)
    return np.ascontiguousarray(np.vstack([pts[DLIB68, :2], pts[:, :2]]))


NOSE = np.array([1, 4, 5, 195, 197])  # tip and lower ridge


def nose_parallax_xy(ref: Points, cur: Points) -> tuple[float, float]:
    """Offset (x, y) of the nose from where the homography of the outer face (points
    farther than 0.9 IOD from the nose tip) maps it, in inter-ocular distances of ``cur``;
    + = towards image right / image bottom. ~0 for any view of a flat picture (turned,
    tilted or leaned back: a plane maps to a plane by a homography); a turning or nodding
    head's nose leaves the plane of its cheeks, forehead and chin. ``ref``/``cur``: the 468
    mesh points (x, y)."""
    import cv2

    r68, c68 = ref[DLIB68], cur[DLIB68]
    iod_r = float(np.linalg.norm(r68[36:42].mean(0) - r68[42:48].mean(0)))
    iod_c = float(np.linalg.norm(c68[36:42].mean(0) - c68[42:48].mean(0)))
    outer = np.linalg.norm(ref - r68[30], axis=1) > 0.9 * max(iod_r, 1e-6)
    h, _ = cv2.findHomography(ref[outer].astype(np.float32), cur[outer].astype(np.float32), 0)
    if h is None:
        return 0.0, 0.0
    proj = cv2.perspectiveTransform(ref[NOSE].astype(np.float32).reshape(-1, 1, 2), h)
    off = (cur[NOSE] - proj.reshape(-1, 2)).mean(0) / max(iod_c, 1e-6)
    return float(off[0]), float(off[1])


def nose_parallax(ref: Points, cur: Points) -> float:
    """The horizontal part of :func:`nose_parallax_xy` (+ = towards image right)."""
    return nose_parallax_xy(ref, cur)[0]
