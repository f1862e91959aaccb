"""Receipts as data: templates in TOML under ``receipts/templates/`` rendered to ESC/POS bytes.

``receipts.escpos`` builds the bytes (no I/O), ``receipts.templates`` loads and renders the
templates, ``receipts.masking`` keeps card numbers off paper whatever the caller passes.
"""

from receipts.templates import Receipt, Template, TemplateError, load_template, render_receipt

__all__ = ["Receipt", "Template", "TemplateError", "load_template", "render_receipt"]
