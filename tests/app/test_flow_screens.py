"""``kiosk screens`` runs every flow's walk: the command lines it builds for each."""

from __future__ import annotations

from pathlib import Path

from kiosk_app.flow_screens import WALKS, argv_for, available


def test_every_flow_walk_exists_and_takes_the_languages_and_modes() -> None:
    assert available()
    out = Path("/tmp/shots")
    lines = {w.name: argv_for(w, out, ["zh_CN", "en_US"], ["normal", "large"]) for w in WALKS}
    assert lines["check-in"][-3:] == [str(out), "zh_CN,en_US", ",large"]
    assert lines["debit card"][-3:] == ["zh_CN", "en_US", "--modes=normal,large"]
    assert lines["camera faults"][-2:] == ["zh_CN", "en_US"]
    tests = Path(__file__).resolve().parents[1]
    for walk in WALKS:  # each module is there, runnable with -m from tests/
        path = tests / (walk.module.replace(".", "/") + ".py")
        assert path.is_file(), walk.module
        assert '__name__ == "__main__"' in path.read_text(encoding="utf-8")


def test_a_walk_with_nothing_in_the_modes_asked_is_skipped() -> None:
    camera = next(w for w in WALKS if w.name == "camera faults")
    assert argv_for(camera, Path("/tmp"), ["en_US"], ["contrast"]) is None
