"""``kiosk receipts serve``: the receipt-link server on its own. Heavy imports stay inside."""

from __future__ import annotations

import argparse

from devices.printer.settings import PrinterSettings
from kiosk_core.cli import CommandError, Commands, command_config


def add_commands(cli: Commands) -> None:
    group = cli.group("receipts", help="receipts the printer could not print")
    serve = group.add_parser(
        "serve", help="serve the receipt links shown as QR codes when the printer is out",
        description="Serve GET /r/<job>?t=<token> (a mobile page) and /r/<job>.png?t=<token> "
        "from the printer's kept jobs. `kiosk run` already does this when "
        "[devices.printer] receipt_link_listen is set; use this on a kiosk where the app "
        "does not run, or to try a link.")
    serve.add_argument("--config", help="kiosk.toml (default: $KIOSK_CONFIG or ./kiosk.toml)")
    serve.add_argument("--listen", metavar="HOST:PORT",
                       help="default: [devices.printer] receipt_link_listen")
    serve.set_defaults(handler=_serve)


def _serve(args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from kiosk_core.netaddr import parse_host_port
    from receipts.link_server import app_for_config, jobs_dir_for, serve_links

    cfg = command_config(args.config)
    p = cfg.device("printer", PrinterSettings)
    if p is None:
        raise CommandError("no [devices.printer] in the configuration: no receipts to serve")
    listen = args.listen or p.receipt_link_listen
    if not listen:
        raise CommandError("devices.printer.receipt_link_listen is empty (off); "
                           "set it or give --listen HOST:PORT")
    try:
        addr = parse_host_port(listen)
    except ValueError as exc:
        raise CommandError(f"--listen: {exc}") from None

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        def listening() -> None:
            print(f"receipt links on {addr.url('http', '/r/')}<job>?t=<token> "
                  f"(jobs in {jobs_dir_for(cfg)}; links work {p.receipt_link_days:g} days; "
                  f"customers are sent to {p.receipt_base_url})", flush=True)

        await serve_links(app_for_config(cfg), addr.host, addr.port, stop, ready=listening)

    from devices.printer.jobkey import KeyFileError

    try:
        asyncio.run(main())
    except KeyFileError as exc:  # the kept jobs' key: damaged, or readable by others
        raise CommandError(str(exc)) from None
    except OSError as exc:
        raise CommandError(f"cannot listen on {listen}: {exc.strerror or exc}") from None
    return 0
