"""The bank host over HTTP: :class:`HttpBankHost` implements :class:`bank_host.api.BankHost`
with the standard library (``http.client``), so it works from plain worker threads.

Time-outs, refused connections, 5xx and answers that are not the protocol's become
:class:`~bank_host.api.BankUnavailable`; 4xx answers become
:class:`~bank_host.api.BankRefused` with the bank's reason. The step's ``request_id`` goes
in the ``Idempotency-Key`` header, the kiosk's id in ``X-Kiosk-Id``.
"""

from __future__ import annotations

import http.client
import json
from typing import Any, TypeVar
from urllib.parse import urlsplit

from bank_host.api import (
    Account,
    Approval,
    BankRefused,
    BankUnavailable,
    CardLink,
    CardReport,
    Customer,
    PinSet,
    Refusal,
    Reversal,
    WorkingKey,
    from_wire,
)
from bank_host.settings import BankHostSettings

R = TypeVar("R")


class HttpBankHost:
    def __init__(self, base_url: str, kiosk_id: str, *, timeout_s: float = 5.0) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"bank URL must be http(s)://HOST[:PORT], got {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self._https = parts.scheme == "https"
        self._host = parts.hostname
        self._port = parts.port
        self._prefix = parts.path.rstrip("/")
        self.kiosk_id = kiosk_id
        self.timeout_s = timeout_s

    @classmethod
    def from_settings(cls, settings: BankHostSettings, kiosk_id: str) -> HttpBankHost:
        return cls(settings.url, kiosk_id, timeout_s=settings.timeout_s)

    def _post(self, path: str, body: dict[str, Any], request_id: str | None) -> Any:
        headers = {"Content-Type": "application/json", "X-Kiosk-Id": self.kiosk_id}
        if request_id is not None:
            headers["Idempotency-Key"] = request_id
        conn_cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        conn = conn_cls(self._host, self._port, timeout=self.timeout_s)
        try:
            conn.request("POST", f"{self._prefix}/v1/{path}", json.dumps(body).encode(), headers)
            resp = conn.getresponse()
            raw = resp.read()
            status = resp.status
        except TimeoutError as exc:
            raise BankUnavailable(f"bank did not answer within {self.timeout_s} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise BankUnavailable(f"bank unreachable at {self.base_url}: {exc}") from exc
        finally:
            conn.close()
        if status >= 500:
            raise BankUnavailable(f"bank answered {status}")
        try:
            data = json.loads(raw)
        except ValueError:
            raise BankUnavailable(f"bank answered {status} with a body that is not JSON") from None
        if status == 200:
            return data
        if 400 <= status < 500 and isinstance(data, dict):
            try:
                reason = Refusal(str(data.get("refused")))
            except ValueError:
                raise BankUnavailable(f"bank answered {status}: {data!r:.200}") from None
            raise BankRefused(reason, str(data.get("detail") or data.get("error") or ""))
        raise BankUnavailable(f"bank answered {status}")

    def _step(self, cls: type[R], path: str, body: dict[str, Any], request_id: str) -> R:
        return from_wire(cls, self._post(path, body, request_id))

    def lookup_customer(self, id_number: str, name: str, request_id: str,
                        birth_date: str | None = None) -> Customer:
        args = {"id_number": id_number, "name": name}
        if birth_date is not None:
            args["birth_date"] = birth_date
        return self._step(Customer, "lookup-customer", args, request_id)

    def open_account(self, customer_id: str, product: str, request_id: str) -> Account:
        return self._step(Account, "open-account",
                          {"customer_id": customer_id, "product": product}, request_id)

    def approve_issuance(self, account_id: str, product: str, request_id: str) -> Approval:
        return self._step(Approval, "approve-issuance",
                          {"account_id": account_id, "product": product}, request_id)

    def link_card(self, account_id: str, card_uid: str, request_id: str) -> CardLink:
        return self._step(CardLink, "link-card",
                          {"account_id": account_id, "card_uid": card_uid}, request_id)

    def set_pin(self, card_id: str, pin_block: bytes, format: str, request_id: str,
                confirm_block: bytes | None = None) -> PinSet:
        args = {"card_id": card_id, "pin_block": pin_block.hex(), "format": str(format)}
        if confirm_block is not None:
            args["confirm_block"] = confirm_block.hex()
        return self._step(PinSet, "set-pin", args, request_id)

    def report_card(self, card: str, state: str, request_id: str) -> CardReport:
        return self._step(CardReport, "report-card", {"card": card, "state": str(state)},
                          request_id)

    def reverse(self, step_request_id: str, request_id: str) -> Reversal:
        return self._step(Reversal, "reverse", {"step_request_id": step_request_id}, request_id)

    def pin_working_key(self, kiosk_id: str, algorithm: str = "AES") -> WorkingKey:
        data = self._post("pin-working-key", {"kiosk_id": kiosk_id, "algorithm": algorithm}, None)
        return from_wire(WorkingKey, data)
