"""The Qt this process runs on, for ``kiosk version`` (kiosk_ui is where Qt is imported)."""

from __future__ import annotations

import PySide6
from PySide6.QtCore import qVersion

__all__ = ["qt_versions"]


def qt_versions() -> dict[str, str]:
    """``qt``: the Qt libraries loaded (what a bug report needs); ``pyside6``: the bindings."""
    return {"qt": qVersion(), "pyside6": PySide6.__version__}
