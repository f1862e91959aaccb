"""QR reading for check-in: ZXing (identity.qr) against OpenCV's QRCodeDetector, the reader
it replaced, on simulated phone frames at 640×480. ``python -m bench.qr``

Each of 24 codes (random 31-character appointment tokens) is shown on the simulated phone at
10 moments of its sway and tilt, over a room background. Both readers get the same frames;
"read" counts frames decoded to the exact text. The empty-room row is the common case while a
customer is still getting the phone out.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable

import numpy as np

from devices.camera.scenes import EmptyScene, PhoneScene
from identity.qr import read_qr


def opencv_read(frame: np.ndarray) -> str:
    """The previous reader: OpenCV's classic detector, retried at 2× for small codes."""
    import cv2

    det = cv2.QRCodeDetector()
    grey = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
    for img in (grey, cv2.resize(grey, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)):
        text, _, _ = det.detectAndDecode(img)
        if text:
            return str(text)
    return ""


def zxing_read(frame: np.ndarray) -> str:
    found = read_qr(frame)
    return found.text if found else ""


def screen_codes(n: int) -> list[tuple[str, np.ndarray]]:
    """Receipt links as a scaled-down screen draws them: 1 px a module scaled by a fraction
    with nearest-neighbour sampling, so modules are unevenly 4 to 7 px wide."""
    import cv2
    import qrcode

    rng = np.random.default_rng(7)
    out = []
    for _ in range(n):
        text = (f"https://receipts.smartbranch.example/r/20261123T{rng.integers(10**6):06d}-"
                f"{secrets.token_hex(4)}?t={secrets.token_urlsafe(12)}")
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
    for i in range(24):
        text = f"O2O:{secrets.token_urlsafe(23)}"
        scene = PhoneScene(text=text, seed=i)
        cases += [(text, scene.frame(float(t))) for t in np.linspace(0.0, 6.0, 10)]
    empty = [EmptyScene().frame(0.1 * i) for i in range(40)]
    screen = screen_codes(400)
    readers = {"ZXing (identity.qr)": zxing_read, "OpenCV QRCodeDetector (baseline)": opencv_read}
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
    (_, zx, _, zxe, _), (_, cv, _, cve, _) = rows.values()
    print(f"\nratio to baseline (median, phone frames): {zx / cv:.3f}× "
          f"({cv / zx:.1f}× faster); empty frames {zxe / cve:.3f}×")


if __name__ == "__main__":
    main()
