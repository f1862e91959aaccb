"""Recovery waits for the bank only for the flows that call it."""

from __future__ import annotations

import customer_flows
from customer_flows.card_issuance import FLOW as CARD_FLOW


def test_the_flows_that_wait_for_the_bank_exist_and_include_card_issuance() -> None:
    assert CARD_FLOW in customer_flows.BANK_FLOWS
    assert set(customer_flows.definitions()) >= customer_flows.BANK_FLOWS
