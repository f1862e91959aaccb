"""Print jobs on disk, so that no receipt is lost to a printer fault or a power cut.

A job is written (bytes + JSON metadata, each via a temporary file, fsync and rename)
*before* it is sent. It is deleted once the printer confirmed it printed; a job that
failed stays as ``failed`` with the reason, for :meth:`ReceiptPrinter.reprint`, the
technician's list and the receipt link — until its lifetime (``receipt_link_days``) is
over. A job found ``sending`` at start-up was cut off by a crash: it is treated as failed
(the customer may not have their receipt).

Receipts carry personal data (masked name and card number, ticket numbers), so a job is
encrypted at rest with AES-256-GCM (key: the key store's ``print-jobs`` purpose,
kiosk_core.keystore, or a single key file, :mod:`devices.printer.jobkey`), a fresh random
nonce on every write, the newest key version for new writes, any kept version for reads:

- ``<id>.bin`` = ``SBJ2`` + the key version (4 bytes, big-endian) + nonce + ciphertext of
  the ESC/POS bytes (``SBJ1`` + nonce + ciphertext: key version 1, before the key store);
- ``<id>.json`` = what is needed to list and expire jobs in clear (id, template, lang,
  created, state, attempts, error) and ``sealed``: the title, plain text, QR payloads and
  link token, encrypted.

The associated data binds each ciphertext to its job id and part (a ``.bin`` moved to
another job does not decrypt), and the metadata's to its clear fields (an edited state or
date does not either). A file that fails authentication (tampered, wrong key) is set aside
as ``<name>.corrupt`` and logged; it never stops the others from listing. Clear-text job
files from before encryption are re-written encrypted when the store opens. Deleting a job
overwrites its files before unlinking them (best effort on flash and journaling file
systems; which is why no clear copy is ever written).
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from kiosk_core.keystore import KeyRing

log = logging.getLogger(__name__)

_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}\Z")
_MAGIC = b"SBJ1"  # key version 1, no version field (before the key store)
_MAGIC_V = b"SBJ2"  # + the key version, 4 bytes big-endian
_NONCE = 12
_TAG = 16
FORMAT = 2  # 1: clear text (before encryption)
#: Kept in clear: what listing and expiry need. Everything else of a job is sealed.
CLEAR_FIELDS = ("id", "template", "lang", "created", "state", "attempts", "error")


class JobNotFound(KeyError):
    pass


class _Unreadable(Exception):
    """A job file that cannot be used (not ours, damaged, tampered, wrong key)."""


@dataclass
class PrintJob:
    id: str
    template: str
    lang: str
    title: str
    created: float
    state: str = "pending"  # pending | sending | failed | printed
    attempts: int = 0
    error: str = ""
    text: str = ""  # plain-text copy of the receipt, for the screen alternative
    qr_payloads: list[str] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    # What the last attempt left on the paper (devices.printer.outcomes): "partial" marks
    # a kept job a stub of which came out; "reason" is the PrintReason code.
    outcome: str = ""
    reason: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_job_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _replace_shredding(path: Path, data: bytes) -> None:
    """Atomically replace ``path`` with ``data``, then overwrite the old file's contents
    (through a descriptor held across the rename, so a crash loses nothing)."""
    try:
        old = open(path, "r+b")  # noqa: SIM115 - closed below, after the replace
    except FileNotFoundError:
        _write_atomic(path, data)
        return
    with old:
        _write_atomic(path, data)
        try:
            size = os.fstat(old.fileno()).st_size
            old.write(secrets.token_bytes(size))
            old.flush()
            os.fsync(old.fileno())
        except OSError:
            pass


def shred(path: Path) -> bool:
    """Overwrite a file with random bytes, then unlink it. False if it was not there."""
    try:
        with open(path, "r+b") as fh:
            fh.write(secrets.token_bytes(os.fstat(fh.fileno()).st_size))
            fh.flush()
            os.fsync(fh.fileno())
    except FileNotFoundError:
        return False
    except OSError:
        pass  # still unlink it
    try:
        path.unlink()
    except FileNotFoundError:
        return False
    return True


def _aad(job_id: str, part: str, clear: dict[str, Any] | None = None) -> bytes:
    out = f"smartbranch print job/{FORMAT}/{job_id}/{part}".encode()
    if clear is not None:
        out += b"/" + json.dumps(clear, sort_keys=True, ensure_ascii=False).encode("utf-8")
    return out


def cipher_for_key(key: bytes) -> AESGCM:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    if len(key) != 32:
        raise ValueError("the print-job key must be 32 bytes (AES-256)")
    return AESGCM(key)


class JobStore:
    """The printer's job folder. ``key``: the 32-byte AES key (see
    :func:`devices.printer.jobkey.load_or_create_key`); ``lifetime_s``: jobs older than this
    are deleted when the store opens and on each :meth:`add` (None: kept until printed);
    ``clock``: the time, for tests."""

    def __init__(self, directory: str | Path, *, key: bytes | KeyRing,
                 lifetime_s: float | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        if lifetime_s is not None and lifetime_s <= 0:
            raise ValueError("lifetime_s must be positive")
        self.dir = Path(directory)
        self.lifetime_s = lifetime_s
        self._clock = clock
        if isinstance(key, bytes):
            self._aead: AESGCM | None = cipher_for_key(key)
        else:
            self._use_ring(key)
        #: Files set aside as unreadable since the store opened (also logged).
        self.set_aside: list[Path] = []
        self.dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.expire()
        migrated = 0
        for meta in sorted(self.dir.glob("*.json")):
            if not _ID.match(meta.stem):
                continue
            try:
                job, old_format = self._decode(meta)
            except FileNotFoundError:
                continue
            except _Unreadable as exc:
                self._set_aside(meta, str(exc))
                continue
            interrupted = job.state == "sending"  # left "sending" by a crash
            if interrupted:
                job.state, job.error = "failed", "interrupted while printing (power cut?)"
                job.outcome, job.reason = "partial", "interrupted"  # a stub, or nothing
            if old_format:
                self._migrate(job)
                migrated += 1
            elif interrupted:
                self.save(job)
        if migrated:
            log.info("print jobs: %d clear-text job(s) in %s re-written encrypted",
                     migrated, self.dir)

    def __repr__(self) -> str:  # never show the key or a receipt
        return f"{type(self).__name__}({self.dir})"

    def _use_ring(self, ring: KeyRing) -> None:
        """Every version of ``ring`` readable, the newest written (kiosk_core.keystore)."""
        self._versions = {v: cipher_for_key(ring.material(v)) for v in ring.versions}
        self._version = ring.current
        self._aead = self._versions[ring.current]

    # -- the API ------------------------------------------------------------------------------

    def add(self, job: PrintJob, data: bytes) -> PrintJob:
        if not _ID.match(job.id):
            raise ValueError(f"bad job id '{job.id}'")
        _write_atomic(self.dir / f"{job.id}.bin", self._seal(data, _aad(job.id, "bin")))
        self.save(job)
        self.expire()
        return job

    def save(self, job: PrintJob) -> None:
        _write_atomic(self.dir / f"{job.id}.json", self._encode(job))

    def get(self, job_id: str) -> PrintJob:
        if not _ID.match(job_id):
            raise JobNotFound(f"bad job id '{job_id}'")
        job = self._load(self.dir / f"{job_id}.json")
        if job is None:
            raise JobNotFound(f"no print job '{job_id}'")
        return job

    def data(self, job_id: str) -> bytes:
        path = self.dir / f"{self.get(job_id).id}.bin"
        try:
            blob = path.read_bytes()
        except FileNotFoundError:
            raise JobNotFound(f"print job '{job_id}' has no data") from None
        try:
            return self._unseal(blob, _aad(job_id, "bin"))
        except _Unreadable as exc:
            self._set_aside(path, str(exc))
            raise JobNotFound(f"print job '{job_id}' has no readable data ({exc})") from None

    def done(self, job_id: str) -> None:
        """The printer printed it: the receipt (personal data) is not kept."""
        if _ID.match(job_id):
            self._delete(job_id)

    def pending(self) -> list[PrintJob]:
        """Jobs not (yet) printed, oldest first."""
        jobs = [j for p in self.dir.glob("*.json")
                if _ID.match(p.stem) and (j := self._load(p)) is not None]
        return sorted((j for j in jobs if j.state != "printed"), key=lambda j: j.created)

    def expire(self) -> int:
        """Delete jobs older than the lifetime; also set-aside files, interrupted writes and
        data left without metadata, by the file's age. Returns how many jobs went."""
        if self.lifetime_s is None:
            return 0
        cutoff = self._clock() - self.lifetime_s
        n = 0
        for path in list(self.dir.iterdir()):
            name = path.name
            try:
                if name.endswith(".json") and _ID.match(path.stem):
                    created = json.loads(path.read_bytes())["created"]
                    if float(created) < cutoff:
                        self._delete(path.stem)
                        n += 1
                elif name.endswith((".corrupt", ".tmp", ".bin")):
                    if name.endswith(".bin") and path.with_suffix(".json").exists():
                        continue
                    if path.stat().st_mtime < cutoff:
                        shred(path)
            except OSError:  # gone meanwhile, or unreadable: listing reports it
                continue
            except (ValueError, KeyError, TypeError, AttributeError):
                continue  # unreadable metadata: set aside when listed, expired from there
        if n:
            log.info("print jobs: %d job(s) older than %g days deleted", n,
                     self.lifetime_s / 86400)
        return n

    # -- files --------------------------------------------------------------------------------

    def _delete(self, job_id: str) -> None:
        for suffix in (".bin", ".json"):
            shred(self.dir / f"{job_id}{suffix}")

    def _encode(self, job: PrintJob) -> bytes:
        d = job.as_dict()
        clear = {k: d.pop(k) for k in CLEAR_FIELDS}
        sealed = self._seal(json.dumps(d, ensure_ascii=False).encode("utf-8"),
                            _aad(job.id, "meta", clear))
        doc = {"format": FORMAT, **clear, "sealed": base64.b64encode(sealed).decode("ascii")}
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")

    def _decode(self, path: Path) -> tuple[PrintJob, bool]:
        """The job in a metadata file, and whether it is in the old clear-text format."""
        try:
            raw = json.loads(path.read_bytes())
        except (ValueError, UnicodeDecodeError):
            raise _Unreadable("not JSON") from None
        except OSError as exc:
            if isinstance(exc, FileNotFoundError):
                raise
            raise _Unreadable(exc.strerror or str(exc)) from None
        if not isinstance(raw, dict):
            raise _Unreadable("not a print job")
        if "sealed" not in raw and "format" not in raw:  # format 1: all of it in clear
            try:
                job = PrintJob(**raw)
            except TypeError:
                raise _Unreadable("not a print job") from None
            if job.id != path.stem:
                raise _Unreadable("belongs to another job")
            return job, True
        try:
            clear = {k: raw[k] for k in CLEAR_FIELDS}
            blob = base64.b64decode(raw["sealed"], validate=True)
        except (KeyError, TypeError, binascii.Error):
            raise _Unreadable("not a print job") from None
        if raw.get("format") != FORMAT:
            raise _Unreadable(f"unknown format {raw.get('format')!r}")
        if clear["id"] != path.stem:
            raise _Unreadable("belongs to another job")
        plain = self._unseal(blob, _aad(path.stem, "meta", clear))
        try:
            return PrintJob(**clear, **json.loads(plain)), False
        except (ValueError, TypeError):
            raise _Unreadable("not a print job") from None

    def _migrate(self, job: PrintJob) -> None:
        """Re-write a clear-text job encrypted, overwriting the clear copies."""
        bin_path = self.dir / f"{job.id}.bin"
        try:
            data = bin_path.read_bytes()
        except FileNotFoundError:
            data = None
        if data is not None:
            already = False
            if data.startswith((_MAGIC, _MAGIC_V)):  # encrypted before a crash cut it short
                try:
                    self._unseal(data, _aad(job.id, "bin"))
                    already = True
                except _Unreadable:
                    pass
            if not already:
                _replace_shredding(bin_path, self._seal(data, _aad(job.id, "bin")))
        _replace_shredding(self.dir / f"{job.id}.json", self._encode(job))

    def _load(self, path: Path) -> PrintJob | None:
        try:
            return self._decode(path)[0]
        except FileNotFoundError:
            return None
        except _Unreadable as exc:
            # An unreadable job must not hide the others; keep it for inspection.
            self._set_aside(path, str(exc))
            return None

    def _set_aside(self, path: Path, reason: str) -> None:
        paths = [path]
        if path.suffix == ".json":  # its data is of no use without it
            paths.append(path.with_suffix(".bin"))
        for p in paths:
            target = p.with_name(p.name + ".corrupt")
            try:
                p.rename(target)
            except FileNotFoundError:
                continue
            self.set_aside.append(target)
            log.error("print job file %s is unreadable (%s): set aside as %s",
                      p, reason, target.name)

    # -- encryption ---------------------------------------------------------------------------

    def _seal(self, plain: bytes, aad: bytes) -> bytes:
        if self._aead is None:
            raise RuntimeError("this job store has no key")
        nonce = secrets.token_bytes(_NONCE)
        version: int | None = getattr(self, "_version", None)
        head = _MAGIC if version is None else _MAGIC_V + version.to_bytes(4, "big")
        return head + nonce + self._aead.encrypt(nonce, plain, aad)

    def _unseal(self, blob: bytes, aad: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag

        versions: dict[int, AESGCM] | None = getattr(self, "_versions", None)
        if blob.startswith(_MAGIC_V) and len(blob) >= len(_MAGIC_V) + 4 + _NONCE + _TAG:
            version, body = int.from_bytes(blob[4:8], "big"), blob[8:]
        elif blob.startswith(_MAGIC) and len(blob) >= len(_MAGIC) + _NONCE + _TAG:
            version, body = 1, blob[len(_MAGIC):]
        else:
            raise _Unreadable("not an encrypted print job")
        # A single key (no ring) is version 1: what SBJ1 files were written with.
        aead = versions.get(version) if versions is not None else (
            self._aead if version == 1 else None)
        if aead is None:
            raise _Unreadable("no key to read it" if self._aead is None
                              else f"written with key version {version}, not kept here")
        try:
            return aead.decrypt(body[:_NONCE], body[_NONCE:], aad)
        except InvalidTag:
            raise _Unreadable("failed authentication: tampered, moved from another job "
                              "or another key") from None
