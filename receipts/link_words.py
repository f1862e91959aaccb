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
        "bank": "智慧银行网点",
        "switch": "English",
        "follow": "查看排队进度",
        "q_title": "排队进度",
        "q_number": "您的排队号",
        "q_ahead": "您前面还有 {n} 位。",
        "q_ahead_one": "您前面还有 1 位。",
        "q_next": "下一位就是您，请留意叫号。",
        "q_called": "请到 {counter} 号柜台办理。",
        "q_finished": "此号已办理完毕。谢谢光临！",
        "q_missed": "此号已过号。如需办理，请重新取号。",
        "q_refresh": "本页每 {s} 秒自动更新。",
        "q_updated": "更新时间：{t}",
        "q_help": "如有疑问，请咨询网点工作人员。",
    },
    "en_US": {
        "lang": "en",
        "intro": "This is your receipt from the bank kiosk. Take a screenshot or save this page.",
        "until": "This link works until {when}.",
        "image": "The receipt as printed",
        "alt": "Picture of the receipt, the same as the text above",
        "help": "Questions? Please ask the branch staff.",
        "date": "{d.day} {d:%b} {d.year}, {d:%H:%M}",
        "bank": "Smart bank branch",
        "switch": "中文",
        "follow": "Follow the queue",
        "q_title": "Your place in the queue",
        "q_number": "Your number",
        "q_ahead": "{n} people are ahead of you.",
        "q_ahead_one": "1 person is ahead of you.",
        "q_next": "You're next. Please listen for your number.",
        "q_called": "It's your turn. Please go to counter {counter}.",
        "q_finished": "This ticket is finished. Thank you for your visit!",
        "q_missed": "Your number was called and missed. Please take a new ticket.",
        "q_refresh": "This page updates itself every {s} seconds.",
        "q_updated": "Updated at {t}",
        "q_help": "Questions? Please ask the branch staff.",
    },
}


def catalog() -> TextCatalog:
    """These words for ``kiosk_core.catalogs.missing``."""
    return TextCatalog("receipts/link_words.py", WORDS)
