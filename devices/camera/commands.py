"""``kiosk sim camera`` (render a simulated scene to image files) and ``kiosk diag camera``."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from kiosk_core.cli import CommandError, Commands


def _sim(args: argparse.Namespace) -> int:
    import cv2
    import numpy as np

    from devices.camera.scenes import SceneError, make_scene

    opts = dict(o.split("=", 1) for o in args.option)
    try:
        scene = make_scene(args.scene, (args.width, args.height), **opts)
    except (SceneError, ValueError) as exc:
        raise CommandError(str(exc)) from None
    from devices.camera.plugin import FAULT_NAMES

    faults = set(args.fault)
    unknown = sorted(faults - set(FAULT_NAMES))
    if unknown:
        raise CommandError(f"unknown fault(s) {', '.join(unknown)} (use {', '.join(FAULT_NAMES)})")
    if "unplugged" in faults:
        raise CommandError("an unplugged camera gives no frames: nothing to render "
                           "(use sim://camera?faults=unplugged with a running kiosk)")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for action in args.act:
        scene.act(action)
    n = int(args.seconds * args.fps)
    written, first = 0, None
    for i in range(n):
        # The same faults as the live simulator (devices.camera.simulator), frame by frame:
        # a lost frame leaves a gap in the numbering, as in the sensor's.
        if "dropped-frames" in faults and (i * args.drop_rate) % 1 + args.drop_rate >= 1:
            continue
        frame = first if "frozen" in faults and first is not None else scene.frame(i / args.fps)
        first = frame if first is None else first
        if "dark" in faults:
            frame = np.right_shift(frame, 3)
        cv2.imwrite(str(out / f"frame_{i:05d}.png"), cv2.cvtColor(frame, cv2.COLOR_RGB2BGR))
        written += 1
    print(f"wrote {written} frames to {out} "
          f"(play them with url = \"file://{out.resolve()}/*.png\")")
    return 0


def _diag(args: argparse.Namespace) -> int:
    from devices.base import DeviceError
    from devices.camera.driver import create
    from devices.camera.settings import CameraSettings

    try:
        settings = CameraSettings(url=args.url)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    cam = create("camera", settings)
    try:
        cam.start().result(timeout=30)
        t0 = time.monotonic()
        box, stop = cam.mailbox()
        n = 0
        while time.monotonic() - t0 < args.seconds:
            if box.get(timeout=2.0) is not None:
                n += 1
        stop()
        info = cam.describe()
        info["measured_fps"] = round(n / args.seconds, 1)
        print(json.dumps(info, indent=2, default=str))
    except DeviceError as exc:
        raise CommandError(str(exc)) from None
    finally:
        cam.close()
    return 0


def add_commands(cli: Commands) -> None:
    p = cli.sim.add_parser("camera", help="render a simulated camera scene to PNG files")
    p.add_argument("--scene", default="customer")
    p.add_argument("--out", default="sim-camera")
    p.add_argument("--seconds", type=float, default=5.0)
    p.add_argument("--fps", type=float, default=10.0)
    p.add_argument("--width", type=int, default=640)
    p.add_argument("--height", type=int, default=480)
    p.add_argument("--act", action="append", default=[], help="make the person act (blink…)")
    p.add_argument("--option", action="append", default=[], metavar="KEY=VALUE")
    p.add_argument("--fault", action="append", default=[], metavar="NAME",
                   help="render with a fault: frozen, dark, dropped-frames")
    p.add_argument("--drop-rate", type=float, default=0.4,
                   help="share of frames lost with --fault dropped-frames")
    p.set_defaults(handler=_sim)
    p = cli.diag.add_parser("camera", help="open a camera URL and measure its frame rate")
    p.add_argument("url", nargs="?", default="sim://camera?scene=face")
    p.add_argument("--seconds", type=float, default=3.0)
    p.set_defaults(handler=_diag)
