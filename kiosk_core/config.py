"""kiosk.toml's base: the core sections, validation and error reporting (foundation).

The whole file's model is built by the composition root (kiosk_app.config) from these
sections, every device kind's settings and the domain packages' sections.

Every problem is reported as ``key.path: what is wrong`` — never a traceback — and
unknown keys are errors, so a typo cannot silently fall back to a default.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

DEFAULT_CONFIG = "kiosk.toml"
Language = Literal["zh_CN", "en_US"]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class KioskSettings(Section):
    id: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")
    branch: str = Field(min_length=1, max_length=64)
    #: The branch's name per language (e.g. ``{ zh_CN = "演示支行" }``); a language not
    #: listed shows ``branch``.
    branch_names: dict[Language, str] = Field(default_factory=dict)
    locale: Language = "zh_CN"
    languages: list[Language] = Field(
        default_factory=lambda: list[Language](["zh_CN", "en_US"]), min_length=1
    )
    timezone: str = "Asia/Shanghai"

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone '{value}'") from None
        return value

    @field_validator("branch_names")
    @classmethod
    def _check_names(cls, value: dict[str, str]) -> dict[str, str]:
        for lang, name in value.items():
            if not name.strip() or len(name) > 64:
                raise ValueError(f"the {lang} name must be 1 to 64 characters")
        return value

    def branch_in(self, language: str) -> str:
        """The branch's name for a customer reading ``language``."""
        return self.branch_names.get(language, self.branch)  # type: ignore[call-overload]


class StorageSettings(Section):
    # Relative paths are taken from the folder kiosk.toml is in.
    data_dir: Path = Path("var")
    journal: Path = Path("journal.sqlite")
    flows: Path = Path("flows.sqlite")
    branch_db: Path = Path("branch.sqlite")
    #: The key store and other secrets (kiosk_core.keystore, docs/keys.md). Kept outside
    #: data_dir: a relative path is taken beside data_dir (in its parent folder).
    secrets_dir: Path = Path("secrets")
    #: Seal new keys to the TPM: "auto" when one is present, "tpm" always (an error without
    #: one), "none" never.
    key_wrap: Literal["auto", "tpm", "none"] = "auto"
    #: The journal is sealed (kiosk_core.journal_seal) after this many new records, after
    #: this many seconds with new records, and at a clean shutdown.
    seal_records: int = Field(200, ge=1, le=1_000_000)
    seal_interval_s: float = Field(300.0, ge=1, le=86400)


class TimeoutSettings(Section):
    inactivity_s: float = Field(60.0, gt=0, description="idle time before 'need more time?'")
    more_time_prompt_s: float = Field(20.0, gt=0, description="how long that prompt waits")
    device_open_s: float = Field(10.0, gt=0)


class UISettings(Section):
    width: int = Field(1080, ge=320)
    height: int = Field(1920, ge=320)
    fullscreen: bool = True
    #: The panel's visible diagonal in inches (the demo's 21.5" portrait touchscreen): with
    #: width × height it gives the pixel density the touch-target check measures in mm.
    diagonal_in: float = Field(21.5, ge=7, le=100)


LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


def _log_level(value: str) -> str:
    name = value.upper()
    if name not in LOG_LEVELS:
        raise ValueError(f"unknown log level {value!r} (one of {', '.join(LOG_LEVELS)})")
    return name


LogLevel = Annotated[str, AfterValidator(_log_level)]


class LoggingSettings(Section):
    """``[logging]``: levels, and the rotating file used when not under systemd
    (kiosk_core.logging_config; docs/operations.md)."""

    #: The level of everything not named in ``levels``; ``-v``/``-vv`` lower it further.
    level: LogLevel = "WARNING"
    #: Per logger (a package or module): ``{ "devices.printer" = "DEBUG" }``.
    levels: dict[str, LogLevel] = Field(default_factory=dict)
    #: Off systemd, ``kiosk run`` also writes data_dir/logs/kiosk.log, rotated at this size.
    file_max_mb: float = Field(10.0, gt=0, le=1024)
    file_count: int = Field(5, ge=1, le=100, description="rotated files kept")

    @field_validator("levels")
    @classmethod
    def _check_names(cls, value: dict[str, str]) -> dict[str, str]:
        for name in value:
            parts = name.split(".")
            if not all(p and p.replace("_", "a").replace("-", "a").isalnum() for p in parts):
                raise ValueError(f"{name!r} is not a logger name (a dotted package path)")
        return value


S = TypeVar("S", bound=BaseModel)
C = TypeVar("C", bound="CoreConfig")


class CoreConfig(Section):
    """The sections every layer may read. The composition root (kiosk_app.config) extends it
    with the device kinds' and the domain packages' sections; code below the root reaches
    those through :meth:`section` and :meth:`device`, typed by the section's own model."""

    kiosk: KioskSettings
    storage: StorageSettings = StorageSettings()
    timeouts: TimeoutSettings = TimeoutSettings()
    ui: UISettings = UISettings()
    logging: LoggingSettings = LoggingSettings()

    #: Folder of the file this came from; relative storage paths hang off it.
    base_dir: Path = Field(default=Path("."), exclude=True)

    def path(self, name: Literal["journal", "flows", "branch_db", "secrets_dir"]) -> Path:
        """A storage path, resolved: data_dir/<name> unless given as absolute; a relative
        ``secrets_dir`` is beside data_dir (keys are kept out of the data directory)."""
        p: Path = getattr(self.storage, name)
        if p.is_absolute():
            return p
        return (self.data_dir.parent if name == "secrets_dir" else self.data_dir) / p

    def storage_problems(self) -> list[str]:
        """Storage settings that parse but cannot be used together (``key: why`` lines)."""
        data = self.data_dir.resolve()
        secrets = self.path("secrets_dir").resolve()
        if secrets == data or secrets.is_relative_to(data):
            return [f"storage.secrets_dir: {secrets} is inside storage.data_dir ({data}); "
                    "keys must be kept apart from the data they protect (docs/keys.md)"]
        return []

    @property
    def data_dir(self) -> Path:
        d = self.storage.data_dir
        return d if d.is_absolute() else self.base_dir / d

    def section(self, model: type[S]) -> S:
        """The section whose model is ``model`` (e.g. ``cfg.section(SyncSettings)``)."""
        for name in type(self).model_fields:
            value = getattr(self, name)
            if type(value) is model:
                return value
        raise LookupError(f"this configuration has no {model.__name__} section")

    def device(self, kind: str, model: type[S]) -> S | None:
        """``[devices.<kind>]`` if configured (None when absent), checked to be ``model``."""
        devices = getattr(self, "devices", None)
        value = getattr(devices, kind, None) if devices is not None else None
        if value is None:
            return None
        if not isinstance(value, model):
            raise TypeError(f"devices.{kind} is {type(value).__name__}, not {model.__name__}")
        return value

    def configured_devices(self) -> dict[str, Any]:
        """Enabled devices by kind: their settings (url, required, …)."""
        devices = getattr(self, "devices", None)
        if devices is None:
            return {}
        out: dict[str, Any] = devices.configured()
        return out


class ConfigError(Exception):
    """kiosk.toml is unusable. ``problems`` are ``key.path: message`` lines."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))

    def report(self) -> str:
        lines = [f"{self.source}: {len(self.problems)} problem(s)"]
        lines += [f"  {p}" for p in self.problems]
        return "\n".join(lines)


_MESSAGES = {
    "extra_forbidden": "unknown key",
    "missing": "required key is missing",
}


def format_error(err: Any) -> str:
    loc = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
    # Drop pydantic's model/union prefixes such as "CardDispenserSettings".
    msg = _MESSAGES.get(err["type"], err["msg"])
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] in ("literal_error", "enum") and "input" in err:
        msg = f"{msg}, got {err['input']!r}"
    return f"{loc}: {msg}" if loc else msg


def validate(model: type[C], data: dict[str, Any], source: str = DEFAULT_CONFIG,
             base_dir: Path | None = None) -> C:
    """Validate ``data`` as ``model``; every problem becomes a ``key.path: message`` line."""
    try:
        cfg = model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(source, [format_error(e) for e in exc.errors()]) from None
    cfg = cfg.model_copy(update={"base_dir": base_dir or Path(".")})
    problems = cfg.storage_problems()
    if problems:
        raise ConfigError(source, problems)
    return cfg


def read_toml(path: str | os.PathLike[str] | None = None) -> tuple[dict[str, Any], str, Path]:
    """kiosk.toml (``$KIOSK_CONFIG`` or ./kiosk.toml by default) as data, its name, its folder."""
    p = Path(path or os.environ.get("KIOSK_CONFIG") or DEFAULT_CONFIG)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(p), ["file not found"]) from None
    except OSError as exc:
        raise ConfigError(str(p), [f"cannot read: {exc.strerror}"]) from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(str(p), [f"not UTF-8 text (byte {exc.start})"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(p), [f"TOML syntax: {exc}"]) from None
    return data, str(p), p.resolve().parent
