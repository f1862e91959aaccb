"""The kiosk's own card counts, kept in a small JSON file that survives a power cut.

What a technician replenishes and balances by (XFS4IoT CardReader's dispense and retain
units): cards fed from the stacker, presented at the gate, taken by customers, pulled
back (retracted) or captured into the retain bin, how many are in the bin, and how many
were loaded into the stacker at the last replenishment.

The device's own retract counter (CRT-591 CM A5, kept by the device across power cuts)
is the authority for ``retained``: at open the driver compares it with the file and, if
they differ, takes the device's count, logs it and keeps the mismatch here for
``kiosk diag counters``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from devices.card_dispenser.persist import read_json, write_json_atomic

FORMAT = 1
#: The counts that only go up (reset by nothing but a new file).
TALLIES = ("dispensed", "presented", "taken", "retracted", "captured")


@dataclass(frozen=True)
class Mismatch:
    """The file and the device disagreed about the retain bin at open (the device won)."""

    kiosk: int
    device: int
    at: str  # ISO 8601 UTC


@dataclass
class DispenserCounts:
    dispensed: int = 0
    presented: int = 0
    taken: int = 0
    retracted: int = 0
    captured: int = 0
    #: Cards in the retain bin (the device's retract counter where it keeps one).
    retained: int = 0
    #: Cards put in the stacker at the last load_stacker(); 0 before the first.
    stacker_loaded: int = 0
    #: Cards fed since that load.
    dispensed_since_load: int = 0
    #: Where the retained count comes from: "device" (its retract counter) or "kiosk".
    retained_source: str = "kiosk"
    last_mismatch: Mismatch | None = None
    updated: str = ""

    @property
    def stacker_remaining(self) -> int | None:
        """Cards left by our count since the last load (None: never loaded through us)."""
        if not self.stacker_loaded:
            return None
        return max(self.stacker_loaded - self.dispensed_since_load, 0)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["stacker_remaining"] = self.stacker_remaining
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DispenserCounts:
        """From a file's ``counts``; ValueError names the bad key."""
        kwargs: dict[str, Any] = {}
        for name in (*TALLIES, "retained", "stacker_loaded", "dispensed_since_load"):
            value = data.get(name, 0)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"counts.{name} must be an integer >= 0, not {value!r}")
            kwargs[name] = value
        source = data.get("retained_source", "kiosk")
        kwargs["retained_source"] = source if source in ("device", "kiosk") else "kiosk"
        mm = data.get("last_mismatch")
        if isinstance(mm, dict):
            try:
                kwargs["last_mismatch"] = Mismatch(int(mm["kiosk"]), int(mm["device"]),
                                                   str(mm.get("at", "")))
            except (KeyError, TypeError, ValueError):
                raise ValueError(f"counts.last_mismatch is not a mismatch: {mm!r}") from None
        kwargs["updated"] = str(data.get("updated", ""))
        return cls(**kwargs)


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class CounterStore:
    """``{"format": 1, "counts": {...}}`` at ``path``, rewritten atomically on each change."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def load(self) -> DispenserCounts | None:
        """The saved counts; None if there is no file yet. ValueError on a bad file."""
        data = read_json(self.path)
        if data is None:
            return None
        if data.get("format") != FORMAT or not isinstance(data.get("counts"), dict):
            raise ValueError(f"{self.path}: not a card dispenser counters file (format "
                             f"{data.get('format')!r})")
        try:
            return DispenserCounts.from_dict(data["counts"])
        except ValueError as exc:
            raise ValueError(f"{self.path}: {exc}") from None

    def save(self, counts: DispenserCounts) -> None:
        counts.updated = utc_now()
        write_json_atomic(self.path, {"format": FORMAT, "counts": counts.as_dict()})
