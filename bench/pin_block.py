"""PIN block build + encrypt, as the bank's HSM role and the EPP simulator do it: ISO 9564-1
format 4 (AES-128, two block encryptions) and format 0 (TDES), per block, p50 and p99.

Target (the issue's): <= 1 ms per PIN block. Baseline: one AES-ECB encryption of a block
with the same key objects (the floor any format-4 block pays twice).

    .venv/bin/python -m bench.pin_block
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from devices.pinpad.pinblock import decode_format4, encode_format0, encode_format4

N = 5000
TARGET_MS = 1.0
PAN = "6222020000000014"
AES_KEY = bytes(range(16))
TDES_KEY = bytes(range(16, 32))


def timed(fn: Callable[[], object], n: int = N) -> list[float]:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e3)
    return out


def p99(xs: list[float]) -> float:
    return statistics.quantiles(xs, n=100)[98]


def main() -> None:
    block = os.urandom(16)

    def one_aes() -> bytes:
        enc = Cipher(algorithms.AES(AES_KEY), modes.ECB()).encryptor()
        return enc.update(block) + enc.finalize()

    encoded = encode_format4("258013", PAN, AES_KEY)
    rows = [
        ("baseline: one AES-ECB block", timed(one_aes)),
        ("format 4 encode (AES)", timed(lambda: encode_format4("258013", PAN, AES_KEY))),
        ("format 4 decode (AES, host)", timed(lambda: decode_format4(encoded, PAN, AES_KEY))),
        ("format 0 encode (TDES)", timed(lambda: encode_format0("258013", PAN, TDES_KEY))),
    ]
    base = statistics.median(rows[0][1])
    print(f"{'operation':<30} {'p50 ms':>8} {'p99 ms':>8} {'vs base':>8} {'target':>8}")
    worst = 0.0
    for name, xs in rows:
        worst = max(worst, p99(xs)) if name != rows[0][0] else worst
        print(f"{name:<30} {statistics.median(xs):8.4f} {p99(xs):8.4f} "
              f"{statistics.median(xs) / base:7.1f}x {TARGET_MS:8.1f}")
    print(f"worst p99 {worst:.4f} ms = {worst / TARGET_MS:.3f} of the {TARGET_MS} ms target "
          f"({'met' if worst <= TARGET_MS else 'MISSED'})")


if __name__ == "__main__":
    main()
