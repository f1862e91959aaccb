"""1:1 face match: the ID photo is encoded once, each live frame is compared with it.

Speed (640×480, 2-core CPU): HOG at upsample 1 costs ~150 ms, so the live frame is
searched at half size with upsample 0 (~10 ms; a kiosk face is far above HOG's ~80 px
minimum there), only the largest face is encoded (~100 ms, 1 jitter) and compared. The
threshold is configurable (``[identity] match_threshold``) and the result says how close
the decision was (``margin`` = threshold − distance; negative = no match).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from identity import faces

RGB = npt.NDArray[np.uint8]
Encoding = npt.NDArray[np.float64]


class NoFace(ValueError):
    """No face where one was needed (message is for technicians, not customers)."""


@dataclass(frozen=True)
class Template:
    """An encoded reference face (from the ID photo)."""

    encoding: Encoding
    box: faces.Box


@dataclass(frozen=True)
class MatchResult:
    match: bool
    distance: float
    threshold: float
    live_box: faces.Box
    id_box: faces.Box | None = None

    @property
    def margin(self) -> float:
        return self.threshold - self.distance

    def as_dict(self) -> dict[str, object]:
        return {"match": self.match, "distance": round(self.distance, 4),
                "threshold": self.threshold, "margin": round(self.margin, 4),
                "live_box": self.live_box.as_dict(),
                "id_box": self.id_box.as_dict() if self.id_box else None}


def encode_id_photo(img: RGB, *, jitters: int = 3) -> Template:
    """Encode the face on an ID image (a flat card or a photo). Done once per session, so
    it can afford upsampling (small printed photos) and a few jitters (a steadier template)."""
    boxes = faces.detect(img, upsample=1)
    if not boxes:
        raise NoFace("no face on the ID image")
    return Template(faces.encode(img, boxes[0], jitters=jitters), boxes[0])


def live_face(frame: RGB, *, detect_max_side: int = 320, min_width: int = 60
              ) -> faces.Box | None:
    """The largest face in a live frame (None if none, or too small to trust)."""
    boxes = faces.detect(frame, upsample=0, max_side=detect_max_side)
    if not boxes:  # a smaller face: look again at full size
        boxes = faces.detect(frame, upsample=0)
    if not boxes or boxes[0].width < min_width:
        return None
    return boxes[0]


class FaceMatcher:
    def __init__(self, template: Template, threshold: float = 0.5) -> None:
        if not 0 < threshold < 1:
            raise ValueError("threshold must be between 0 and 1")
        self.template = template
        self.threshold = threshold

    def compare(self, frame: RGB, box: faces.Box | None = None) -> MatchResult:
        """Match the largest face of ``frame`` against the template; raises NoFace."""
        box = box or live_face(frame)
        if box is None:
            raise NoFace("no face in the live frame")
        enc = faces.encode(frame, box)
        d = faces.distance(enc, self.template.encoding)
        return MatchResult(d <= self.threshold, d, self.threshold, box, self.template.box)

    def encode_live(self, frame: RGB, box: faces.Box) -> Encoding:
        return faces.encode(frame, box)
