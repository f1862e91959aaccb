"""Sample values for every template: the demo, the golden-bytes tests, the benchmark and the
screenshots in docs/screens all print these (fixed dates, so the bytes never drift)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

_AT = datetime(2026, 11, 23, 9, 30)

SAMPLES: dict[str, dict[str, dict[str, Any]]] = {
    "card_issuance": {
        "zh_CN": {
            "branch": "智慧银行 示范支行", "kiosk_id": "KIOSK-DEMO-01", "customer_name": "王小明",
            "card_number": "6222021234567890123", "card_product": "借记卡 金卡",
            "account_type": "一类户", "currency": "人民币", "hotline": "400-820-1234",
            "account_opened": _AT, "transaction_no": "T202611230930001",
            "receipt_url": "https://receipts.smartbranch.example/r/T202611230930001",
        },
        "en_US": {
            "branch": "Demo Branch", "kiosk_id": "KIOSK-DEMO-01", "customer_name": "Wang Xiaoming",
            "card_number": "6222021234567890123", "card_product": "Debit Gold",
            "account_type": "Class I", "currency": "CNY", "hotline": "400-820-1234",
            "account_opened": _AT, "transaction_no": "T202611230930001",
            "receipt_url": "https://receipts.smartbranch.example/r/T202611230930001",
        },
    },
    "queue_ticket": {
        "zh_CN": {
            "branch": "智慧银行 示范支行", "ticket_no": "A023", "service": "个人业务",
            "waiting_ahead": 4, "estimated_wait_min": 12, "checked_in_at": _AT,
            "appointment_ref": "APT-88213", "ticket_url": "https://q.smartbranch.example/t/A023",
        },
        "en_US": {
            "branch": "Demo Branch", "ticket_no": "A023", "service": "Personal banking",
            "waiting_ahead": 4, "estimated_wait_min": 12, "checked_in_at": _AT,
            "appointment_ref": "APT-88213", "ticket_url": "https://q.smartbranch.example/t/A023",
        },
    },
    "esign_evidence": {
        lang: {
            "branch": "智慧银行 示范支行" if lang == "zh_CN" else "Demo Branch",
            "kiosk_id": "KIOSK-DEMO-01",
            "customer_name": "王小明" if lang == "zh_CN" else "Wang Xiaoming",
            "document_title": "借记卡领用合约" if lang == "zh_CN" else "Debit card agreement",
            "document_id": "DOC-2026-000451", "signed_at": _AT,
            "document_sha256": "3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea",
            "record_id": "7f3c1e0a9b2d4c6e8f1a2b3c4d5e6f70", "key_id": "a1b2c3d4e5f60718",
        }
        for lang in ("zh_CN", "en_US")
    },
    "teller_document": {
        lang: {
            "branch": "智慧银行 示范支行" if lang == "zh_CN" else "Demo Branch",
            "kiosk_id": "KIOSK-DEMO-01",
            "title": "您的预约" if lang == "zh_CN" else "Your appointment",
            "body": ("明天上午10:00，3号柜台，请携带身份证。" if lang == "zh_CN"
                     else "Tomorrow 10:00 at counter 3. Please bring your ID card."),
            "teller_id": "T-0042", "printed_at": _AT,
        }
        for lang in ("zh_CN", "en_US")
    },
    "test_page": {
        lang: {
            "kiosk_id": "KIOSK-DEMO-01", "printer_url": "sim://printer", "profile": "TM-T88V",
            "code_page": "CP437", "printed_at": _AT, "paper": "full",
            "test_qr": "smartbranch test page",
        }
        for lang in ("zh_CN", "en_US")
    },
}
