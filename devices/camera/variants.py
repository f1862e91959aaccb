"""Synthetic people and scene conditions derived from the shipped photos, for evaluating
liveness on more faces than the two the package ships (issue 16).

A derived person is named by its base photo and person tags, dot-separated, e.g.
``hopper.m.wide.deep`` or ``astronaut.thick.soft``; :func:`devices.camera.synth.rig` loads
such a name like a photo (its landmarks are the base photo's, moved by the same warps), so
every scene and presenter that takes a ``person`` takes a derived one. Person tags:

* ``m`` — mirrored (landmarks re-indexed so the 68 iBUG roles stay the same);
* face shape — ``wide`` / ``narrow`` (cheeks and jaw pushed out / in), ``long`` (lower face
  stretched down);
* skin tone — ``deep``, ``olive``, ``pale``: a colour and lightness shift in CIELAB applied
  through a feathered skin mask;
* ``soft`` — age-like softening: skin texture smoothed, contrast lowered, a slight yellowing;
* glasses drawn on — ``thick`` (dark plastic rims) or ``thin`` (thin metal rims), with a
  bridge, temples and a faint lens tint.

Scene conditions are what the *camera* sees of anything in front of it (a face, a print, a
screen), so they are applied to every frame by :class:`Seen`, not to the photo; they follow an
``@`` in a name given to the presenters (``hopper.m.thin@dim.noisy``): ``dim``, ``side``
(lit from one side), ``warm`` / ``cold`` (colour cast), ``noisy`` (extra sensor noise).

Everything is deterministic: the same name gives the same pixels.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Protocol

import cv2
import numpy as np
import numpy.typing as npt

from devices.camera import photos

RGB = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
Points = npt.NDArray[np.float64]

SHAPES = ("wide", "narrow", "long")
TONES = ("deep", "olive", "pale")
GLASSES = ("thick", "thin")
SCENE_TAGS = ("dim", "side", "warm", "cold", "noisy")
PERSON_TAGS = ("m", *SHAPES, *TONES, "soft", *GLASSES)

#: iBUG 68-point index of each point's mirror image (jaw, brows, nose, eyes, mouth).
MIRROR_68 = np.array(
    [*range(16, -1, -1), *range(26, 16, -1), 27, 28, 29, 30, 35, 34, 33, 32, 31,
     45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40,
     54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55, 64, 63, 62, 61, 60, 67, 66, 65])


class VariantError(ValueError):
    pass


@dataclass(frozen=True)
class Variant:
    base: str
    mirror: bool = False
    shape: str = ""
    tone: str = ""
    soft: bool = False
    glasses: str = ""
    scene: tuple[str, ...] = ()

    @property
    def person(self) -> str:
        """The name without scene conditions (what the photo rig is built from)."""
        tags = (["m"] if self.mirror else []) + [t for t in (self.shape, self.tone) if t] \
            + (["soft"] if self.soft else []) + ([self.glasses] if self.glasses else [])
        return ".".join([self.base, *tags])

    @property
    def name(self) -> str:
        return self.person + ("@" + ".".join(self.scene) if self.scene else "")

    @property
    def wears_glasses(self) -> bool:
        return bool(self.glasses) or self.base == "hopper"


def parse(name: str) -> Variant:
    """``base[.tag…][@cond[.cond…]]`` → a Variant; unknown or clashing tags are errors."""
    person, _, scene = name.partition("@")
    base, *tags = person.split(".")
    if base not in photos.PHOTOS:
        raise VariantError(f"'{name}': unknown base photo '{base}' "
                           f"(have: {', '.join(photos.PHOTOS)})")
    kw: dict[str, object] = {}
    for tag in tags:
        if tag not in PERSON_TAGS:
            raise VariantError(f"'{name}': unknown person tag '{tag}' "
                               f"(have: {', '.join(PERSON_TAGS)})")
        key = ("mirror" if tag == "m" else "shape" if tag in SHAPES else "tone"
               if tag in TONES else "soft" if tag == "soft" else "glasses")
        if key in kw:
            raise VariantError(f"'{name}': more than one {key} tag")
        kw[key] = True if key in ("mirror", "soft") else tag
    conds = tuple(scene.split(".")) if scene else ()
    bad = [c for c in conds if c not in SCENE_TAGS]
    if bad or len(set(conds)) != len(conds) or {"warm", "cold"} <= set(conds):
        raise VariantError(f"'{name}': bad scene conditions {list(conds)} "
                           f"(have: {', '.join(SCENE_TAGS)}; warm and cold exclude each other)")
    return Variant(base, scene=conds, **kw)  # type: ignore[arg-type]


def is_derived(name: str) -> bool:
    """A name this module builds (a photo name with tags or conditions)."""
    return "." in name or "@" in name


# -- the person: photo + landmarks ----------------------------------------------------------

def _mirror(img: RGB, pts: Points) -> tuple[RGB, Points]:
    w = img.shape[1]
    out = np.ascontiguousarray(img[:, ::-1])
    moved = pts.copy()
    moved[:, 0] = (w - 1) - moved[:, 0]
    return out, moved[MIRROR_68]


def _shape_disp(shape: str, pts: Points) -> tuple[float, float, float, float, float]:
    """(cx, cy, sigma, kx, ky) of the face-shape displacement."""
    cx = float(pts[27:31, 0].mean())
    eye_y = float(pts[36:48, 1].mean())
    fw = float(pts[16, 0] - pts[0, 0])
    cy = float((eye_y + pts[8, 1]) / 2)
    k = {"wide": (0.14, 0.0), "narrow": (-0.11, 0.0), "long": (0.0, 0.12)}[shape]
    return cx, cy, 0.75 * fw, k[0], k[1]


def _displace(x: F32 | Points, y: F32 | Points, shape: str, pts: Points
              ) -> tuple[F32 | Points, F32 | Points]:
    """Forward displacement of the face-shape warp at (x, y)."""
    cx, cy, s, kx, ky = _shape_disp(shape, pts)
    w = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * s**2))
    eye_y = float(pts[36:48, 1].mean())
    dx = kx * (x - cx) * w
    # "long": only below the eyes (a smooth ramp), so the eyes and brows stay put.
    ramp = (y - eye_y) / (1 + np.exp(-(y - eye_y) / (0.05 * s)))
    dy = ky * ramp * w
    return dx, dy


def _warp(img: RGB, pts: Points, shape: str) -> tuple[RGB, Points]:
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    src_x, src_y = xx.copy(), yy.copy()
    for _ in range(6):  # invert p' = p + d(p) by fixed point: p = p' - d(p)
        dx, dy = _displace(src_x, src_y, shape, pts)
        src_x = (xx - dx).astype(np.float32)
        src_y = (yy - dy).astype(np.float32)
    out = cv2.remap(img, src_x, src_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT)
    dx, dy = _displace(pts[:, 0], pts[:, 1], shape, pts)
    return np.asarray(out, dtype=np.uint8), np.stack([pts[:, 0] + dx, pts[:, 1] + dy], axis=1)


def skin_mask(img: RGB, pts: Points) -> F32:
    """Feathered mask (0…1) of skin-coloured pixels near the face (face, neck, ears)."""
    hsv = cv2.cvtColor(img, cv2.COLOR_RGB2HSV)
    hue, sat, val = (hsv[..., i].astype(np.float32) for i in range(3))
    skin = ((hue <= 25) | (hue >= 170)) & (sat >= 25) & (sat <= 200) & (val >= 50)
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c = pts[:, :].mean(0)
    fw = float(pts[16, 0] - pts[0, 0])
    near = ((xx - c[0]) / (1.0 * fw)) ** 2 + ((yy - c[1] - 0.2 * fw) / (1.4 * fw)) ** 2 < 1
    m = (skin & near).astype(np.float32)
    k = max(3, int(0.06 * fw) | 1)
    return np.asarray(cv2.GaussianBlur(m, (0, 0), k / 2), dtype=np.float32)


def _tone(img: RGB, pts: Points, tone: str) -> RGB:
    lab = cv2.cvtColor(img, cv2.COLOR_RGB2LAB).astype(np.float32)  # 8-bit: L, a, b in 0…255
    scale, lift, da, db = {"deep": (0.58, 0.0, 7.0, 9.0), "olive": (0.85, 0.0, -5.0, 12.0),
                           "pale": (0.85, 36.0, -4.0, -6.0)}[tone]
    shifted = lab.copy()
    shifted[..., 0] = lab[..., 0] * scale + lift
    shifted[..., 1] += da
    shifted[..., 2] += db
    m = skin_mask(img, pts)[..., None]
    mixed = np.clip(lab * (1 - m) + shifted * m, 0, 255).astype(np.uint8)
    return np.asarray(cv2.cvtColor(mixed, cv2.COLOR_LAB2RGB), dtype=np.uint8)


def _soften(img: RGB, pts: Points) -> RGB:
    """Older skin in a photo: less fine texture, lower contrast, slightly yellower."""
    iod = float(np.linalg.norm(pts[36:42].mean(0) - pts[42:48].mean(0)))
    f = img.astype(np.float32)
    smooth = np.asarray(cv2.bilateralFilter(f, 0, 18.0, max(1.5, 0.06 * iod)), np.float32)
    m = skin_mask(img, pts)[..., None]
    out = f * (1 - m) + smooth * m
    mean = out.mean(axis=(0, 1), keepdims=True)
    out = mean + (out - mean) * 0.88
    out *= np.array([1.03, 1.0, 0.93], np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def _glasses(img: RGB, pts: Points, kind: str) -> RGB:
    iod = float(np.linalg.norm(pts[36:42].mean(0) - pts[42:48].mean(0)))
    thick = kind == "thick"
    colour = (28, 22, 20) if thick else (150, 135, 110)
    width = max(1, round((0.05 if thick else 0.02) * iod))
    out = img.copy()
    # Lens tint: a faint grey over the lens area (drawn on a copy, blended).
    tint = out.copy()
    sh = 4  # sub-pixel drawing: coordinates in 1/16 px
    scale = 1 << sh
    rims = []
    for eye, outer_idx in ((pts[36:42], 0), (pts[42:48], 16)):
        c = eye.mean(0) + np.array([0.0, 0.06 * iod])
        axes = (0.40 * iod, 0.27 * iod) if thick else (0.37 * iod, 0.25 * iod)
        rims.append((c, axes, outer_idx))
        cv2.ellipse(tint, (round(c[0] * scale), round(c[1] * scale)),
                    (round(axes[0] * scale), round(axes[1] * scale)), 0, 0, 360,
                    (90, 95, 100), -1, cv2.LINE_AA, sh)
    out = np.asarray(cv2.addWeighted(out, 0.9, tint, 0.1, 0), dtype=np.uint8)
    for c, axes, outer_idx in rims:
        cv2.ellipse(out, (round(c[0] * scale), round(c[1] * scale)),
                    (round(axes[0] * scale), round(axes[1] * scale)), 0, 0, 360, colour,
                    width, cv2.LINE_AA, sh)
        # The temple: from the rim's outer edge to the side of the face at eye height.
        side = -1 if outer_idx == 0 else 1
        start = c + np.array([side * axes[0], -0.1 * axes[1]])
        end = np.array([pts[outer_idx, 0], start[1]])
        cv2.line(out, (round(start[0] * scale), round(start[1] * scale)),
                 (round(end[0] * scale), round(end[1] * scale)), colour, width, cv2.LINE_AA,
                 sh)
    (cl, al, _), (cr, ar, _) = rims
    a = cl + np.array([al[0], -0.25 * al[1]])
    b = cr - np.array([ar[0], 0.25 * ar[1]])
    mid = (a + b) / 2 - np.array([0.0, 0.08 * iod])
    bridge = np.array([a, mid, b]) * scale
    cv2.polylines(out, [np.round(bridge).astype(np.int32)], False, colour, width,
                  cv2.LINE_AA, sh)
    return np.asarray(out, dtype=np.uint8)


def _box(pts: Points, base_box: tuple[int, int, int, int], base_pts: Points
         ) -> tuple[int, int, int, int]:
    """The base face box moved with the landmarks (same margins around them)."""
    left, top, right, bottom = base_box
    bl, bt = (float(v) for v in base_pts.min(0))
    br, bb = (float(v) for v in base_pts.max(0))
    nl, nt = (float(v) for v in pts.min(0))
    nr, nb = (float(v) for v in pts.max(0))
    sx, sy = (nr - nl) / max(br - bl, 1.0), (nb - nt) / max(bb - bt, 1.0)
    return (round(nl - (bl - left) * sx), round(nt - (bt - top) * sy),
            round(nr + (right - br) * sx), round(nb + (bottom - bb) * sy))


@cache
def person_image(name: str) -> tuple[RGB, Points, tuple[int, int, int, int]]:
    """Photo, 68 landmarks and face box of a derived person (read-only photo)."""
    from devices.camera import synth

    v = parse(name)
    if v.scene:
        raise VariantError(f"'{name}': scene conditions belong to the camera, not the photo "
                           "(give the name to identity.attacks.make_presenter, or use Seen)")
    base = synth.rig(v.base)
    img, pts = np.array(base.photo), base.pts.copy()
    box = base.box
    if v.mirror:
        img, pts = _mirror(img, pts)
        w = img.shape[1]
        box = ((w - 1) - box[2], box[1], (w - 1) - box[0], box[3])
    if v.shape:
        before = pts
        img, pts = _warp(img, pts, v.shape)
        box = _box(pts, box, before)
    if v.tone:
        img = _tone(img, pts, v.tone)
    if v.soft:
        img = _soften(img, pts)
    if v.glasses:
        img = _glasses(img, pts, v.glasses)
    img = np.ascontiguousarray(img, dtype=np.uint8)
    img.setflags(write=False)
    return img, pts, box


# -- the scene: what the camera makes of any presentation -----------------------------------

@cache
def _side_light(size: tuple[int, int]) -> F32:
    w, h = size
    x = np.linspace(-1, 1, w, dtype=np.float32)
    g = 0.85 + 0.42 * np.tanh(1.6 * x)  # one side in shade, the other bright
    out = np.broadcast_to(g[None, :, None], (h, w, 1)).astype(np.float32)
    out.setflags(write=False)
    return out


def apply_scene(frame: RGB, conds: tuple[str, ...], seed: int) -> RGB:
    """The frame as seen under the conditions (lighting first, then the sensor)."""
    if not conds:
        return frame
    from devices.camera import synth

    f = frame.astype(np.float32)
    noise = 0.0
    if "side" in conds:
        f *= _side_light((frame.shape[1], frame.shape[0]))
    if "warm" in conds:
        f *= np.array([1.14, 1.0, 0.80], np.float32)
    if "cold" in conds:
        f *= np.array([0.84, 0.98, 1.15], np.float32)
    if "dim" in conds:
        f = f * 0.42 + 4.0  # under-exposed; the sensor's gain adds noise
        noise += 2.5
    if "noisy" in conds:
        noise += 5.0
    if noise:
        f += synth.sensor_noise(f.shape, noise, seed + 3)
    return np.clip(f, 0, 255).astype(np.uint8)


class _Presenter(Protocol):
    def frame(self, t: float) -> RGB: ...

    def act(self, challenge: str) -> None: ...


class Seen:
    """A presenter (genuine or attack) as the camera sees it under scene conditions."""

    def __init__(self, inner: _Presenter, conds: tuple[str, ...], seed: int = 0) -> None:
        self.inner, self.conds, self.seed = inner, conds, seed

    def frame(self, t: float) -> RGB:
        return apply_scene(self.inner.frame(t), self.conds, self.seed + int(t * 1000))

    def act(self, challenge: str) -> None:
        self.inner.act(challenge)


def preview_sheet(names: list[str], size: int = 200) -> RGB:
    """Face crops of the named people side by side (for the docs)."""
    from devices.camera import synth

    tiles = []
    for n in names:
        v = parse(n)
        frame = synth.face_frame(v.person, synth.Pose(noise=0), (640, 480))
        frame = apply_scene(frame, v.scene, 0)
        crop = frame[120:380, 190:450]
        tiles.append(cv2.resize(crop, (size, size), interpolation=cv2.INTER_AREA))
    return np.concatenate(tiles, axis=1) if tiles else np.zeros((size, 0, 3), np.uint8)


__all__ = ["GLASSES", "PERSON_TAGS", "SCENE_TAGS", "SHAPES", "TONES", "Seen", "Variant",
           "VariantError", "apply_scene", "is_derived", "parse", "person_image"]
