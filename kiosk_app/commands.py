"""``kiosk config …``, ``kiosk journal …`` and ``kiosk flows …``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config


def add_commands(cli: Commands) -> None:
    config = cli.group("config", "check kiosk.toml")
    check = config.add_parser("check", help="validate a configuration file")
    check.add_argument(
        "path", nargs="?", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)"
    )
    check.set_defaults(handler=config_check)

    journal = cli.group("journal", "the electronic journal")
    verify = journal.add_parser(
        "verify", help="check the hash chain and the seals; name what was found",
        description="Checks the chain, then the chain against every signed seal "
        "(kiosk_core.journal_seal). Exit 0: ok (or no seals yet); 1: chain broken; "
        "3: truncated (tail removed); 4: rewritten (chain rebuilt); 5: replaced (another "
        "chain); 6: a seal is invalid (tampered seals).",
    )
    verify.add_argument("--db", help="journal file (default: from kiosk.toml)")
    verify.add_argument("--config", help="kiosk.toml")
    verify.add_argument("--seals", help="seal file (default: secrets_dir/journal.seals); "
                        "e.g. the copy the operations centre received")
    verify.add_argument("--public-key", action="append", metavar="PEM",
                        help="journal-sealing public key(s) to check seals with "
                        "(default: this kiosk's key store)")
    verify.set_defaults(handler=journal_verify)
    lst = journal.add_parser("list", help="show records")
    lst.add_argument("--db", help="journal file (default: from kiosk.toml)")
    lst.add_argument("--config", help="kiosk.toml")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    lst.add_argument("--kind", help="only records of this kind")
    lst.add_argument("--since", type=int, default=0, help="only records after this seq")
    lst.add_argument("--limit", type=int, help="at most this many records")
    lst.set_defaults(handler=journal_list)

    status = cli.diag.add_parser(
        "all", help="open every configured device; print status and self-test"
    )
    status.add_argument("--config", help="kiosk.toml")
    status.add_argument("--json", action="store_true")
    status.set_defaults(handler=diag_all)

    flows = cli.group("flows", "customer transactions in progress")
    fl = flows.add_parser("list", help="transactions not yet finished")
    fl.add_argument("--config", help="kiosk.toml")
    fl.add_argument("--all", action="store_true", help="include finished ones")
    fl.add_argument("--json", action="store_true")
    fl.set_defaults(handler=flows_list)



def config_check(args: argparse.Namespace) -> int:
    from kiosk_app.config import ConfigError, load_config

    try:
        cfg = load_config(args.path)
    except ConfigError as exc:
        print(exc.report(), file=sys.stderr)
        return 1
    devices = ", ".join(f"{k}={s.url}" for k, s in cfg.configured_devices().items()) or "none"
    print(
        f"ok: kiosk {cfg.kiosk.id} at {cfg.kiosk.branch} ({cfg.kiosk.timezone}); devices: {devices}"
    )
    return 0


def _journal_path(args: argparse.Namespace) -> Path:
    if args.db:
        return Path(args.db)
    return command_config(args.config).path("journal")


def _seal_keys(args: argparse.Namespace, cfg: Any) -> dict[int, Any]:
    """Public keys to check seals with: --public-key files, or the kiosk's key store."""
    from kiosk_core.journal_seal import PURPOSE
    from kiosk_core.keystore import KeyStore, KeyStoreError

    if args.public_key:
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        out: dict[int, Any] = {}
        for n, name in enumerate(args.public_key):
            try:
                key = serialization.load_pem_public_key(Path(name).read_bytes())
            except (OSError, ValueError) as exc:
                raise CommandError(f"public key {name}: {exc}") from None
            if not isinstance(key, Ed25519PublicKey):
                raise CommandError(f"public key {name} is not an Ed25519 key")
            out[-1 - n] = key  # matched by fingerprint, not by version
        return out
    if cfg is None:
        raise CommandError("give --public-key PEM (no kiosk.toml to find the key store)")
    store = KeyStore.from_config(cfg)
    try:
        if not store.has(PURPOSE):
            return {}
        return store.ring(PURPOSE).public_keys()
    except KeyStoreError as exc:
        raise CommandError(str(exc)) from None


def journal_verify(args: argparse.Namespace) -> int:
    from kiosk_core.journal import verify_file
    from kiosk_core.journal_seal import SealLog, seal_log_for, verify_sealed

    path = _journal_path(args)
    cfg = None
    if args.seals is None or not args.public_key:
        try:
            cfg = command_config(args.config)
        except CommandError:
            if not args.db:
                raise
    # The kiosk's own seals belong to the kiosk's own journal, not to any --db file.
    own = cfg is not None and (not args.db or Path(args.db).resolve()
                               == cfg.path("journal").resolve())
    seals = SealLog(Path(args.seals)) if args.seals else (
        seal_log_for(cfg.path("secrets_dir")) if own and cfg is not None else None)
    if seals is not None:
        lines = seals.lines()
        keys = _seal_keys(args, cfg) if lines else {}
        try:
            sealed = verify_sealed(path, seals, keys)
        except FileNotFoundError as exc:
            raise CommandError(str(exc)) from None
        if sealed.ok:
            word = "ok" if sealed.finding == "ok" else "ok (unsealed)"
            print(f"{word}: {sealed.message} ({path})")
        else:
            print(f"{sealed.finding.upper()}: {sealed.message} ({path})", file=sys.stderr)
        return sealed.exit_code
    # --db without a kiosk.toml nor --seals: the chain alone.
    try:
        result = verify_file(path)
    except FileNotFoundError as exc:
        raise CommandError(str(exc)) from None
    if result.ok:
        print(f"ok: {result.count} records, chain intact ({path})")
        return 0
    where = f"record {result.bad_seq}" if result.bad_seq is not None else "journal"
    print(
        f"BROKEN at {where}: {result.reason} ({result.count} records before it are intact)",
        file=sys.stderr,
    )
    return 1


def journal_list(args: argparse.Namespace) -> int:
    from kiosk_core.journal import SCHEMA, connect, iter_records
    from kiosk_core.migrations import SchemaError, check_readable

    path = _journal_path(args)
    if not path.exists():
        raise CommandError(f"no journal at {path}")
    conn = connect(path, readonly=True)
    try:
        try:
            check_readable(conn, SCHEMA)  # a newer release's file: say so, touch nothing
        except SchemaError as exc:
            raise CommandError(str(exc)) from None
        for rec in iter_records(conn, since=args.since, kind=args.kind, limit=args.limit):
            if args.json:
                print(json.dumps(rec.as_dict(), ensure_ascii=False))
            else:
                data = json.dumps(rec.data, ensure_ascii=False, sort_keys=True)
                print(f"{rec.seq:>6}  {rec.ts}  {rec.kind:<24} {data}")
    finally:
        conn.close()
    return 0


def flows_list(args: argparse.Namespace) -> int:
    from kiosk_core.flows import FlowStore
    from kiosk_core.migrations import SchemaError

    cfg = command_config(args.config)
    try:
        store = FlowStore(cfg.path("flows"))
    except SchemaError as exc:
        raise CommandError(str(exc)) from None
    try:
        rows = store.all() if args.all else store.unfinished()
        for row in rows:
            if args.json:
                print(json.dumps(row.as_dict(), ensure_ascii=False))
            else:
                print(
                    f"{row.flow_id}  {row.flow_type:<20} {row.status:<10} step={row.step} "
                    f"phase={row.phase} updated={row.updated}"
                )
    finally:
        store.close()
    return 0


def diag_all(args: argparse.Namespace) -> int:
    """Open every device of kiosk.toml as the kiosk would, report, and close them again."""
    from devices.base import SelfTestResult
    from devices.registry import create_device

    cfg = command_config(args.config)
    report: dict[str, dict[str, Any]] = {}
    for kind, settings in cfg.configured_devices().items():
        entry: dict[str, Any] = {"url": settings.url, "required": settings.required}
        try:
            device = create_device(kind, settings)
        except Exception as exc:
            entry.update(device="noDevice", detail=f"no driver: {exc}")
            report[kind] = entry
            continue
        try:
            try:
                device.start().result(timeout=cfg.timeouts.device_open_s)
                test: SelfTestResult = device.self_test().result(timeout=cfg.timeouts.device_open_s)
                entry["self_test"] = {"ok": test.ok, **test.checks}
            except Exception as exc:
                entry["error"] = str(exc)
            entry.update(device.status.as_dict())
        finally:
            device.close()
        report[kind] = entry
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        for kind, entry in report.items():
            req = "required" if entry.get("required") else "optional"
            supplies = ", ".join(f"{k}={v}" for k, v in dict(entry.get("supplies") or {}).items())
            line = f"{kind:<16} {entry.get('device', '?'):<14} {req:<9} {entry['url']}"
            if supplies:
                line += f"  [{supplies}]"
            if entry.get("detail") or entry.get("error"):
                line += f"  ({entry.get('error') or entry.get('detail')})"
            print(line)
    bad = [
        k
        for k, e in report.items()
        if e.get("required") and e.get("device") not in ("online", "deviceBusy")
    ]
    return 1 if bad else 0
