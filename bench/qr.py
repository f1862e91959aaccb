"""QR reading for check-in: the kiosk's reader (identity.qr: OpenCV's QRCodeDetector, then
ZXing on frames OpenCV cannot read) against each reader alone, on simulated phone frames at
640×480 and on codes drawn on a scaled screen. Baseline: OpenCV's QRCodeDetector alone, the
reader the identity issue names. ``python -m bench.qr``

Each of 24 codes (random 31-character appointment tokens) is shown on the simulated phone at
10 moments of its sway and tilt, over a room background. Both readers get the same frames;
"read" counts frames decoded to the exact text. The empty-room row is the common case while a
customer is still getting the phone out.
"""

from __future__ import annotations

import statistics
import time
from base64 import urlsafe_b64encode
from collections.abc import Callable

import numpy as np

from devices.camera.scenes import EmptyScene, PhoneScene
from identity.qr import read_qr, read_qrs_opencv, read_qrs_zxing


def opencv_read(frame: np.ndarray) -> str:
    found = read_qrs_opencv(frame)
    return found[0].text if found else ""


def zxing_read(frame: np.ndarray) -> str:
    found = read_qrs_zxing(frame)
    return found[0].text if found else ""


def kiosk_read(frame: np.ndarray) -> str:
    found = read_qr(frame)
    return found.text if found else ""


def token(rng: np.random.Generator, n: int) -> bytes:
    """Random-looking bytes, the same on every run (the set is fixed, the numbers comparable)."""
    return bytes(rng.integers(0, 256, n, dtype=np.uint8))


def screen_codes(n: int) -> list[tuple[str, np.ndarray]]:
    """Receipt links as a scaled-down screen draws them: 1 px a module scaled by a fraction
    with nearest-neighbour sampling, so modules are unevenly 4 to 7 px wide."""
    import cv2
    import qrcode

    rng = np.random.default_rng(7)
    out = []
    for _ in range(n):
        text = (f"https://receipts.smartbranch.example/r/20261123T{rng.integers(10**6):06d}-"
                f"{token(rng, 4).hex()}?t={urlsafe_b64encode(token(rng, 12)).decode()}")
        qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
        qr.add_data(text)
        qr.make(fit=True)
        grey = np.where(np.array(qr.get_matrix(), dtype=bool), 0, 255).astype(np.uint8)
        side = int(rng.integers(180, 290))
        img = cv2.resize(grey, (side, side), interpolation=cv2.INTER_NEAREST)
        img = cv2.copyMakeBorder(img, 30, 30, 30, 30, cv2.BORDER_CONSTANT, value=235)
        out.append((text, cv2.cvtColor(img, cv2.COLOR_GRAY2RGB)))
    return out


def timed(fn: Callable[[np.ndarray], str], frame: np.ndarray) -> tuple[str, float]:
    t0 = time.perf_counter()
    text = fn(frame)
    return text, (time.perf_counter() - t0) * 1e3


def main() -> None:
    cases = []
    rng = np.random.default_rng(11)
    for i in range(24):
        text = f"O2O:{urlsafe_b64encode(token(rng, 23)).decode().rstrip('=')}"
        scene = PhoneScene(text=text, seed=i)
        cases += [(text, scene.frame(float(t))) for t in np.linspace(0.0, 6.0, 10)]
    empty = [EmptyScene().frame(0.1 * i) for i in range(40)]
    screen = screen_codes(400)
    readers = {"kiosk: OpenCV, then ZXing (identity.qr)": kiosk_read,
               "ZXing alone": zxing_read,
               "OpenCV QRCodeDetector alone (baseline)": opencv_read}
    for fn in readers.values():  # warm-up: imports, first-call set-up
        fn(cases[0][1])
    rows = {}
    for name, fn in readers.items():
        ok, ms = 0, []
        for text, frame in cases:
            got, t = timed(fn, frame)
            ok += got == text
            ms.append(t)
        idle = [timed(fn, frame)[1] for frame in empty]
        on_screen = sum(fn(frame) == text for text, frame in screen)
        rows[name] = (ok, statistics.median(ms), statistics.quantiles(ms, n=10)[-1],
                      statistics.median(idle), on_screen)
    print(f"{len(cases)} phone frames and {len(empty)} empty-room frames at 640×480; "
          f"{len(screen)} receipt links drawn on a scaled screen\n")
    print("| reader | phone frames read | median ms | p90 ms | empty frame ms "
          "| screen codes read |")
    print("|---|---|---|---|---|---|")
    for name, (ok, med, p90, idle_ms, scr) in rows.items():
        print(f"| {name} | {ok}/{len(cases)} | {med:.2f} | {p90:.2f} | {idle_ms:.2f} "
              f"| {scr}/{len(screen)} |")
    (_, ki, _, kie, _), _, (_, cv, _, cve, _) = rows.values()
    print(f"\nkiosk reader / baseline: {ki / cv:.2f}× on phone frames (median), "
          f"{kie / cve:.2f}× on empty frames")


if __name__ == "__main__":
    main()
