"""The kiosk's Ed25519 signing key: made once, at install or first use, never replaced.

The private key is a PKCS#8 PEM file in the secrets directory (``[storage] secrets_dir``),
mode 0600. It is created atomically: written to a private temporary file, fsynced, then
hard-linked to its name, which fails if a key is already there (two processes starting at
once end up with the same key; an existing key is never overwritten). Rotating a key is a
deliberate act by a technician (move the file away), never something this code does.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

KEY_FILE = "esign_ed25519.pem"


class KeyFileError(Exception):
    """The key file is unusable; the message names the file and what to do."""


def key_path(secrets_dir: Path) -> Path:
    return Path(secrets_dir) / KEY_FILE


def load(secrets_dir: Path) -> Ed25519PrivateKey | None:
    """The existing key, or None when none was made yet."""
    path = key_path(secrets_dir)
    try:
        st = path.stat()
        data = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise KeyFileError(f"cannot read {path}: {exc.strerror}") from None
    if st.st_mode & 0o077:
        raise KeyFileError(f"{path} is readable by others (mode {stat.S_IMODE(st.st_mode):04o}); "
                           f"run: chmod 600 {path}")
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFileError(f"{path} is not an unencrypted PEM private key "
                           "(move it away to make a new one)") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
    return key


def load_or_create(secrets_dir: Path) -> Ed25519PrivateKey:
    """The kiosk's key, made (0600, atomically) if the secrets directory has none."""
    existing = load(secrets_dir)
    if existing is not None:
        return existing
    d = Path(secrets_dir)
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = key_path(d)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = d / f".{KEY_FILE}.{secrets.token_hex(8)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(pem)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails when a key appeared meanwhile: keep that one
        except FileExistsError:
            pass
        else:
            _fsync_dir(d)
    finally:
        tmp.unlink(missing_ok=True)
    loaded = load(d)
    if loaded is None:  # pragma: no cover - the file was removed between link and read
        raise KeyFileError(f"{path} vanished while it was being created")
    return loaded


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def public_key(key: Ed25519PrivateKey | Ed25519PublicKey) -> Ed25519PublicKey:
    return key.public_key() if isinstance(key, Ed25519PrivateKey) else key


def public_key_pem(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """SubjectPublicKeyInfo PEM of the key (what a bank registers for the kiosk)."""
    return public_key(key).public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def key_id(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    """A short fingerprint: the first 16 hex digits of SHA-256 of the raw public key."""
    raw = public_key(key).public_bytes(serialization.Encoding.Raw,
                                       serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(pem: bytes | str, source: str = "public key") -> Ed25519PublicKey:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise KeyFileError(f"{source} is not a PEM public key") from None
    if not isinstance(key, Ed25519PublicKey):
        raise KeyFileError(f"{source} is a {type(key).__name__}, not an Ed25519 public key")
    return key
