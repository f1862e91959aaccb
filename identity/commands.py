"""``kiosk identity verify|qr|mrz``. Heavy libraries are imported inside the handlers."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kiosk_core.cli import CommandError, Commands


def _load(path: str) -> Any:
    import cv2

    p = Path(path)
    if not p.is_file():
        raise CommandError(f"no such image: {path}")
    img = cv2.imread(str(p), cv2.IMREAD_COLOR)
    if img is None:
        raise CommandError(f"cannot read {path} as an image")
    return cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


def _verify(args: argparse.Namespace) -> int:
    from identity import face_match, faces, id_capture
    from identity.settings import IdentitySettings

    threshold = args.threshold if args.threshold is not None else IdentitySettings().match_threshold
    id_img, live_img = _load(args.id), _load(args.live)
    # An ID photographed in a scene is flattened first; a plain photo is used as it is.
    cap = id_capture.assess(id_img)
    source = id_img if cap.card is None else cap.card
    try:
        template = face_match.encode_id_photo(source)
    except face_match.NoFace:
        if cap.card is None:
            raise CommandError(f"no face found in the ID image {args.id}") from None
        template = face_match.encode_id_photo(id_img)
    # Kiosk frames: the fast path. Any other photo: look harder (upsampled, full size).
    box = face_match.live_face(live_img)
    if box is None:
        found = faces.detect(live_img, upsample=1)
        box = found[0] if found else None
    if box is None:
        raise CommandError(f"no face found in the live image {args.live}")
    result = face_match.FaceMatcher(template, threshold).compare(live_img, box)
    if args.json:
        print(json.dumps(result.as_dict(), indent=2))
    else:
        d = result.as_dict()
        print(f"match      {'yes' if result.match else 'no'}")
        print(f"distance   {d['distance']:.4f}")
        print(f"threshold  {threshold:.4f}")
        print(f"margin     {d['margin']:+.4f}")
        print(f"id face    {d['id_box']}")
        print(f"live face  {d['live_box']}")
    return 0 if result.match else 3


def _qr(args: argparse.Namespace) -> int:
    from identity.qr import read_qr

    res = read_qr(_load(args.image))
    if res is None:
        raise CommandError(f"no readable QR code in {args.image}")
    print(res.text)
    return 0


def _mrz(args: argparse.Namespace) -> int:
    from identity import id_capture, mrz_ocr

    img = _load(args.image)
    cap = id_capture.assess(img)
    card = cap.card if cap.card is not None else img
    read = mrz_ocr.read_mrz(card)
    if read.mrz is None:
        raise CommandError(f"no MRZ read: {read.error} {read.lines}")
    print("\n".join(read.lines))
    print(json.dumps(read.mrz.as_dict(), indent=2))
    return 0 if read.mrz.valid else 3


def _demo(args: argparse.Namespace) -> int:
    from devices.camera.driver import create
    from devices.camera.settings import CameraSettings
    from identity.runner import SessionRunner
    from identity.session import IdentitySession, SessionEvent
    from identity.settings import IdentitySettings

    url = f"sim://camera?scene=customer&person={args.person}&id_s=3"
    cam = create("camera", CameraSettings(url=url))
    cam.start().result(timeout=30)
    last = [""]

    def show(ev: SessionEvent) -> None:
        # The prompt's code (identity.prompts): the words are the screen's (the Qt catalog).
        if ev.prompt != last[0]:
            last[0] = ev.prompt
            print(f"[{ev.phase:<10}] {ev.progress:4.0%}  {ev.prompt}", flush=True)

    scene = cam.scene
    session = IdentitySession(IdentitySettings(), on_challenge=getattr(scene, "act", None))
    runner = SessionRunner(cam, session, show).start()
    try:
        result = runner.wait(timeout=120)
    finally:
        runner.close()
        cam.close()
    if result is None:
        raise CommandError("the identity check did not finish")
    print(json.dumps({"passed": result.passed, "reason": result.reason,
                      **{k: v for k, v in result.details.items() if k in (
                          "distance", "threshold", "margin", "challenges", "mrz_valid")}},
                     indent=2))
    return 0 if result.passed else 3


def add_commands(cli: Commands) -> None:
    g = cli.group("identity", "face match, ID and QR tools")
    p = g.add_parser("verify", help="compare the face on an ID image with a live image")
    p.add_argument("--id", required=True, metavar="IMAGE", help="ID card or ID photo")
    p.add_argument("--live", required=True, metavar="IMAGE", help="live camera image")
    p.add_argument("--threshold", type=float, help="match at or below this distance")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=_verify)
    p = g.add_parser("qr", help="decode the QR code in an image")
    p.add_argument("image")
    p.set_defaults(handler=_qr)
    p = g.add_parser("mrz", help="read the MRZ of an ID card image")
    p.add_argument("image")
    p.set_defaults(handler=_mrz)
    p = g.add_parser("demo", help="a full check against the simulated customer, in real time")
    p.add_argument("--person", default="astronaut", choices=["astronaut", "hopper"])
    p.set_defaults(handler=_demo)
