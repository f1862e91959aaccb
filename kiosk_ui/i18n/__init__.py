"""Translations: Qt Linguist ``.ts`` sources here, compiled to ``.qm`` beside them.

English is the source language (the text in ``qsTr`` calls). ``python -m kiosk_ui.i18n``
runs the Qt tools from the virtual environment:

- ``build``: compile every ``.ts`` to ``.qm`` with pyside6-lrelease (idempotent: a ``.qm``
  is only rewritten when its content changes). ``dev.sh setup`` runs this.
- ``update``: re-extract strings from the QML and Python sources with pyside6-lupdate; new
  English strings are filled in (source = translation), other languages are left
  *unfinished* for a translator (Qt Linguist) — and the test suite fails until they are done.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
PACKAGE = HERE.parent
SOURCE_LANGUAGE = "en_US"
LANGUAGES = ("zh_CN", "en_US")


class ToolError(RuntimeError):
    """A Qt Linguist tool is missing or failed."""


def ts_file(language: str) -> Path:
    return HERE / f"kiosk_{language}.ts"


def qm_file(language: str) -> Path:
    return HERE / f"kiosk_{language}.qm"


def tool(name: str) -> Path:
    """pyside6-<name> from the virtual environment this Python runs in."""
    path = Path(sys.executable).parent / f"pyside6-{name}"
    if not path.exists():
        raise ToolError(f"{path} not found: install PySide6 in this virtual environment")
    return path


def sources() -> list[Path]:
    """Files lupdate reads: every QML file and the Python modules that mark strings."""
    files = sorted(PACKAGE.glob("qml/**/*.qml")) + sorted(PACKAGE.glob("flows/**/*.qml")) \
        + sorted(PACKAGE.glob("**/*.py"))  # flow pages live in flows/
    return [f for f in files if "i18n" not in f.parts]


def stale() -> list[str]:
    """Languages whose .qm is missing or older than its .ts."""
    out = []
    for lang in LANGUAGES:
        qm, ts = qm_file(lang), ts_file(lang)
        if not qm.exists() or qm.stat().st_mtime < ts.stat().st_mtime:
            out.append(lang)
    return out


#: Chinese on screen may break a line at punctuation or a space, never inside a phrase
#: (打电/话, 确认/书): the .qm gets U+2060 WORD JOINER between the characters of each run of
#: ideographs (and digits beside them). Added at build time, so the .ts stays plain for
#: translators; Qt's ``Text.Wrap`` still breaks a phrase longer than the line. Speech drops
#: the joiners (kiosk_ui/voice.py).
WORD_JOINER = "\u2060"
_PHRASE = re.compile(r"([\u3400-\u9fff0-9])(?=[\u3400-\u9fff])|([\u3400-\u9fff])(?=[0-9])")
#: Languages written without spaces between words.
UNSPACED = ("zh_CN",)


def keep_phrases(text: str) -> str:
    """``text`` with a word joiner wherever a line must not break (see WORD_JOINER)."""
    return _PHRASE.sub(lambda m: (m.group(1) or m.group(2)) + WORD_JOINER, text)


def _joined_ts(ts: Path, out: Path) -> Path:
    """A copy of ``ts`` whose translations keep their phrases whole (for lrelease)."""
    tree = ET.parse(ts)
    for el in tree.iter("translation"):
        if el.text:
            el.text = keep_phrases(el.text)
        for form in el.iter("numerusform"):
            if form.text:
                form.text = keep_phrases(form.text)
    tree.write(out, encoding="utf-8", xml_declaration=True)
    return out


def build(languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    """Compile .ts to .qm; returns the .qm files that changed."""
    lrelease = tool("lrelease")
    changed = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in languages:
            out = Path(tmp) / qm_file(lang).name
            src = ts_file(lang)
            if lang in UNSPACED:
                src = _joined_ts(src, Path(tmp) / src.name)
            proc = subprocess.run([str(lrelease), str(src), "-qm", str(out)],
                                  capture_output=True, text=True)
            if proc.returncode != 0 or not out.exists():
                raise ToolError(f"lrelease {ts_file(lang).name}: {proc.stderr.strip()}")
            target = qm_file(lang)
            if target.exists() and target.read_bytes() == out.read_bytes():
                target.touch()  # up to date: mark as built, keep the content
                continue
            shutil.copyfile(out, target)
            changed.append(target)
    return changed


def update(languages: tuple[str, ...] = LANGUAGES, target_dir: Path = HERE) -> None:
    """Re-extract strings into the .ts files (in ``target_dir``)."""
    for lang in languages:
        ts = target_dir / ts_file(lang).name
        _lupdate(ts, lang)
        if lang == SOURCE_LANGUAGE and fill_source_language(ts):
            _lupdate(ts, lang)  # back to lupdate's own layout, so diffs stay small


def _lupdate(ts: Path, lang: str) -> None:
    proc = subprocess.run(
        [str(tool("lupdate")), *map(str, sources()), "-ts", str(ts), "-no-obsolete",
         "-locations", "none", "-source-language", SOURCE_LANGUAGE, "-target-language", lang],
        capture_output=True, text=True,
    )
    if proc.returncode != 0:
        raise ToolError(f"lupdate {ts.name}: {proc.stderr.strip() or proc.stdout.strip()}")


def fill_source_language(ts: Path) -> bool:
    """In the source language a message's translation is its source text. True if changed."""
    tree = ET.parse(ts)
    touched = False
    for message in tree.iter("message"):
        tr = message.find("translation")
        src = message.findtext("source") or ""
        if tr is not None and (tr.get("type") == "unfinished" or not (tr.text or "")):
            tr.text = src
            tr.attrib.pop("type", None)
            touched = True
    if touched:
        ET.indent(tree, "    ")
        with ts.open("wb") as f:
            f.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
            tree.write(f, encoding="utf-8", xml_declaration=False)
            f.write(b"\n")
    return touched


@dataclass(frozen=True)
class Problem:
    file: str
    context: str
    source: str
    what: str

    def __str__(self) -> str:
        return f"{self.file}: [{self.context}] {self.source!r}: {self.what}"


def problems(ts: Path) -> list[Problem]:
    """Messages a customer would see untranslated: unfinished, empty, or placeholders lost."""
    out = []
    root = ET.parse(ts).getroot()
    for ctx in root.iter("context"):
        name = ctx.findtext("name") or ""
        for message in ctx.iter("message"):
            src = message.findtext("source") or ""
            tr = message.find("translation")
            text = "" if tr is None else "".join(tr.itertext())
            if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                kind = "missing" if tr is None else tr.get("type", "")
                out.append(Problem(ts.name, name, src, f"translation {kind}"))
            elif not text.strip():
                out.append(Problem(ts.name, name, src, "empty translation"))
            else:
                for n in range(1, 10):
                    if (f"%{n}" in src) != (f"%{n}" in text):
                        out.append(Problem(ts.name, name, src, f"placeholder %{n} differs"))
    return out


@dataclass(frozen=True)
class TsCatalog:
    """The screens' Qt catalog (:class:`kiosk_core.catalogs.Catalog`): one ``kiosk_<lang>.ts``
    per language; a key is ``context: source``, counted only when finished and non-blank."""

    directory: Path = HERE
    name: str = "kiosk_ui/i18n/kiosk_*.ts"

    def _files(self) -> dict[str, Path]:
        return {p.stem.removeprefix("kiosk_"): p for p in sorted(self.directory.glob("kiosk_*.ts"))}

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(self._files())

    def keys(self, language: str) -> frozenset[str]:
        ts = self._files().get(language)
        if ts is None:
            return frozenset()
        out = set()
        for ctx in ET.parse(ts).getroot().iter("context"):
            context = ctx.findtext("name") or ""
            for message in ctx.iter("message"):
                tr = message.find("translation")
                if tr is None or tr.get("type") in ("unfinished", "obsolete", "vanished"):
                    continue
                if "".join(tr.itertext()).strip():
                    out.add(f"{context}: {message.findtext('source') or ''}")
        return frozenset(out)


def catalog(directory: Path = HERE) -> TsCatalog:
    """The screens' translations, for ``kiosk_core.catalogs.missing`` (no Qt imported)."""
    return TsCatalog(directory)
