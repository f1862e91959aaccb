"""Synthetic camera frames from still photos: a face that moves, blinks, turns and smiles;
a flat object (a phone, the demo's ID card) held up to the camera.

Expressions are displacement fields driven by the photo's own 68 landmarks (found once per
photo), applied with ``cv2.remap`` as *backward* maps (output pixel -> source pixel):

* blink — each eye's rows are pushed outward from the eye's centre line, so lid skin covers
  the eye, and a lash line is drawn along the seam;
* smile — Gaussian displacements pull the mouth corners out and up;
* turn / nod — the head is a depth map (ellipsoid + nose ridge) rotated about the vertical
  axis (yaw) and the horizontal one (pitch): the nose moves further than the cheeks,
  forehead and chin, which is what a flat photo cannot do.

Then a similarity transform places the face in the frame with lighting, noise and blur.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import numpy.typing as npt

from devices.camera import photos

RGB = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Pose:
    """Everything that varies between frames of a face scene."""

    cx: float = 320.0  # face centre in the frame (px)
    cy: float = 230.0
    iod: float = 70.0  # inter-ocular distance in the frame (px): sets the face size
    roll: float = 0.0  # degrees, in-plane
    yaw: float = 0.0  # degrees; + = nose to image right (the person's left, unmirrored)
    pitch: float = 0.0  # degrees; + = nose down (a nod), - = looking up
    blink: float = 0.0  # 0 open … 1 closed
    smile: float = 0.0  # 0 … 1
    gain: float = 1.0  # lighting
    noise: float = 2.0  # sensor noise sigma
    blur: float = 0.0  # Gaussian sigma (focus)


@dataclass(frozen=True)
class FaceRig:
    photo: RGB
    pts: npt.NDArray[np.float64]  # 68 landmarks in photo coordinates
    box: tuple[int, int, int, int]  # l, t, r, b

    @property
    def iod(self) -> float:
        return float(np.linalg.norm(self.pts[36:42].mean(0) - self.pts[42:48].mean(0)))

    @property
    def centre(self) -> npt.NDArray[np.float64]:
        return (self.pts[36:48].mean(0) + self.pts[48:68].mean(0)) / 2.0


#: The sample photos' 68 landmarks and face box, computed with the identity models by
#: tests/camera/make_rigs.py (and checked against them by tests/camera/test_rigs.py).
RIGS_FILE = Path(__file__).with_name("rigs.json")


@cache
def _rigs() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(RIGS_FILE.read_text(encoding="utf-8"))
    return data


@cache
def rig(photo_name: str) -> FaceRig:
    """Landmarks for a named photo (shipped data: no face model runs here), or for a synthetic
    person derived from one (``hopper.m.wide``: :mod:`devices.camera.variants`)."""
    from devices.camera import variants

    if variants.is_derived(photo_name):
        return FaceRig(*variants.person_image(photo_name))
    img = photos.load(photo_name)
    try:
        entry = _rigs()[photo_name]
    except KeyError:
        raise RuntimeError(f"no landmarks for photo '{photo_name}' in {RIGS_FILE.name} "
                           "(run tests/camera/make_rigs.py)") from None
    box = entry["box"]
    return FaceRig(img, np.asarray(entry["landmarks"], dtype=np.float64),
                   (int(box[0]), int(box[1]), int(box[2]), int(box[3])))


# -- expression warps (in photo coordinates, over a region of interest) --------------------

def _blink_disp(xx: F32, yy: F32, eye: npt.NDArray[np.float64], amount: float) -> F32:
    c = eye.mean(0)
    w = float(np.linalg.norm(eye[0] - eye[3]))
    h = max(float(np.linalg.norm(eye[1] - eye[5]) + np.linalg.norm(eye[2] - eye[4])) / 2, 2.0)
    big_h, r = 1.25 * h, 2.4 * h
    dy = yy - c[1]
    gx = np.exp(-(((xx - c[0]) / (0.8 * w)) ** 4))
    return (np.sign(dy) * amount * big_h * np.exp(-((dy / r) ** 2)) * gx).astype(np.float32)


def _smile_disp(xx: F32, yy: F32, pts: npt.NDArray[np.float64], amount: float
                ) -> tuple[F32, F32]:
    left, right = pts[48], pts[54]
    mw = float(np.linalg.norm(right - left))
    sigma2 = 2 * (0.28 * mw) ** 2
    dx = np.zeros_like(xx)
    dy = np.zeros_like(yy)
    for corner, sx in ((left, -1.0), (right, 1.0)):
        vx, vy = sx * 0.13 * mw * amount, -0.07 * mw * amount
        g = np.exp(-((xx - corner[0] - vx) ** 2 + (yy - corner[1] - vy) ** 2) / sigma2)
        dx += vx * g
        dy += vy * g
    return dx.astype(np.float32), dy.astype(np.float32)


def _head_src(xx: F32, yy: F32, pts: npt.NDArray[np.float64], yaw_deg: float,
              pitch_deg: float = 0.0) -> tuple[F32, F32]:
    """Backward maps (x, y) for a head rotated by ``yaw_deg`` about its vertical axis and
    ``pitch_deg`` about its horizontal one (+ = nose down), both through the centre of the
    head's depth: the nose (in front) moves further than the cheeks, forehead and chin."""
    yaw, pitch = math.radians(yaw_deg), math.radians(pitch_deg)
    x0 = float(pts[27:31, 0].mean())
    a = float(pts[16, 0] - pts[0, 0]) / 2 * 1.05
    yc = float((pts[19, 1] + pts[8, 1]) / 2)
    bh = float(pts[8, 1] - pts[19, 1]) / 2 * 1.35
    nose = pts[27:31]
    nx, ny = float(nose[:, 0].mean()), float(nose[:, 1].mean())
    nose_len = float(np.linalg.norm(nose[3] - nose[0])) + 1.0

    def shift(x: F32, y: F32) -> tuple[F32 | None, F32 | None]:
        u, v = (x - x0) / a, (y - yc) / bh
        inside = np.clip(1 - u**2 - v**2, 0, None)
        z = 0.75 * a * np.sqrt(inside)
        z += 0.38 * a * np.exp(-((x - nx) ** 2 / (2 * (0.16 * a) ** 2)
                                 + (y - ny) ** 2 / (2 * (0.6 * nose_len) ** 2)))
        # Fade the rotation out beyond the head so the background does not tear.
        weight = np.clip(1.6 - np.sqrt(u**2 + v**2), 0, 1)
        depth = z - 0.75 * a
        sx = sy = None
        if yaw:
            sx = (weight * ((x - x0) * (math.cos(yaw) - 1) + depth * math.sin(yaw))
                  ).astype(np.float32)
        if pitch:
            sy = (weight * ((y - yc) * (math.cos(pitch) - 1) + depth * math.sin(pitch))
                  ).astype(np.float32)
        return sx, sy

    src_x, src_y = xx.copy(), yy.copy()
    for _ in range(5):  # fixed-point inversion of (x', y') = (x, y) + shift(x, y)
        sx, sy = shift(src_x, src_y)
        if sx is not None:
            src_x = (xx - sx).astype(np.float32)
        if sy is not None:
            src_y = (yy - sy).astype(np.float32)
    return src_x, src_y


def expression(r: FaceRig, pose: Pose) -> RGB:
    """The photo with blink/smile/turn/nod applied (the rest of the photo untouched)."""
    if (pose.blink <= 0 and pose.smile <= 0 and abs(pose.yaw) < 0.01
            and abs(pose.pitch) < 0.01):
        return r.photo
    left, t, rr, b = r.box
    fw, fh = rr - left, b - t
    h_img, w_img = r.photo.shape[:2]
    x0, y0 = max(0, int(left - 0.7 * fw)), max(0, int(t - 0.7 * fh))
    x1, y1 = min(w_img, int(rr + 0.7 * fw)), min(h_img, int(b + 0.7 * fh))
    yy, xx = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    src_x, src_y = xx.copy(), yy.copy()
    if abs(pose.yaw) >= 0.01 or abs(pose.pitch) >= 0.01:
        src_x, src_y = _head_src(xx, yy, r.pts, pose.yaw if abs(pose.yaw) >= 0.01 else 0.0,
                                 pose.pitch if abs(pose.pitch) >= 0.01 else 0.0)
    if pose.smile > 0:
        dx, dy = _smile_disp(xx, yy, r.pts, pose.smile)
        src_x -= dx
        src_y -= dy
    lash = np.zeros_like(xx)
    if pose.blink > 0:
        for eye in (r.pts[36:42], r.pts[42:48]):
            src_y += _blink_disp(xx, yy, eye, pose.blink)
            c = eye.mean(0)
            w = float(np.linalg.norm(eye[0] - eye[3]))
            lash += (np.exp(-(((xx - c[0]) / (0.55 * w)) ** 4) - ((yy - c[1]) / 1.6) ** 2)
                     * pose.blink)
    out = r.photo.copy()
    roi = cv2.remap(r.photo, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    if pose.blink > 0:
        roi = (roi.astype(np.float32) * (1 - 0.6 * np.clip(lash, 0, 1))[..., None]).astype(np.uint8)
    out[y0:y1, x0:x1] = roi
    return out


#: Sensor noise comes from a few fixed fields, cycled frame to frame: drawing a fresh
#: 640×480×3 normal sample per frame cost most of a core's quarter at 15 fps.
NOISE_FIELDS = 8


@lru_cache(maxsize=4 * NOISE_FIELDS)
def _noise_field(shape: tuple[int, ...], index: int) -> npt.NDArray[np.float32]:
    field = np.random.default_rng(1000 + index).standard_normal(shape, dtype=np.float32)
    field.setflags(write=False)
    return field


def sensor_noise(shape: tuple[int, ...], sigma: float, seed: int) -> npt.NDArray[np.float32]:
    """Zero-mean noise of ``sigma`` (one of NOISE_FIELDS fixed fields, picked by seed)."""
    return _noise_field(tuple(shape), seed % NOISE_FIELDS) * np.float32(sigma)


def _finish(frame: RGB, pose_gain: float, noise: float, blur: float, seed: int) -> RGB:
    f = frame.astype(np.float32)
    if blur > 0:
        f = np.asarray(cv2.GaussianBlur(f, (0, 0), blur), dtype=np.float32)
    f *= np.float32(pose_gain)
    if noise > 0:
        f += sensor_noise(f.shape, noise, seed)
    return np.clip(f, 0, 255).astype(np.uint8)


def face_frame(photo_name: str, pose: Pose, size: tuple[int, int] = (640, 480),
               seed: int = 0) -> RGB:
    """One camera frame of the named person in ``pose``."""
    r = rig(photo_name)
    img = expression(r, pose)
    k = pose.iod / r.iod
    c = r.centre
    m = cv2.getRotationMatrix2D((float(c[0]), float(c[1])), pose.roll, k)
    m[0, 2] += pose.cx - c[0]
    m[1, 2] += pose.cy - c[1]
    frame = np.asarray(cv2.warpAffine(img, m, size, flags=cv2.INTER_LINEAR,
                                      borderMode=cv2.BORDER_REFLECT_101), dtype=np.uint8)
    return _finish(frame, pose.gain, pose.noise, pose.blur, seed)


# -- held objects ----------------------------------------------------------------------------

def room(size: tuple[int, int] = (640, 480), seed: int = 0) -> RGB:
    """A dim, slightly textured background (the kiosk's view without a customer); read-only
    (scenes draw on a copy), made once per size and seed."""
    return _room((int(size[0]), int(size[1])), seed)


@lru_cache(maxsize=8)
def _room(size: tuple[int, int], seed: int) -> RGB:
    w, h = size
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = 70 + 40 * (yy / h) + 10 * np.sin(xx / 53.0)
    img = np.stack([base * 0.9, base, base * 1.1], axis=-1)
    img += rng.normal(0, 3, img.shape)
    out = np.clip(img, 0, 255).astype(np.uint8)
    out.setflags(write=False)
    return out


def card_corners(centre: tuple[float, float], width: float, angle: float = 0.0,
                 tilt: float = 0.0) -> npt.NDArray[np.float32]:
    """Frame corners (tl, tr, br, bl) of a card ``width`` px wide, rotated by ``angle``
    degrees and tilted (top edge ``tilt`` × narrower, as when leaning back)."""
    w, h = width, width * 540 / 856
    pts = np.array([[-w / 2 * (1 - tilt), -h / 2], [w / 2 * (1 - tilt), -h / 2],
                    [w / 2, h / 2], [-w / 2, h / 2]], dtype=np.float64)
    a = math.radians(angle)
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return (pts @ rot.T + np.array(centre)).astype(np.float32)


def place(background: RGB, flat: RGB, corners: npt.NDArray[np.float32]) -> RGB:
    """Warp ``flat`` onto ``background`` at the given corners (tl, tr, br, bl)."""
    h, w = flat.shape[:2]
    src = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], dtype=np.float32)
    m = cv2.getPerspectiveTransform(src, corners)
    size = (background.shape[1], background.shape[0])
    warped = cv2.warpPerspective(flat, m, size, flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size, flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    return (background * (1 - alpha) + warped * alpha).astype(np.uint8)


def add_glare(img: RGB, centre: tuple[float, float], radius: float) -> RGB:
    """A specular highlight, as from a ceiling light on a laminated card."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    g = np.exp(-((xx - centre[0]) ** 2 + (yy - centre[1]) ** 2) / (2 * radius**2))
    out = img.astype(np.float32) + 400 * g[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def motion_blur(img: RGB, length: int, angle: float = 0.0) -> RGB:
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0 / length
    rot = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), angle, 1.0)
    k = np.asarray(cv2.warpAffine(k, rot, (length, length)), dtype=np.float32)
    k /= max(float(k.sum()), 1e-6)
    return np.asarray(cv2.filter2D(img, -1, k), dtype=np.uint8)


@cache
def phone_image(text: str) -> RGB:
    """A phone (dark body, white screen) showing a QR code for ``text``."""
    import qrcode

    qr = qrcode.QRCode(border=2, box_size=8)
    qr.add_data(text)
    qr.make(fit=True)
    code = np.asarray(qr.make_image().convert("RGB"), dtype=np.uint8)
    code = np.asarray(cv2.resize(code, (300, 300), interpolation=cv2.INTER_NEAREST),
                      dtype=np.uint8)
    phone = np.full((620, 340, 3), 25, np.uint8)
    phone[60:560, 12:328] = 250
    phone[160:460, 20:320] = code
    cv2.putText(phone, "Appointment", (70, 120), cv2.FONT_HERSHEY_SIMPLEX, 0.9, (40, 40, 40), 2)
    phone.setflags(write=False)
    return phone
