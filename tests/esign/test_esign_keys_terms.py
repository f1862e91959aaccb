"""The kiosk's signing key (made once, 0600, reused) and the terms documents."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from esign import keys
from esign.terms import TermsError, parse_terms, terms_document


def test_the_key_is_made_once_with_0600_and_reused(tmp_path: Path) -> None:
    secrets_dir = tmp_path / "secrets"
    assert keys.load(secrets_dir) is None
    first = keys.load_or_create(secrets_dir)
    folder = secrets_dir / "keys" / keys.PURPOSE  # the key store's evidence-signing purpose
    path = folder / "v1.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(secrets_dir.stat().st_mode) == 0o700
    before = path.read_bytes()
    mtime = path.stat().st_mtime_ns
    second = keys.load_or_create(secrets_dir)
    assert keys.public_key_pem(second) == keys.public_key_pem(first)
    assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in folder.iterdir()) == ["v1.json", "v1.key"]  # no temp files
    assert keys.public_key_pem(first).startswith("-----BEGIN PUBLIC KEY-----")
    assert len(keys.key_id(first)) == 16


def test_racing_first_uses_agree_on_one_key(tmp_path: Path) -> None:
    secrets_dir = tmp_path / "secrets"
    pems: list[str] = []
    barrier = threading.Barrier(8)

    def make() -> None:
        barrier.wait()
        pems.append(keys.public_key_pem(keys.load_or_create(secrets_dir)))

    threads = [threading.Thread(target=make) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(pems) == 8 and len(set(pems)) == 1
    assert sorted(p.name for p in (secrets_dir / "keys" / keys.PURPOSE).iterdir()) == [
        "v1.json", "v1.key"]


def test_a_damaged_key_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / keys.KEY_FILE
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, b"garbage")
    os.close(fd)
    with pytest.raises(keys.KeyFileError, match="not an unencrypted PEM private key"):
        keys.load_or_create(tmp_path)
    assert path.read_bytes() == b"garbage"


def test_a_key_readable_by_others_is_refused(tmp_path: Path) -> None:
    keys.load_or_create(tmp_path)
    path = tmp_path / "keys" / keys.PURPOSE / "v1.key"
    path.chmod(0o644)
    with pytest.raises(keys.KeyFileError, match=r"readable or writable by others.*chmod 600"):
        keys.load_or_create(tmp_path)


def test_another_kind_of_key_is_refused(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption())
    fd = os.open(tmp_path / keys.KEY_FILE, os.O_WRONLY | os.O_CREAT, 0o600)
    os.write(fd, pem)
    os.close(fd)
    with pytest.raises(keys.KeyFileError, match="not an Ed25519 key"):
        keys.load(tmp_path)
    with pytest.raises(keys.KeyFileError, match="not an Ed25519 public key"):
        keys.load_public_key(ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


@pytest.mark.parametrize("language", ["en_US", "zh_CN"])
def test_the_debit_terms_load_with_the_digest_of_their_bytes(language: str) -> None:
    import hashlib

    doc = terms_document("debit", language)
    assert doc.id == "DEBIT-CARD-AGREEMENT" and doc.version == "2026-1"
    assert doc.language == language
    assert doc.data == doc.path.read_bytes()  # type: ignore[union-attr]
    assert doc.sha256 == hashlib.sha256(doc.data).hexdigest()
    assert doc.text.startswith("# ") and "---" not in doc.text.splitlines()[0]
    assert 40 <= len(doc.data.decode().splitlines()) <= 90


def test_both_languages_have_the_same_sections() -> None:
    en = terms_document("debit", "en_US").text
    zh = terms_document("debit", "zh_CN").text
    heading = [line for line in en.splitlines() if line.startswith("## ")]
    assert len(heading) == len([line for line in zh.splitlines() if line.startswith("## ")])
    for figure in ("2.00", "12.00", "1.5%", "5.00", "95500", "50.00", "60", "15", "20,000.00",
                   "50,000.00", "123456", "30"):
        assert figure in en and figure in zh, figure


def test_missing_terms_name_the_file_or_product(tmp_path: Path) -> None:
    known = r"\(known: debit, savings\)"
    with pytest.raises(TermsError, match=r"no terms for product 'credit' " + known):
        terms_document("credit", "en_US")
    with pytest.raises(TermsError, match="language 'fr_FR'"):
        terms_document("debit", "fr_FR")
    with pytest.raises(TermsError, match=r"missing: .*debit_terms\.en_US\.md"):
        terms_document("debit", "en_US", terms_dir=tmp_path)


@pytest.mark.parametrize(("data", "expected"), [
    (b"# no header\n", "must start with a '---' header"),
    (b"---\nid: X\nversion: 1\n", "not closed"),
    (b"---\nid: X\n---\nbody\n", "lacks version, language"),
    (b"---\nid X\n---\nbody\n", "line 2 is not 'key: value'"),
    (b"---\nid: X\nversion: 1\nlanguage: en_US\n---\n\n", "no text"),
    (b"\xff---", "not UTF-8"),
])
def test_a_malformed_document_is_named(data: bytes, expected: str) -> None:
    with pytest.raises(TermsError, match=expected):
        parse_terms(data)


def test_a_document_in_the_wrong_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "debit_terms.zh_CN.md").write_bytes(
        b"---\nid: X\nversion: 1\nlanguage: en_US\n---\nbody\n")
    with pytest.raises(TermsError, match="header says language 'en_US', not 'zh_CN'"):
        terms_document("debit", "zh_CN", terms_dir=tmp_path)
