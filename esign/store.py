"""Evidence bundles on disk, one write-once folder per flow, and dispute exports.

``<data_dir>/evidence/<flow_id>/`` holds ``record.json`` (signed), ``signature.png`` and
``document.md`` (the exact bytes of the terms shown). A bundle is written into a hidden
temporary folder, every file fsynced, then renamed into place: a power cut leaves either
the whole bundle or none (a stale ``.tmp-*`` folder, removed at the next write). A bundle
is never overwritten.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from esign.record import EvidenceRecord, RecordError, load_record
from esign.terms import TermsDocument

if TYPE_CHECKING:
    from kiosk_core.config import CoreConfig

RECORD_FILE = "record.json"
IMAGE_FILE = "signature.png"
DOCUMENT_FILE = "document.md"
PUBLIC_KEY_FILE = "public_key.pem"
README_FILE = "README.txt"
_FLOW_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")


class EvidenceError(Exception):
    """A bundle cannot be written, found or exported; the message says which and why."""


def check_flow_id(flow_id: str) -> str:
    if not isinstance(flow_id, str) or not _FLOW_ID.match(flow_id):
        raise EvidenceError(f"flow id {flow_id!r}: letters, digits, '.', '_' and '-' only "
                            "(up to 128), starting with a letter or digit")
    return flow_id


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(d: Path) -> None:
    fd = os.open(d, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _publish(files: dict[str, bytes], final: Path) -> Path:
    """Write ``files`` into a temporary sibling of ``final`` and rename it into place."""
    parent = final.parent
    parent.mkdir(parents=True, exist_ok=True)
    if final.exists():
        raise EvidenceError(f"{final} already exists (evidence is never overwritten)")
    tmp = parent / f".tmp-{final.name}-{secrets.token_hex(6)}"
    tmp.mkdir(mode=0o750)
    try:
        for name, data in files.items():
            _write(tmp / name, data)
        _fsync_dir(tmp)
        try:
            os.rename(tmp, final)  # refuses a non-empty target; an empty one is replaced
        except OSError:
            raise EvidenceError(f"{final} already exists (evidence is never overwritten)"
                                ) from None
        _fsync_dir(parent)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return final


class EvidenceStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    @classmethod
    def from_config(cls, cfg: CoreConfig) -> EvidenceStore:
        return cls(cfg.data_dir / "evidence")

    def bundle_dir(self, flow_id: str) -> Path:
        return self.root / check_flow_id(flow_id)

    def save(self, record: EvidenceRecord, document: TermsDocument) -> Path:
        """Write the signed record, its PNG and the document shown; the bundle's folder."""
        if not record.signature:
            raise EvidenceError("the record is not signed")
        if not record.png:
            raise EvidenceError("the record has no PNG image")
        if document.sha256 != record.document_sha256:
            raise EvidenceError(f"document {document.id} {document.language} is not the one "
                                "the record names (digests differ)")
        self._sweep()
        return _publish({RECORD_FILE: record.to_json(), IMAGE_FILE: record.png,
                         DOCUMENT_FILE: document.data}, self.bundle_dir(record.flow_id))

    def _sweep(self) -> None:
        """Remove temporary folders a power cut left behind."""
        if self.root.is_dir():
            for stale in self.root.glob(".tmp-*"):
                shutil.rmtree(stale, ignore_errors=True)

    def record_path(self, flow_id: str) -> Path:
        path = self.bundle_dir(flow_id) / RECORD_FILE
        if not path.is_file():
            raise EvidenceError(f"no evidence for flow {flow_id} (looked in {path.parent})")
        return path

    def flow_ids(self) -> list[str]:
        if not self.root.is_dir():
            return []
        return sorted(p.name for p in self.root.iterdir()
                      if p.is_dir() and not p.name.startswith(".") and (p / RECORD_FILE).is_file())

    def export(self, flow_id: str, dest_dir: Path, public_key_pem: str | None = None) -> Path:
        """Copy the bundle, a README.txt on how to verify it (and the kiosk's public key
        when given) into ``dest_dir/evidence-<flow_id>/``; that folder."""
        src = self.record_path(flow_id).parent
        files: dict[str, bytes] = {}
        for name in (RECORD_FILE, IMAGE_FILE, DOCUMENT_FILE):
            try:
                files[name] = (src / name).read_bytes()
            except FileNotFoundError:
                raise EvidenceError(f"{src / name} is missing from the bundle") from None
        if public_key_pem is not None:
            files[PUBLIC_KEY_FILE] = public_key_pem.encode()
        files[README_FILE] = _readme(flow_id, files[RECORD_FILE]).encode("utf-8")
        return _publish(files, Path(dest_dir) / f"evidence-{flow_id}")


def _readme(flow_id: str, record_json: bytes) -> str:
    try:
        r = load_record(record_json)
        about = (f"Signed at {r.signed_at} on kiosk {r.kiosk_id} (branch {r.branch}),\n"
                 f"flow {r.flow_id}, session {r.session_id}; document {r.document_id} "
                 f"version {r.document_version} ({r.document_language});\n"
                 f"signed with kiosk key {r.key_id}.")
    except RecordError as exc:
        about = f"WARNING: the stored record is damaged: {exc}"
    return f"""E-signature evidence for flow {flow_id}
{about}

Files
  record.json     the signed evidence record (canonical JSON, Ed25519 signature)
  signature.png   the signature as drawn, rendered from the strokes in the record
  document.md     the exact bytes of the terms the customer was shown
  public_key.pem  the kiosk's public key as the kiosk reported it (if present)
  README.txt      this file

How to verify
  1. Check the kiosk key: the key id above must be the one the bank registered for
     this kiosk (`kiosk evidence pubkey` on the kiosk, at install). Do not trust
     public_key.pem on its own: anyone can make a key and sign a record with it.
  2. Run, with the registered public key:
         kiosk evidence verify record.json --public-key REGISTERED_KEY.pem
     It prints OK when the record, the image and the document are exactly as signed;
     otherwise it names each field or file that changed and exits non-zero.
  3. Without this software: SHA-256 of document.md must equal document_sha256, of
     signature.png must equal image_sha256; the signature (base64 in "signature") is
     Ed25519 over the record's canonical JSON without the "signature" key (keys
     sorted, no spaces, UTF-8). docs/esign.md in smartbranch describes every field.
"""
