"""``kiosk evidence pubkey|verify|export``: the kiosk's e-signature key and its records."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kiosk_core.cli import CommandError, Commands, command_config


def add_commands(cli: Commands) -> None:
    ev = cli.group("evidence", "signed e-signature evidence: the kiosk key, verify, export")

    pk = ev.add_parser("pubkey", help="print the kiosk's signing public key (PEM)",
                       description="Prints the Ed25519 public key the bank registers for this "
                       "kiosk; the key is made on first use if the kiosk has none.")
    pk.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    pk.set_defaults(handler=_pubkey)

    ve = ev.add_parser("verify", help="check a record's signature, image and document",
                       description="Exit 0 and print OK when the record is intact; otherwise "
                       "name what changed and exit 1. signature.png and document.md beside "
                       "the record are checked too when present.")
    ve.add_argument("file", metavar="FILE", help="a record.json")
    ve.add_argument("--public-key", metavar="PEM",
                    help="the public key to check with (default: this kiosk's key)")
    ve.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    ve.set_defaults(handler=_verify)

    ex = ev.add_parser("export", help="copy a flow's evidence into a dispute bundle",
                       description="Writes DIR/evidence-FLOW_ID/ with the record, the image, "
                       "the document, the kiosk's public key and a README.txt on verifying.")
    ex.add_argument("flow_id", metavar="FLOW_ID")
    ex.add_argument("dest", metavar="DIR")
    ex.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    ex.set_defaults(handler=_export)


def _pubkey(args: argparse.Namespace) -> int:
    from esign import keys
    from kiosk_core.keystore import KeyStore

    cfg = command_config(args.config)
    try:
        key = keys.load_or_create(KeyStore.from_config(cfg))
    except (keys.KeyFileError, OSError) as exc:
        raise CommandError(str(exc)) from None
    sys.stdout.write(keys.public_key_pem(key))
    print(f"key id {keys.key_id(key)}", file=sys.stderr)
    return 0


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise CommandError(f"{what} {path}: file not found") from None
    except OSError as exc:
        raise CommandError(f"{what} {path}: cannot read ({exc.strerror})") from None


def _verify(args: argparse.Namespace) -> int:
    from esign import keys
    from esign.record import verify
    from esign.store import DOCUMENT_FILE, IMAGE_FILE

    path = Path(args.file)
    data = _read(path, "record")
    try:
        if args.public_key:
            public = keys.load_public_key(_read(Path(args.public_key), "public key"),
                                          args.public_key)
        else:
            from kiosk_core.keystore import KeyStore

            cfg = command_config(args.config)
            known = keys.public_keys(KeyStore.from_config(cfg))
            if not known:
                raise CommandError(f"this kiosk has no signing key in {cfg.path('secrets_dir')}"
                                   "; give --public-key PEM")
            # The version that signed it (after a rotation, old records keep their key).
            public = known.get(_record_key_id(data)) or list(known.values())[-1]
    except keys.KeyFileError as exc:
        raise CommandError(str(exc)) from None
    doc_path, png_path = path.parent / DOCUMENT_FILE, path.parent / IMAGE_FILE
    document = _read(doc_path, "document") if doc_path.is_file() else None
    png = _read(png_path, "image") if png_path.is_file() else None
    result = verify(data, public, document_bytes=document, png_bytes=png)
    checked = ["signature"] + (["image"] if png is not None else []) + (
        ["document"] if document is not None else [])
    if result.ok:
        print(f"OK: {path} ({', '.join(checked)} checked; key {result.key_id})")
        for name, p in (("image", png_path), ("document", doc_path)):
            if not p.is_file():
                print(f"  note: no {p.name} beside the record: {name} not checked")
        return 0
    print(f"NOT VALID: {path}", file=sys.stderr)
    for problem in result.problems:
        print(f"  {problem}", file=sys.stderr)
    return 1


def _record_key_id(data: bytes) -> str:
    import json

    try:
        obj = json.loads(data)
    except (ValueError, RecursionError):
        return ""
    return str(obj.get("key_id", "")) if isinstance(obj, dict) else ""


def _export(args: argparse.Namespace) -> int:
    from esign import keys
    from esign.record import verify
    from esign.store import RECORD_FILE, EvidenceError, EvidenceStore
    from kiosk_core.keystore import KeyStore

    cfg = command_config(args.config)
    store = EvidenceStore.from_config(cfg)
    try:
        known = keys.public_keys(KeyStore.from_config(cfg))
        record = store.record_path(args.flow_id).read_bytes()
        key = known.get(_record_key_id(record)) or (list(known.values())[-1] if known else None)
        pem = keys.public_key_pem(key) if key is not None else None
        out = store.export(args.flow_id, Path(args.dest), public_key_pem=pem)
    except (EvidenceError, keys.KeyFileError) as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot write {args.dest}: {exc.strerror}") from None
    print(f"exported {args.flow_id} to {out}")
    if key is not None:
        from esign.store import DOCUMENT_FILE, IMAGE_FILE

        res = verify((out / RECORD_FILE).read_bytes(), key,
                     document_bytes=(out / DOCUMENT_FILE).read_bytes(),
                     png_bytes=(out / IMAGE_FILE).read_bytes())
        if res.ok:
            print("  verified: OK")
        else:
            print("  WARNING: the stored evidence does not verify:", file=sys.stderr)
            for problem in res.problems:
                print(f"    {problem}", file=sys.stderr)
    return 0
