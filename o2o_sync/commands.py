"""``kiosk o2o …``: the channel service, the sync, its status and the staff console."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config
from kiosk_core.netaddr import HostPort, parse_host_port
from o2o_sync.settings import SyncSettings


def add_commands(cli: Commands) -> None:
    o2o = cli.group("o2o", "appointments from online channels, check-ins back up")

    ch = o2o.add_parser("channel-server", help="run the reference channel service")
    ch.add_argument("--listen", default="127.0.0.1:8780", help="HOST:PORT (default %(default)s)")
    ch.add_argument(
        "--db", default="var/channel.sqlite", help="its own database (default %(default)s)"
    )
    ch.add_argument(
        "--seed",
        type=int,
        default=0,
        metavar="N",
        help="book N appointments of realistic traffic first (plus a DST scenario)",
    )
    ch.add_argument("--random-seed", type=int, default=1, help="makes --seed reproducible")
    ch.add_argument(
        "--branch", default=None, help="branch id for --seed (default: from kiosk.toml)"
    )
    ch.add_argument(
        "--webhook-url",
        action="append",
        default=None,
        help="deliver signed webhooks here (default: from kiosk.toml; repeatable)",
    )
    ch.add_argument("--config", help="kiosk.toml")
    ch.set_defaults(handler=channel_server)

    sy = o2o.add_parser("sync", help="pull appointments, upload branch events, receive webhooks")
    sy.add_argument("--once", action="store_true", help="one pull and one upload, then exit")
    sy.add_argument("--config", help="kiosk.toml")
    sy.set_defaults(handler=sync)

    st = o2o.add_parser("status", help="cursor, last sync, outbox depth, counts")
    st.add_argument("--json", action="store_true")
    st.add_argument("--config", help="kiosk.toml")
    st.set_defaults(handler=status)

    sc = o2o.add_parser("staff-console", help="serve the staff console web page")
    sc.add_argument("--listen", help="HOST:PORT (default: sync.staff_console_listen)")
    sc.add_argument("--config", help="kiosk.toml")
    sc.set_defaults(handler=staff_console)

    sa = o2o.add_parser("staff-add", help="add a staff account or set its password")
    sa.add_argument("username")
    sa.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    sa.add_argument("--config", help="kiosk.toml")
    sa.set_defaults(handler=staff_add)

    pu = o2o.add_parser("purge", help="remove personal data older than sync.retention_days now")
    pu.add_argument("--config", help="kiosk.toml")
    pu.set_defaults(handler=purge)



def _store(cfg: Any, *, durable: bool = True) -> Any:
    from o2o_sync.schema import SchemaError
    from o2o_sync.store import BranchStore

    try:
        return BranchStore.from_config(cfg, durable=durable)
    except SchemaError as exc:
        raise CommandError(str(exc)) from None


def _listen(text: str) -> HostPort:
    try:
        return parse_host_port(text)
    except ValueError as exc:
        raise CommandError(str(exc)) from None


def channel_server(args: argparse.Namespace) -> int:
    import asyncio

    from aiohttp import web

    from o2o_sync.channel.app import make_app
    from o2o_sync.channel.service import ChannelService
    from o2o_sync.channel.traffic import dst_scenario, generate

    cfg = command_config(args.config)
    host, port = _listen(args.listen)
    svc = ChannelService(args.db, api_token=cfg.section(SyncSettings).api_token.get_secret_value())
    branch = args.branch or cfg.section(SyncSettings).branch_id
    if args.seed:
        st = generate(svc, branch, cfg.kiosk.timezone, args.seed, seed=args.random_seed)
        dst = dst_scenario(svc, branch)
        print(
            f"seeded: {st.booked} booked, {st.rescheduled} rescheduled, {st.cancelled} cancelled; "
            f"DST scenario: {len(dst)} bookings in Europe/London around {dst[1]['start'][:10]}"
        )
    wh = args.webhook_url
    if wh is None:
        wh = [f"http://{cfg.section(SyncSettings).webhook_listen}/o2o/webhook"]
    app = make_app(svc, webhook_urls=[u for u in wh if u],
                   webhook_secret=cfg.section(SyncSettings).webhook_secret.get_secret_value())
    print(
        f"channel service on {HostPort(host, port).url()} (db {args.db}); "
        f"webhooks to {', '.join(wh) or 'none'}"
    )
    try:
        web.run_app(
            app, host=host, port=port, print=None, access_log=None, loop=asyncio.new_event_loop()
        )
    except OSError as exc:
        raise CommandError(f"cannot listen on {args.listen}: {exc.strerror}") from None
    return 0


def sync(args: argparse.Namespace) -> int:
    import asyncio

    from o2o_sync.runner import run_branch_sync
    from o2o_sync.sync import ChannelClient, SyncError

    cfg = command_config(args.config)
    if not args.once:
        try:
            asyncio.run(run_branch_sync(cfg))
        except OSError as exc:
            raise CommandError(
                f"cannot listen on {cfg.section(SyncSettings).webhook_listen}: {exc.strerror}"
            ) from None
        return 0

    async def once() -> int:
        store = _store(cfg, durable=False)
        client = ChannelClient.from_config(store, cfg)
        try:
            try:
                p = await client.pull()
                print(
                    f"pulled {p.items} item(s) in {p.pages} page(s): {p.applied} applied, "
                    f"{p.conflicts} conflict(s), {p.rejected} rejected, {p.resyncs} resync(s)"
                )
                rc = 0
            except SyncError as exc:
                print(
                    f"pull failed: {exc} (the day's appointments stay available)", file=sys.stderr
                )
                rc = 1
            u = await client.upload()
            print(
                f"uploaded {u.sent} event(s), {u.retried} to retry, {u.dropped} dropped; "
                f"outbox depth {store.outbox_depth()}"
            )
            return rc
        finally:
            await client.close()
            store.close()

    return asyncio.run(once())


def status(args: argparse.Namespace) -> int:
    cfg = command_config(args.config)
    store = _store(cfg)
    try:
        st = store.sync_state()
        out = {
            "database": str(store.path),
            "branch": cfg.section(SyncSettings).branch_id,
            "channel": cfg.section(SyncSettings).channel_url,
            "cursor": st["cursor"],
            "last_sync_utc": st["last_sync_utc"],
            "last_error": st["last_error"],
            "full_sync_done": bool(st["full_sync_done"]),
            "resyncs": st["resyncs"],
            "outbox_depth": store.outbox_depth(),
            **store.counts(),
            "today": len(store.today()),
        }
    finally:
        store.close()
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"branch {out['branch']} ← {out['channel']}")
    print(f"  database:     {out['database']}")
    print(f"  cursor:       {out['cursor'] or '(none: full sync pending)'}")
    print(f"  last sync:    {out['last_sync_utc'] or 'never'} (UTC)")
    if out["last_error"]:
        print(f"  last error:   {out['last_error']}")
    print(f"  outbox depth: {out['outbox_depth']} pending; {out['outbox']}")
    print(
        f"  appointments: {out['appointments']}; today: {out['today']}; flagged: {out['flagged']}"
    )
    if out["rejected"]:
        print(f"  quarantined:  {out['rejected']} malformed item(s)")
    return 0


def staff_console(args: argparse.Namespace) -> int:
    import asyncio

    from aiohttp import web

    from o2o_sync.console.app import make_console_app
    from o2o_sync.console.health import kiosks_for_config

    cfg = command_config(args.config)
    host, port = _listen(args.listen or cfg.section(SyncSettings).staff_console_listen)
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise CommandError("the staff console only listens on loopback (put a TLS proxy in front)")
    store = _store(cfg)
    app = make_console_app(store, branch_name=cfg.kiosk.branch, kiosks=kiosks_for_config(cfg),
                           branch_names={str(k): v for k, v in cfg.kiosk.branch_names.items()},
                           public_origin=cfg.section(SyncSettings).staff_console_public_origin,
                           trusted_proxies=cfg.section(SyncSettings).staff_console_trusted_proxies)
    print(f"staff console on {HostPort(host, port).url('http', '/')}")
    try:
        web.run_app(
            app, host=host, port=port, print=None, access_log=None, loop=asyncio.new_event_loop()
        )
    except OSError as exc:
        raise CommandError(f"cannot listen on {HostPort(host, port)}: {exc.strerror}") from None
    finally:
        store.close()
    return 0


def staff_add(args: argparse.Namespace) -> int:
    import getpass

    from o2o_sync.console.auth import hash_password

    cfg = command_config(args.config)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            raise CommandError("the passwords differ")
    try:
        pw_hash = hash_password(password)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    store = _store(cfg)
    try:
        store.set_staff_password(args.username, pw_hash)
    finally:
        store.close()
    print(f"staff account {args.username} saved")
    return 0


def purge(args: argparse.Namespace) -> int:
    cfg = command_config(args.config)
    store = _store(cfg)
    try:
        n = store.purge_personal_data(cfg.section(SyncSettings).retention_days)
    finally:
        store.close()
    days = cfg.section(SyncSettings).retention_days
    print(f"personal data removed from {n} appointment(s) older than {days} days")
    return 0
