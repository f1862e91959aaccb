"""The fleet's "re-read the config" command: which sections changed, secrets included."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from kiosk_app.config import load_config
from kiosk_app.technician_services import reload_config

REPO = Path(__file__).resolve().parents[2]


def test_a_changed_secret_is_reported_as_a_change(tmp_path: Path) -> None:
    text = (REPO / "kiosk.toml").read_text(encoding="utf-8")
    cfg_path = tmp_path / "kiosk.toml"
    cfg_path.write_text(text, encoding="utf-8")
    runtime = SimpleNamespace(config=load_config(cfg_path), journal_writer=None)
    side = SimpleNamespace(config_path=cfg_path,
                           auth=SimpleNamespace(replace_technicians=lambda t: None))
    assert reload_config(runtime, side, "test") == "kiosk.toml re-read: no change"  # type: ignore[arg-type]
    old = next(line for line in text.splitlines() if line.startswith("api_token"))
    cfg_path.write_text(text.replace(old, 'api_token = "a-new-branch-token-0123456789"'),
                        encoding="utf-8")
    said = reload_config(runtime, side, "test")  # type: ignore[arg-type]
    assert "sync" in said, said  # masked in JSON, still a change
