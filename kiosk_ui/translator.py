"""Runtime language switching for QML (Qt side of kiosk_ui.i18n)."""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QObject, QTranslator, Slot
from PySide6.QtQml import QQmlEngine

from kiosk_ui import i18n

log = logging.getLogger(__name__)


class Translations(QObject):
    """Holds one QTranslator per language; ``install`` switches the whole UI live."""

    def __init__(self, languages: list[str], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._translators: dict[str, QTranslator] = {}
        self._current: QTranslator | None = None
        self._engine: QQmlEngine | None = None
        for lang in languages:
            tr = QTranslator(self)
            if tr.load(str(i18n.qm_file(lang))):
                self._translators[lang] = tr
            elif lang != i18n.SOURCE_LANGUAGE:
                # The kiosk still works (in English); set-up builds these.
                log.error("no compiled translation for %s (run: python -m kiosk_ui.i18n build)",
                          lang)

    def attach(self, engine: QQmlEngine | None) -> None:
        self._engine = engine

    def install(self, language: str) -> None:
        app = QCoreApplication.instance()
        if app is None:
            return
        if self._current is not None:
            app.removeTranslator(self._current)
            self._current = None
        tr = self._translators.get(language)
        if tr is not None:
            app.installTranslator(tr)
            self._current = tr
        if self._engine is not None:
            self._engine.retranslate()  # re-evaluates every qsTr binding: no restart

    @Slot(str, str, str, result=str)
    def inLanguage(self, language: str, context: str, text: str) -> str:
        """``text`` in a given language whatever the UI language (bilingual lines)."""
        tr = self._translators.get(language)
        translated = tr.translate(context, text) if tr is not None else ""
        return translated or text
