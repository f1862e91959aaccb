"""Receipts as data: templates in TOML under ``receipts/templates/`` rendered to ESC/POS bytes.

``receipts.escpos`` builds the bytes (no I/O), ``receipts.templates`` loads and renders the
templates, ``receipts.masking`` keeps card numbers off paper whatever the caller passes.
``receipts.link_server`` serves the receipts the printer could not print, by link.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from receipts.templates import Receipt, Template, TemplateError, load_template, render_receipt

__all__ = ["Receipt", "Template", "TemplateError", "load_template", "render_receipt"]


def __getattr__(name: str) -> Any:
    # Lazy, so that `kiosk …` (which imports receipts.commands) loads no numpy/PIL at start.
    if name in __all__:
        from receipts import templates

        return getattr(templates, name)
    raise AttributeError(f"module 'receipts' has no attribute {name!r}")
