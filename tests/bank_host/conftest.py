from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from bank_host.sandbox.bank import SandboxBank, SandboxHost

KIOSK = "KIOSK-TEST-01"
TODAY = date(2026, 12, 2)


@pytest.fixture
def bank(tmp_path: Path) -> Iterator[SandboxBank]:
    b = SandboxBank(tmp_path / "bank.sqlite", today=lambda: TODAY)
    yield b
    b.close()


@pytest.fixture
def host(bank: SandboxBank) -> SandboxHost:
    return bank.host(KIOSK)


def clear_pwk(bank: SandboxBank, kiosk: str, algorithm: str) -> bytes:
    """The PIN working key in clear, read from the HSM's table (what the PIN pad unwraps)."""
    row = bank.conn.execute(
        "SELECT key FROM keys WHERE owner = ? AND role = 'pwk' AND algorithm = ?",
        (kiosk, algorithm),
    ).fetchone()
    return bytes(row[0])
