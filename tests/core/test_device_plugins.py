"""A device kind is one package plus one registration line: config, registry, sim:// and
the CLI pick it up with no other edit (issue #9: the PIN pad will be added this way)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from devices import kinds, registry
from devices.sim import SimOption, SimSpec, SimURLError, sim_options
from kiosk_app import config as app_config

BASE = {"kiosk": {"id": "K1", "branch": "B1"}}


def _clear() -> None:
    registry._builtin.cache_clear()
    app_config.devices_model.cache_clear()
    app_config.config_model.cache_clear()


@pytest.fixture
def with_fake_kind(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The one registration line, as devices/kinds.py would hold it.
    monkeypatch.setattr(kinds, "PLUGINS", (*kinds.PLUGINS, "tests.plugins.fake_pinpad"))
    monkeypatch.setattr(registry, "PLUGINS", kinds.PLUGINS)
    _clear()
    yield
    monkeypatch.undo()
    _clear()


def test_a_new_kind_is_configured_built_and_opened(with_fake_kind: None) -> None:
    cfg = app_config.parse_config({**BASE, "devices": {
        "fake_pinpad": {"url": "sim://fake-pinpad?keys=3", "pin_length": 4}}})
    settings = cfg.configured_devices()["fake_pinpad"]
    assert settings.pin_length == 4
    dev: Any = registry.create_device("fake_pinpad", settings)
    try:
        dev.start().result(5)
        assert dev.ping().result(5) == "pong"
        assert dev.options == {"keys": 3, "link": "pty"}
    finally:
        dev.close()


def test_a_new_kinds_keys_are_checked_by_its_own_model(with_fake_kind: None) -> None:
    with pytest.raises(app_config.ConfigError) as err:
        app_config.parse_config({**BASE, "devices": {
            "fake_pinpad": {"url": "sim://fake-pinpad", "pin_length": 2, "colour": "red"}}})
    assert sorted(err.value.problems) == [
        "devices.fake_pinpad.colour: unknown key",
        "devices.fake_pinpad.pin_length: Input should be greater than or equal to 4",
    ]


def test_a_new_kinds_commands_join_the_cli(with_fake_kind: None,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    from kiosk_app.cli import main

    assert main(["diag", "fake-pinpad"]) == 0
    assert "fake pin pad ok" in capsys.readouterr().out


def test_an_unknown_kind_is_named_with_the_known_ones() -> None:
    with pytest.raises(app_config.ConfigError) as err:
        app_config.parse_config({**BASE, "devices": {"cash_recycler": {"url": "/dev/ttyS1"}}})
    [problem] = err.value.problems
    assert problem.startswith("devices.cash_recycler: unknown device kind (known: card_dispenser,")


SPEC = SimSpec(device="card-dispenser", options=(SimOption("cards", int, "50"),))


@pytest.mark.parametrize(("url", "message"), [
    ("sim://card-dispenser?colour=red", "unknown sim:// option(s) colour (known: cards, link)"),
    ("sim://card-dispenser?cards=many", "option cards='many'"),
    ("sim://printer", "not the card-dispenser simulator"),
    ("sim://card-dispenser?link=usb", "link='usb': use pty or tcp"),
])
def test_one_rule_set_for_every_sim_url(url: str, message: str) -> None:
    with pytest.raises(SimURLError, match=message.replace("(", r"\(").replace(")", r"\)")):
        sim_options(url, SPEC)


def test_sim_options_fill_defaults_and_accept_either_spelling() -> None:
    assert sim_options("sim://card_dispenser", SPEC) == {"cards": 50, "link": "pty"}
    assert sim_options("sim://card-dispenser?cards=3&link=tcp", SPEC) == {"cards": 3, "link": "tcp"}


@pytest.mark.parametrize("url", [
    "sim://printer?colour=red", "sim://camera?colour=red", "sim://card-dispenser?colour=red",
])
def test_every_built_in_kind_refuses_an_unknown_option_naming_it(url: str) -> None:
    kind = {"printer": "printer", "camera": "camera", "card-dispenser": "card_dispenser"}[
        url.split("//")[1].split("?")[0]]
    spec = registry.kind(kind).sim
    assert spec is not None
    with pytest.raises(SimURLError, match="colour"):
        sim_options(url, spec)
