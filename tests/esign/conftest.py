"""Fixtures of the e-signature evidence tests: a real key, a real document, a signed
record."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from esign_helpers import make_record

from esign.record import EvidenceRecord, sign
from esign.terms import TermsDocument, terms_document


@pytest.fixture(scope="session")
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def document() -> TermsDocument:
    return terms_document("debit", "en_US")


@pytest.fixture
def signed(key: Ed25519PrivateKey, document: TermsDocument) -> EvidenceRecord:
    return sign(make_record(document), key)
