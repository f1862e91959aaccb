"""The evidence record of one e-signature, its canonical JSON and its Ed25519 signature.

A record binds: the strokes the customer drew (points ``[x, y, t_ms]`` in pad units, x and
y to 0.01, t_ms from the first touch), the PNG rendered from them, the exact bytes of the
terms shown (by digest), the time (ISO 8601 with the kiosk's UTC offset), the kiosk, branch,
session and flow. The signed bytes are the canonical JSON (sorted keys, no spaces, UTF-8)
of every field except ``signature``. ``fields`` maps each other field to the SHA-256 of its
canonical JSON: when the signature fails, that list names the field that changed.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from esign.keys import KeyFileError, key_id, load_public_key
from esign.terms import TermsDocument

FORMAT = "smartbranch.esign/1"
#: Width of the rendered signature image; the height follows the pad's aspect.
IMAGE_WIDTH = 800
INK_WIDTH = 4

Point = tuple[float, float, int]
Stroke = list[Point]


class RecordError(ValueError):
    """A record that cannot be read or built; the message says which part and why."""


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no NaN/Infinity: the same value gives the same bytes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def normalize_strokes(strokes: Sequence[Sequence[Sequence[float]]]) -> list[Stroke]:
    """Strokes as stored: lists of ``(x, y, t_ms)``; x, y rounded to 0.01, t_ms an int."""
    out: list[Stroke] = []
    for i, stroke in enumerate(strokes):
        pts: Stroke = []
        for j, p in enumerate(stroke):
            if len(p) != 3:
                raise RecordError(f"strokes[{i}][{j}]: a point is (x, y, t_ms), "
                                  f"got {len(p)} values")
            x, y, t = p
            if isinstance(x, bool) or isinstance(y, bool) or isinstance(t, bool):
                raise RecordError(f"strokes[{i}][{j}]: not numbers")
            try:
                fx, fy, ft = float(x), float(y), float(t)
            except (TypeError, ValueError):
                raise RecordError(f"strokes[{i}][{j}]: not numbers") from None
            if not all(math.isfinite(v) for v in (fx, fy, ft)) or ft < 0:
                raise RecordError(f"strokes[{i}][{j}]: x, y must be finite and t_ms >= 0")
            pts.append((round(fx, 2) + 0.0, round(fy, 2) + 0.0, int(ft)))
        if not pts:
            raise RecordError(f"strokes[{i}]: an empty stroke")
        out.append(pts)
    if not out:
        raise RecordError("strokes: no strokes (nothing was signed)")
    return out


def render_png(strokes: Sequence[Sequence[Point]], pad_width: float, pad_height: float) -> bytes:
    """The signature as a PNG: black ink on white, 800 px wide, the pad's aspect.

    Deterministic: the same strokes and pad give the same bytes (no metadata, no time)
    with the same Pillow and zlib."""
    from PIL import Image, ImageDraw

    if not (pad_width > 0 and pad_height > 0):
        raise RecordError("pad: width and height must be positive")
    scale = IMAGE_WIDTH / pad_width
    height = max(1, round(pad_height * scale))
    img = Image.new("L", (IMAGE_WIDTH, height), 255)
    draw = ImageDraw.Draw(img)
    r = INK_WIDTH / 2
    for stroke in strokes:
        xy = [(p[0] * scale, p[1] * scale) for p in stroke]
        if len(xy) > 1:
            draw.line(xy, fill=0, width=INK_WIDTH, joint="curve")
        for x, y in (xy[0], xy[-1]):  # round the ends; a lone point is a dot
            draw.ellipse((x - r, y - r, x + r, y + r), fill=0)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=False, compress_level=9)
    return buf.getvalue()


@dataclass(frozen=True)
class EvidenceRecord:
    """One signature's evidence. ``png`` travels beside the JSON (only its digest is in it)."""

    flow_id: str
    session_id: str
    kiosk_id: str
    branch: str
    signed_at: str  # ISO 8601 with the kiosk's UTC offset
    document_id: str
    document_version: str
    document_language: str
    document_sha256: str
    pad_width: float
    pad_height: float
    strokes: list[Stroke]
    strokes_sha256: str
    image_sha256: str
    key_id: str = ""  # set by sign(): which kiosk key signed
    format: str = FORMAT
    signature: str = ""  # base64 Ed25519 over signed_bytes(); "" until signed
    png: bytes = field(default=b"", repr=False, compare=False)

    def values(self) -> dict[str, Any]:
        """The signed fields (everything but ``signature``, ``fields`` and the PNG bytes)."""
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)
                if f.name not in ("signature", "png")}

    def payload(self) -> dict[str, Any]:
        v = self.values()
        v["fields"] = field_digests(v)
        return v

    def signed_bytes(self) -> bytes:
        return canonical_json(self.payload())

    def to_json(self) -> bytes:
        """The record file: the signed payload plus ``signature`` (canonical JSON)."""
        if not self.signature:
            raise RecordError("the record is not signed yet")
        return canonical_json({**self.payload(), "signature": self.signature})


def _jsonable(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def field_digests(values: Mapping[str, Any]) -> dict[str, str]:
    return {k: sha256_hex(canonical_json(v)) for k, v in values.items() if k != "fields"}


_STR_FIELDS = ("flow_id", "session_id", "kiosk_id", "branch", "signed_at", "document_id",
               "document_version", "document_language", "document_sha256", "strokes_sha256",
               "image_sha256", "key_id", "format")
_NUM_FIELDS = ("pad_width", "pad_height")
SIGNED_FIELDS = (*_STR_FIELDS, *_NUM_FIELDS, "strokes")


def build_record(*, strokes: Sequence[Sequence[Sequence[float]]], pad: tuple[float, float],
                 document: TermsDocument, signed_at: datetime, kiosk_id: str, branch: str,
                 session_id: str, flow_id: str) -> EvidenceRecord:
    """An unsigned record; ``signed_at`` must be tz-aware (the kiosk's configured zone)."""
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise RecordError("signed_at: needs a time zone (the kiosk's configured zone)")
    for name, value in (("kiosk_id", kiosk_id), ("flow_id", flow_id),
                        ("session_id", session_id), ("branch", branch)):
        if not isinstance(value, str) or not value:
            raise RecordError(f"{name}: must be a non-empty string")
    norm = normalize_strokes(strokes)
    w, h = float(pad[0]), float(pad[1])
    png = render_png(norm, w, h)
    return EvidenceRecord(
        flow_id=flow_id, session_id=session_id, kiosk_id=kiosk_id, branch=branch,
        signed_at=signed_at.isoformat(timespec="milliseconds"),
        document_id=document.id, document_version=document.version,
        document_language=document.language, document_sha256=document.sha256,
        pad_width=w, pad_height=h, strokes=norm,
        strokes_sha256=sha256_hex(canonical_json(_jsonable(norm))),
        image_sha256=sha256_hex(png), png=png)


def sign(record: EvidenceRecord, key: Ed25519PrivateKey) -> EvidenceRecord:
    """The record with ``key_id`` set and signed by ``key``."""
    unsigned = replace(record, key_id=key_id(key), signature="")
    sig = key.sign(unsigned.signed_bytes())
    return replace(unsigned, signature=base64.b64encode(sig).decode("ascii"))


def _reject_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise RecordError(f"field {k!r} appears twice")
        out[k] = v
    return out


def parse_json(data: bytes | str | Mapping[str, Any]) -> dict[str, Any]:
    """Record JSON as a dict; a RecordError (never a traceback) for anything else."""
    if isinstance(data, Mapping):
        return dict(data)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"not UTF-8 text (byte {exc.start})") from None
    else:
        text = data
    if not text.strip():
        raise RecordError("empty file, not a record")
    try:
        obj = json.loads(text, object_pairs_hook=_reject_duplicates,
                         parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise RecordError(f"not valid JSON (truncated or damaged?): {exc.msg} at line "
                          f"{exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise RecordError("not a record: nested too deeply") from None
    if not isinstance(obj, dict):
        raise RecordError(f"not a record: the JSON is a {type(obj).__name__}, not an object")
    return obj


def _has_offset(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).utcoffset() is not None
    except ValueError:
        return False


def _no_constant(name: str) -> Any:
    raise RecordError(f"not a record: {name} is not allowed")


def load_record(data: bytes | str | Mapping[str, Any]) -> EvidenceRecord:
    """A record from its JSON, shape-checked (not verified: see :func:`verify`)."""
    obj = parse_json(data)
    problems = _shape_problems(obj)
    if problems:
        raise RecordError("; ".join(problems))
    kwargs = {k: obj[k] for k in SIGNED_FIELDS}
    kwargs["strokes"] = [[(p[0], p[1], p[2]) for p in s] for s in obj["strokes"]]
    return EvidenceRecord(**kwargs, signature=obj["signature"])


def _shape_problems(obj: Mapping[str, Any]) -> list[str]:
    problems: list[str] = []
    expected = {*SIGNED_FIELDS, "fields", "signature"}
    for k in (*SIGNED_FIELDS, "fields", "signature"):
        if k not in obj:
            problems.append(f"{k}: missing")
    for k in sorted(set(obj) - expected):
        problems.append(f"{k}: not a field of a {FORMAT} record (added after signing?)")
    for k in (*_STR_FIELDS, "signature"):
        if k in obj and not isinstance(obj[k], str):
            problems.append(f"{k}: must be a string")
    for k in _NUM_FIELDS:
        v = obj.get(k)
        if k in obj and (isinstance(v, bool) or not isinstance(v, int | float)):
            problems.append(f"{k}: must be a number")
    if "fields" in obj and not (isinstance(obj["fields"], dict)
                                and all(isinstance(v, str) for v in obj["fields"].values())):
        problems.append("fields: must map field names to digests")
    if "strokes" in obj:
        s = obj["strokes"]
        ok = isinstance(s, list) and all(
            isinstance(st, list) and all(
                isinstance(p, list) and len(p) == 3
                and all(isinstance(c, int | float) and not isinstance(c, bool) for c in p)
                for p in st)
            for st in s)
        if not ok:
            problems.append("strokes: must be a list of strokes of [x, y, t_ms] points")
    if isinstance(obj.get("signed_at"), str) and not _has_offset(obj["signed_at"]):
        problems.append("signed_at: not an ISO 8601 time with a UTC offset")
    if isinstance(obj.get("format"), str) and obj["format"] != FORMAT:
        problems.append(f"format: {obj['format']!r} is not {FORMAT!r}")
    return problems


@dataclass
class VerifyResult:
    ok: bool
    problems: list[str]
    key_id: str = ""  # the key the record says signed it

    def __bool__(self) -> bool:
        return self.ok


def verify(record: bytes | str | Mapping[str, Any] | EvidenceRecord,
           public_key: Ed25519PublicKey | bytes | str,
           document_bytes: bytes | None = None,
           png_bytes: bytes | None = None) -> VerifyResult:
    """Check a record's signature with ``public_key`` and, when given, the document and
    PNG against their digests. ``problems`` name each field that changed; bad input
    (garbage, truncated JSON, a wrong shape) is a problem, never an exception."""
    try:
        obj = (json.loads(record.to_json()) if isinstance(record, EvidenceRecord)
               else parse_json(record))
    except RecordError as exc:
        return VerifyResult(False, [f"record: {exc}"])
    if not isinstance(public_key, Ed25519PublicKey):
        try:
            public_key = load_public_key(public_key)
        except KeyFileError as exc:
            return VerifyResult(False, [f"public key: {exc}"])
    problems = _shape_problems(obj)
    if problems:
        return VerifyResult(False, problems, str(obj.get("key_id", "")))
    values = {k: obj[k] for k in SIGNED_FIELDS}
    listed: dict[str, str] = obj["fields"]
    actual = field_digests(values)
    changed = [k for k in SIGNED_FIELDS if listed.get(k) != actual[k]]
    for k in changed:
        if k in listed:
            problems.append(f"{k}: changed after signing (does not match its signed digest)")
        else:
            problems.append(f"{k}: missing from the signed field list")
    for k in sorted(set(listed) - set(SIGNED_FIELDS)):
        problems.append(f"fields.{k}: not a field of a {FORMAT} record")
    if sha256_hex(canonical_json(obj["strokes"])) != obj["strokes_sha256"]:
        problems.append("strokes: do not match strokes_sha256")
    if png_bytes is not None and sha256_hex(png_bytes) != obj["image_sha256"]:
        problems.append(f"image: the PNG's SHA-256 {sha256_hex(png_bytes)[:16]}… is not "
                        f"image_sha256 {obj['image_sha256'][:16]}… (the image was changed)")
    if document_bytes is not None and sha256_hex(document_bytes) != obj["document_sha256"]:
        problems.append(f"document: its SHA-256 {sha256_hex(document_bytes)[:16]}… is not "
                        f"document_sha256 {obj['document_sha256'][:16]}… (not the document "
                        "that was signed)")
    given = key_id(public_key)
    try:
        sig = base64.b64decode(obj["signature"], validate=True)
    except (binascii.Error, ValueError):
        problems.append("signature: not base64")
        return VerifyResult(False, problems, obj["key_id"])
    try:
        public_key.verify(sig, canonical_json({**values, "fields": listed}))
    except InvalidSignature:
        if obj["key_id"] != given and "key_id" not in changed:
            problems.append(f"signature: made with key {obj['key_id']}, not with the given "
                            f"key {given}")
        elif not changed:
            problems.append("signature: does not match the record (the signature or the "
                            "signed field list was altered)")
        else:
            problems.append("signature: does not match the record")
    return VerifyResult(not problems, problems, obj["key_id"])
