"""coturn's TURN REST credentials (``use-auth-secret`` + ``static-auth-secret``).

username = ``EXPIRY_UNIX_TIME:USER``, password = base64(HMAC-SHA1(secret, username)); coturn
recomputes the password from the shared secret, so no per-user database is needed and a
leaked credential dies at EXPIRY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Sequence
from pathlib import Path

from video_teller.protocol import IceServer


def credentials(secret: bytes, user: str, ttl_s: float,
                now: float | None = None) -> tuple[str, str]:
    """(username, password) valid for ``ttl_s`` seconds from ``now``."""
    if not secret:
        raise ValueError("TURN secret is empty")
    if ":" in user:
        raise ValueError(f"TURN user {user!r}: ':' separates the expiry")
    if ttl_s <= 0:
        raise ValueError(f"TURN ttl {ttl_s!r}: must be positive")
    expiry = int((time.time() if now is None else now) + ttl_s)
    username = f"{expiry}:{user}"
    digest = hmac.new(secret, username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode("ascii")


def ice_servers(urls: Sequence[str], secret: bytes | None, user: str, ttl_s: float,
                now: float | None = None) -> list[IceServer]:
    """The relays for one party (empty without URLs or a secret)."""
    if not urls or not secret:
        return []
    username, password = credentials(secret, user, ttl_s, now)
    return [IceServer(urls=list(urls), username=username, credential=password)]


def check_urls(urls: Sequence[str]) -> list[str]:
    for url in urls:
        if not url.startswith(("turn:", "turns:")):
            raise ValueError(f"turn_urls: {url!r} is not a turn: or turns: URL")
    return list(urls)


def load_secret(path: Path) -> bytes:
    try:
        secret = path.read_bytes().strip()
    except FileNotFoundError:
        raise ValueError(
            f"TURN secret file {path} is missing (coturn's static-auth-secret)") from None
    if not secret:
        raise ValueError(f"TURN secret file {path} is empty")
    return secret
