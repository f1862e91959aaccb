"""``kiosk version``: what is installed, for a technician's report and the update path.

The package's version, the source commit (read from the checkout's .git, no git needed),
Python's and Qt's versions, and each store's schema: the version this software writes and
the version of the file on disk (read-only; a missing file is "none").
"""

from __future__ import annotations

import argparse
import json
import platform
import sqlite3
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config

ROOT = Path(__file__).resolve().parents[1]


def add_commands(cli: Commands) -> None:
    p = cli.root.add_parser("version", help="versions: smartbranch, its commit, Python, Qt, stores")
    p.add_argument("--config", help="kiosk.toml, for the stores' files "
                                    "(default: $KIOSK_CONFIG or ./kiosk.toml, if there)")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(handler=version_command)


def package_version() -> str:
    try:
        return metadata.version("smartbranch")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def git_commit(root: Path = ROOT) -> str | None:
    """The commit checked out at ``root`` (a .git folder, or a worktree's .git file)."""
    git = root / ".git"
    try:
        if git.is_file():  # a worktree or submodule: "gitdir: PATH"
            line = git.read_text("utf-8").strip()
            if not line.startswith("gitdir:"):
                return None
            git = (root / line.split(":", 1)[1].strip()).resolve()
        head = (git / "HEAD").read_text("utf-8").strip()
    except OSError:
        return None
    if not head.startswith("ref:"):
        return head or None  # a detached HEAD is the commit itself
    ref = head.split(":", 1)[1].strip()
    common = git
    if (git / "commondir").is_file():  # worktrees keep refs in the main repository
        common = (git / (git / "commondir").read_text("utf-8").strip()).resolve()
    for base in (git, common):
        try:
            return (base / ref).read_text("utf-8").strip()
        except OSError:
            pass
    try:
        for line in (common / "packed-refs").read_text("utf-8").splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1] == ref:
                return parts[0]
    except OSError:
        pass
    return None


def _file_version(path: Path, key: bytes | None = None) -> int | str:
    """The file's schema version; ``key``: the branch database's (it is encrypted)."""
    if not path.exists():
        return "none"
    from o2o_sync.store import dbapi, open_read_only

    try:
        conn = open_read_only(path, key) if key is not None else \
            sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except (sqlite3.Error, dbapi.Error) as exc:
        return f"unreadable ({exc})"


def store_versions(config: Any | None) -> dict[str, dict[str, Any]]:
    """Per store: the schema this software writes, and the file's (when a config is read)."""
    from kiosk_core import flows, journal
    from o2o_sync.schema import CURRENT_VERSION as BRANCH_DB

    stores: dict[str, dict[str, Any]] = {
        "journal": {"software": journal.SCHEMA.version, "key": "journal"},
        "flows": {"software": flows.SCHEMA.version, "key": "flows"},
        "branch_db": {"software": BRANCH_DB, "key": "branch_db"},
    }
    for name, info in stores.items():
        store_key = info.pop("key")
        if config is not None:
            path = config.path(store_key)
            info["path"] = str(path)
            key = None
            if name == "branch_db":
                from o2o_sync.dbkey import KeyFileError, key_path_for, load_or_create

                try:
                    key = load_or_create(key_path_for(config)) \
                        if key_path_for(config).exists() else None
                except (KeyFileError, OSError) as exc:
                    info["file"] = f"unreadable ({exc})"
                    continue
            info["file"] = _file_version(path, key)
    return stores


def versions(config: Any | None) -> dict[str, Any]:
    from kiosk_ui.qt_version import qt_versions

    return {
        "smartbranch": package_version(),
        "commit": git_commit(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        **qt_versions(),
        "stores": store_versions(config),
    }


def version_command(args: argparse.Namespace) -> int:
    config = None
    explicit = args.config is not None
    try:
        config = command_config(args.config)
    except CommandError:
        if explicit:
            raise  # asked for that file: say what is wrong with it
    info = versions(config)
    if args.json:
        print(json.dumps(info, ensure_ascii=False))
        return 0
    print(f"smartbranch {info['smartbranch']}")
    print(f"commit      {info['commit'] or 'unknown (not a git checkout)'}")
    print(f"python      {info['python']}")
    print(f"qt          {info['qt']} (PySide6 {info['pyside6']})")
    for name, store in info["stores"].items():
        line = f"{name:<11} schema v{store['software']}"
        if "file" in store:
            on_disk = store["file"]
            line += f", file {'v' + str(on_disk) if isinstance(on_disk, int) else on_disk}"
            line += f" ({store['path']})"
        print(line)
    if config is None:
        print("(no kiosk.toml read: the stores' files are not shown; pass --config)",
              file=sys.stderr)
    return 0
