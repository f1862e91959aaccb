"""Synthetic people for the liveness evaluation, its tuning/held-apart split, the tuning
rule, and the passive score on screen replays (issue 16)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from bench._liveness_sets import (
    HELD_APART_PEOPLE,
    HELD_APART_SEEDS,
    ORDER_SEED_OFFSET,
    TUNING_PEOPLE,
    TUNING_SEEDS,
    person_of,
)
from bench.identity_liveness import upper_95
from bench.liveness_tune import Probe, between, choose
from devices.camera import photos, synth, variants
from identity.attacks import make_presenter, run_liveness
from identity.face_match import live_face
from identity.liveness import GeometricChallenge, moire_score


def test_derived_people_load_through_the_photo_path() -> None:
    for name in ("astronaut.m.wide.deep", "hopper.long.pale.soft", "astronaut.thick"):
        r = synth.rig(name)
        base = synth.rig(name.split(".")[0])
        assert r.photo.shape == base.photo.shape and r.pts.shape == (68, 2)
        assert not r.photo.flags.writeable
        frame = synth.face_frame(name, synth.Pose(noise=0))
        assert frame.shape == (480, 640, 3)


def test_variants_differ_from_their_base_and_each_other() -> None:
    base = synth.rig("astronaut").photo.astype(np.float32)
    names = ["astronaut.m", "astronaut.wide", "astronaut.deep", "astronaut.soft",
             "astronaut.thick", "astronaut.thin"]
    imgs = {n: synth.rig(n).photo.astype(np.float32) for n in names}

    def changed(x: np.ndarray, y: np.ndarray) -> int:  # pixels moved by more than 8 levels
        return int((np.abs(x - y).max(axis=2) > 8).sum())

    for n, img in imgs.items():
        assert changed(img, base) > 500, n
    for a in names:
        for b in names:
            if a < b:
                assert changed(imgs[a], imgs[b]) > 500, (a, b)
    # Glasses are drawn round the eyes: the change is there, not on the chin.
    pts = synth.rig("astronaut").pts
    diff = np.abs(imgs["astronaut.thick"] - base).sum(axis=2)
    eye = pts[36:48].mean(0).astype(int)
    chin = pts[8].astype(int)
    assert diff[eye[1] - 10:eye[1] + 10, eye[0] - 25:eye[0] + 25].mean() > \
        5 * diff[chin[1] - 10:chin[1] + 10, chin[0] - 10:chin[0] + 10].mean() + 1


def test_variants_are_deterministic() -> None:
    build: Any = variants.person_image.__wrapped__
    a, pa, ba = build("hopper.m.narrow.olive.soft")
    b, pb, bb = build("hopper.m.narrow.olive.soft")
    assert np.array_equal(a, b) and np.array_equal(pa, pb) and ba == bb
    f1 = make_presenter("genuine", "hopper.m@dim.noisy", 7).frame(1.0)
    f2 = make_presenter("genuine", "hopper.m@dim.noisy", 7).frame(1.0)
    assert np.array_equal(f1, f2)


def test_mirror_keeps_the_landmark_roles() -> None:
    base, m = synth.rig("hopper"), synth.rig("hopper.m")
    w = base.photo.shape[1]
    # The image-left eye of the mirrored face is the base's image-right eye, reflected.
    np.testing.assert_allclose(m.pts[36:42, 0].mean(), w - 1 - base.pts[42:48, 0].mean())
    assert m.pts[36, 0] < m.pts[45, 0] and m.pts[0, 0] < m.pts[16, 0]
    assert np.array_equal(m.photo, base.photo[:, ::-1])


def test_face_shape_warp_moves_the_landmarks_with_the_pixels() -> None:
    base, wide, long_ = synth.rig("astronaut"), synth.rig("astronaut.wide"), \
        synth.rig("astronaut.long")
    assert wide.pts[16, 0] - wide.pts[0, 0] > 1.05 * (base.pts[16, 0] - base.pts[0, 0])
    assert long_.pts[8, 1] - long_.pts[27, 1] > 1.04 * (base.pts[8, 1] - base.pts[27, 1])
    np.testing.assert_allclose(long_.pts[36:48], base.pts[36:48], atol=1.0)  # eyes stay


def test_bad_names_are_refused() -> None:
    for bad in ("nobody.m", "astronaut.x", "astronaut.wide.long", "astronaut@fog",
                "astronaut@warm.cold", "astronaut.thick.thin"):
        with pytest.raises(variants.VariantError):
            variants.parse(bad)
    with pytest.raises(variants.VariantError):  # conditions are the camera's, not the photo's
        synth.rig("astronaut.m@dim")
    assert variants.parse("hopper.m.thin@dim.noisy").name == "hopper.m.thin@dim.noisy"


def test_scene_conditions_apply_to_what_the_camera_sees() -> None:
    plain = make_presenter("print", "astronaut", 3).frame(0.5).astype(np.float32)
    dim = make_presenter("print", "astronaut@dim", 3).frame(0.5).astype(np.float32)
    warm = make_presenter("print", "astronaut@warm", 3).frame(0.5).astype(np.float32)
    side = make_presenter("print", "astronaut@side", 3).frame(0.5).astype(np.float32)
    assert dim.mean() < 0.6 * plain.mean()
    assert warm[..., 0].mean() > plain[..., 0].mean() + 5
    assert warm[..., 2].mean() < plain[..., 2].mean() - 5
    assert side[:, :200].mean() < 0.8 * plain[:, :200].mean()  # the shaded side
    assert side[:, -200:].mean() > 1.05 * plain[:, -200:].mean()  # the lit one


def test_a_derived_person_with_drawn_glasses_passes_liveness() -> None:
    up: Any = run_liveness(make_presenter("genuine", "astronaut.m.wide.thick@cold", 2),
                           GeometricChallenge(["turn_left", "smile"]), max_s=20)
    assert up.state == "passed", (up.reason, up.metrics)


def test_the_split_is_disjoint() -> None:
    tune, held = set(TUNING_PEOPLE), set(HELD_APART_PEOPLE)
    assert tune and held and not tune & held
    assert not {person_of(p) for p in tune} & {person_of(p) for p in held}
    assert not {p.partition("@")[2] for p in tune} & {p.partition("@")[2] for p in held}
    assert not set(TUNING_SEEDS) & set(HELD_APART_SEEDS)
    assert not set(TUNING_SEEDS) & {ORDER_SEED_OFFSET + s for s in HELD_APART_SEEDS}
    for people in (tune, held):  # every shipped face, with and without glasses, in each
        parsed = [variants.parse(p) for p in people]
        assert {v.base for v in parsed} == set(photos.PHOTOS)
        assert {v.wears_glasses for v in parsed} == {True, False}


def test_threshold_is_chosen_between_the_classes() -> None:
    c = between("x", [0.1, 0.2, 0.15], [0.5, 0.6])
    assert c.separated and c.value == pytest.approx(0.35)
    assert (c.errors_below, c.errors_above) == (0, 0)
    # With a margin for the "clear" level: 1.5 × value must stay under the upper class.
    c = between("x", [0.1, 0.2], [0.5, 0.6], clear=1.5)
    assert c.value == pytest.approx((0.2 + 0.5 / 1.5) / 2) and 1.5 * c.value < 0.5
    c = between("x", [10.0, 20.0], [80.0, 90.0], geometric=True)
    assert c.value == pytest.approx(40.0)
    # Overlap: fewest errors in the upper class first, then in the lower.
    c = between("x", [0.1, 0.3, 0.45], [0.4, 0.5, 0.6])
    assert not c.separated and c.errors_above == 0 and c.value <= 0.4
    assert c.errors_below == 1


def test_choose_reads_the_right_probes() -> None:
    probes = [Probe("genuine", "turn_left", "p", 1, turn_left=0.15, passive=20),
              Probe("genuine", "turn_right", "p", 1, turn_right=0.12, passive=22),
              Probe("genuine", "smile", "p", 1, smile=1.2, passive=21),
              Probe("genuine", "blink", "p", 1, smile=1.03, passive=19),
              Probe("tilt", "", "p", 1, turn_left=0.05, turn_right=0.04, smile=1.05,
                    passive=18),
              Probe("print", "", "p", 1, turn_right=0.06, passive=90),
              Probe("replay", "", "p", 1, turn_left=0.2, smile=1.3, passive=200)]
    ch = choose(probes)
    assert ch["turn_score"].value > 0.06 and 1.5 * ch["turn_score"].value < 0.12
    assert 1.05 < ch["smile_ratio"].value < 1.2  # the replay's real smile is not a negative
    assert 22 < ch["moire_fail"].value < 90


def test_upper_bound_of_an_error_rate() -> None:
    assert upper_95(0, 60) == pytest.approx(1 - 0.05 ** (1 / 60), abs=1e-6)
    assert upper_95(0, 20) == pytest.approx(0.139, abs=1e-3)
    assert 0.05 < upper_95(1, 60) < 0.09
    assert upper_95(5, 5) == 1.0


@pytest.mark.parametrize("person", ["hopper", "astronaut.m.long.soft.thick@cold.noisy"])
def test_screen_replay_scores_above_the_live_face_at_every_moment(person: str) -> None:
    """The passive score at the frame's own resolution: a replay of a face with glasses no
    longer drops to the live level when the face box size changes (it did: 13 vs 12)."""
    live, replay = make_presenter("genuine", person, 4), make_presenter("replay", person, 4)
    live_s: list[float] = []
    replay_s: list[float] = []
    for t in np.arange(0.0, 6.0, 0.5):
        for p, out in ((live, live_s), (replay, replay_s)):
            f = p.frame(float(t))
            box = live_face(f)
            if box is not None:
                out.append(moire_score(f, box))
    assert len(live_s) >= 10 and len(replay_s) >= 6
    assert min(replay_s) > 2.5 * max(live_s), (live_s, replay_s)
