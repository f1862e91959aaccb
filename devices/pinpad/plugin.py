"""The encrypting PIN pad as a device kind: settings, driver, simulator URL and commands."""

from __future__ import annotations

from devices.pinpad.settings import PinPadSettings
from devices.plugin import DeviceKind
from devices.sim import SimOption, SimSpec, comma_list, int_at_least


def _hex_key(text: str) -> bytes:
    key = bytes.fromhex(text)
    if len(key) not in (16, 24, 32):
        raise ValueError("a key is 16, 24 or 32 bytes (32, 48 or 64 hex digits)")
    return key


def _algorithm(text: str) -> str:
    if text.upper() not in ("TDES", "AES"):
        raise ValueError("TDES or AES")
    return text.upper()


def _pin(text: str) -> str:
    if not (text.isascii() and text.isdigit() and 4 <= len(text) <= 12):
        raise ValueError("4..12 digits")
    return text


def _script(text: str) -> str:
    from devices.pinpad.simulator import check_script

    return check_script(text)


def _bool(text: str) -> bool:
    if text.lower() in ("1", "true", "yes", "on"):
        return True
    if text.lower() in ("0", "false", "no", "off", ""):
        return False
    raise ValueError("true or false")


def _seconds(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 10:
        raise ValueError("0..10 seconds")
    return value


SIM = SimSpec(
    device="pinpad",
    aliases=("pin-pad", "epp"),
    options=(
        SimOption("master", _hex_key, "0123456789ABCDEFFEDCBA9876543210",
                  "the master key the pad starts with (hex; a test key, never a real one)"),
        SimOption("master_alg", _algorithm, "TDES", "the master key's algorithm: TDES or AES"),
        SimOption("pin", _pin, None, "the scripted customer types this PIN and Enter "
                                     "whenever a PIN entry starts"),
        SimOption("keys", _script, None, "the scripted customer presses these keys whenever "
                                         "a PIN entry starts (0-9, C, B, X cancel, E enter)"),
        SimOption("key_delay", _seconds, "0.05", "seconds between two scripted key presses"),
        SimOption("ceremony", _bool, "false", "start in the key-ceremony state"),
        SimOption("faults", comma_list, "", "faults from the start: key-stuck, tamper, "
                                            "silence, removed"),
        SimOption("fault", comma_list, "", "same as faults"),
        SimOption("baud", int_at_least(0), "0", "pace the link at this baud rate (0: no pacing)"),
    ),
    links=("pty", "tcp"),
)

KIND = DeviceKind(
    name="pinpad",
    settings=PinPadSettings,
    driver="devices.pinpad.driver:create",
    commands="devices.pinpad.commands",
    sim=SIM,
)
