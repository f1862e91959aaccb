"""``kiosk bank …``: the sandbox bank (serve it, list its cards, enrol a kiosk)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from kiosk_core.cli import CommandError, Commands

if TYPE_CHECKING:
    from bank_host.sandbox.bank import SandboxBank

DEFAULT_DB = "var/bank_sandbox.sqlite"


def add_commands(cli: Commands) -> None:
    bank = cli.group("bank", "the bank's core system: the sandbox bank")
    sandbox = bank.add_parser("sandbox", help="a sandbox bank on loopback")
    sub = sandbox.add_subparsers(dest="sandbox_command", metavar="COMMAND", required=True)

    sv = sub.add_parser("serve", help="serve the sandbox bank over HTTP on 127.0.0.1")
    sv.add_argument("--db", default=DEFAULT_DB, help="its SQLite file (default %(default)s)")
    sv.add_argument("--port", type=int, default=8790,
                    help="TCP port, 0 = any free one (default %(default)s)")
    sv.set_defaults(handler=serve)

    cd = sub.add_parser("cards", help="the sandbox's cards and their states")
    cd.add_argument("--db", default=DEFAULT_DB, help="its SQLite file (default %(default)s)")
    cd.add_argument("--json", action="store_true")
    cd.set_defaults(handler=cards)

    en = sub.add_parser("enrol", help="key ceremony: a kiosk's master keys (made if new)")
    en.add_argument("kiosk_id")
    en.add_argument("--db", default=DEFAULT_DB, help="its SQLite file (default %(default)s)")
    en.add_argument("--json", action="store_true")
    en.set_defaults(handler=enrol)


def _open(path: str, *, must_exist: bool = False) -> SandboxBank:
    from pathlib import Path

    from bank_host.sandbox.bank import SandboxBank
    from kiosk_core.migrations import SchemaError

    if must_exist and not Path(path).exists():
        raise CommandError(f"no sandbox bank at {path} (start one: kiosk bank sandbox serve)")
    try:
        return SandboxBank(path)
    except SchemaError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot open {path}: {exc}") from None


def serve(args: argparse.Namespace) -> int:
    import asyncio

    from bank_host.sandbox.server import serve as serve_http

    if not 0 <= args.port <= 65535:
        raise CommandError(f"--port: 0-65535, got {args.port}")
    bank = _open(args.db)

    def ready(url: str) -> None:
        print(f"sandbox bank on {url} (db {args.db})", flush=True)

    try:
        asyncio.run(serve_http(bank, "127.0.0.1", args.port, ready))
    except OSError as exc:
        raise CommandError(f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}") from None
    finally:
        bank.close()
    return 0


def cards(args: argparse.Namespace) -> int:
    bank = _open(args.db, must_exist=True)
    try:
        rows = bank.cards()
    finally:
        bank.close()
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'card':<14} {'chip uid':<21} {'pan':<20} {'account':<14} {'state':<12} pin")
    for r in rows:
        print(f"{r['card_id']:<14} {r['uid']:<21} {r['pan_masked']:<20} "
              f"{r['account_id'] or '-':<14} {r['state']:<12} {'set' if r['pin_set'] else '-'}")
    return 0


def enrol(args: argparse.Namespace) -> int:
    from bank_host.api import BankRefused

    bank = _open(args.db)
    try:
        keys = bank.enrol(args.kiosk_id)
    except BankRefused as exc:
        raise CommandError(exc.detail) from None
    finally:
        bank.close()
    out = {alg: key.hex().upper() for alg, key in keys.items()}
    if args.json:
        print(json.dumps({"kiosk_id": args.kiosk_id, "master_keys": out}, indent=2))
    else:
        print(f"master keys of {args.kiosk_id} (load them into its PIN pad; sandbox only):")
        for alg, hexkey in out.items():
            print(f"  {alg:<5} {hexkey}")
    print("these keys are secret: never use sandbox keys with real cards", file=sys.stderr)
    return 0
