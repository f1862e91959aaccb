"""The kiosk's Ed25519 evidence-signing key, from the key store (kiosk_core.keystore).

The key is the ``evidence-signing`` purpose of the kiosk's key store (``[storage]
secrets_dir``/keys/evidence-signing/, owner-only, versioned, TPM-sealed when a TPM is
present). Every record names the key that signed it (``key_id``, the public key's
fingerprint), so after ``kiosk keys rotate evidence-signing`` new records are signed with
the new version and old records still verify with the old one (:func:`public_keys`).

Before the key store the key was ``<secrets_dir>/esign_ed25519.pem`` (:data:`KEY_FILE`);
the first use imports it as version 1 (then the old file is overwritten and removed).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kiosk_core.keystore import KeyStore, KeyStoreError

#: The key's file before the key store (imported as evidence-signing v1).
KEY_FILE = "esign_ed25519.pem"
PURPOSE = "evidence-signing"


class KeyFileError(Exception):
    """The key is unusable; the message names the file and what to do."""


def _store(secrets_dir: Path | KeyStore) -> KeyStore:
    return secrets_dir if isinstance(secrets_dir, KeyStore) else KeyStore(Path(secrets_dir))


def load(secrets_dir: Path | KeyStore) -> Ed25519PrivateKey | None:
    """The current key, or None when none was made yet (nothing is created, though an old
    ``esign_ed25519.pem`` is imported)."""
    store = _store(secrets_dir)
    try:
        if not store.has(PURPOSE):
            return None
        return store.ring(PURPOSE).signing_key()
    except KeyStoreError as exc:
        raise KeyFileError(str(exc)) from None


def load_or_create(secrets_dir: Path | KeyStore) -> Ed25519PrivateKey:
    """The kiosk's current key, made (0600, atomically) if the key store has none."""
    try:
        return _store(secrets_dir).ring(PURPOSE).signing_key()
    except KeyStoreError as exc:
        raise KeyFileError(str(exc)) from None


def public_keys(secrets_dir: Path | KeyStore) -> dict[str, Ed25519PublicKey]:
    """Every version's public key by key id (old records verify after a rotation)."""
    store = _store(secrets_dir)
    try:
        if not store.has(PURPOSE):
            return {}
        return {key_id(k): k for k in store.ring(PURPOSE).public_keys().values()}
    except KeyStoreError as exc:
        raise KeyFileError(str(exc)) from None


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
