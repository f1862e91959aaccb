"""Evidence bundles on disk, dispute exports and the ``kiosk evidence`` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from esign_helpers import PAD, SIGNED_AT, STROKES, make_record, write_toml

from esign import keys
from esign.record import EvidenceRecord, canonical_json, sign, verify
from esign.service import EvidenceService
from esign.store import EvidenceError, EvidenceStore
from esign.terms import TermsDocument, terms_document
from kiosk_app.cli import main

REPO = Path(__file__).resolve().parents[2]


def test_a_bundle_is_written_whole_and_never_overwritten(
        tmp_path: Path, signed: EvidenceRecord, document: TermsDocument) -> None:
    store = EvidenceStore(tmp_path / "evidence")
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / ".tmp-flow-x-123456").mkdir()  # left by a power cut
    bundle = store.save(signed, document)
    assert bundle == tmp_path / "evidence" / signed.flow_id
    assert sorted(p.name for p in bundle.iterdir()) == [
        "document.md", "record.json", "signature.png"]
    assert (bundle / "record.json").read_bytes() == signed.to_json()
    assert (bundle / "signature.png").read_bytes() == signed.png
    assert (bundle / "document.md").read_bytes() == document.data
    assert [p.name for p in (tmp_path / "evidence").iterdir()] == [signed.flow_id]
    with pytest.raises(EvidenceError, match="already exists"):
        store.save(signed, document)
    assert store.flow_ids() == [signed.flow_id]


def test_the_store_refuses_bad_input(tmp_path: Path, key: Ed25519PrivateKey,
                                     signed: EvidenceRecord, document: TermsDocument) -> None:
    store = EvidenceStore(tmp_path)
    with pytest.raises(EvidenceError, match="not signed"):
        store.save(make_record(document), document)
    with pytest.raises(EvidenceError, match="not the one the record names"):
        store.save(signed, terms_document("debit", "zh_CN"))
    with pytest.raises(EvidenceError, match=r"flow id '\.\./etc'"):
        store.save(sign(make_record(document, flow_id="../etc"), key), document)
    with pytest.raises(EvidenceError, match="no evidence for flow nope"):
        store.export("nope", tmp_path / "out")
    assert list(tmp_path.iterdir()) == []


def test_the_service_signs_and_stores(tmp_path: Path, document: TermsDocument) -> None:
    svc = EvidenceService(secrets_dir=tmp_path / "secrets", evidence_dir=tmp_path / "ev",
                          kiosk_id="SB-9", branch="B")
    out = svc.sign_and_store(strokes=STROKES, pad=PAD, document=document, signed_at=SIGNED_AT,
                             session_id="s", flow_id="f-1")
    assert out.bundle == tmp_path / "ev" / "f-1"
    assert out.record.kiosk_id == "SB-9"
    public = keys.load(tmp_path / "secrets").public_key()  # type: ignore[union-attr]
    assert verify((out.bundle / "record.json").read_bytes(), public,
                  document_bytes=(out.bundle / "document.md").read_bytes(),
                  png_bytes=(out.bundle / "signature.png").read_bytes()).ok


@pytest.fixture
def kiosk(tmp_path: Path, document: TermsDocument) -> tuple[Path, Path]:
    """A temp kiosk.toml and one flow's evidence signed with the kiosk's own key."""
    config = write_toml(tmp_path)
    from kiosk_app.config import load_config

    svc = EvidenceService.from_config(load_config(config))
    out = svc.sign_and_store(strokes=STROKES, pad=PAD, document=document, signed_at=SIGNED_AT,
                             session_id="sess-1", flow_id="flow-1")
    assert out.bundle == tmp_path / "var" / "evidence" / "flow-1"
    return config, out.bundle


def test_pubkey_prints_the_kiosks_key(kiosk: tuple[Path, Path], tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    config, _ = kiosk
    assert main(["evidence", "pubkey", "--config", str(config)]) == 0
    out = capsys.readouterr()
    key = keys.load(tmp_path / "secrets")
    assert key is not None
    assert out.out == keys.public_key_pem(key)
    assert keys.key_id(key) in out.err


def test_pubkey_makes_the_key_on_first_use(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    config = write_toml(tmp_path)
    assert main(["evidence", "pubkey", "--config", str(config)]) == 0
    first = capsys.readouterr().out
    path = tmp_path / "secrets" / "keys" / keys.PURPOSE / "v1.key"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert main(["evidence", "pubkey", "--config", str(config)]) == 0
    assert capsys.readouterr().out == first


def test_verify_says_ok_for_an_intact_record(kiosk: tuple[Path, Path],
                                             capsys: pytest.CaptureFixture[str]) -> None:
    config, bundle = kiosk
    assert main(["evidence", "verify", str(bundle / "record.json"), "--config",
                 str(config)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("OK: ") and "signature, image, document checked" in out


@pytest.mark.parametrize(("tamper", "named"), [
    ("kiosk_id", "kiosk_id: changed after signing"),
    ("signed_at", "signed_at: changed after signing"),
    ("strokes", "strokes: changed after signing"),
    ("png", "image: the PNG's SHA-256"),
    ("document", "document: its SHA-256"),
])
def test_verify_names_what_changed(kiosk: tuple[Path, Path], tamper: str, named: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    config, bundle = kiosk
    record = bundle / "record.json"
    obj = json.loads(record.read_bytes())
    if tamper == "kiosk_id":
        obj["kiosk_id"] = "SB-0002"
    elif tamper == "signed_at":
        obj["signed_at"] = "2026-12-02T09:15:30.250+08:00"
    elif tamper == "strokes":
        obj["strokes"][0][0][1] += 1
    elif tamper == "png":
        png = bundle / "signature.png"
        png.write_bytes(png.read_bytes() + b"\0")
    elif tamper == "document":
        doc = bundle / "document.md"
        doc.write_bytes(doc.read_bytes().replace(b"free", b"5.00", 1))
    record.write_bytes(canonical_json(obj))
    rc = main(["evidence", "verify", str(record), "--config", str(config)])
    err = capsys.readouterr().err
    assert rc == 1
    assert "NOT VALID" in err and named in err


def test_verify_with_a_given_public_key_and_no_config(
        kiosk: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, bundle = kiosk
    key = keys.load(tmp_path / "secrets")
    assert key is not None
    pem = tmp_path / "registered.pem"
    pem.write_text(keys.public_key_pem(key))
    other = tmp_path / "other.pem"
    other.write_text(keys.public_key_pem(Ed25519PrivateKey.generate()))
    record = str(bundle / "record.json")
    assert main(["evidence", "verify", record, "--public-key", str(pem),
                 "--config", str(tmp_path / "absent.toml")]) == 0
    capsys.readouterr()
    assert main(["evidence", "verify", record, "--public-key", str(other)]) == 1
    assert "signature: made with key" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"", b"{\"flow_id\": \"f", b"\x00\xff\x13garbage"])
def test_verify_of_garbage_is_a_clear_error(kiosk: tuple[Path, Path], tmp_path: Path,
                                            content: bytes) -> None:
    config, _ = kiosk
    bad = tmp_path / "record.json"
    bad.write_bytes(content)
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", "evidence", "verify", str(bad),
         "--config", str(config)],
        capture_output=True, text=True, timeout=60, cwd=REPO)
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "NOT VALID" in proc.stderr and "record:" in proc.stderr


def test_verify_of_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["evidence", "verify", str(tmp_path / "nope.json")]) == 1
    assert "file not found" in capsys.readouterr().err


def test_export_writes_a_dispute_bundle(kiosk: tuple[Path, Path], tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    config, bundle = kiosk
    dest = tmp_path / "usb"
    assert main(["evidence", "export", "flow-1", str(dest), "--config", str(config)]) == 0
    out = capsys.readouterr().out
    exported = dest / "evidence-flow-1"
    assert f"exported flow-1 to {exported}" in out and "verified: OK" in out
    assert sorted(p.name for p in exported.iterdir()) == [
        "README.txt", "document.md", "public_key.pem", "record.json", "signature.png"]
    for name in ("record.json", "document.md", "signature.png"):
        assert (exported / name).read_bytes() == (bundle / name).read_bytes()
    key = keys.load(tmp_path / "secrets")
    assert key is not None
    assert (exported / "public_key.pem").read_text() == keys.public_key_pem(key)
    readme = (exported / "README.txt").read_text()
    assert "kiosk evidence verify record.json --public-key" in readme
    assert keys.key_id(key) in readme and "SB-0001" in readme
    # the exported bundle verifies on its own, as a dispute reviewer would run it
    proc = subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", "evidence", "verify",
         str(exported / "record.json"), "--public-key", str(exported / "public_key.pem")],
        capture_output=True, text=True, timeout=60, cwd=REPO,
        env={**os.environ, "KIOSK_CONFIG": str(tmp_path / "absent.toml")})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("OK")
    # a second export to the same place is refused, the first left as it was
    assert main(["evidence", "export", "flow-1", str(dest), "--config", str(config)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_export_of_an_unknown_flow(kiosk: tuple[Path, Path], tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    config, _ = kiosk
    assert main(["evidence", "export", "flow-2", str(tmp_path / "out"), "--config",
                 str(config)]) == 1
    assert "no evidence for flow flow-2" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
