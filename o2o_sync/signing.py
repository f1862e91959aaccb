"""Webhook signatures, Stripe-style: ``t=<unix time>,v1=<hex HMAC-SHA256 of "t.raw_body">``.

Verified on the raw bytes (never on re-serialised JSON) and only within a tolerance window,
so a captured delivery cannot be replayed later. No I/O here.
"""

from __future__ import annotations

import hashlib
import hmac
import time

HEADER = "X-O2O-Signature"


class SignatureError(ValueError):
    """The signature header is missing, malformed, wrong or too old."""


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    t = int(time.time()) if timestamp is None else int(timestamp)
    mac = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def parse_header(header: str) -> tuple[int, list[str]]:
    """(timestamp, v1 signatures). Several v1 values are allowed (secret rotation)."""
    if not header:
        raise SignatureError("missing signature header")
    if len(header) > 1024:
        raise SignatureError("signature header too long")
    t: int | None = None
    sigs: list[str] = []
    for part in header.split(","):
        key, sep, value = part.strip().partition("=")
        if not sep:
            raise SignatureError(f"malformed signature element {part.strip()[:20]!r}")
        if key == "t":
            # ASCII digits only: str.isdigit() and int() also take "٣" or "²"
            if not (value.isascii() and value.isdigit()) or len(value) > 12:
                raise SignatureError("malformed timestamp")
            t = int(value)
        elif key == "v1":
            if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
                raise SignatureError("malformed v1 signature")
            sigs.append(value)
        # other schemes (v0, future ones) are ignored, as Stripe does
    if t is None:
        raise SignatureError("no timestamp in signature header")
    if not sigs:
        raise SignatureError("no v1 signature in header")
    return t, sigs


def verify(
    secret: str, body: bytes, header: str, *, tolerance_s: int = 300, now: float | None = None
) -> int:
    """Check ``header`` for ``body``; returns the signed timestamp or raises SignatureError."""
    t, sigs = parse_header(header)
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    if not any(hmac.compare_digest(expected, s) for s in sigs):
        raise SignatureError("signature does not match")
    age = (time.time() if now is None else now) - t
    if abs(age) > tolerance_s:
        raise SignatureError(
            f"timestamp outside tolerance ({age:+.0f} s, allowed ±{tolerance_s} s)"
        )
    return t
