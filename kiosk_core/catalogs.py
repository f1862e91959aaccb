"""Translation catalogs, checked in one place so that none can miss a language.

Customer text lives in several catalogs: the Qt Linguist ``.ts`` files of the screens
(which also word the identity check's prompt codes), the receipt templates (TOML), the
receipt-link page's words. Each package exposes its catalog(s) through a light function
(no Qt, no numpy) returning a :class:`Catalog`; :func:`missing` lists every key a
configured language lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = ["Catalog", "TextCatalog", "missing"]


@runtime_checkable
class Catalog(Protocol):
    """What the checker needs of a catalog."""

    @property
    def name(self) -> str:
        """Where it lives, for the report (``receipts/templates/queue_ticket.toml``)."""
        ...

    @property
    def languages(self) -> frozenset[str]:
        """The languages it has texts for (``zh_CN``, ``en_US``)."""
        ...

    def keys(self, language: str) -> frozenset[str]:
        """The keys with a usable (present, finished, non-blank) text in ``language``."""
        ...


@dataclass(frozen=True)
class TextCatalog:
    """A catalog held as ``{language: {key: text}}``; blank texts do not count."""

    name: str
    texts: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    @classmethod
    def by_key(cls, name: str, entries: Mapping[str, Mapping[str, str]]) -> TextCatalog:
        """From ``{key: {language: text}}``, the other usual shape."""
        texts: dict[str, dict[str, str]] = {}
        for key, per_language in entries.items():
            for language, text in per_language.items():
                texts.setdefault(language, {})[key] = text
        return cls(name, texts)

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self.texts)

    def keys(self, language: str) -> frozenset[str]:
        return frozenset(k for k, text in self.texts.get(language, {}).items()
                         if isinstance(text, str) and text.strip())


def missing(catalogs: Iterable[Catalog], languages: Iterable[str]) -> list[str]:
    """One line per (catalog, key, language) with no text, sorted; empty when complete.

    A key counts as wanted when any language of the catalog has it, so a message added in
    one language only, or left unfinished in another, is reported for the others.
    """
    wanted_languages = tuple(dict.fromkeys(languages))
    if not wanted_languages:
        raise ValueError("missing(): no languages given")
    out: list[str] = []
    for catalog in catalogs:
        have = {lang: catalog.keys(lang) for lang in catalog.languages | set(wanted_languages)}
        every = frozenset().union(*have.values())
        if not every:
            out.append(f"{catalog.name}: no texts at all")
            continue
        for lang in wanted_languages:
            if lang not in catalog.languages:
                out.append(f"{catalog.name}: no {lang} texts at all ({len(every)} keys)")
                continue
            out.extend(f"{catalog.name}: {key}: no {lang} text"
                       for key in sorted(every - have[lang]))
    return out
