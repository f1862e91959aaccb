"""The kiosk's keys: one per purpose, versioned, kept apart from the data they protect.

Every secret key the kiosk holds for its own data lives here (foundation layer: devices and
domain packages use it; it imports nothing above ``kiosk_core``):

=================== ========= =====================================================
purpose             kind      protects
=================== ========= =====================================================
biometric-vault     AES-256   face / ID images and templates (identity.privacy)
esign-vault         AES-256   e-signature material kept encrypted at rest
evidence-signing    Ed25519   signed e-signature evidence records (esign)
journal-sealing     Ed25519   the journal's signed checkpoints (kiosk_core.journal_seal)
print-jobs          AES-256   kept print jobs (devices.printer.jobs)
queue-links         HMAC      the queue ticket's "follow the queue" link tokens
=================== ========= =====================================================

Layout (``[storage] secrets_dir``, which must be outside ``data_dir``)::

    secrets_dir/keys/               0700, owned by the kiosk's user
    secrets_dir/keys/<purpose>/     0700
        v1.key                      0600: 32 raw bytes (an Ed25519 key's private seed)
        v1.pub, v1.priv             instead of v1.key when sealed to the TPM
        v1.json                     0600: when and how the version was made (no secret)

**Versions.** Each purpose has versions 1, 2, …; new writes use the newest, and every
sealed or encrypted record names the version it used, so after ``kiosk keys rotate`` old
records still decrypt and verify (old versions are never deleted by this code).

**Strict permissions.** A key file readable by anyone but its owner, a key directory open
to others, or a file owned by another user is refused with an error naming the file and
the ``chmod``/``chown`` that fixes it: never silently used, never replaced.

**TPM.** With ``[storage] key_wrap = "auto"`` (the default) and a TPM present
(``/dev/tpmrm0``, or ``TPM2TOOLS_TCTI`` naming one, and tpm2-tools installed), a new key is
sealed to the TPM (``tpm2_create`` under the owner hierarchy's primary key): the files on
disk are useless on another machine, so a thief who takes the disk gets no key.
``"tpm"`` makes a TPM mandatory, ``"none"`` never uses one.

**Migration.** Before the key store, each user kept one file in ``secrets_dir`` (and the
biometric vault's ``identity.key`` was shared with the e-signature side). The first time a
purpose is opened with no versions, its old file becomes version 1 of that purpose, and of
every purpose that used it; once every such purpose has imported it, the old file is
overwritten and removed. See docs/keys.md.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import shutil
import stat
import subprocess
import tempfile
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

    from kiosk_core.config import CoreConfig

log = logging.getLogger(__name__)

KeyKind = Literal["aes256", "hmac", "ed25519"]
Wrap = Literal["auto", "tpm", "none"]
KEY_BYTES = 32
KEYS_DIR = "keys"


@dataclass(frozen=True)
class Purpose:
    name: str
    kind: KeyKind
    about: str
    #: Files in the old secrets folder that held this purpose's key before the key store;
    #: the first one found becomes version 1.
    legacy: tuple[str, ...] = ()


PURPOSES: dict[str, Purpose] = {p.name: p for p in (
    Purpose("biometric-vault", "aes256", "face and ID images, face templates",
            ("identity.key",)),
    Purpose("esign-vault", "aes256", "e-signature material encrypted at rest",
            ("identity.key",)),
    Purpose("evidence-signing", "ed25519", "signed e-signature evidence records",
            ("esign_ed25519.pem",)),
    Purpose("journal-sealing", "ed25519", "the journal's signed checkpoints"),
    Purpose("print-jobs", "aes256", "kept print jobs", ("print-jobs.key",)),
    Purpose("queue-links", "hmac", "queue ticket link tokens", ("queue-links.key",)),
)}


class KeyStoreError(Exception):
    """A key cannot be used; the message names the file and what to do about it."""


@dataclass(frozen=True)
class KeyVersion:
    """One version of one purpose's key, as ``kiosk keys list`` shows it (no secret)."""

    purpose: str
    version: int
    created: str
    source: str  # "generated" | "migrated from <file>" | "rotated"
    wrap: str  # "none" | "tpm"
    current: bool
    key_id: str = ""  # Ed25519: the public key's fingerprint


class KeyRing:
    """Every version of one purpose's key. ``current`` is the one new writes use."""

    def __init__(self, purpose: str, keys: Mapping[int, bytes]) -> None:
        if not keys:
            raise KeyStoreError(f"key ring {purpose!r} has no versions")
        self.purpose = purpose
        self._keys = dict(keys)
        self.current = max(self._keys)

    def __repr__(self) -> str:  # never show a key
        return f"KeyRing({self.purpose!r}, versions={self.versions})"

    @property
    def versions(self) -> list[int]:
        return sorted(self._keys)

    def material(self, version: int | None = None) -> bytes:
        """The key bytes of ``version`` (default: the current one)."""
        v = self.current if version is None else version
        try:
            return self._keys[v]
        except KeyError:
            raise KeyStoreError(f"{self.purpose} has no key version {v} (versions: "
                                f"{', '.join(map(str, self.versions))}); restore it from "
                                "the key backup") from None

    def signing_key(self, version: int | None = None) -> Ed25519PrivateKey:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        return Ed25519PrivateKey.from_private_bytes(self.material(version))

    def public_keys(self) -> dict[int, Ed25519PublicKey]:
        return {v: self.signing_key(v).public_key() for v in self.versions}


def fingerprint(public: Ed25519PublicKey) -> str:
    """First 16 hex digits of SHA-256 of the raw public key (esign's ``key_id``)."""
    import hashlib

    from cryptography.hazmat.primitives import serialization

    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


# -- the TPM -----------------------------------------------------------------------------


class Tpm:
    """Seal and unseal 32-byte keys with tpm2-tools (``tpm2_create`` / ``tpm2_unseal``).

    The parent is the owner hierarchy's ECC primary key, re-created from the TPM's seed on
    each use (same template, same key), so nothing but the sealed object's public and
    private parts is kept on disk. Transient objects are flushed after each call (swtpm
    without a resource manager has only a few slots). ``tcti``: e.g. ``swtpm:port=2321``;
    None uses tpm2-tools' default (``/dev/tpmrm0``) or ``TPM2TOOLS_TCTI``.
    """

    TOOLS = ("tpm2_createprimary", "tpm2_create", "tpm2_load", "tpm2_unseal",
             "tpm2_flushcontext")

    def __init__(self, tcti: str | None = None, timeout_s: float = 30.0) -> None:
        self.tcti = tcti
        self.timeout_s = timeout_s

    @classmethod
    def detect(cls) -> Tpm | None:
        """A TPM this machine can use, or None (no device, no TCTI, or no tpm2-tools)."""
        if not all(shutil.which(t) for t in cls.TOOLS):
            return None
        tcti = os.environ.get("TPM2TOOLS_TCTI")
        if tcti or Path("/dev/tpmrm0").exists():
            return cls(tcti)
        return None

    def _run(self, args: list[str], *, stdin: bytes | None = None) -> bytes:
        env = dict(os.environ)
        if self.tcti:
            env["TPM2TOOLS_TCTI"] = self.tcti
        try:
            done = subprocess.run(args, input=stdin, capture_output=True, env=env,
                                  timeout=self.timeout_s, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise KeyStoreError(f"TPM: {args[0]} failed: {exc}") from None
        if done.returncode != 0:
            err = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise KeyStoreError(f"TPM: {args[0]} failed: {err[-1] if err else done.returncode}")
        return done.stdout

    def _step(self, args: list[str], *, stdin: bytes | None = None) -> bytes:
        """One tool, then its transient objects flushed: each tool saves what it made to a
        context file, and a TPM without a resource manager (swtpm on a socket) has only a
        few object slots."""
        try:
            return self._run(args, stdin=stdin)
        finally:
            self._flush()

    def _primary(self, work: Path) -> Path:
        ctx = work / "primary.ctx"
        self._step(["tpm2_createprimary", "-Q", "-C", "o", "-g", "sha256", "-G", "ecc",
                    "-c", str(ctx)])
        return ctx

    def _flush(self) -> None:
        try:
            self._run(["tpm2_flushcontext", "-t"])
        except KeyStoreError as exc:
            log.warning("%s", exc)

    def seal(self, secret: bytes, pub: Path, priv: Path) -> None:
        with tempfile.TemporaryDirectory(prefix="sb-tpm-") as tmp:
            primary = self._primary(Path(tmp))
            self._step(["tpm2_create", "-Q", "-C", str(primary), "-i", "-",
                        "-u", str(pub), "-r", str(priv)], stdin=secret)

    def unseal(self, pub: Path, priv: Path) -> bytes:
        with tempfile.TemporaryDirectory(prefix="sb-tpm-") as tmp:
            primary = self._primary(Path(tmp))
            obj = Path(tmp) / "key.ctx"
            self._step(["tpm2_load", "-Q", "-C", str(primary), "-u", str(pub),
                        "-r", str(priv), "-c", str(obj)])
            return self._step(["tpm2_unseal", "-c", str(obj)])


# -- permissions -----------------------------------------------------------------------


def _check_dir(path: Path, *, private: bool) -> None:
    """``private``: 0700 exactly; otherwise at least not writable by group or others."""
    try:
        st = path.lstat()
    except FileNotFoundError:
        raise KeyStoreError(f"key directory {path} does not exist") from None
    if not stat.S_ISDIR(st.st_mode):
        raise KeyStoreError(f"{path} is not a directory (a symlink or file where the key "
                            "store expects its folder)")
    if st.st_uid != os.geteuid():
        raise KeyStoreError(f"key directory {path} belongs to uid {st.st_uid}, not the "
                            f"kiosk's user (uid {os.geteuid()}): chown it to that user")
    mode = stat.S_IMODE(st.st_mode)
    if (mode & 0o077) if private else (mode & 0o022):
        raise KeyStoreError(f"key directory {path} is open to others (mode {mode:04o}); the "
                            f"key store refuses it: chmod 700 {path}")


def _check_file(path: Path) -> os.stat_result:
    st = path.lstat()
    if not stat.S_ISREG(st.st_mode):
        raise KeyStoreError(f"key file {path} is not a regular file")
    if st.st_uid != os.geteuid():
        raise KeyStoreError(f"key file {path} belongs to uid {st.st_uid}, not the kiosk's "
                            f"user (uid {os.geteuid()}): chown it to that user")
    mode = stat.S_IMODE(st.st_mode)
    if mode & 0o077:
        raise KeyStoreError(f"key file {path} is readable or writable by others (mode "
                            f"{mode:04o}); the key store refuses it: chmod 600 {path}")
    return st


def _read_private(path: Path) -> bytes:
    _check_file(path)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise KeyStoreError(f"cannot read key file {path}: {exc.strerror or exc}") from None


def _fsync_dir(d: Path) -> None:
    try:
        fd = os.open(d, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _publish(path: Path, data: bytes) -> bool:
    """Create ``path`` (0600) with ``data`` atomically; False if it already existed."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)  # fails if it exists: never overwrite a key
        except FileExistsError:
            return False
        _fsync_dir(path.parent)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _shred(path: Path) -> None:
    try:
        with open(path, "r+b") as fh:
            fh.write(secrets.token_bytes(os.fstat(fh.fileno()).st_size))
            fh.flush()
            os.fsync(fh.fileno())
    except OSError:
        pass
    path.unlink(missing_ok=True)


def _legacy_material(purpose: Purpose, path: Path) -> bytes:
    """The 32 key bytes in a pre-key-store file (raw bytes, or esign's PKCS#8 PEM)."""
    data = _read_private(path)
    if purpose.kind == "ed25519":
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        try:
            key = serialization.load_pem_private_key(data, password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            raise KeyStoreError(f"{path} is not an unencrypted PEM private key; it cannot "
                                f"become {purpose.name} v1") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise KeyStoreError(f"{path} holds a {type(key).__name__}, not an Ed25519 key")
        return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                 serialization.NoEncryption())
    if len(data) != KEY_BYTES:
        raise KeyStoreError(f"{path} is damaged ({len(data)} bytes, expected {KEY_BYTES}); "
                            f"restore it from backup before {purpose.name} can open")
    return data


# -- the store ---------------------------------------------------------------------------


class KeyStore:
    """The keys under ``secrets_dir/keys``. Thread-safe; rings are cached once loaded.

    ``legacy_dirs``: folders that may hold pre-key-store key files (``secrets_dir`` itself
    is always looked at). ``wrap``: see the module's docstring; ``tpm``: the TPM to use
    (default: :meth:`Tpm.detect` when ``wrap`` allows one).
    """

    def __init__(self, secrets_dir: Path | str, *, wrap: Wrap = "auto",
                 tpm: Tpm | None = None, legacy_dirs: Iterable[Path] = ()) -> None:
        self.secrets_dir = Path(secrets_dir)
        self.root = self.secrets_dir / KEYS_DIR
        self.wrap = wrap
        self._tpm = tpm if tpm is not None or wrap == "none" else Tpm.detect()
        if wrap == "none":
            self._tpm = None
        self._legacy_dirs = [self.secrets_dir, *[Path(d) for d in legacy_dirs]]
        self._rings: dict[str, KeyRing] = {}
        self._lock = threading.RLock()

    def __repr__(self) -> str:
        return f"KeyStore({self.root})"

    @classmethod
    def from_config(cls, cfg: CoreConfig, *, tpm: Tpm | None = None) -> KeyStore:
        """The kiosk's store; moves the pre-1.x ``data_dir/secrets`` folder out first."""
        relocate_legacy_secrets(cfg)
        return cls(cfg.path("secrets_dir"), wrap=cfg.storage.key_wrap, tpm=tpm)

    @property
    def tpm(self) -> Tpm | None:
        return self._tpm

    # -- reading ---------------------------------------------------------------------

    def ring(self, purpose: str, *, create: bool = True) -> KeyRing:
        """Every version of ``purpose``'s key; the first version is made (or migrated from
        the purpose's old file) when there is none and ``create``."""
        spec = _purpose(purpose)
        with self._lock:
            ring = self._rings.get(purpose)
            if ring is not None:
                return ring
            keys = self._load(spec)
            if not keys:
                if not create:
                    raise KeyStoreError(f"no {purpose} key yet in {self.root}")
                try:
                    self._first_version(spec)
                except FileNotFoundError:
                    pass  # another process imported the old file and removed it meanwhile
                keys = self._load(spec)
            ring = self._rings[purpose] = KeyRing(purpose, keys)
            return ring

    def has(self, purpose: str) -> bool:
        """Whether ``purpose`` has a key (or an old file that will become one)."""
        spec = _purpose(purpose)
        with self._lock:
            if purpose in self._rings or self._version_files(spec):
                return True
            return self._legacy_file(spec) is not None

    def versions(self) -> list[KeyVersion]:
        """Every version of every purpose made so far (nothing is created)."""
        out: list[KeyVersion] = []
        for spec in PURPOSES.values():
            files = self._version_files(spec)
            if not files:
                continue
            current = max(files)
            ring = None
            if spec.kind == "ed25519":
                ring = self.ring(spec.name, create=False)
            for v in sorted(files):
                meta = self._meta(spec, v)
                key_id = fingerprint(ring.signing_key(v).public_key()) if ring else ""
                out.append(KeyVersion(spec.name, v, str(meta.get("created", "")),
                                      str(meta.get("source", "")), str(meta.get("wrap", "")),
                                      v == current, key_id))
        return out

    # -- rotation ------------------------------------------------------------------------

    def rotate(self, purpose: str) -> KeyVersion:
        """A new version of ``purpose`` that new writes will use; the old ones stay."""
        spec = _purpose(purpose)
        with self._lock:
            if not self._version_files(spec):
                self.ring(purpose)  # version 1 first (or the migrated old key)
            version = self._write_version(spec, secrets.token_bytes(KEY_BYTES), "rotated")
            self._rings.pop(purpose, None)
            ring = self.ring(purpose, create=False)
        key_id = fingerprint(ring.signing_key(version).public_key()) \
            if spec.kind == "ed25519" else ""
        meta = self._meta(spec, version)
        return KeyVersion(purpose, version, str(meta.get("created", "")), "rotated",
                          str(meta.get("wrap", "")), True, key_id)

    # -- on disk ---------------------------------------------------------------------------

    def _ensure_dirs(self, spec: Purpose) -> Path:
        d = self.root / spec.name
        try:
            self.secrets_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.root.mkdir(exist_ok=True, mode=0o700)
            d.mkdir(exist_ok=True, mode=0o700)
        except OSError as exc:
            raise KeyStoreError(f"cannot make key directory {d}: {exc.strerror or exc}"
                                ) from None
        self._check_dirs(d)
        return d

    def _check_dirs(self, purpose_dir: Path) -> None:
        _check_dir(self.secrets_dir, private=False)
        _check_dir(self.root, private=True)
        _check_dir(purpose_dir, private=True)

    def _version_files(self, spec: Purpose) -> dict[int, Path]:
        d = self.root / spec.name
        out: dict[int, Path] = {}
        if not d.is_dir():
            return out
        for p in d.iterdir():
            stem, _, ext = p.name.partition(".")
            if ext in ("key", "priv") and stem[:1] == "v" and stem[1:].isdigit():
                out[int(stem[1:])] = p
        return out

    def _meta(self, spec: Purpose, version: int) -> dict[str, Any]:
        try:
            data = json.loads((self.root / spec.name / f"v{version}.json").read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _load(self, spec: Purpose) -> dict[int, bytes]:
        files = self._version_files(spec)
        if not files:
            return {}
        self._check_dirs(self.root / spec.name)
        keys: dict[int, bytes] = {}
        for v, path in sorted(files.items()):
            if path.suffix == ".key":
                key = _read_private(path)
            else:
                pub = path.with_suffix(".pub")
                _check_file(path)
                _check_file(pub)
                if self._tpm is None:
                    raise KeyStoreError(
                        f"{spec.name} key v{v} ({path}) is sealed to this kiosk's TPM, but "
                        "no TPM is available (no /dev/tpmrm0 or TPM2TOOLS_TCTI, or "
                        "tpm2-tools missing, or [storage] key_wrap = \"none\")")
                key = self._tpm.unseal(pub, path)
            if len(key) != KEY_BYTES:
                raise KeyStoreError(f"{spec.name} key v{v} ({path}) is damaged ({len(key)} "
                                    f"bytes, expected {KEY_BYTES}); restore it from backup")
            keys[v] = key
        return keys

    def _legacy_file(self, spec: Purpose) -> Path | None:
        for d in self._legacy_dirs:
            for name in spec.legacy:
                p = d / name
                if p.is_file():
                    return p
        return None

    def _first_version(self, spec: Purpose) -> None:
        legacy = self._legacy_file(spec)
        if legacy is None:  # v1 exactly: of processes racing to make it, one wins for all
            self._write_version(spec, secrets.token_bytes(KEY_BYTES), "generated", version=1)
            return
        # Every purpose that shared the old file gets it as v1 now (the biometric and the
        # e-signature vaults shared identity.key), then the old file goes.
        users = [p for p in PURPOSES.values() if legacy.name in p.legacy]
        for user in users:
            if user is spec or not self._version_files(user):
                self._write_version(user, _legacy_material(user, legacy),
                                    f"migrated from {legacy.name}", version=1)
                log.warning("key store: %s now holds %s as %s v1", self.root, legacy,
                            user.name)
        _shred(legacy)
        log.warning("key store: old key file %s overwritten and removed", legacy)

    def _write_version(self, spec: Purpose, material: bytes, source: str,
                       version: int | None = None) -> int:
        d = self._ensure_dirs(spec)
        use_tpm = self._tpm is not None and self.wrap in ("auto", "tpm")
        if self.wrap == "tpm" and self._tpm is None:
            raise KeyStoreError("[storage] key_wrap = \"tpm\" but no TPM is available "
                                "(/dev/tpmrm0 or TPM2TOOLS_TCTI, and tpm2-tools)")
        while True:
            v = version if version is not None else max(self._version_files(spec), default=0) + 1
            meta = json.dumps({"purpose": spec.name, "kind": spec.kind, "version": v,
                               "created": datetime.now(UTC).isoformat(timespec="seconds"),
                               "source": source, "wrap": "tpm" if use_tpm else "none"},
                              sort_keys=True).encode()
            if use_tpm:
                assert self._tpm is not None
                made = self._seal_version(d, v, material)
            else:
                made = _publish(d / f"v{v}.key", material)
            if made:
                _publish(d / f"v{v}.json", meta)
                return v
            if version is not None:  # another process made v1 meanwhile: keep theirs
                return v

    def _seal_version(self, d: Path, v: int, material: bytes) -> bool:
        assert self._tpm is not None
        priv, pub = d / f"v{v}.priv", d / f"v{v}.pub"
        with tempfile.TemporaryDirectory(prefix="sb-seal-", dir=d) as tmp:
            tpub, tpriv = Path(tmp) / "pub", Path(tmp) / "priv"
            self._tpm.seal(material, tpub, tpriv)
            os.chmod(tpub, 0o600)
            os.chmod(tpriv, 0o600)
            try:
                os.link(tpub, pub)
            except FileExistsError:
                return False
            try:
                os.link(tpriv, priv)  # the .priv names the version: linked last
            except FileExistsError:
                pub.unlink(missing_ok=True)
                return False
        _fsync_dir(d)
        return True


def _purpose(name: str) -> Purpose:
    try:
        return PURPOSES[name]
    except KeyError:
        raise KeyStoreError(f"unknown key purpose {name!r} (one of "
                            f"{', '.join(PURPOSES)})") from None


def legacy_secrets_dir(cfg: CoreConfig) -> Path:
    """Where releases before the key store kept secrets: ``data_dir/secrets``."""
    return cfg.data_dir / "secrets"


def relocate_legacy_secrets(cfg: CoreConfig) -> list[str]:
    """Move the old ``data_dir/secrets`` folder's files into ``secrets_dir`` (names not
    already there); the old folder is removed once empty. Returns the names moved."""
    old, new = legacy_secrets_dir(cfg), cfg.path("secrets_dir")
    if not old.is_dir() or old.resolve() == new.resolve():
        return []
    new.mkdir(parents=True, exist_ok=True, mode=0o700)
    moved = []
    for entry in sorted(old.iterdir()):
        target = new / entry.name
        if target.exists():
            log.warning("secrets: %s is also in %s; the old copy is left in place",
                        entry.name, new)
            continue
        shutil.move(str(entry), str(target))
        moved.append(entry.name)
    try:
        old.rmdir()
    except OSError:
        pass
    if moved:
        log.warning("secrets: moved %s from %s to %s (keys are kept outside the data "
                    "directory)", ", ".join(moved), old, new)
    return moved
