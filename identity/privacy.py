"""Biometric data at rest: encrypted, never logged, wiped at session end or retention expiry.

Face images, ID images and face templates are written only through :class:`BiometricVault`:
AES-256-GCM with a random 96-bit nonce per item, the item's name bound as associated data
(a file renamed to another item does not decrypt). The key is the ``biometric-vault``
purpose of the kiosk's key store (kiosk_core.keystore: ``[storage] secrets_dir``, outside the
data directory, owner-only, versioned, TPM-sealed when a TPM is present). An item is
``SBV2`` + the key version (4 bytes, big-endian) + nonce + ciphertext; ``SBV1`` items (from
before the key store) were made with what is now version 1. Wiping overwrites a file
before unlinking it (best effort: on flash/journaling file systems only the key's absence
truly protects old copies, which is why the data never exists unencrypted on disk).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_core.keystore import KeyRing, KeyStore, KeyStoreError

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

#: The key's file before the key store (imported as biometric-vault v1).
KEY_FILE = "identity.key"
PURPOSE = "biometric-vault"
_NAME = re.compile(r"^[A-Za-z0-9_.-]{1,64}\Z")
_MAGIC_V1 = b"SBV1"  # before the key store: key version 1, no version field
_MAGIC = b"SBV2"
_HEAD = len(_MAGIC) + 4  # magic + key version


class VaultError(Exception):
    pass


def load_ring(secrets_dir: Path) -> KeyRing:
    """The vault's key ring (made, or migrated from ``identity.key``, on first use)."""
    try:
        return KeyStore(secrets_dir).ring(PURPOSE)
    except KeyStoreError as exc:
        raise VaultError(str(exc)) from None


def _shred(path: Path) -> None:
    try:
        size = path.stat().st_size
        with open(path, "r+b") as fh:
            fh.write(secrets.token_bytes(size))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


class BiometricVault:
    """Encrypted per-session storage under ``root/<session id>/``."""

    def __init__(self, root: Path, secrets_dir: Path, retention_s: float) -> None:
        self.root = root
        self.secrets_dir = secrets_dir  # the identity worker opens the same vault from it
        self.retention_s = retention_s
        self._ring = load_ring(secrets_dir)
        self._aead_by_version: dict[int, AESGCM] = {}
        root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def __repr__(self) -> str:  # never show keys or data
        return f"BiometricVault({self.root})"

    def _aead(self, version: int) -> AESGCM:
        # Imported on first use: the kiosk's process only wipes; the identity worker
        # encrypts and decrypts.
        aead = self._aead_by_version.get(version)
        if aead is None:
            from cryptography.hazmat.primitives.ciphers.aead import AESGCM

            try:
                key = self._ring.material(version)
            except KeyStoreError as exc:
                raise VaultError(str(exc)) from None
            aead = self._aead_by_version[version] = AESGCM(key)
        return aead

    def _path(self, session: str, name: str) -> Path:
        if not _NAME.match(session) or not _NAME.match(name):
            raise VaultError("session and item names must be short [A-Za-z0-9_.-]")
        return self.root / session / (name + ".enc")

    def put(self, session: str, name: str, data: bytes) -> Path:
        path = self._path(session, name)
        path.parent.mkdir(exist_ok=True, mode=0o700)
        nonce = secrets.token_bytes(12)
        version = self._ring.current  # new writes: the newest key
        blob = (_MAGIC + version.to_bytes(4, "big") + nonce
                + self._aead(version).encrypt(nonce, data, f"{session}/{name}".encode()))
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(blob)
        os.replace(tmp, path)
        meta = path.parent / ".created"
        if not meta.exists():
            meta.write_text(json.dumps({"created": time.time()}))
        return path

    def get(self, session: str, name: str) -> bytes:
        path = self._path(session, name)
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise VaultError(f"no item {name!r} in session {session!r}") from None
        if blob.startswith(_MAGIC_V1):
            version, body = 1, blob[4:]
        elif blob.startswith(_MAGIC):
            version, body = int.from_bytes(blob[4:_HEAD], "big"), blob[_HEAD:]
        else:
            raise VaultError(f"{path.name} is not a vault item")
        if len(body) < 12 + 16:
            raise VaultError(f"{path.name} is not a vault item")
        aead = self._aead(version)
        try:
            return aead.decrypt(body[:12], body[12:], f"{session}/{name}".encode())
        except Exception:
            raise VaultError(f"{path.name} failed authentication (tampered or wrong key)"
                             ) from None

    def items(self, session: str) -> list[str]:
        d = self.root / session
        return sorted(p.stem for p in d.glob("*.enc")) if d.is_dir() else []

    def wipe(self, session: str) -> int:
        """Overwrite and delete a session's items; returns how many were removed."""
        d = self.root / session
        if not _NAME.match(session) or not d.is_dir():
            return 0
        n = 0
        for p in d.iterdir():
            if p.suffix == ".enc":
                n += 1
            _shred(p)
        shutil.rmtree(d, ignore_errors=True)
        return n

    def expire(self, now: float | None = None) -> list[str]:
        """Wipe every session older than the retention time; returns their ids."""
        now = time.time() if now is None else now
        gone = []
        for d in self.root.iterdir() if self.root.is_dir() else []:
            try:
                created = json.loads((d / ".created").read_text())["created"]
            except (OSError, ValueError, KeyError):
                created = d.stat().st_mtime
            if now - created >= self.retention_s:
                self.wipe(d.name)
                gone.append(d.name)
        return gone
