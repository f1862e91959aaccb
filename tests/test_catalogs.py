"""Every translation catalog has every configured language: one check for all of them.

The catalogs: the screens' Qt ``.ts`` files, the receipt templates and the receipt-link
page's words, and the flows' texts that are printed (service names, card receipt words).
The identity check's prompt codes are worded by the card page through the Qt catalog: every
code it can send has a translated text there.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from identity.prompts import FAILURES, PromptCode
from kiosk_core.catalogs import Catalog, TextCatalog, missing

REPO = Path(__file__).resolve().parents[1]
LANGUAGES: tuple[str, ...] = tuple(
    tomllib.loads((REPO / "kiosk.toml").read_text("utf-8"))["kiosk"]["languages"])


def package_catalogs() -> list[Catalog]:
    """Gathered here (the test may import every layer; the catalogs import nothing above)."""
    from kiosk_ui import i18n
    from receipts.catalogs import catalogs as receipt_catalogs

    found: list[Catalog] = [i18n.catalog(), *receipt_catalogs()]
    from customer_flows import card_issuance, checkin

    found.append(TextCatalog.by_key("customer_flows/checkin.py SERVICE_NAMES",
                                    checkin.SERVICE_NAMES))
    found.append(TextCatalog("customer_flows/card_issuance.py RECEIPT_TEXTS",
                             card_issuance.RECEIPT_TEXTS))
    return found


def test_configured_languages() -> None:
    assert LANGUAGES == ("zh_CN", "en_US")


def test_no_catalog_misses_a_language() -> None:
    catalogs = package_catalogs()
    assert len(catalogs) >= 7  # .ts, 4 templates, link words, flows' texts
    for c in catalogs:
        assert isinstance(c, Catalog)
        assert all(c.keys(lang) for lang in LANGUAGES), f"{c.name} is empty"
    problems = missing(catalogs, LANGUAGES)
    assert not problems, "\n".join(problems)


def test_qt_catalog_counts_every_message() -> None:
    from kiosk_ui import i18n

    qt = i18n.catalog()
    assert qt.languages >= set(LANGUAGES)
    assert len(qt.keys("zh_CN")) >= 30 and qt.keys("zh_CN") == qt.keys("en_US")


# -- a planted gap is caught, in each kind of catalog ----------------------------------------


def _ts_copy(tmp_path: Path) -> Path:
    from kiosk_ui import i18n

    for lang in LANGUAGES:
        shutil.copy(i18n.ts_file(lang), tmp_path)
    return tmp_path


def test_planted_unfinished_qt_message_is_caught(tmp_path: Path) -> None:
    from kiosk_ui import i18n

    ts = _ts_copy(tmp_path) / "kiosk_zh_CN.ts"
    tree = ET.parse(ts)
    context = next(tree.getroot().iter("context"))
    message = next(context.iter("message"))
    tr = message.find("translation")
    assert tr is not None
    tr.set("type", "unfinished")
    tree.write(ts, encoding="utf-8")
    key = f"{context.findtext('name')}: {message.findtext('source')}"
    assert missing([i18n.catalog(tmp_path)], LANGUAGES) == \
        [f"kiosk_ui/i18n/kiosk_*.ts: {key}: no zh_CN text"]


def test_planted_message_in_one_language_only_is_caught(tmp_path: Path) -> None:
    from kiosk_ui import i18n

    ts = _ts_copy(tmp_path) / "kiosk_en_US.ts"
    tree = ET.parse(ts)
    context = next(tree.getroot().iter("context"))
    ET.SubElement(ET.SubElement(context, "message"), "source").text = "New words"
    msg = list(context.iter("message"))[-1]
    ET.SubElement(msg, "translation").text = "New words"
    tree.write(ts, encoding="utf-8")
    assert missing([i18n.catalog(tmp_path)], LANGUAGES) == \
        [f"kiosk_ui/i18n/kiosk_*.ts: {context.findtext('name')}: New words: no zh_CN text"]


def test_a_language_without_a_ts_file_is_caught(tmp_path: Path) -> None:
    from kiosk_ui import i18n

    (_ts_copy(tmp_path) / "kiosk_zh_CN.ts").unlink()
    problems = missing([i18n.catalog(tmp_path)], LANGUAGES)
    assert len(problems) == 1 and "no zh_CN texts at all" in problems[0]


def test_planted_missing_template_text_is_caught(tmp_path: Path) -> None:
    from receipts.catalogs import TEMPLATES_DIR, catalogs

    for p in TEMPLATES_DIR.glob("*.toml"):
        shutil.copy(p, tmp_path)
    ticket = tmp_path / "queue_ticket.toml"
    text = ticket.read_text("utf-8")
    planted = text.replace('{ zh_CN = "您的排队号", en_US = "Your number" }',
                           '{ en_US = "Your number" }')
    assert planted != text
    ticket.write_text(planted, "utf-8")
    problems = missing(catalogs(tmp_path), LANGUAGES)
    assert len(problems) == 1
    assert problems[0].startswith("receipts/templates/queue_ticket.toml: blocks[")
    assert problems[0].endswith("].text: no zh_CN text")
    ticket.write_text(text.replace('title = { zh_CN = "排队取号凭条", en_US = "Queue ticket" }',
                                   'title = { zh_CN = "  ", en_US = "Queue ticket" }'), "utf-8")
    assert missing(catalogs(tmp_path), LANGUAGES) == \
        ["receipts/templates/queue_ticket.toml: title: no zh_CN text"]


def test_planted_missing_link_word_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    from receipts import link_words
    from receipts.catalogs import catalogs

    words = {lang: dict(w) for lang, w in link_words.WORDS.items()}
    del words["en_US"]["help"]
    monkeypatch.setattr(link_words, "WORDS", words)
    assert missing(catalogs(), LANGUAGES) == ["receipts/link_words.py: help: no en_US text"]


# -- the identity check's codes: each worded on the card page, in every language -------------

CARD_PAGE = REPO / "kiosk_ui" / "flows" / "CardIssuance.qml"
#: The page's functions that word identity codes: prompts, and how a failed check ended.
WORDING = {"promptText": "prompts", "identityFailTitle": "failures"}
_IF_RETURN = re.compile(r'if \(([^)]*)\)\s*return\s+qsTr\("((?:[^"\\]|\\.)*)"\)')


def identity_codes() -> dict[str, set[str]]:
    """Every code the identity layer can send, by kind. Liveness asks ``do_<challenge>``
    for each of its challenges: a challenge without a PromptCode is a code without words."""
    from identity.liveness import CHALLENGES

    prompts = {str(c) for c in PromptCode} | {f"do_{c}" for c in CHALLENGES}
    return {"prompts": prompts, "failures": {str(f) for f in FAILURES}}


def page_wording(qml: str, function: str) -> dict[str, str]:
    """``{code: English source}`` of ``function(code)`` in the page: its
    ``if (code === "x" || …) return qsTr("…")`` lines."""
    start = qml.index(f"function {function}(code) {{")
    body = qml[start:qml.index("\n    }", start)]
    out = {}
    for cond, source in _IF_RETURN.findall(body):
        text = re.sub(r"\\(.)", r"\1", source)
        out.update({code: text for code in re.findall(r'code === "([^"]+)"', cond)})
    return out


def unworded_identity_codes(qml: str, codes: dict[str, set[str]], catalog: Catalog,
                            languages: tuple[str, ...]) -> list[str]:
    """One line per identity code the page has no text for, or whose text a language lacks."""
    out = []
    keys = {lang: catalog.keys(lang) for lang in languages}
    for function, kind in WORDING.items():
        wording = page_wording(qml, function)
        for code in sorted(codes[kind]):
            if code not in wording:
                out.append(f"CardIssuance.qml {function}: {code}: no text")
                continue
            out.extend(f"CardIssuance.qml {function}: {code}: no {lang} text"
                       for lang in languages if f"CardIssuance: {wording[code]}" not in keys[lang])
    return out


def test_every_identity_code_has_a_translated_text() -> None:
    from kiosk_ui import i18n

    qml = CARD_PAGE.read_text("utf-8")
    codes = identity_codes()
    assert len(codes["prompts"]) >= 20 and len(codes["failures"]) >= 8
    assert page_wording(qml, "promptText")["do_turn_left"] == \
        "Please turn your head slowly to your left."
    assert unworded_identity_codes(qml, codes, i18n.catalog(), LANGUAGES) == []


def test_planted_identity_prompt_without_a_text_is_caught(monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    from identity import liveness
    from kiosk_ui import i18n

    qml = CARD_PAGE.read_text("utf-8")
    # A new liveness challenge with no prompt worded on the page.
    monkeypatch.setattr(liveness, "CHALLENGES", (*liveness.CHALLENGES, "wave"))
    assert unworded_identity_codes(qml, identity_codes(), i18n.catalog(), LANGUAGES) == \
        ["CardIssuance.qml promptText: do_wave: no text"]


def test_planted_identity_text_without_a_translation_is_caught() -> None:
    from kiosk_ui import i18n

    qml = CARD_PAGE.read_text("utf-8").replace(
        'if (code === "do_smile") return qsTr("Please smile.")',
        'if (code === "do_smile") return qsTr("Please smile.")\n'
        '        if (code === "do_wave") return qsTr("Please wave.")')
    codes = identity_codes()
    codes["prompts"].add("do_wave")
    assert unworded_identity_codes(qml, codes, i18n.catalog(), LANGUAGES) == [
        "CardIssuance.qml promptText: do_wave: no zh_CN text",
        "CardIssuance.qml promptText: do_wave: no en_US text"]
    planted = qml.replace('if (code === "fail_not_live") return', 'if (code === "x") return')
    assert unworded_identity_codes(planted, identity_codes(), i18n.catalog(), LANGUAGES) == \
        ["CardIssuance.qml identityFailTitle: fail_not_live: no text"]


def test_missing_reports_in_order_and_refuses_no_languages() -> None:
    a = TextCatalog("a", {"en_US": {"x": "X", "y": "Y"}, "zh_CN": {"y": "乙", "z": "丙"}})
    b = TextCatalog("b", {"en_US": {"k": "K"}})
    assert missing([a, b], ("zh_CN", "en_US")) == [
        "a: x: no zh_CN text", "a: z: no en_US text", "b: no zh_CN texts at all (1 keys)"]
    assert missing([TextCatalog("empty")], ("en_US",)) == ["empty: no texts at all"]
    with pytest.raises(ValueError, match="no languages"):
        missing([a], ())


# -- the catalogs are light and import nothing above them ------------------------------------


def test_catalog_functions_need_no_heavy_imports() -> None:
    code = ("import sys, kiosk_ui.i18n, receipts.catalogs, kiosk_core.catalogs\n"
            "import identity.prompts\n"
            "kiosk_ui.i18n.catalog().keys('zh_CN'); receipts.catalogs.catalogs()\n"
            "heavy = {'PySide6', 'PIL', 'numpy', 'pydantic', 'aiohttp', 'cv2', 'sqlite_utils'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                         text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_foundation_checker_imports_only_the_standard_library() -> None:
    assert _imports(REPO / "kiosk_core" / "catalogs.py") <= set(sys.stdlib_module_names)
    for module, allowed in [("receipts/catalogs.py", {"kiosk_core", "receipts"}),
                            ("receipts/link_words.py", {"kiosk_core"}),
                            ("kiosk_ui/i18n/__init__.py", {"kiosk_core"})]:
        ours = _imports(REPO / module) - set(sys.stdlib_module_names)
        assert ours <= allowed, (module, ours)
