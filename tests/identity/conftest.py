"""Shared, expensive inputs (face models are ~100 ms per call): built once per session."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def card_frame() -> Any:
    from demo import scenes

    return scenes.CardScene().frame(3.0)


@pytest.fixture(scope="session")
def card_capture(card_frame: Any) -> Any:
    from identity import id_capture

    return id_capture.assess(card_frame)


@pytest.fixture(scope="session")
def id_template(card_capture: Any) -> Any:
    from identity import face_match

    return face_match.encode_id_photo(card_capture.card, jitters=1)
