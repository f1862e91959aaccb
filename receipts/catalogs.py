"""The receipts' translation catalogs, read without pydantic or PIL (``kiosk_core.catalogs``).

- every template under ``receipts/templates/``: each localized text (a TOML table whose
  keys are languages, ``{ zh_CN = "…", en_US = "…" }``) under its path, ``blocks[3].text``;
- the receipt-link page's words (:mod:`receipts.link_words`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from kiosk_core.catalogs import TextCatalog
from receipts import link_words

TEMPLATES_DIR = Path(__file__).parent / "templates"
_LANGUAGE = re.compile(r"[a-z]{2,3}_[A-Z]{2}")


def _localized(node: Any, path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        if node and all(_LANGUAGE.fullmatch(k) for k in node):
            yield path, node
            return
        for key, value in node.items():
            yield from _localized(value, f"{path}.{key}" if path else key)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _localized(value, f"{path}[{i}]")


def template_catalog(path: Path) -> TextCatalog:
    """One template file's texts; a file that is not valid TOML raises ``ValueError``."""
    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    entries = {key: {lang: text if isinstance(text, str) else "" for lang, text in by.items()}
               for key, by in _localized(data, "")}
    return TextCatalog.by_key(f"receipts/templates/{path.name}", entries)


def catalogs(templates_dir: Path = TEMPLATES_DIR) -> list[TextCatalog]:
    """Every receipt template, then the link page's words."""
    return [*(template_catalog(p) for p in sorted(templates_dir.glob("*.toml"))),
            link_words.catalog()]
