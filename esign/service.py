"""One call for a flow session: build, sign and store a signature's evidence.

Slow-ish (reads or makes the key once, renders a PNG, fsyncs three files): call it from a
worker (the session's ``submit``), never the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from esign import keys
from esign.record import EvidenceRecord, build_record, sign
from esign.store import EvidenceStore
from esign.terms import TermsDocument

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from kiosk_core.config import CoreConfig
    from kiosk_core.keystore import KeyStore


@dataclass(frozen=True)
class SignedEvidence:
    record: EvidenceRecord  # signed; record.png is the image
    bundle: Path  # the folder holding record.json, signature.png, document.md


class EvidenceService:
    def __init__(self, *, secrets_dir: Path | KeyStore, evidence_dir: Path, kiosk_id: str,
                 branch: str) -> None:
        #: The key store (or its folder): the key is its evidence-signing purpose.
        self.secrets_dir = secrets_dir
        self.store = EvidenceStore(evidence_dir)
        self.kiosk_id = kiosk_id
        self.branch = branch
        self._key: Ed25519PrivateKey | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, cfg: CoreConfig) -> EvidenceService:
        from kiosk_core.keystore import KeyStore

        return cls(secrets_dir=KeyStore.from_config(cfg), evidence_dir=cfg.data_dir / "evidence",
                   kiosk_id=cfg.kiosk.id, branch=cfg.kiosk.branch)

    def key(self) -> Ed25519PrivateKey:
        with self._lock:
            if self._key is None:
                self._key = keys.load_or_create(self.secrets_dir)
            return self._key

    def sign_and_store(self, *, strokes: Sequence[Sequence[Sequence[float]]],
                       pad: tuple[float, float], document: TermsDocument, signed_at: datetime,
                       session_id: str, flow_id: str) -> SignedEvidence:
        record = build_record(strokes=strokes, pad=pad, document=document, signed_at=signed_at,
                              kiosk_id=self.kiosk_id, branch=self.branch,
                              session_id=session_id, flow_id=flow_id)
        signed = sign(record, self.key())
        return SignedEvidence(signed, self.store.save(signed, document))
