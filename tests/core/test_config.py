from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk_app.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]
GOOD = (REPO / "kiosk.toml").read_text(encoding="utf-8")


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "kiosk.toml"
    p.write_text(text, encoding="utf-8")
    return p


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    return info.value.problems


def test_repository_config_is_valid() -> None:
    cfg = load_config(REPO / "kiosk.toml")
    assert cfg.kiosk.timezone == "Asia/Shanghai"
    assert set(cfg.devices.configured()) == {"card_dispenser", "printer", "camera", "pinpad"}
    assert cfg.devices.configured()["pinpad"].url == "sim://pinpad?ceremony=true&pin=258013"
    # The demo's bank: the sandbox on loopback, AES PIN blocks (ISO 9564 format 4).
    assert (cfg.bank.url, cfg.bank.pin_format) == ("http://127.0.0.1:8790", "iso4")
    assert cfg.path("journal") == REPO / "var" / "journal.sqlite"


def test_unknown_scheme_names_the_key(tmp_path: Path) -> None:
    text = GOOD.replace('url = "sim://printer?out=receipts"', 'url = "ftp://printer"')
    assert problems(tmp_path, text) == [
        "devices.printer.url: unknown scheme 'ftp' (use file://, serial://, sim://, tcp://, usb://)"
    ]


def test_unknown_keys_are_errors(tmp_path: Path) -> None:
    text = GOOD.replace("inactivity_s = 60", "inactivty_s = 60") + "\n[surprise]\nx = 1\n"
    assert sorted(problems(tmp_path, text)) == [
        "surprise: unknown key",
        "timeouts.inactivty_s: unknown key",
    ]


def test_bad_values_name_their_keys(tmp_path: Path) -> None:
    text = (
        GOOD.replace('timezone = "Asia/Shanghai"', 'timezone = "Mars/Olympus"')
        .replace('protocol = "crt591"', 'protocol = "crt999"')
        .replace("height = 1920", "height = -1")
    )
    found = problems(tmp_path, text)
    assert "kiosk.timezone: unknown IANA time zone 'Mars/Olympus'" in found
    assert any(p.startswith("devices.card_dispenser.protocol: ") and "crt999" in p for p in found)
    assert any(p.startswith("ui.height: ") for p in found)


def test_missing_required_section(tmp_path: Path) -> None:
    assert problems(tmp_path, "[ui]\nwidth = 1080\n") == ["kiosk: required key is missing"]


def test_toml_syntax_and_encoding_errors(tmp_path: Path) -> None:
    assert problems(tmp_path, "[kiosk\nid=1")[0].startswith("TOML syntax:")
    p = tmp_path / "kiosk.toml"
    p.write_bytes(b"\xff\xfe[kiosk]")
    with pytest.raises(ConfigError) as info:
        load_config(p)
    assert "not UTF-8" in info.value.problems[0]
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path / "nope.toml")
    assert info.value.problems == ["file not found"]


@pytest.mark.parametrize(
    "url",
    [
        "/dev/ttyUSB0",
        "socket://127.0.0.1:7000",
        "rfc2217://10.0.0.2:4001",
        "sim://card-dispenser?cards=3",
        "loop://",
    ],
)
def test_serial_urls_accepted(tmp_path: Path, url: str) -> None:
    text = GOOD.replace('url = "sim://card-dispenser?cards=50"', f'url = "{url}"')
    assert load_config(write(tmp_path, text)).devices.card_dispenser.url == url  # type: ignore[union-attr]


def test_socket_url_needs_a_port(tmp_path: Path) -> None:
    text = GOOD.replace('url = "sim://card-dispenser?cards=50"', 'url = "socket://localhost"')
    assert problems(tmp_path, text) == [
        "devices.card_dispenser.url: socket:// needs host:port, got 'socket://localhost'"
    ]


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kiosk_app.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )


def test_cli_config_check(tmp_path: Path) -> None:
    ok = run_cli("config", "check", str(REPO / "kiosk.toml"))
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.startswith("ok: kiosk KIOSK-DEMO-01")
    bad = write(tmp_path, GOOD.replace('url = "sim://printer?out=receipts"', 'url = "ftp://printer"'))
    res = run_cli("config", "check", str(bad))
    assert res.returncode == 1
    assert "devices.printer.url: unknown scheme 'ftp'" in res.stderr
    assert "Traceback" not in res.stderr


def test_the_tests_branch_zone_is_mid_morning_at_every_hour() -> None:
    """tests/daytime.py keeps bookings "in N minutes" on today's date whenever CI runs."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from daytime import daytime_zone

    for minute in range(0, 24 * 60, 7):
        now = datetime(2026, 3, 29, tzinfo=UTC) + timedelta(minutes=minute)
        local = now.astimezone(ZoneInfo(daytime_zone(now)))
        assert local.hour == 10
        assert (local + timedelta(hours=3)).date() == (local - timedelta(hours=1)).date()
