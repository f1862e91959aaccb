"""A flow module as later issues will write them: a page plus a view-model, registered."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Property, QObject, Signal, Slot

from kiosk_ui.registry import FlowContext, FlowScreen, ScreenRegistry

PAGE = Path(__file__).with_name("TestFlow.qml")


class SampleFlowModel(QObject):
    changed = Signal()

    def __init__(self, ctx: FlowContext) -> None:
        super().__init__()
        self.ctx = ctx

    def _greeting(self) -> str:
        return f"test flow ({self.ctx.language})"

    greeting = Property(str, _greeting, notify=changed)

    @Slot()
    def done(self) -> None:
        self.ctx.finish()


def register(registry: ScreenRegistry) -> None:
    registry.register(
        FlowScreen("card_issuance", PAGE, SampleFlowModel, devices=("card_dispenser",))
    )
