"""Item 6: secrets in the configuration are never printed or logged (issue 15)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from o2o_sync.settings import SyncSettings
from technician.service import mask_secrets
from technician.settings import TechnicianEntry

TOKEN, SECRET = "very-secret-api-token", "very-secret-webhook-key"


def test_sync_secrets_are_masked_in_repr_str_dump_and_logs(
        caplog: pytest.LogCaptureFixture) -> None:
    """Failed before: webhook_secret and api_token were plain str fields: repr(cfg.sync),
    model_dump() and the technician's config screen showed them."""
    s = SyncSettings(api_token=TOKEN, webhook_secret=SECRET)
    caplog.set_level(logging.DEBUG)
    logging.getLogger("test").info("sync settings: %s %r", s, s)
    shown = [repr(s), str(s), str(s.model_dump()), str(s.model_dump(mode="json")),
             s.model_dump_json(), str(mask_secrets(s.model_dump(mode="json"))), caplog.text]
    for text in shown:
        assert TOKEN not in text and SECRET not in text
    assert s.api_token.get_secret_value() == TOKEN  # where it is used, it is there


def test_short_secrets_are_refused_with_a_clear_message() -> None:
    from pydantic import ValidationError

    from kiosk_core.config import format_error

    with pytest.raises(ValidationError) as err:
        SyncSettings(webhook_secret="s3cr")
    lines = [format_error(e) for e in err.value.errors()]  # what kiosk.toml errors print
    assert lines == ["webhook_secret: must be at least 8 characters"]


def test_the_technician_pin_hash_is_not_in_repr() -> None:
    entry = TechnicianEntry(id="T-1", name="T", pin_hash="scrypt$16384$8$1$aa$bb")
    assert "scrypt$" not in repr(entry)


def test_the_kiosk_config_as_the_technician_sees_it_masks_every_secret(kiosk_config: Any) -> None:
    cfg = kiosk_config.model_copy(update={"sync": SyncSettings(api_token=TOKEN,
                                                               webhook_secret=SECRET)})
    text = str(mask_secrets(cfg.model_dump(mode="json"))) + repr(cfg)
    assert TOKEN not in text and SECRET not in text
