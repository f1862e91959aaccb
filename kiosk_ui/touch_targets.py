"""Touch targets: every element a customer can tap, measured in millimetres on the panel.

``interactive_items(root)`` lists every visible, enabled MouseArea, TapHandler, text input
and KioskButton under ``root`` with its size in stage pixels (the 1080×1920 stage every
screen is laid out on, scaled to the window). ``too_small(window, ui)`` names those under
:data:`MIN_MM` on the configured panel (``[ui] diagonal_in`` with ``width`` × ``height``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QObject, QRectF
from PySide6.QtQuick import QQuickItem, QQuickWindow

from kiosk_core.config import UISettings

#: The smallest target an unsteady finger hits reliably.
MIN_MM = 15.0
#: The stage every screen is laid out on (Main.qml).
STAGE_W, STAGE_H = 1080, 1920
MM_PER_INCH = 25.4

_INPUTS = ("QQuickTextInput", "QQuickTextEdit", "QQuickTextField", "QQuickTextArea")


@dataclass(frozen=True)
class Target:
    name: str       # objectName, or the QML type and its text
    kind: str       # MouseArea | TapHandler | input | KioskButton
    width: float    # stage pixels
    height: float

    def describe(self, mm_per_px: float) -> str:
        return (f"{self.kind} {self.name}: {self.width * mm_per_px:.1f} × "
                f"{self.height * mm_per_px:.1f} mm ({self.width:.0f} × {self.height:.0f} px)")


def mm_per_stage_px(ui: UISettings) -> float:
    """Millimetres per stage pixel: the panel's pixel pitch × the stage's scale on it."""
    pitch = ui.diagonal_in * MM_PER_INCH / math.hypot(ui.width, ui.height)
    return pitch * min(ui.width / STAGE_W, ui.height / STAGE_H)


def _class(obj: QObject) -> str:
    return obj.metaObject().className()


def _is_kiosk_button(item: QQuickItem) -> bool:
    meta = item.metaObject()
    # Up to QQuickItem only: PySide6 6.12 loses a reference to None for every call that
    # returns None (superClass() past QObject, parentItem() of the root), and Python aborts
    # once None's count runs out. So this module walks down the tree and never asks for a
    # parent.
    while meta.className() not in ("QQuickItem", "QObject"):
        if meta.className().startswith(("KioskButton", "TellerButton")):
            return True
        meta = meta.superClass()
    return False


def _text(item: QQuickItem) -> str:
    # Only read a property the item has (a missing one comes back as None: see above).
    if item.metaObject().indexOfProperty("text") < 0:
        return ""
    value = item.property("text")
    return value if isinstance(value, str) else ""


def _size(item: QQuickItem, stage: QQuickItem | None) -> tuple[float, float]:
    """The item's size in stage pixels (scene pixels when it is not on a stage)."""
    rect = QRectF(0, 0, item.width(), item.height())
    r = item.mapRectToItem(stage, rect) if stage is not None else item.mapRectToScene(rect)
    return r.width(), r.height()


def interactive_items(root: QQuickItem) -> list[Target]:
    """Every visible, enabled thing under ``root`` a customer can tap or type into."""
    out: list[Target] = []

    def walk(item: QQuickItem, stage: QQuickItem | None, in_button: bool, label: str) -> None:
        if not item.isVisible() or not item.isEnabled() or item.opacity() <= 0.01:
            return
        if item.objectName() == "stage":
            stage = item
        cls = _class(item)
        button = _is_kiosk_button(item)
        name = item.objectName() or ""
        text = _text(item)
        here = name or (f"{cls.split('_QML')[0]} {text!r}" if text else "") or label
        kind = ""
        if button:
            kind = "KioskButton"
        elif cls == "QQuickMouseArea":
            if not in_button:  # a KioskButton's own MouseArea: the button counts already
                kind = "MouseArea"
        elif cls.startswith(_INPUTS):
            kind = "input"
        if kind:
            w, h = _size(item, stage)
            if w > 0 and h > 0:
                out.append(Target(here or cls, kind, w, h))
        for child in item.children():
            if _class(child) == "QQuickTapHandler" and child.property("enabled"):
                w, h = _size(item, stage)
                out.append(Target(here or cls, "TapHandler", w, h))
        for child in item.childItems():
            walk(child, stage, in_button or button, here)

    walk(root, None, False, "")
    return out


def too_small(window: QQuickWindow, ui: UISettings) -> list[str]:
    """The targets on ``window`` under :data:`MIN_MM` either way, described (empty: all fine)."""
    mm = mm_per_stage_px(ui)
    limit = MIN_MM / mm
    return [t.describe(mm) for t in interactive_items(window.contentItem())
            if min(t.width, t.height) < limit - 0.5]


#: The "More below ↓" bars (MoreBelow.qml, the menu's, the card flow's button).
_MORE_NAMES = ("moreBelow", "menuMoreBelow", "cardMoreBelow")


def out_of_sight(window: QQuickWindow) -> list[str]:
    """Choices a customer cannot see without scrolling, on a screen that does not say there
    is more below (empty: every choice in sight, or the hint is up).

    A choice is an item in the keyboard's focus chain (``activeFocusOnTab``); it is out of
    sight when part of it lies outside a clipping ancestor (a page's Flickable) or the window.
    """
    root = window.contentItem()
    hidden: list[str] = []
    hinted = False

    def walk(item: QQuickItem, clip: QRectF) -> None:
        nonlocal hinted
        if not item.isVisible() or item.opacity() <= 0.01:
            return
        rect = item.mapRectToScene(QRectF(0, 0, item.width(), item.height()))
        if item.objectName() in _MORE_NAMES:
            hinted = True
        if item.activeFocusOnTab() and item.isEnabled() and rect.width() > 0:
            inner = rect.adjusted(2, 2, -2, -2)  # borders drawn on the edge
            if not clip.contains(inner):
                hidden.append(item.objectName() or _text(item) or _class(item))
        if item.clip():
            clip = clip.intersected(rect)
        for child in item.childItems():
            walk(child, clip)

    walk(root, QRectF(0, 0, window.width(), window.height()))
    return [] if hinted else hidden


def overflowing_text(window: QQuickWindow) -> list[str]:
    """Visible texts wider than their box (a word or a Chinese phrase that cannot wrap runs
    out of it), described."""
    out: list[str] = []

    def walk(item: QQuickItem) -> None:
        if not item.isVisible() or item.opacity() <= 0.01:
            return
        meta = item.metaObject()
        if meta.className().startswith("QQuickText") and meta.indexOfProperty("contentWidth") >= 0:
            # An eliding or shrink-to-fit text never lays out wider than its box.
            content = float(item.property("contentWidth") or 0)
            if item.width() > 0 and content > item.width() + 2:
                text = _text(item).replace("\u2060", "")
                out.append(f"{item.objectName() or text[:40]!r}: {content:.0f} px of text "
                           f"in {item.width():.0f} px")
        for child in item.childItems():
            walk(child)

    walk(window.contentItem())
    return out
