"""``kiosk sim card-dispenser``, ``kiosk diag card-dispenser`` and ``kiosk diag counters``."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config

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

    counters = cli.diag.add_parser(
        "counters", help="the card dispenser's counts: dispensed, presented, taken, retained…",
        description="Print the card counts the kiosk keeps (the counters file in data_dir). "
                    "With --live, open the configured dispenser first (not while the kiosk "
                    "runs: it holds the port), which reconciles the retain-bin count with "
                    "the device's retract counter.")
    counters.add_argument("--config", help="kiosk.toml")
    counters.add_argument("--file", help="counters file (default: from kiosk.toml)")
    counters.add_argument("--live", action="store_true",
                          help="open the dispenser and reconcile with its counter first")
    counters.add_argument("--json", action="store_true")
    counters.set_defaults(handler=run_diag_counters)


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
    # file has one writer. ``kiosk diag counters --live`` is the one that reconciles it.
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


def run_diag_counters(args: argparse.Namespace) -> int:
    """``kiosk diag counters [--json] [--live]``: the persisted card counts."""
    from devices.card_dispenser.counts import CounterStore, DispenserCounts

    counts: DispenserCounts | None
    if args.live:
        counts, path = _live_counts(args.config)
    else:
        path = _counters_file(args)
        try:
            counts = CounterStore(path).load()
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        if counts is None:
            raise CommandError(f"no card counts saved yet at {path} (the kiosk writes them "
                               "when it opens the card dispenser)")
    report = {"file": str(path), **counts.as_dict()}
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    print(f"card dispenser counts  ({path}, updated {counts.updated or '-'})")
    for name in ("dispensed", "presented", "taken", "retracted", "captured"):
        print(f"  {name:<16} {report[name]}")
    print(f"  {'retained':<16} {counts.retained}  (bin count from the {counts.retained_source})")
    remaining = counts.stacker_remaining
    print(f"  {'stacker loaded':<16} {counts.stacker_loaded}"
          + (f"  ({remaining} left by our count)" if remaining is not None else ""))
    mm = counts.last_mismatch
    if mm is not None:
        print(f"  last mismatch    kiosk counted {mm.kiosk} in the bin, the device "
              f"{mm.device} ({mm.at}); the device's count was kept")
    return 0


def _counters_file(args: argparse.Namespace) -> Path:
    if args.file:
        return Path(args.file)
    from devices.card_dispenser.settings import CardDispenserSettings

    cfg = command_config(args.config)
    settings = cfg.device("card_dispenser", CardDispenserSettings)
    if settings is None:
        raise CommandError("no [devices.card_dispenser] in kiosk.toml (or give --file)")
    if not settings.counters_path:
        raise CommandError("devices.card_dispenser.counters_path is \"\": counts are not kept")
    path = Path(settings.counters_path)
    return path if path.is_absolute() else cfg.data_dir / path


def _live_counts(config: str | None) -> tuple[Any, Path]:
    from devices.base import DeviceError
    from devices.card_dispenser.driver import create
    from devices.card_dispenser.settings import CardDispenserSettings

    cfg = command_config(config)
    settings = cfg.device("card_dispenser", CardDispenserSettings)
    if settings is None:
        raise CommandError("no [devices.card_dispenser] in kiosk.toml")
    device = create("card_dispenser", settings)
    device.bind_storage(cfg.data_dir)
    try:
        try:
            device.start().result(timeout=15)
            counts = device.counts().result(timeout=10)
        except DeviceError as exc:
            raise CommandError(f"{settings.url}: {exc}") from None
        file = device.describe().get("counters_file")
    finally:
        device.close()
    return counts, Path(file) if file else Path("-")
