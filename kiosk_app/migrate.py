"""``kiosk migrate``: the update path's one step that touches data — every store brought to this
release's schema, all or nothing.

Each store migrates itself when it opens, inside one transaction (kiosk_core.migrations), so
one store never ends half-migrated. But stores are separate files: if the journal migrated and
the branch database then failed, the old release could no longer open the journal (a newer
schema is refused), and the new one cannot open the branch database. So:

1. refuse while a kiosk runs on this configuration (its control socket answers);
2. copy every store (SQLite files with their -wal/-shm, the printer's job folder) into
   ``data_dir/backups/<UTC time>-<old versions>/``;
3. open every store in turn with this release's code (journal, flows, branch database,
   counters, print jobs) — which migrates it — and check it (``PRAGMA integrity_check``,
   the journal's chain);
4. on any failure put every store back from the copy, byte for byte, and exit 1 naming the
   store and the error; on success keep the copy (``--keep N`` newest) and print what moved.

docs/operations.md, "Updating", is the whole procedure (stop, install, migrate, start; and
going back).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config

log = logging.getLogger(__name__)

_SQLITE_SIDE = ("-wal", "-shm", "-journal")


@dataclass
class Store:
    name: str
    paths: list[Path]  # the files (or folders) that make it up
    open_and_check: Callable[[], None]  # opens with this release's code (migrating), checks
    before: str = ""
    after: str = ""


@dataclass
class MigrationReport:
    ok: bool
    backup: Path | None
    stores: list[dict[str, str]] = field(default_factory=list)
    failed: str = ""
    error: str = ""
    restored: bool = False


class MigrationFailed(CommandError):
    pass


_HEADER = b"SQLite format 3\x00"


def _on_disk(path: Path) -> str:
    """What a store file is, read from its first bytes only (opening it with SQLite would
    leave -wal/-shm files behind, and a rollback must leave the folder as it found it)."""
    if not path.exists():
        return "none"
    if path.is_dir():
        return f"{sum(1 for _ in path.glob('*.json'))} file(s)"
    with open(path, "rb") as f:
        head = f.read(100)
    if head.startswith(_HEADER) and len(head) >= 64:
        return f"v{int.from_bytes(head[60:64], 'big')}"  # PRAGMA user_version
    return "encrypted" if head else "empty"


def _state(stores: list[Store]) -> dict[str, str]:
    return {s.name: ", ".join(_on_disk(p) for p in s.paths) for s in stores}


def _integrity(conn: Any, name: str) -> None:
    row = conn.execute("PRAGMA integrity_check").fetchone()
    if row is None or row[0] != "ok":
        raise RuntimeError(f"{name}: integrity check failed: {row[0] if row else 'no answer'}")


def stores_of(cfg: Any) -> list[Store]:
    """The stores of a configuration, in the order they are migrated."""
    from kiosk_core.flows import FlowStore
    from kiosk_core.journal import Journal, verify_file

    def journal() -> None:
        j = Journal(cfg.path("journal"), cfg.kiosk.id)
        j.close()
        result = verify_file(cfg.path("journal"))
        if not result.ok:
            raise RuntimeError(f"journal does not verify after migrating: {result}")

    def flows() -> None:
        s = FlowStore(cfg.path("flows"))
        try:
            _integrity(s._conn, "flows")
        finally:
            s.close()

    def branch_db() -> None:
        from o2o_sync.store import BranchStore

        s = BranchStore.from_config(cfg)  # also encrypts a plaintext file (issue 15)
        try:
            _integrity(s.conn, "branch database")
        finally:
            s.close()

    def counters() -> None:
        from technician.counters import FILE_NAME, TransactionCounters

        c = TransactionCounters(cfg.data_dir / FILE_NAME)
        c.close()

    def print_jobs() -> None:
        from devices.printer.driver import open_job_store

        if cfg.devices.printer is None:
            return
        from kiosk_core.keystore import KeyStore

        # The kiosk's print-jobs key ring (docs/keys.md), as the running kiosk opens it.
        store = open_job_store(cfg.devices.printer, cfg.data_dir,
                               KeyStore.from_config(cfg))  # rewrites old job files
        if store.set_aside:
            raise RuntimeError(f"print jobs: {len(store.set_aside)} job file(s) unreadable: "
                               f"{', '.join(p.name for p in store.set_aside[:3])}")

    from technician.counters import FILE_NAME as COUNTERS

    out = [Store("journal", [cfg.path("journal")], journal),
           Store("flows", [cfg.path("flows")], flows),
           Store("branch_db", [cfg.path("branch_db")], branch_db),
           Store("counters", [cfg.data_dir / COUNTERS], counters)]
    if cfg.devices.printer is not None:
        from devices.printer.driver import jobs_dir_for

        out.append(Store("print_jobs", [jobs_dir_for(cfg.devices.printer, cfg.data_dir)],
                         print_jobs))
    return out


def _members(path: Path) -> list[Path]:
    """A store's path and, for an SQLite file, its side files that exist."""
    found = [path] if path.exists() else []
    found += [Path(str(path) + s) for s in _SQLITE_SIDE if Path(str(path) + s).exists()]
    return found


def _copy(src: Path, dst: Path) -> None:
    if src.is_dir():
        shutil.copytree(src, dst, symlinks=True)
    else:
        shutil.copy2(src, dst)


def backup(stores: list[Store], root: Path) -> Path:
    """Every store's files into a new folder under ``root`` (never overwriting one)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = root / stamp
    target.mkdir(parents=True, mode=0o700)
    manifest: dict[str, list[str]] = {}
    for s in stores:
        names = []
        for i, path in enumerate(s.paths):
            for member in _members(path):
                rel = f"{s.name}.{i}.{member.name}"
                _copy(member, target / rel)
                names.append(rel)
        manifest[s.name] = names
    (target / "manifest.json").write_text(json.dumps({
        "stores": manifest,
        "paths": {s.name: [str(p) for p in s.paths] for s in stores},
    }, indent=1), encoding="utf-8")
    return target


def restore(stores: list[Store], copy: Path) -> None:
    """Put every store back as it was in ``copy``: files that were not there are removed."""
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    for s in stores:
        kept = set(manifest["stores"].get(s.name, []))
        for i, path in enumerate(s.paths):
            for member in [path, *(Path(str(path) + x) for x in _SQLITE_SIDE)]:
                if member.is_dir():
                    shutil.rmtree(member)
                elif member.exists():
                    member.unlink()
                rel = f"{s.name}.{i}.{member.name}"
                if rel in kept:
                    _copy(copy / rel, member)


def migrate(cfg: Any, *, stores: list[Store] | None = None) -> MigrationReport:
    """Back up, migrate and check every store; put them all back if one fails."""
    stores = stores if stores is not None else stores_of(cfg)
    before = _state(stores)
    for s in stores:
        s.before = before[s.name]
    copy = backup(stores, cfg.data_dir / "backups")
    report = MigrationReport(ok=True, backup=copy)
    for s in stores:
        try:
            s.open_and_check()
        except Exception as exc:  # any failure: the whole update goes back
            log.error("migrate: %s failed: %s", s.name, exc)
            report.ok, report.failed, report.error = False, s.name, f"{type(exc).__name__}: {exc}"
            break
    if not report.ok:
        restore(stores, copy)
        report.restored = True
    after = _state(stores) if report.ok else before
    for s in stores:
        s.after = after[s.name]
        report.stores.append({"store": s.name, "before": s.before, "after": s.after})
    return report


def prune(root: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest backups; the ones removed."""
    if not root.is_dir():
        return []
    olds = sorted(p for p in root.iterdir() if (p / "manifest.json").exists())[:-keep or None]
    for p in olds:
        shutil.rmtree(p)
    return olds


# -- CLI ---------------------------------------------------------------------------------


def add_commands(cli: Commands) -> None:
    p = cli.root.add_parser(
        "migrate", help="bring every store to this release's schema (all or nothing)")
    p.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    p.add_argument("--keep", type=int, default=3, help="backups to keep (default 3)")
    p.add_argument("--json", action="store_true", help="one JSON object")
    p.set_defaults(handler=migrate_command)


def migrate_command(args: argparse.Namespace) -> int:
    cfg = command_config(args.config)
    if args.keep < 1:
        raise CommandError("--keep: at least 1 (the backup of this run)")
    from technician.control_client import ControlClient, ControlError, control_paths

    try:
        if ControlClient(*control_paths(cfg)).running():
            raise CommandError("a kiosk is running on this configuration: stop it first "
                               "(systemctl stop smartbranch-kiosk)")
    except ControlError as exc:
        raise CommandError(f"cannot tell whether a kiosk runs: {exc}") from None
    try:
        report = migrate(cfg)
    except (OSError, sqlite3.Error) as exc:
        raise CommandError(f"migrate: {exc}") from None
    removed = prune(cfg.data_dir / "backups", args.keep) if report.ok else []
    if args.json:
        print(json.dumps({"ok": report.ok, "backup": str(report.backup),
                          "stores": report.stores, "failed": report.failed,
                          "error": report.error, "restored": report.restored,
                          "pruned": [str(p) for p in removed]}))
    else:
        for s in report.stores:
            print(f"{s['store']:<12} {s['before']} → {s['after']}")
        print(f"backup: {report.backup}")
    if not report.ok:
        raise MigrationFailed(f"{report.failed}: {report.error}; every store was put back as "
                              f"it was (copy kept in {report.backup})")
    return 0
