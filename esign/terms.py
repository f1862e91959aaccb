"""The terms documents a customer signs, by product and language, with the digest of the
exact bytes shipped.

Each document is a UTF-8 Markdown file ``terms/<product>_terms.<language>.md`` that starts
with a small header naming it::

    ---
    id: DEBIT-CARD-AGREEMENT
    version: 2026-1
    language: en_US
    ---

The SHA-256 covers the whole file (header included), so the id and version are bound by
the same digest as the words. The screen shows :attr:`TermsDocument.text` (the body).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

TERMS_DIR = Path(__file__).resolve().parent / "terms"
#: Products with terms, and the file stem of their documents.
PRODUCTS = {"debit": "debit_terms", "savings": "savings_terms"}
LANGUAGES = ("zh_CN", "en_US")
_HEADER_KEYS = ("id", "version", "language")


class TermsError(LookupError):
    """No usable terms document: the message names the product, language or file."""


@dataclass(frozen=True)
class TermsDocument:
    id: str
    version: str
    language: str
    text: str  # the body the customer reads (without the header)
    sha256: str  # hex SHA-256 of ``data``
    data: bytes = field(repr=False)  # the file's exact bytes
    path: Path | None = field(default=None, compare=False)

    @property
    def filename(self) -> str:
        return self.path.name if self.path is not None else f"{self.id}.{self.language}.md"


def terms_path(product: str, language: str, terms_dir: Path = TERMS_DIR) -> Path:
    stem = PRODUCTS.get(product)
    if stem is None:
        known = ", ".join(sorted(PRODUCTS))
        raise TermsError(f"no terms for product {product!r} (known: {known})")
    if language not in LANGUAGES:
        raise TermsError(f"no terms in language {language!r} (known: {', '.join(LANGUAGES)})")
    return terms_dir / f"{stem}.{language}.md"


def terms_document(product: str, language: str, terms_dir: Path = TERMS_DIR) -> TermsDocument:
    """The ``product`` terms in ``language``, read from disk; a TermsError names what is
    missing or malformed."""
    path = terms_path(product, language, terms_dir)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise TermsError(f"the {product} terms in {language} are missing: {path}") from None
    except OSError as exc:
        raise TermsError(f"cannot read {path}: {exc.strerror}") from None
    doc = parse_terms(data, path)
    if doc.language != language:
        raise TermsError(f"{path}: header says language {doc.language!r}, not {language!r}")
    return doc


def parse_terms(data: bytes, path: Path | None = None) -> TermsDocument:
    where = str(path) if path is not None else "terms document"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TermsError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise TermsError(f"{where}: must start with a '---' header (id, version, language)")
    header: dict[str, str] = {}
    for n, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            body = "\n".join(lines[n + 1:]).lstrip("\n")
            break
        if not line.strip():
            continue
        key, sep, value = line.partition(":")
        if not sep:
            raise TermsError(f"{where}: header line {n + 1} is not 'key: value'")
        header[key.strip()] = value.strip()
    else:
        raise TermsError(f"{where}: the header is not closed with '---'")
    missing = [k for k in _HEADER_KEYS if not header.get(k)]
    if missing:
        raise TermsError(f"{where}: header lacks {', '.join(missing)}")
    if not body.strip():
        raise TermsError(f"{where}: no text after the header")
    return TermsDocument(id=header["id"], version=header["version"],
                         language=header["language"], text=body,
                         sha256=hashlib.sha256(data).hexdigest(), data=data, path=path)
