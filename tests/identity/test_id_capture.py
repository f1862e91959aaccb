from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from demo import scenes as demo_scenes
from demo.idcard import NAME_BOX, CardHolder
from devices.camera import scenes, synth
from identity import id_capture, mrz_ocr
from identity.prompts import PromptCode


def test_clean_card_is_found_flat_and_accepted(card_capture: Any) -> None:
    assert card_capture.ok, card_capture.problems
    assert card_capture.prompt == PromptCode.CARD_OK
    expected = demo_scenes.CardScene().corners(3.0)
    assert np.abs(card_capture.corners - expected).max() < 3.0
    assert card_capture.card.shape == (540, 856, 3)


@pytest.mark.parametrize(("scene", "problem"), [
    (demo_scenes.CardScene(glare=True), "card_glare"),
    (demo_scenes.CardScene(blur=15), "card_blurred"),
    (demo_scenes.CardScene(cut_corner=True), "card_partly_outside"),
    (scenes.EmptyScene(), "no_card"),
])
def test_quality_problems_are_named(scene: scenes.Scene, problem: str) -> None:
    cap = id_capture.assess(scene.frame(3.0))
    assert not cap.ok and problem in cap.problems
    # The customer is asked about the most important problem (its code: the screen words it).
    assert cap.prompt == cap.problems[0] and all(isinstance(p, PromptCode) for p in cap.problems)


def test_motion_blur_is_caught_where_laplacian_alone_would_pass() -> None:
    cap = id_capture.assess(demo_scenes.CardScene(blur=15).frame(3.0))
    assert cap.metrics["sharpness"] > id_capture.Thresholds().min_sharpness
    assert cap.problems[0] == "card_blurred"


def test_small_card_asks_to_come_closer() -> None:
    frame = synth.place(synth.room(), demo_scenes.CardScene().card,
                        synth.card_corners((320, 240), 200))
    assert id_capture.assess(frame).problems == ["card_too_small"]


def test_mrz_and_printed_name_are_read(card_capture: Any) -> None:
    read = mrz_ocr.read_mrz(card_capture.card)
    assert read.lines == CardHolder().mrz_lines()
    assert read.mrz is not None and read.mrz.valid
    assert mrz_ocr.read_printed(card_capture.card, NAME_BOX) == "COLLINS EILEEN MARIE"


def test_other_holder_mrz_is_read() -> None:
    holder = CardHolder(surname="HOPPER", given_names="GRACE", document_number="X9Z81234",
                        birth_date="061209", sex="F", expiry_date="290630")
    card = synth.place(synth.room(), demo_scenes.CardScene(person="hopper", holder=holder).card,
                       synth.card_corners((320, 240), 520, angle=-3))
    cap = id_capture.assess(card)
    assert cap.card is not None
    read = mrz_ocr.read_mrz(cap.card)
    assert read.mrz is not None and read.mrz.valid and read.mrz.surname == "HOPPER"
