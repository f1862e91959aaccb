"""The branch database's encryption key: 32 random bytes in ``secrets_dir/branch-db.key``.

The branch database (names, phone numbers, booking codes and QR tokens) is encrypted at rest
with SQLCipher (o2o_sync.store.connect, docs/o2o_sync.md "Encrypted at rest"). The key lives
outside the data directory, owner-only (0600 in a 0700 directory): a disk image of the data
directory alone shows no personal data. Every process that opens the branch database (kiosk,
staff console, sync loop, webhook receiver) reads the same file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

KEY_FILE = "branch-db.key"
KEY_BYTES = 32


class KeyFileError(RuntimeError):
    """A key file that cannot be trusted (wrong size, readable by others)."""


def key_path_for(cfg: Any) -> Path:
    return Path(cfg.path("secrets_dir")) / KEY_FILE


def load_or_create(path: Path) -> bytes:
    """The key at ``path``, created owner-only on first use. A key file another user can read,
    or of the wrong size, is refused (never silently replaced: the data would be lost)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            raise KeyFileError(f"{path}: readable by others (mode {mode:o}); "
                               f"chmod 600 it") from None
        key = path.read_bytes()
        if len(key) != KEY_BYTES:
            raise KeyFileError(f"{path}: {len(key)} bytes, expected {KEY_BYTES}") from None
        return key
    key = os.urandom(KEY_BYTES)
    try:
        os.write(fd, key)
        os.fsync(fd)
    finally:
        os.close(fd)
    return key


def key_for(cfg: Any) -> bytes:
    return load_or_create(key_path_for(cfg))
