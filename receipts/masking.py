"""What may be printed: card numbers are masked here, whatever the caller passes.

The template layer owns this so that no flow can put a full card number on paper by
mistake: a ``pan`` field is always masked, and every other text field has any
Luhn-valid card-number-like digit run masked too (kiosk_core.journal.mask_pan).
"""

from __future__ import annotations

import re

from kiosk_core.journal import mask_pan

_DIGITS = re.compile(r"\D")


class MaskingError(ValueError):
    """A value that should be a card number is not one."""


def mask_card_number(value: str) -> str:
    """``6222021234567890123`` -> ``6222 **** **** 0123``: first 4 and last 4 digits only.

    The middle is always printed as two groups of stars, so the receipt does not even
    tell how long the number is.

    Accepts spaces and dashes; refuses anything that is not 12-19 digits. An already
    masked number (``6222********0123``) is accepted and re-masked the same way.
    """
    raw = re.sub(r"[\s-]", "", str(value))
    if not re.fullmatch(r"\d{4}[\d*]{4,11}\d{4}", raw):
        raise MaskingError("card number must be 12-19 digits")
    return f"{raw[:4]} **** **** {raw[-4:]}"


def scrub_text(value: str) -> str:
    """Free text for paper: card-number-like digit runs masked."""
    return mask_pan(value)
