"""Find an ID-1 card in a camera frame, warp it flat and judge whether it is good enough.

Edges are found per colour channel (a dark-blue header on a dark background vanishes in
grey), closed, and the largest convex 4-corner outline with a card-like aspect is taken.
Quality checks, each named by a prompt code (:class:`identity.prompts.PromptCode`; the
screen has the words):

* size — the card must be wide enough in the frame for the MRZ to be read;
* corners — all four inside the frame (a card cut by the frame edge is not found as a quad);
* focus — variance of the Laplacian on the flat card;
* motion blur — the Laplacian misses it (a 15 px smear still has strong edges across it),
  so we also measure how *directional* the gradients are (structure-tensor anisotropy): a
  card's print has edges in all directions, a smeared one only across the smear;
* glare — the share of saturated near-white pixels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np
import numpy.typing as npt

from identity.card_layout import CARD_H, CARD_W
from identity.prompts import PromptCode

RGB = npt.NDArray[np.uint8]
CARD_ASPECT = CARD_W / CARD_H  # 1.585


@dataclass(frozen=True)
class Thresholds:
    min_width_share: float = 0.45  # card width / frame width
    min_sharpness: float = 60.0  # variance of Laplacian on the flat card (greyscale)
    max_anisotropy: float = 0.55  # 0 = gradients in all directions, 1 = all one way
    max_glare: float = 0.012  # share of saturated pixels
    edge_margin: int = 3  # px: a corner closer to the frame edge counts as cut off


@dataclass
class CardCapture:
    problems: list[PromptCode]  # most important first; empty = good
    corners: npt.NDArray[np.float32] | None = None  # tl, tr, br, bl in the frame
    card: RGB | None = None  # the flat 856×540 card
    metrics: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.card is not None

    @property
    def prompt(self) -> PromptCode:
        """What to ask of the customer (the screen words it): the first problem, or that
        the card is good."""
        return self.problems[0] if self.problems else PromptCode.CARD_OK


def order_corners(pts: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    """tl, tr, br, bl — and the long side horizontal (a card held sideways is turned)."""
    pts = pts.reshape(4, 2).astype(np.float32)
    c = pts.mean(0)
    ang = np.arctan2(pts[:, 1] - c[1], pts[:, 0] - c[0])
    pts = pts[np.argsort(ang)]  # clockwise in image coordinates starting near -180°
    start = int(np.argmin(pts.sum(1)))
    pts = np.roll(pts, -start, axis=0)
    top = np.linalg.norm(pts[1] - pts[0])
    side = np.linalg.norm(pts[3] - pts[0])
    if side > top:  # portrait: rotate the labelling so the long side is the top
        pts = np.roll(pts, -1, axis=0)
    return pts


def find_card(frame: RGB) -> tuple[npt.NDArray[np.float32] | None, bool]:
    """(corners, touches_edge). corners None if no card-like quad; touches_edge says a large
    outline ran into the frame border (the card is probably partly outside)."""
    touches = False
    # A motion-smeared card has weak edges across the smear: retry with lower thresholds so
    # we can tell the customer "hold still" rather than "show your card".
    for low, high in ((40, 120), (12, 36)):
        quad, t = _find_quad(frame, low, high)
        touches |= t
        if quad is not None:
            return _refine(frame, quad), touches
    return None, touches


def _find_quad(frame: RGB, low: int, high: int) -> tuple[npt.NDArray[np.float32] | None, bool]:
    h, w = frame.shape[:2]
    blur = cv2.GaussianBlur(frame, (5, 5), 0)
    edges = np.zeros((h, w), np.uint8)
    for ch in cv2.split(blur):
        edges |= np.asarray(cv2.Canny(ch, low, high), dtype=np.uint8)
    edges = np.asarray(cv2.morphologyEx(edges, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8)),
                       dtype=np.uint8)
    contours, _ = cv2.findContours(edges, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    best, best_area, touches = None, 0.0, False
    for cnt in contours:
        hull = cv2.convexHull(cnt)
        area = cv2.contourArea(hull)
        if area < 0.04 * w * h:
            continue
        x, y, bw, bh = cv2.boundingRect(hull)
        if x <= 2 or y <= 2 or x + bw >= w - 2 or y + bh >= h - 2:
            touches = True
        approx = cv2.approxPolyDP(hull, 0.02 * cv2.arcLength(hull, True), True)
        if len(approx) != 4 or area <= best_area:
            continue
        quad = order_corners(approx.astype(np.float32))
        top = float(np.linalg.norm(quad[1] - quad[0]) + np.linalg.norm(quad[2] - quad[3]))
        side = float(np.linalg.norm(quad[3] - quad[0]) + np.linalg.norm(quad[2] - quad[1]))
        if not 1.2 < top / max(side, 1.0) < 2.1:
            continue
        best, best_area = quad, area
    return best, touches


def _refine(frame: RGB, quad: npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    pts = quad.reshape(-1, 1, 2).copy()
    crit = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.05)
    try:
        cv2.cornerSubPix(grey, pts, (4, 4), (-1, -1), crit)
    except cv2.error:
        return quad
    moved = np.linalg.norm(pts.reshape(4, 2) - quad, axis=1)
    return np.where((moved < 4)[:, None], pts.reshape(4, 2), quad).astype(np.float32)


def warp_card(frame: RGB, corners: npt.NDArray[np.float32]) -> RGB:
    dst = np.array([[0, 0], [CARD_W - 1, 0], [CARD_W - 1, CARD_H - 1], [0, CARD_H - 1]],
                   dtype=np.float32)
    m = cv2.getPerspectiveTransform(corners.astype(np.float32), dst)
    return np.asarray(cv2.warpPerspective(frame, m, (CARD_W, CARD_H), flags=cv2.INTER_CUBIC),
                      dtype=np.uint8)


def sharpness(grey: npt.NDArray[np.uint8]) -> float:
    return float(cv2.Laplacian(grey, cv2.CV_64F).var())


def anisotropy(grey: npt.NDArray[np.uint8]) -> float:
    """1 - λmin/λmax of the image's structure tensor: how one-directional the edges are."""
    g = grey.astype(np.float32)
    gx = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    jxx, jyy, jxy = float((gx * gx).mean()), float((gy * gy).mean()), float((gx * gy).mean())
    tr, det = jxx + jyy, jxx * jyy - jxy * jxy
    disc = max(tr * tr / 4 - det, 0.0) ** 0.5
    lmax, lmin = tr / 2 + disc, tr / 2 - disc
    return float(1 - lmin / lmax) if lmax > 0 else 1.0


def glare_share(card: RGB) -> float:
    """Share of the card in saturated *patches*: opening removes thin white print (text,
    lines) so only blobs of blown-out highlight count."""
    sat = np.all(card >= 248, axis=2).astype(np.uint8)
    sat = cv2.morphologyEx(sat, cv2.MORPH_OPEN, np.ones((7, 7), np.uint8))
    return float(sat.mean())


def assess(frame: RGB, th: Thresholds | None = None) -> CardCapture:
    """Find, flatten and judge the card in ``frame``."""
    th = th or Thresholds()
    h, w = frame.shape[:2]
    corners, touches = find_card(frame)
    if corners is None:
        return CardCapture([PromptCode.CARD_PARTLY_OUTSIDE if touches else PromptCode.NO_CARD])
    metrics: dict[str, float] = {}
    problems: list[PromptCode] = []
    m = th.edge_margin
    if np.any(corners[:, 0] < m) or np.any(corners[:, 1] < m) or \
            np.any(corners[:, 0] > w - 1 - m) or np.any(corners[:, 1] > h - 1 - m):
        problems.append(PromptCode.CARD_PARTLY_OUTSIDE)
    width = (np.linalg.norm(corners[1] - corners[0]) + np.linalg.norm(corners[2] - corners[3])) / 2
    metrics["width_share"] = float(width / w)
    if width / w < th.min_width_share:
        # A small quad while a big outline runs off the frame: that is the card, cut off.
        problems.append(PromptCode.CARD_PARTLY_OUTSIDE if touches else PromptCode.CARD_TOO_SMALL)
    card = warp_card(frame, corners)
    grey = np.asarray(cv2.cvtColor(card, cv2.COLOR_RGB2GRAY), dtype=np.uint8)
    metrics["sharpness"] = sharpness(grey)
    metrics["anisotropy"] = anisotropy(grey)
    metrics["glare"] = glare_share(card)
    if metrics["anisotropy"] > th.max_anisotropy:
        problems.append(PromptCode.CARD_BLURRED)
    elif metrics["sharpness"] < th.min_sharpness:
        problems.append(PromptCode.CARD_OUT_OF_FOCUS)
    if metrics["glare"] > th.max_glare:
        problems.append(PromptCode.CARD_GLARE)
    return CardCapture(problems, corners, card, metrics)
