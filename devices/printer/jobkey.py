"""The print jobs' AES-256 key file, in the kiosk's secrets folder.

Same approach as the biometric vault's key (``[storage] secrets_dir``, owner-only), written
here because devices may not import identity. The key is created once — written to a
temporary file, fsynced, then hard-linked into place, so a reader never sees half a key and
two processes starting together (the kiosk and ``kiosk receipts serve``) end with the same
one — and never overwritten: a damaged key or one others may read is refused, naming the
file, rather than replaced (replacing it would make every kept job unreadable).
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

KEY_BYTES = 32  # AES-256


class KeyFileError(Exception):
    """The key file is unusable; the message names it and says what to do."""


def load_key(path: Path) -> bytes | None:
    """The key, or None if there is no key file yet. Never creates one."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(f"print-job key {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(st.st_mode):
        raise KeyFileError(f"print-job key {path} is not a regular file")
    if st.st_mode & 0o077:
        raise KeyFileError(
            f"print-job key {path} is readable or writable by others (mode "
            f"{stat.S_IMODE(st.st_mode):04o}); it must be owner-only: chmod 600 {path}")
    try:
        key = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"print-job key {path}: {exc.strerror or exc}") from None
    if len(key) != KEY_BYTES:
        raise KeyFileError(
            f"print-job key {path} is damaged ({len(key)} bytes, expected {KEY_BYTES}); "
            "restore it from backup — kept print jobs cannot be read without it")
    return key


def load_or_create_key(path: Path) -> bytes:
    """The key at ``path``, created (0600, in a 0700 folder) if there is none."""
    key = load_key(path)
    if key is not None:
        return key
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(secrets.token_bytes(KEY_BYTES))
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # fails if another process made one first: use theirs
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
        _fsync_dir(path.parent)
    except OSError as exc:
        raise KeyFileError(f"cannot create print-job key {path}: {exc.strerror or exc}"
                           ) from None
    key = load_key(path)
    if key is None:  # removed under our feet
        raise KeyFileError(f"print-job key {path} vanished while being created")
    return key


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
