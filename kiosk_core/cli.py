"""The ``kiosk`` command.

Each package adds its own sub-commands through an ``add_commands(cli)`` function in a
module listed in :data:`COMMAND_MODULES`. Those modules must import nothing heavy at
top level (parse arguments first, import OpenCV/Qt inside the handler) so that
``kiosk config check`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk_core.config import KioskConfig

#: Modules with ``add_commands(cli: Commands) -> None``.
COMMAND_MODULES = [
    "kiosk_core.commands",
    "kiosk_ui.commands",
    "devices.card_dispenser.commands",
    "devices.printer.commands",
    "devices.camera.commands",
    "identity.commands",
    "o2o_sync.commands",
    "receipts.commands",
]

Handler = Callable[[argparse.Namespace], int]


class CommandError(Exception):
    """A command failed in a way the user can act on: printed without a traceback."""


def command_config(path: str | None = None) -> KioskConfig:
    """kiosk.toml for a command: an unusable file becomes a CommandError listing each bad key."""
    from kiosk_core.config import ConfigError, load_config

    try:
        return load_config(path)
    except ConfigError as exc:
        raise CommandError(exc.report()) from None


@dataclass
class Commands:
    """Where command modules hang their sub-commands."""

    root: argparse._SubParsersAction
    sim: argparse._SubParsersAction  # kiosk sim <device>
    diag: argparse._SubParsersAction  # kiosk diag <device>

    def group(self, name: str, help: str) -> argparse._SubParsersAction:
        """A top-level command with sub-commands, e.g. ``kiosk journal verify``."""
        parser = self.root.add_parser(name, help=help)
        sub = parser.add_subparsers(dest=f"{name}_command", metavar="COMMAND", required=True)
        return sub


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kiosk", description="smartbranch kiosk: run, configure, diagnose and simulate."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    root = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sim_parser = root.add_parser("sim", help="run a device simulator")
    sim = sim_parser.add_subparsers(dest="sim_device", metavar="DEVICE", required=True)
    diag_parser = root.add_parser("diag", help="device diagnostics")
    diag = diag_parser.add_subparsers(dest="diag_device", metavar="DEVICE", required=True)
    cli = Commands(root=root, sim=sim, diag=diag)
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:  # a package without commands yet
                continue
            raise
        module.add_commands(cli)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.WARNING - 10 * min(args.verbose, 2),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    handler: Handler | None = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        return handler(args)
    except CommandError as exc:
        print(f"kiosk: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    # Run through the package module so CommandError is the same class the handlers raise.
    from kiosk_core.cli import main as package_main

    sys.exit(package_main())
