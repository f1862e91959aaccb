"""The ``kiosk`` command's framework: where packages hang their sub-commands.

Each package adds its own sub-commands through an ``add_commands(cli)`` function; the
composition root (kiosk_app.cli) lists those modules, builds the parser and installs the
configuration loader. Command modules must import nothing heavy at top level (parse
arguments first, import OpenCV/Qt inside the handler) so that ``kiosk config check``
stays instant.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field

from kiosk_core.config import ConfigError, CoreConfig

Handler = Callable[[argparse.Namespace], int]
ConfigLoader = Callable[[str | None], CoreConfig]


class CommandError(Exception):
    """A command failed in a way the user can act on: printed without a traceback."""


_loader: list[ConfigLoader] = []


def use_config_loader(loader: ConfigLoader) -> None:
    """The composition root says how kiosk.toml is read (every section it knows)."""
    _loader[:] = [loader]


def command_config(path: str | None = None) -> CoreConfig:
    """kiosk.toml for a command: an unusable file becomes a CommandError listing each bad key.

    Sections beyond the core ones are read with ``cfg.section(Model)`` / ``cfg.device(…)``.
    """
    if not _loader:
        raise CommandError("no configuration loader installed (run through kiosk_app.cli)")
    try:
        return _loader[0](path)
    except ConfigError as exc:
        raise CommandError(exc.report()) from None


@dataclass
class Commands:
    """Where command modules hang their sub-commands."""

    root: argparse._SubParsersAction
    sim: argparse._SubParsersAction  # kiosk sim <device>
    diag: argparse._SubParsersAction  # kiosk diag <device>

    groups: dict[str, argparse._SubParsersAction] = field(default_factory=dict)

    def group(self, name: str, help: str) -> argparse._SubParsersAction:
        """A top-level command with sub-commands, e.g. ``kiosk journal verify``. Several
        modules may add to one group (``kiosk flows list`` and ``kiosk flows run``)."""
        if name in self.groups:
            return self.groups[name]
        parser = self.root.add_parser(name, help=help)
        sub = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)
        self.groups[name] = sub
        return sub
