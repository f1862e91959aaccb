"""The receipt-link page's own words (``receipts.link_server``), in every kiosk language.

Data only, so the catalog check (:func:`catalog`) reads them without aiohttp. ``lang`` is the
page's HTML ``lang``; ``date`` formats the link's expiry (``d``: a datetime).
"""

from __future__ import annotations

from kiosk_core.catalogs import TextCatalog

WORDS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "lang": "zh-CN",
        "intro": "这是您在自助机办理业务的凭条。请截屏或保存此页。",
        "until": "此链接有效期至 {when}。",
        "image": "凭条图片",
        "alt": "凭条图片，内容与上方文字相同",
        "help": "如有疑问，请咨询网点工作人员。",
        "date": "{d.year}年{d.month}月{d.day}日 {d:%H:%M}",
    },
    "en_US": {
        "lang": "en",
        "intro": "This is your receipt from the bank kiosk. Take a screenshot or save this page.",
        "until": "This link works until {when}.",
        "image": "The receipt as printed",
        "alt": "Picture of the receipt, the same as the text above",
        "help": "Questions? Please ask the branch staff.",
        "date": "{d.day} {d:%b} {d.year}, {d:%H:%M}",
    },
}


def catalog() -> TextCatalog:
    """These words for ``kiosk_core.catalogs.missing``."""
    return TextCatalog("receipts/link_words.py", WORDS)
