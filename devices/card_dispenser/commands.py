"""``kiosk sim card-dispenser`` and ``kiosk diag card-dispenser`` (``kiosk diag counters`` is
the kiosk's: technician.commands, through the running kiosk; it prints :func:`counts_lines`)."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import TYPE_CHECKING, Any

from kiosk_core.cli import CommandError, Commands

if TYPE_CHECKING:
    from devices.card_dispenser.counts import DispenserCounts

PROTOCOLS = ("crt591", "k720")


def add_commands(cli: Commands) -> None:
    sim = cli.sim.add_parser(
        "card-dispenser", aliases=["card_dispenser"],
        help="simulate a CRT-591 or K720 card dispenser on a pty or TCP port",
        description="Serve a simulated card dispenser. The first line printed says where: "
                    "'pty: /dev/pts/N' or 'tcp: socket://HOST:PORT'. While running, lines on "
                    "stdin control it: 'fault NAME[:ARG]', 'clear', 'refill N', 'empty-bin', "
                    "'take', 'insert' (a card pushed in at the gate, if ENTRY allows), 'status'.")
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
    sim.add_argument("--state", metavar="PATH",
                     help="keep the mechanism's state (cards, bin, card position, retract "
                          "counter) in this file, written after every change; an existing "
                          "file is resumed and wins over --cards/--bin")
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
    from devices.sim_cli import open_link, serve

    try:
        take = None if args.take_after == "never" else float(args.take_after)
        sim = make_simulator(args.protocol, cards=args.cards, bin_count=args.bin,
                             bin_capacity=args.bin_capacity, low_threshold=args.low,
                             take_after=take, faults=args.fault, address=args.address,
                             state_path=args.state)
        link = open_link(sim, args.tcp, args.baud)
    except (ValueError, FaultError, OSError) as exc:
        raise CommandError(str(exc)) from None
    return serve(sim, link, tcp=bool(args.tcp), control=_control_loop, name="card-sim")


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
            elif cmd == "insert":
                if not sim.insert_card():
                    print("? entry is not allowed (or the channel is not empty)", flush=True)
                    continue
            elif cmd != "status":
                print(f"? unknown command {line.strip()!r}", flush=True)
                continue
        except ValueError as exc:
            print(f"? {exc}", flush=True)
            continue
        m = sim.mech
        print(f"ok cards={m.cards} bin={m.bin}/{m.bin_capacity} card={m.position} "
              f"jammed={m.jammed} dispensed={m.dispensed} taken={m.taken} "
              f"counter={m.retract_counter} commands={sim.command_count}", flush=True)


def run_diag(args: argparse.Namespace) -> int:
    from devices.base import DeviceError
    from devices.card_dispenser.driver import create
    from devices.card_dispenser.settings import CardDispenserSettings
    from devices.sim_cli import diag_settings

    settings = diag_settings("card_dispenser", CardDispenserSettings, args.config,
                             {"url": args.url, "protocol": args.protocol,
                              "address": args.address, "baudrate": args.baud})
    # No bind_storage: this may run beside the kiosk (on another URL), and the counters
    # file has one writer: the kiosk (``kiosk diag counters`` asks it, or opens the
    # devices as the kiosk would when none runs).
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
              "serial": info.get("machine_serial", ""),
              "status": status.as_dict(), "counters": counters, "line": info.get("line", {})}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        s = report["status"]
        print(f"card dispenser  {settings.url}  ({settings.protocol}, firmware {version})")
        if report["serial"]:
            print(f"  serial   {report['serial']}")
        print(f"  device   {s['device']}")
        print(f"  card     {s['media']}")
        for name, state in s["supplies"].items():
            print(f"  {name:<8} {state}")
        print("  counters " + ", ".join(f"{k}={v}" for k, v in counters.items()))
        if s["detail"]:
            print(f"  last error: {s['detail']} [{s['errorCode']}]")
    return 0 if status.device.usable else 1


def counts_lines(counts: DispenserCounts, source: str = "") -> list[str]:
    """The card counts in words, one line each (``kiosk diag counters`` prints them, from
    the running kiosk or from a dispenser it opened itself)."""
    report = counts.as_dict()
    where = f"{source}, " if source else ""
    lines = [f"card dispenser counts  ({where}updated {counts.updated or '-'})"]
    for name in ("dispensed", "presented", "taken", "retracted", "captured"):
        lines.append(f"  {name:<16} {report[name]}")
    lines.append(f"  {'retained':<16} {counts.retained}  (bin count from the "
                 f"{counts.retained_source})")
    remaining = counts.stacker_remaining
    lines.append(f"  {'stacker loaded':<16} {counts.stacker_loaded}"
                 + (f"  ({remaining} left by our count)" if remaining is not None else ""))
    mm = counts.last_mismatch
    if mm is not None:
        lines.append(f"  last mismatch    kiosk counted {mm.kiosk} in the bin, the device "
                     f"{mm.device} ({mm.at}); the device's count was kept")
    return lines
