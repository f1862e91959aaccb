"""``kiosk sim card-dispenser`` and ``kiosk diag card-dispenser``."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config

PROTOCOLS = ("crt591", "k720")


def add_commands(cli: Commands) -> None:
    sim = cli.sim.add_parser(
        "card-dispenser", help="simulate a CRT-591 or K720 card dispenser on a pty or TCP port",
        description="Serve a simulated card dispenser. The first line printed says where: "
                    "'pty: /dev/pts/N' or 'tcp: socket://HOST:PORT'. While running, lines on "
                    "stdin control it: 'fault NAME[:ARG]', 'clear', 'refill N', 'empty-bin', "
                    "'take', 'status'.")
    sim.add_argument("--protocol", choices=PROTOCOLS, default="crt591")
    where = sim.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a new pty (the default)")
    where.add_argument("--tcp", metavar="HOST:PORT", help="serve on a TCP port (socket://)")
    sim.add_argument("--cards", type=int, default=50, help="cards in the stacker")
    sim.add_argument("--bin", type=int, default=0, help="cards already in the retain bin")
    sim.add_argument("--bin-capacity", type=int, default=100)
    sim.add_argument("--low", type=int, default=5, help="stacker 'low' at this many cards")
    sim.add_argument("--take-after", default="3", metavar="SECONDS|never",
                     help="the customer takes a presented card after this long")
    sim.add_argument("--fault", action="append", default=[], metavar="NAME[:ARG]",
                     help="inject a fault at start (repeatable); see docs/card_dispenser.md")
    sim.add_argument("--baud", type=int, default=0, help="pace output at this baud rate")
    sim.add_argument("--address", type=int, default=0, help="bus address (CRT-591)")
    sim.set_defaults(handler=run_sim)

    diag = cli.diag.add_parser("card-dispenser", help="status, counters and firmware version")
    diag.add_argument("--url", help="/dev/ttyUSB0, socket://host:port, a pty path or sim://… "
                                    "(default: [devices.card_dispenser] of kiosk.toml)")
    diag.add_argument("--protocol", choices=PROTOCOLS, help="default: crt591 or kiosk.toml's")
    diag.add_argument("--address", type=int)
    diag.add_argument("--baud", type=int)
    diag.add_argument("--config", help="kiosk.toml")
    diag.add_argument("--json", action="store_true")
    diag.set_defaults(handler=run_diag)


def run_sim(args: argparse.Namespace) -> int:
    from devices.card_dispenser.simulator import FaultError, make_simulator
    from devices.simlink import PtyLink, SimLink, TcpLink, parse_hostport

    try:
        take = None if args.take_after == "never" else float(args.take_after)
        sim = make_simulator(args.protocol, cards=args.cards, bin_count=args.bin,
                             bin_capacity=args.bin_capacity, low_threshold=args.low,
                             take_after=take, faults=args.fault, address=args.address)
        link: SimLink
        if args.tcp:
            host, port = parse_hostport(args.tcp)
            link = TcpLink(sim, host, port, baudrate=args.baud)
        else:
            link = PtyLink(sim, baudrate=args.baud)
    except (ValueError, FaultError, OSError) as exc:
        raise CommandError(str(exc)) from None
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    link.start()
    try:
        print(f"tcp: {link.url}" if args.tcp else f"pty: {link.url}", flush=True)
        if _stdin_is_ours():
            threading.Thread(target=_control_loop, args=(sim, stop), name="card-sim-stdin",
                             daemon=True).start()
        while not stop.wait(0.2):
            pass
    finally:
        link.stop()
    return 0


def _stdin_is_ours() -> bool:
    """False when started in the background of a shell (``… &``): reading the terminal
    there would stop the process (SIGTTIN)."""
    import os

    try:
        return not os.isatty(0) or os.tcgetpgrp(0) == os.getpgrp()
    except OSError:
        return False


def _control_loop(sim: Any, stop: threading.Event) -> None:
    """Runtime control from stdin, one command a line (EOF just ends the control)."""
    for line in sys.stdin:
        words = line.split()
        if not words or stop.is_set():
            continue
        cmd, rest = words[0], words[1:]
        try:
            if cmd == "fault" and rest:
                for spec in rest:
                    sim.inject(spec)
            elif cmd == "clear":
                sim.clear_faults()
            elif cmd == "refill" and rest:
                sim.refill(int(rest[0]))
            elif cmd == "empty-bin":
                sim.empty_bin()
            elif cmd == "take":
                sim.take_card()
            elif cmd != "status":
                print(f"? unknown command {line.strip()!r}", flush=True)
                continue
        except ValueError as exc:
            print(f"? {exc}", flush=True)
            continue
        m = sim.mech
        print(f"ok cards={m.cards} bin={m.bin}/{m.bin_capacity} card={m.position} "
              f"jammed={m.jammed} dispensed={m.dispensed} taken={m.taken} "
              f"commands={sim.command_count}", flush=True)


def run_diag(args: argparse.Namespace) -> int:
    from devices.base import DeviceError
    from devices.card_dispenser.driver import create
    from devices.card_dispenser.settings import CardDispenserSettings

    base: dict[str, Any] = {}
    if not args.url:
        cfg = command_config(args.config)
        dispenser = cfg.device("card_dispenser", CardDispenserSettings)
        if dispenser is None:
            raise CommandError("no --url and no [devices.card_dispenser] in kiosk.toml")
        base = dispenser.model_dump()
    overrides = {"url": args.url, "protocol": args.protocol, "address": args.address,
                 "baudrate": args.baud}
    base.update({k: v for k, v in overrides.items() if v is not None})
    try:
        settings = CardDispenserSettings(**base)
    except ValueError as exc:
        raise CommandError(f"bad settings: {exc}") from None
    device = create("card_dispenser", settings)
    try:
        try:
            device.start().result(timeout=15)
            status = device.query_status().result(timeout=10)
            counters = device.counters().result(timeout=10)
            version = device.firmware_version().result(timeout=10)
        except DeviceError as exc:
            raise CommandError(f"{settings.url}: {exc}") from None
        info = device.describe()
    finally:
        device.close()
    report = {"url": settings.url, "protocol": settings.protocol, "firmware": version,
              "status": status.as_dict(), "counters": counters, "line": info.get("line", {})}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        s = report["status"]
        print(f"card dispenser  {settings.url}  ({settings.protocol}, firmware {version})")
        print(f"  device   {s['device']}")
        print(f"  card     {s['media']}")
        for name, state in s["supplies"].items():
            print(f"  {name:<8} {state}")
        print("  counters " + ", ".join(f"{k}={v}" for k, v in counters.items()))
        if s["detail"]:
            print(f"  last error: {s['detail']} [{s['errorCode']}]")
    return 0 if status.device.usable else 1
