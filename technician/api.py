"""What a technician can see and do on a running kiosk: one contract for every way in.

The service screens (kiosk_ui.service_mode), the control API behind ``kiosk diag …``
(technician.control), the health endpoint (technician.monitoring) and the fleet's commands
(fleet.agent, through the composition root) all call a :class:`Technician`; the one
implementation is :class:`technician.service.TechnicianService` over the kiosk's runtime.

Every method that acts journals a ``technician.*`` record naming ``who`` (a technician id,
``"cli:<user>"`` for the control API, ``"fleet:<issuer>"`` for an operations-centre
command) before it returns. Methods block (device I/O): never call them on the GUI thread.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

#: A supply a technician replenishes: cards into the stacker, a new paper roll.
Supply = Literal["cards", "paper"]
#: ``function`` for the whole kiosk in set_service().
WHOLE_KIOSK = "*"


class TechnicianError(Exception):
    """An action that cannot be done as asked (unknown device, bad count, device down):
    the message says why in words a technician acts on."""


@dataclass(frozen=True)
class DeviceReport:
    kind: str  # "card_dispenser", "printer", "camera", "pinpad"
    url: str
    required: bool
    state: str  # XFS4IoT Common.Status device state: online, offline, hardwareError…
    media: str
    supplies: dict[str, str]  # "stacker": "low", "bin": "ok", "paper": "ok"…
    firmware: str  # "" when the device does not say
    detail: str  # the status's words now ("" when fine)
    last_error: str  # the last fault's words, kept after it cleared ("" if none yet)
    last_error_code: str
    last_error_at: str  # ISO 8601 UTC, "" if none
    extra: dict[str, Any] = field(default_factory=dict)  # driver's describe(): counters, line


@dataclass(frozen=True)
class FunctionReport:
    function: str  # "card_issuance", "checkin", "teller"…
    available: bool
    reasons: tuple[str, ...]  # kiosk_core.availability.Unavailable values, "technician"
    degraded: tuple[str, ...] = ()


@dataclass(frozen=True)
class LinkReport:
    name: str  # "bank", "hub", "sync"
    up: bool
    detail: str = ""


@dataclass(frozen=True)
class ServiceOverride:
    """A function (or WHOLE_KIOSK) a technician or the operations centre took out."""

    function: str
    who: str
    reason: str
    at: str  # ISO 8601 UTC


@dataclass(frozen=True)
class KioskReport:
    kiosk_id: str
    branch: str
    in_service: bool
    down: tuple[str, ...]  # why not in service (runtime.service.down)
    degraded: tuple[str, ...]
    functions: tuple[FunctionReport, ...]
    devices: tuple[DeviceReport, ...]
    links: tuple[LinkReport, ...]
    overrides: tuple[ServiceOverride, ...]
    at: str  # ISO 8601 UTC

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SelfTestReport:
    device: str
    ok: bool
    checks: dict[str, str]  # check -> "ok" or the problem in words
    #: A file a technician looks at: the test page's rendering (simulated printer), the
    #: camera's snapshot (PNG). None when the test makes none.
    artifact: Path | None = None
    values: dict[str, float] = field(default_factory=dict)  # "focus": 412.0
    at: str = ""

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["artifact"] = str(self.artifact) if self.artifact else None
        return d


@dataclass(frozen=True)
class Counters:
    """Counts that survive a restart."""

    #: The dispenser's counts (devices.card_dispenser.counts.DispenserCounts.as_dict()).
    cards: dict[str, Any]
    #: Paper: when the roll was last replaced, receipts printed since.
    paper: dict[str, Any]
    #: Transactions by kind then outcome: {"card_issuance": {"completed": 3, "failed": 1}}.
    transactions: dict[str, dict[str, int]]
    #: Faults by device kind (entries into a not-usable state).
    faults: dict[str, int]

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    count: int
    bad_seq: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class ExportReport:
    directory: Path
    files: tuple[str, ...]  # names inside directory

    def as_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "files": list(self.files)}


class Technician(Protocol):
    def report(self) -> KioskReport:
        """Every device, function, link and override now (no device I/O)."""
        ...

    def self_test(self, device: str, *, who: str) -> SelfTestReport:
        """card_dispenser: one card from the stacker straight to the bin; printer: the test
        page; camera: a snapshot with its focus value; pinpad: link, tamper, keys."""
        ...

    def counters(self) -> Counters: ...

    def replenish(self, supply: Supply, count: int | None, *, who: str) -> Counters:
        """Cards loaded (``count`` = cards now in the stacker, > 0) or paper replaced
        (``count`` ignored)."""
        ...

    def empty_bin(self, removed: int, *, who: str) -> Counters:
        """The retain bin emptied: ``removed`` cards taken out (checked against the count)."""
        ...

    def set_service(self, in_service: bool, function: str = WHOLE_KIOSK, *, who: str,
                    reason: str = "") -> KioskReport:
        """Take a function (or the whole kiosk) out of service, or put it back. Kept across
        a restart."""
        ...

    def export(self, directory: Path, *, who: str) -> ExportReport:
        """Journal (a consistent copy), its verify result, the status report, counters,
        recent logs and the masked configuration into ``directory``."""
        ...

    def journal_verify(self) -> VerifyReport: ...

    def log_lines(self, limit: int = 200) -> list[str]:
        """The newest log lines, oldest first."""
        ...

    def masked_config(self) -> dict[str, Any]:
        """kiosk.toml as loaded, secrets (tokens, passwords, keys, PIN hashes) masked."""
        ...
