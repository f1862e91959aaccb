"""``kiosk hub …``: the video-teller call hub (serve it, issue tokens).

``kiosk hub [--listen HOST:PORT] [--db PATH] [--config FILE]`` serves;
``kiosk hub token --role kiosk|teller --id ID`` prints a signed token (the key is
``[hub] secret_file`` in ``secrets_dir``, made 0600 if missing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk_core.cli import CommandError, Commands, command_config

if TYPE_CHECKING:
    from video_teller.settings import HubSettings

DEFAULT_TTL_S = 12 * 3600


def add_commands(cli: Commands) -> None:
    # Not cli.group(): plain `kiosk hub` serves, so the sub-command is optional.
    hub = cli.root.add_parser("hub", help="the video-teller call hub: serve it, issue tokens")
    hub.add_argument("--listen", help="HOST:PORT to serve on (default: [hub] listen)")
    hub.add_argument("--db", help="queue and audit SQLite file (default: [hub] db in data_dir)")
    hub.add_argument("--config", help="kiosk.toml to read (default: ./kiosk.toml)")
    hub.set_defaults(handler=serve)
    sub = hub.add_subparsers(dest="hub_command", metavar="COMMAND")

    # The sub-commands repeat the options (either place works); SUPPRESS keeps a value
    # given before the sub-command from being reset by the sub-parser's default.
    sv = sub.add_parser("serve", help="serve the hub (the same as plain `kiosk hub`)")
    sv.add_argument("--listen", default=argparse.SUPPRESS, help="HOST:PORT to serve on")
    sv.add_argument("--db", default=argparse.SUPPRESS, help="queue and audit SQLite file")
    sv.add_argument("--config", default=argparse.SUPPRESS, help="kiosk.toml to read")
    sv.set_defaults(handler=serve)

    tk = sub.add_parser("token", help="print a signed token for a kiosk or a teller")
    tk.add_argument("--role", required=True, choices=["kiosk", "teller"])
    tk.add_argument("--id", required=True, help="the kiosk's or teller's id")
    tk.add_argument("--ttl", type=float, default=DEFAULT_TTL_S,
                    help="seconds the token is valid (default %(default)s)")
    tk.add_argument("--name", default="", help="the teller's name shown to customers")
    tk.add_argument("--languages", default="",
                    help="a teller's languages, e.g. zh_CN,en_US (default: any)")
    tk.add_argument("--skills", default="",
                    help="a teller's skills: card_issuance,accounts,general (default: any)")
    tk.add_argument("--config", default=argparse.SUPPRESS, help="kiosk.toml to read")
    tk.set_defaults(handler=token)


def _settings(config: str | None) -> tuple[HubSettings, Path, Path]:
    from video_teller.settings import HubSettings

    cfg = command_config(config)
    try:
        settings = cfg.section(HubSettings)
    except LookupError:
        settings = HubSettings()
    return settings, cfg.data_dir, cfg.path("secrets_dir")


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def token(args: argparse.Namespace) -> int:
    from video_teller.hub.tokens import issue, load_or_create_key

    settings, _, secrets = _settings(args.config)
    key_path = settings.secret_file if settings.secret_file.is_absolute() \
        else secrets / settings.secret_file
    try:
        key = load_or_create_key(key_path)
        text = issue(key, role=args.role, sub=args.id, ttl_s=args.ttl, name=args.name,
                     languages=_split(args.languages), skills=_split(args.skills))
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot read or create the key {key_path}: {exc}") from None
    print(text)
    print(f"{args.role} {args.id}: valid {args.ttl:g} s (key {key_path})", file=sys.stderr)
    return 0


def serve(args: argparse.Namespace) -> int:
    import asyncio

    from kiosk_core.migrations import SchemaError
    from kiosk_core.netaddr import parse_host_port
    from video_teller.hub.service import hub_config
    from video_teller.hub.service import serve as serve_hub

    settings, data_dir, secrets = _settings(args.config)
    listen_text = args.listen or settings.listen
    try:
        listen = parse_host_port(listen_text, any_port=True)
    except ValueError as exc:
        raise CommandError(f"--listen: {exc}") from None
    try:
        config = hub_config(settings, data_dir, secrets,
                            db=Path(args.db) if args.db else None)
    except (ValueError, OSError) as exc:
        raise CommandError(f"[hub]: {exc}") from None

    def ready(line: str) -> None:
        print(f"{line} (db {config.db})", flush=True)

    try:
        asyncio.run(serve_hub(config, listen, ready))
    except SchemaError as exc:
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot listen on {listen}: {exc.strerror or exc}") from None
    return 0
