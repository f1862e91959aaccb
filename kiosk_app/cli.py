"""The ``kiosk`` command: every package's sub-commands, registered in one place.

Device kinds bring their own commands (``kiosk sim|diag <kind>``) through their plugin
(devices.kinds); the other packages are listed in :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from kiosk_core.cli import CommandError, Commands, Handler, use_config_loader
from kiosk_core.config import CoreConfig

if TYPE_CHECKING:
    from devices.printer.api import Printable, ReceiptPrinterAPI
    from receipts.printing import PrinterJobs

#: Modules with ``add_commands(cli: Commands) -> None`` (device kinds come from the registry),
#: each with the top-level commands it adds to (tests/app/test_cli_lazy.py checks the list
#: against what each module really registers). ``kiosk run`` imports only the modules of
#: ``run``: importing all of them cost ~0.1 s before the attract screen (issue 9).
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "kiosk_app.commands": ("config", "flows", "journal", "diag"),
    "kiosk_app.keys_commands": ("journal", "keys"),  # kiosk keys …, kiosk journal seal (#15)
    "kiosk_app.run": ("run", "screens"),
    "kiosk_app.headless": ("flows",),
    "identity.commands": ("identity",),
    "o2o_sync.commands": ("o2o",),
    "bank_host.commands": ("bank",),
    "receipts.commands": ("receipts",),
    "esign.commands": ("evidence",),
    "video_teller.commands": ("hub",),
    "technician.commands": ("technician", "diag"),
    "fleet.commands": ("fleet",),
    "kiosk_app.install": ("install",),
    "kiosk_app.version": ("version",),
    "kiosk_app.migrate": ("migrate",),  # kiosk migrate: the update path (docs/operations.md)
}
#: The top-level commands device kinds add to (``kiosk sim|diag <kind>``).
DEVICE_COMMANDS = ("sim", "diag")


def _load(path: str | None) -> CoreConfig:  # the whole model, imported when first needed
    from kiosk_app.config import load_config

    return load_config(path)


class _ReceiptJobs:
    """receipts.printing.PrinterJobs, imported only when a printer command needs a job
    (so `kiosk config check` does not load PIL and python-escpos)."""

    def _jobs(self) -> PrinterJobs:
        from receipts.printing import PrinterJobs

        return PrinterJobs()

    def test_page(self, printer: ReceiptPrinterAPI, lang: str) -> Printable:
        return self._jobs().test_page(printer, lang)

    def sample_names(self) -> list[str]:
        return self._jobs().sample_names()

    def sample(self, printer: ReceiptPrinterAPI, name: str, lang: str) -> Printable:
        return self._jobs().sample(printer, name, lang)


def _install_job_builders() -> None:
    """devices/ cannot import receipts/: hand the printer's commands receipts' job builder."""
    from devices.printer.commands import use_job_source

    use_job_source(_ReceiptJobs())


def command_modules(command: str | None = None) -> list[str]:
    """The modules adding to ``command`` (a top-level command name), or all of them."""
    from devices import registry

    device_modules = [k.commands for k in registry.kinds().values() if k.commands]
    if command is None:
        return [*COMMAND_MODULES, *device_modules]
    return [*(m for m, adds in COMMAND_MODULES.items() if command in adds),
            *(device_modules if command in DEVICE_COMMANDS else ())]


def _command_of(argv: Sequence[str]) -> str | None:
    """The top-level command ``argv`` names, if it names a known one before any help flag."""
    known = {c for adds in COMMAND_MODULES.values() for c in adds} | set(DEVICE_COMMANDS)
    for arg in argv:
        if arg in ("-h", "--help"):
            return None
        if not arg.startswith("-"):
            return arg if arg in known else None
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole parser, or (given ``argv`` naming a known command) only that command's
    part: the other modules are not imported (``kiosk run`` starts faster)."""
    parser = argparse.ArgumentParser(
        prog="kiosk", description="smartbranch kiosk: run, configure, diagnose and simulate."
    )
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging")
    parser.add_argument("--log-json", action="store_true", help="log as JSON lines")
    root = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sim_parser = root.add_parser("sim", help="run a device simulator")
    sim = sim_parser.add_subparsers(dest="sim_device", metavar="DEVICE", required=True)
    diag_parser = root.add_parser("diag", help="device diagnostics")
    diag = diag_parser.add_subparsers(dest="diag_device", metavar="DEVICE", required=True)
    cli = Commands(root=root, sim=sim, diag=diag)
    modules = command_modules(None if argv is None else _command_of(argv))
    for module_name in modules:
        importlib.import_module(module_name).add_commands(cli)
    if "devices.printer.commands" in modules:
        _install_job_builders()
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from kiosk_core.logging_config import configure

    use_config_loader(_load)
    from demo.plugin import register_scenes

    register_scenes()  # sim://camera?scene=customer|idcard… (registered by name: no import)
    parser = build_parser(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(argv)
    configure(args.verbose, json=args.log_json)
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
    from kiosk_app.cli import main as package_main

    sys.exit(package_main())
