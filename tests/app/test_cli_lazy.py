"""`kiosk <command>` imports only the modules adding to that command (kiosk_app.cli), so
the table of which module adds which command must be true, and nothing may go missing."""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys

import pytest

from kiosk_app import cli as kiosk_cli
from kiosk_core.cli import Commands


def registered(module: str) -> set[str]:
    """The top-level commands ``module`` really adds to."""
    parser = argparse.ArgumentParser()
    root = parser.add_subparsers(dest="command")
    sim = root.add_parser("sim").add_subparsers()
    diag = root.add_parser("diag").add_subparsers()
    importlib.import_module(module).add_commands(Commands(root=root, sim=sim, diag=diag))
    found = set(root.choices) - {"sim", "diag"}
    return found | {name for name, sub in (("sim", sim), ("diag", diag)) if sub.choices}


@pytest.mark.parametrize("module", kiosk_cli.command_modules())
def test_the_table_names_every_command_a_module_adds(module: str) -> None:
    declared = set(kiosk_cli.COMMAND_MODULES.get(module, kiosk_cli.DEVICE_COMMANDS))
    assert registered(module) == declared


def test_a_named_command_builds_the_same_subparser_as_the_whole_parser() -> None:
    whole = kiosk_cli.build_parser()
    root = next(a for a in whole._actions if isinstance(a, argparse._SubParsersAction))
    for command in sorted(root.choices):
        part = kiosk_cli.build_parser([command])
        part_root = next(a for a in part._actions if isinstance(a, argparse._SubParsersAction))
        assert command in part_root.choices, command
        assert part_root.choices[command].format_help() == root.choices[command].format_help()


def test_which_modules_a_command_needs() -> None:
    assert kiosk_cli.command_modules("run") == ["kiosk_app.run"]
    assert kiosk_cli._command_of(["-v", "run", "--windowed"]) == "run"
    assert kiosk_cli._command_of(["--help", "run"]) is None  # help lists every command
    assert kiosk_cli._command_of(["nonsense"]) is None  # the error lists every command
    assert "devices.printer.commands" in kiosk_cli.command_modules("sim")


def test_kiosk_run_imports_no_other_command_module() -> None:
    code = ("import sys; from kiosk_app import cli\n"
            "cli.build_parser(['run'])\n"
            "print(sorted(m for m in cli.command_modules() if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "['kiosk_app.run']"


def test_unknown_command_still_lists_them_all() -> None:
    proc = subprocess.run([sys.executable, "-m", "kiosk_app.cli", "nonsense"],
                          capture_output=True, text=True)
    assert proc.returncode == 2
    for name in ("run", "identity", "fleet", "migrate", "sim", "diag"):
        assert name in proc.stderr
