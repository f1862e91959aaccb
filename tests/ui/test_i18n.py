"""Translations: every string a customer can see exists, finished, in every language."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from kiosk_ui import i18n


def messages(ts: Path) -> set[tuple[str, str]]:
    root = ET.parse(ts).getroot()
    return {(c.findtext("name") or "", m.findtext("source") or "")
            for c in root.iter("context") for m in c.iter("message")}


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_no_unfinished_or_empty_translation(language: str) -> None:
    ts = i18n.ts_file(language)
    root = ET.parse(ts).getroot()
    assert root.get("language") == language
    assert len(messages(ts)) >= 30
    problems = i18n.problems(ts)
    assert not problems, "\n".join(map(str, problems))


def test_ts_files_hold_every_string_in_the_sources(tmp_path: Path) -> None:
    """A qsTr added to QML without running `python -m kiosk_ui.i18n update` fails here."""
    for lang in i18n.LANGUAGES:
        shutil.copy(i18n.ts_file(lang), tmp_path)
    i18n.update(target_dir=tmp_path)
    for lang in i18n.LANGUAGES:
        fresh = tmp_path / i18n.ts_file(lang).name
        assert messages(fresh) == messages(i18n.ts_file(lang)), f"{fresh.name} is out of date"


def test_chinese_is_actually_chinese() -> None:
    root = ET.parse(i18n.ts_file("zh_CN")).getroot()
    for m in root.iter("message"):
        translation = m.find("translation")  # plurals hold their forms in <numerusform>s
        text = "".join(translation.itertext()) if translation is not None else ""
        source = m.findtext("source") or ""
        if not any(ch.isalpha() for ch in source):  # punctuation joining phrases: full width
            assert text and not any(ch.isascii() and not ch.isspace() for ch in text), source
            continue
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text), source


def test_problems_are_found(tmp_path: Path) -> None:
    ts = tmp_path / "kiosk_xx.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="zh_CN">
<context><name>A</name>
 <message><source>One</source><translation type="unfinished"></translation></message>
 <message><source>Two</source><translation>  </translation></message>
 <message><source>Hi %1</source><translation>你好</translation></message>
 <message><source>Ok</source><translation>好</translation></message>
</context></TS>""", encoding="utf-8")
    found = {(p.source, p.what) for p in i18n.problems(ts)}
    assert found == {("One", "translation unfinished"), ("Two", "empty translation"),
                     ("Hi %1", "placeholder %1 differs")}


def test_build_is_idempotent() -> None:
    i18n.build()
    before = {lang: i18n.qm_file(lang).read_bytes() for lang in i18n.LANGUAGES}
    assert i18n.build() == []  # nothing changed the second time
    assert not i18n.stale()
    for lang in i18n.LANGUAGES:
        assert i18n.qm_file(lang).read_bytes() == before[lang]
        assert len(before[lang]) > 100


def test_source_language_is_filled_in(tmp_path: Path) -> None:
    ts = tmp_path / "kiosk_en_US.ts"
    ts.write_text("""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS><TS version="2.1" language="en_US">
<context><name>A</name>
 <message><source>New text %1</source><translation type="unfinished"></translation></message>
 <message><source>Kept</source><translation>Kept as is</translation></message>
</context></TS>""", encoding="utf-8")
    assert i18n.fill_source_language(ts) is True
    assert i18n.problems(ts) == []
    root = ET.parse(ts).getroot()
    assert [m.findtext("translation") for m in root.iter("message")] == ["New text %1",
                                                                         "Kept as is"]
    assert i18n.fill_source_language(ts) is False


# -- phrases kept whole (word joiners added when the .qm is built) -----------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@given(st.text(alphabet=st.sampled_from("打电话确认书，。 09:AZaz%1\n？"), max_size=40))
def test_keep_phrases_only_adds_joiners_and_only_inside_chinese(text: str) -> None:
    from kiosk_ui.i18n import WORD_JOINER, keep_phrases

    kept = keep_phrases(text)
    assert kept.replace(WORD_JOINER, "") == text  # nothing else changes
    assert keep_phrases(kept) == kept  # once is enough
    for i, ch in enumerate(kept):
        if ch == WORD_JOINER:  # between two characters, at least one of them Chinese
            before, after = kept[i - 1], kept[i + 1]
            assert "\u3400" <= before <= "\u9fff" or "\u3400" <= after <= "\u9fff"
            assert before not in "，。？ \n" and after not in "，。？ \n"


def test_the_built_chinese_catalog_keeps_phrases_and_english_is_untouched() -> None:
    from PySide6.QtCore import QTranslator

    from kiosk_ui.i18n import WORD_JOINER, build, qm_file

    build()
    zh, en = QTranslator(), QTranslator()
    assert zh.load(str(qm_file("zh_CN"))) and en.load(str(qm_file("en_US")))
    said = zh.translate("MoreBelow", "More below ↓")
    assert said.replace(WORD_JOINER, "") == "下面还有 ↓" and WORD_JOINER in said
    assert WORD_JOINER not in en.translate("MoreBelow", "More below ↓")
