"""``[bank]`` settings errors name the key; the sandbox never fails with anything but a typed
refusal, whatever arguments it is handed (hypothesis)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import KIOSK
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bank_host.api import BankRefused, Refusal
from bank_host.sandbox.bank import SandboxBank
from bank_host.sandbox.server import FIELDS
from bank_host.settings import BankHostSettings
from kiosk_core.config import ConfigError, CoreConfig, validate


class _Config(CoreConfig):  # how kiosk_app.config carries it
    bank: BankHostSettings = BankHostSettings()


@pytest.mark.parametrize(("bank", "key"), [
    ({"url": "ftp://bank"}, "bank.url"),
    ({"url": "http://127.0.0.1:99999"}, "bank.url"),
    ({"timeout_s": 0}, "bank.timeout_s"),
    ({"pin_format": "iso1"}, "bank.pin_format"),
    ({"ur": "http://x"}, "bank.ur: unknown key"),
])
def test_bad_settings_name_the_key(bank: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as e:
        validate(_Config, {"kiosk": {"id": "K1", "branch": "B"}, "bank": bank})
    assert any(p.startswith(key) for p in e.value.problems), e.value.problems


def test_defaults_are_valid() -> None:
    cfg = validate(_Config, {"kiosk": {"id": "K1", "branch": "B"},
                             "bank": {"url": "http://127.0.0.1:8790/"}})
    assert cfg.section(BankHostSettings).url == "http://127.0.0.1:8790"


values = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                   st.text(max_size=40), st.lists(st.integers(), max_size=3),
                   st.sampled_from(["CUS0001", "debit", "04A1B2C3D4E5F6", "CRD0000000001",
                                    "iso4", "delivered", "00" * 16]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(op=st.sampled_from(sorted(set(FIELDS) - {"pin_working_key"})), data=st.data())
def test_any_arguments_give_a_result_or_a_typed_refusal(bank: SandboxBank, op: str,
                                                        data: st.DataObject) -> None:
    args = {name: data.draw(values, label=name) for name in sorted(FIELDS[op])}
    before = bank.count("idempotency")
    try:
        bank.call(KIOSK, op, args, data.draw(st.text("abc-", min_size=1, max_size=6)))
    except BankRefused as exc:
        assert isinstance(exc.reason, Refusal)
        if exc.reason is Refusal.BAD_REQUEST:
            assert bank.count("idempotency") == before
