"""Evidence records: signing, verification, and every kind of change named."""

from __future__ import annotations

import base64
import io
import json
from datetime import datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from esign_helpers import PAD, SIGNED_AT, STROKES, make_record
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from esign import keys
from esign.record import (
    SIGNED_FIELDS,
    EvidenceRecord,
    RecordError,
    build_record,
    canonical_json,
    load_record,
    render_png,
    sha256_hex,
    sign,
    verify,
)
from esign.terms import TermsDocument, terms_document


def test_a_signed_record_verifies(signed: EvidenceRecord, key: Ed25519PrivateKey,
                                  document: TermsDocument) -> None:
    res = verify(signed.to_json(), key.public_key(), document_bytes=document.data,
                 png_bytes=signed.png)
    assert res.ok and res.problems == []
    assert res.key_id == keys.key_id(key)


def test_the_record_holds_what_was_signed(signed: EvidenceRecord, key: Ed25519PrivateKey,
                                          document: TermsDocument) -> None:
    obj = json.loads(signed.to_json())
    assert obj["signed_at"] == "2026-12-02T10:15:30.250+08:00"  # the kiosk's offset
    assert obj["document_sha256"] == sha256_hex(document.data) == document.sha256
    assert (obj["document_id"], obj["document_version"], obj["document_language"]) == (
        "DEBIT-CARD-AGREEMENT", "2026-1", "en_US")
    assert obj["image_sha256"] == sha256_hex(signed.png)
    assert obj["strokes_sha256"] == sha256_hex(canonical_json(obj["strokes"]))
    assert obj["strokes"][0][1] == [150.5, 120.25, 16]
    assert (obj["kiosk_id"], obj["branch"], obj["session_id"], obj["flow_id"]) == (
        "SB-0001", "Pudong Century Avenue", "sess-7f3a", "flow-20261202-0001")
    assert set(obj["fields"]) == set(SIGNED_FIELDS)
    # the file is canonical JSON: sorted keys, no spaces, UTF-8
    assert signed.to_json() == canonical_json(obj)
    assert b" " not in signed.to_json().replace(b"Pudong Century Avenue", b"")
    # the signature is Ed25519 over the canonical JSON of the record without "signature"
    sig = base64.b64decode(obj.pop("signature"))
    assert len(sig) == 64
    key.public_key().verify(sig, canonical_json(obj))  # raises if not


def test_the_png_is_black_ink_on_white_and_deterministic(signed: EvidenceRecord) -> None:
    assert signed.png.startswith(b"\x89PNG\r\n\x1a\n")
    img = Image.open(io.BytesIO(signed.png))
    assert img.size == (800, 320)  # the pad's aspect
    colours = {c for _, c in img.getcolors()}  # type: ignore[union-attr]
    assert colours == {0, 255}
    assert img.getpixel((0, 0)) == 255
    assert img.getpixel((round(100 * 0.8), round(200 * 0.8))) == 0  # the first point
    again = render_png(signed.strokes, *PAD)
    assert again == signed.png


def test_build_needs_a_zone_and_real_strokes(document: TermsDocument) -> None:
    with pytest.raises(RecordError, match="signed_at: needs a time zone"):
        make_record(document, signed_at=datetime(2026, 12, 2, 10, 0))
    with pytest.raises(RecordError, match="no strokes"):
        make_record(document, strokes=[])
    with pytest.raises(RecordError, match=r"strokes\[0\]\[0\]: a point is \(x, y, t_ms\)"):
        make_record(document, strokes=[[(1.0, 2.0)]])
    with pytest.raises(RecordError, match="finite"):
        make_record(document, strokes=[[(float("nan"), 2.0, 0)]])
    with pytest.raises(RecordError, match="kiosk_id"):
        make_record(document, kiosk_id="")
    with pytest.raises(RecordError, match="pad"):
        make_record(document, pad=(0, 400))


#: A changed value for every signed field.
TAMPER: dict[str, Any] = {
    "flow_id": "flow-20261202-0002",
    "session_id": "sess-0000",
    "kiosk_id": "SB-0002",
    "branch": "Elsewhere",
    "signed_at": "2026-12-01T10:15:30.250+08:00",
    "document_id": "OTHER-AGREEMENT",
    "document_version": "2025-9",
    "document_language": "zh_CN",
    "document_sha256": "0" * 64,
    "pad_width": 900.0,
    "pad_height": 300.0,
    "strokes": [[[1.0, 1.0, 0], [500.0, 300.0, 20]]],
    "strokes_sha256": "1" * 64,
    "image_sha256": "2" * 64,
    "key_id": "0123456789abcdef",
    "format": "smartbranch.esign/1",  # replaced below: must differ
}


@pytest.mark.parametrize("name", SIGNED_FIELDS)
def test_every_changed_field_is_named(name: str, signed: EvidenceRecord,
                                      key: Ed25519PrivateKey) -> None:
    obj = json.loads(signed.to_json())
    assert TAMPER[name] != obj[name] or name == "format"
    obj[name] = TAMPER[name] if name != "format" else "smartbranch.esign/0"
    res = verify(canonical_json(obj), key.public_key())
    assert not res.ok
    assert any(p.startswith(f"{name}:") for p in res.problems), res.problems
    # nothing else is blamed
    others = {p.split(":")[0] for p in res.problems} - {name, "signature"}
    assert others <= ({"strokes"} if name in ("strokes", "strokes_sha256") else set()), res.problems


def test_a_point_moved_by_a_hundredth_is_named(signed: EvidenceRecord,
                                               key: Ed25519PrivateKey) -> None:
    obj = json.loads(signed.to_json())
    obj["strokes"][1][2][0] += 0.01
    res = verify(json.dumps(obj), key.public_key())  # spaces, order: still read
    assert not res.ok
    assert res.problems[0].startswith("strokes: changed after signing")
    assert "strokes: do not match strokes_sha256" in res.problems


def test_a_change_with_its_digest_updated_still_fails(signed: EvidenceRecord,
                                                       key: Ed25519PrivateKey) -> None:
    from esign.record import field_digests

    obj = json.loads(signed.to_json())
    obj["kiosk_id"] = "SB-0666"
    obj["fields"] = field_digests({k: obj[k] for k in SIGNED_FIELDS})
    res = verify(canonical_json(obj), key.public_key())
    assert not res.ok
    assert res.problems == ["signature: does not match the record (the signature or the "
                            "signed field list was altered)"]


def test_an_added_or_removed_field_is_named(signed: EvidenceRecord,
                                            key: Ed25519PrivateKey) -> None:
    obj = json.loads(signed.to_json())
    obj["amount"] = 100
    res = verify(canonical_json(obj), key.public_key())
    assert not res.ok and res.problems[0].startswith("amount: not a field")
    obj = json.loads(signed.to_json())
    del obj["branch"]
    res = verify(canonical_json(obj), key.public_key())
    assert not res.ok and res.problems == ["branch: missing"]


def test_a_changed_signature_is_named(signed: EvidenceRecord, key: Ed25519PrivateKey) -> None:
    obj = json.loads(signed.to_json())
    raw = bytearray(base64.b64decode(obj["signature"]))
    raw[0] ^= 1
    obj["signature"] = base64.b64encode(bytes(raw)).decode()
    res = verify(canonical_json(obj), key.public_key())
    assert not res.ok and res.problems[0].startswith("signature: does not match")
    obj["signature"] = "not base64!"
    res = verify(canonical_json(obj), key.public_key())
    assert res.problems == ["signature: not base64"]


def test_the_wrong_key_is_named(signed: EvidenceRecord, key: Ed25519PrivateKey) -> None:
    other = Ed25519PrivateKey.generate()
    res = verify(signed.to_json(), other.public_key())
    assert not res.ok
    assert res.problems == [f"signature: made with key {keys.key_id(key)}, not with the "
                            f"given key {keys.key_id(other)}"]
    # and as PEM text
    res = verify(signed.to_json(), keys.public_key_pem(other))
    assert not res.ok
    res = verify(signed.to_json(), "not a key")
    assert res.problems == ["public key: public key is not a PEM public key"]


def test_a_changed_png_or_document_is_named(signed: EvidenceRecord, key: Ed25519PrivateKey,
                                            document: TermsDocument) -> None:
    png = bytearray(signed.png)
    png[-20] ^= 0xFF
    res = verify(signed.to_json(), key.public_key(), png_bytes=bytes(png))
    assert not res.ok and len(res.problems) == 1
    assert res.problems[0].startswith("image: the PNG's SHA-256")
    res = verify(signed.to_json(), key.public_key(),
                 document_bytes=document.data.replace(b"2.00", b"0.20"))
    assert not res.ok and len(res.problems) == 1
    assert res.problems[0].startswith("document: its SHA-256")
    chinese = terms_document("debit", "zh_CN")
    res = verify(signed.to_json(), key.public_key(), document_bytes=chinese.data)
    assert not res.ok and res.problems[0].startswith("document:")


@pytest.mark.parametrize(("data", "expected"), [
    (b"", "empty file"),
    (b"   \n", "empty file"),
    (b"\xff\xfe garbage", "not UTF-8"),
    (b"[1, 2, 3]", "is a list, not an object"),
    (b'"text"', "is a str, not an object"),
    (b'{"a": NaN}', "NaN is not allowed"),
    (b'{"a": 1, "a": 2}', "field 'a' appears twice"),
    (b"[" * 100000, "nested too deeply"),
    (b"{}", "flow_id: missing"),
])
def test_garbage_is_a_clear_problem(data: bytes, expected: str,
                                    key: Ed25519PrivateKey) -> None:
    res = verify(data, key.public_key())
    assert not res.ok
    assert any(expected in p for p in res.problems), res.problems


def test_a_truncated_record_is_a_clear_problem(signed: EvidenceRecord,
                                               key: Ed25519PrivateKey) -> None:
    data = signed.to_json()
    for cut in (1, len(data) // 3, len(data) - 1):
        res = verify(data[:cut], key.public_key())
        assert not res.ok
        assert res.problems[0].startswith("record: not valid JSON (truncated or damaged?)")
    with pytest.raises(RecordError, match="truncated"):
        load_record(data[:-1])


def test_wrong_types_are_named(signed: EvidenceRecord, key: Ed25519PrivateKey) -> None:
    obj = json.loads(signed.to_json())
    obj["pad_width"] = "1000"
    obj["strokes"] = [[[1, 2]]]
    obj["kiosk_id"] = 7
    obj["signed_at"] = "2026-12-02 10:15"  # no offset
    res = verify(canonical_json(obj), key.public_key())
    assert set(res.problems) == {"signed_at: not an ISO 8601 time with a UTC offset",
                                 "pad_width: must be a number", "kiosk_id: must be a string",
                                 "strokes: must be a list of strokes of [x, y, t_ms] points"}


def test_load_record_round_trips(signed: EvidenceRecord, key: Ed25519PrivateKey) -> None:
    loaded = load_record(signed.to_json())
    assert loaded == signed
    assert loaded.to_json() == signed.to_json()
    assert verify(loaded, key.public_key()).ok


def test_a_chinese_record(key: Ed25519PrivateKey) -> None:
    doc = terms_document("debit", "zh_CN")
    rec = sign(build_record(strokes=STROKES, pad=PAD, document=doc, signed_at=SIGNED_AT,
                            kiosk_id="SB-0001", branch="浦东世纪大道支行", session_id="s1",
                            flow_id="f1"), key)
    assert "浦东世纪大道支行".encode() in rec.to_json()  # UTF-8, not \u escapes
    assert verify(rec.to_json(), key.public_key(), document_bytes=doc.data,
                  png_bytes=rec.png).ok


json_values = st.recursive(
    st.none() | st.booleans() | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children),
    max_leaves=30)


@given(json_values)
def test_canonical_json_round_trips(value: Any) -> None:
    data = canonical_json(value)
    back = json.loads(data.decode("utf-8"))
    assert canonical_json(back) == data
    assert back == value or value != value  # -0.0 == 0.0 is fine; no NaN is generated


@given(st.dictionaries(st.text(), st.integers(), max_size=8))
def test_canonical_json_ignores_insertion_order(d: dict[str, int]) -> None:
    reordered = dict(reversed(list(d.items())))
    assert canonical_json(d) == canonical_json(reordered)


points = st.tuples(st.floats(-50, 1050, allow_nan=False), st.floats(-50, 450, allow_nan=False),
                   st.integers(0, 10**7))


@given(st.lists(st.lists(points, min_size=1, max_size=12), min_size=1, max_size=4))
def test_any_strokes_sign_and_verify(strokes: list[list[tuple[float, float, int]]]) -> None:
    doc = terms_document("debit", "en_US")
    key = _KEY
    rec = sign(build_record(strokes=strokes, pad=PAD, document=doc, signed_at=SIGNED_AT,
                            kiosk_id="K", branch="B", session_id="s", flow_id="f"), key)
    assert verify(rec.to_json(), key.public_key(), png_bytes=rec.png).ok
    assert load_record(rec.to_json()).to_json() == rec.to_json()


_KEY = Ed25519PrivateKey.generate()
