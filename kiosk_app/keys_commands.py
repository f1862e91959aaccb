"""``kiosk keys list|rotate|pubkey`` and ``kiosk journal seal``: the key store (docs/keys.md)."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from kiosk_core.cli import CommandError, Commands, command_config

if TYPE_CHECKING:
    from kiosk_core.config import CoreConfig
    from kiosk_core.keystore import KeyStore


def add_commands(cli: Commands) -> None:
    from kiosk_core.keystore import PURPOSES

    keys = cli.group("keys", "the kiosk's keys: one per purpose, versioned (docs/keys.md)")
    ls = keys.add_parser("list", help="every key version: purpose, version, made, TPM",
                         description="Lists the versions of each purpose's key (never a key "
                         "itself). The newest version of a purpose is the one new writes use.")
    ls.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    ls.add_argument("--json", action="store_true", help="one JSON object per version")
    ls.set_defaults(handler=keys_list)

    rot = keys.add_parser("rotate", help="make a new version of a purpose's key",
                          description="New records use the new version; old versions stay, "
                          "so old records still decrypt and verify. A running kiosk picks the "
                          "new version up when it next opens the key (restart it).")
    rot.add_argument("purpose", choices=sorted(PURPOSES), metavar="PURPOSE",
                     help=", ".join(sorted(PURPOSES)))
    rot.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    rot.set_defaults(handler=keys_rotate)

    pub = keys.add_parser("pubkey", help="print an Ed25519 purpose's public keys (PEM)",
                          description="The public keys of evidence-signing or journal-sealing "
                          "(every version, newest last), for the bank to register.")
    pub.add_argument("purpose", choices=sorted(p for p, s in PURPOSES.items()
                                               if s.kind == "ed25519"), metavar="PURPOSE")
    pub.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    pub.set_defaults(handler=keys_pubkey)

    journal = cli.group("journal", "the electronic journal")
    seal = journal.add_parser("seal", help="write a signed checkpoint of the chain head now",
                              description="Appends a seal (count, head hash, time; Ed25519) "
                              "to secrets_dir/journal.seals and prints it as JSON. The "
                              "running kiosk also seals on its own (docs/journal.md).")
    seal.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    seal.set_defaults(handler=journal_seal)


def _store(args: argparse.Namespace) -> tuple[CoreConfig, KeyStore]:
    from kiosk_core.keystore import KeyStore

    cfg = command_config(args.config)
    return cfg, KeyStore.from_config(cfg)


def keys_list(args: argparse.Namespace) -> int:
    from kiosk_core.keystore import KeyStoreError

    cfg, store = _store(args)
    try:
        versions = store.versions()
    except KeyStoreError as exc:
        raise CommandError(str(exc)) from None
    if args.json:
        for v in versions:
            print(json.dumps(v.__dict__, ensure_ascii=False))
        return 0
    print(f"key store: {store.root} (TPM: {'yes' if store.tpm else 'none found'}; "
          f"key_wrap = {cfg.storage.key_wrap})")
    if not versions:
        print("  no keys yet (each is made when first needed)")
    for v in versions:
        mark = "*" if v.current else " "
        kid = f"  key id {v.key_id}" if v.key_id else ""
        print(f"{mark} {v.purpose:<18} v{v.version:<3} {v.created:<25} wrap={v.wrap:<4} "
              f"{v.source}{kid}")
    return 0


def keys_rotate(args: argparse.Namespace) -> int:
    from kiosk_core.keystore import KeyStoreError

    _cfg, store = _store(args)
    try:
        made = store.rotate(args.purpose)
    except KeyStoreError as exc:
        raise CommandError(str(exc)) from None
    kid = f", key id {made.key_id}" if made.key_id else ""
    print(f"{made.purpose}: version {made.version} made ({made.wrap}{kid}); new writes use "
          "it, older versions are kept for reading. Restart the kiosk to switch now.")
    if made.key_id:
        print(f"  register the new public key: kiosk keys pubkey {made.purpose}",
              file=sys.stderr)
    return 0


def keys_pubkey(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import serialization

    from kiosk_core.keystore import KeyStoreError, fingerprint

    _cfg, store = _store(args)
    try:
        ring = store.ring(args.purpose)
    except KeyStoreError as exc:
        raise CommandError(str(exc)) from None
    for version, key in ring.public_keys().items():
        print(f"# {args.purpose} v{version} key id {fingerprint(key)}")
        sys.stdout.write(key.public_bytes(serialization.Encoding.PEM,
                                          serialization.PublicFormat.SubjectPublicKeyInfo
                                          ).decode())
    return 0


def journal_seal(args: argparse.Namespace) -> int:
    from kiosk_core.journal import SCHEMA, chain_head, connect
    from kiosk_core.journal_seal import PURPOSE, make_seal, seal_log_for
    from kiosk_core.keystore import KeyStoreError
    from kiosk_core.migrations import SchemaError, check_readable

    cfg, store = _store(args)
    path = cfg.path("journal")
    if not path.exists():
        raise CommandError(f"no journal at {path}")
    conn = connect(path, readonly=True)
    try:
        check_readable(conn, SCHEMA)
        head = chain_head(conn)
    except SchemaError as exc:
        raise CommandError(str(exc)) from None
    finally:
        conn.close()
    try:
        seal = make_seal(head, cfg.kiosk.id, store.ring(PURPOSE))
    except KeyStoreError as exc:
        raise CommandError(str(exc)) from None
    seal_log_for(cfg.path("secrets_dir")).append(seal)
    print(json.dumps(seal.to_json(), ensure_ascii=False, sort_keys=True))
    return 0
