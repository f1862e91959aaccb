"""``kiosk sim pinpad`` and ``kiosk diag pinpad``."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from typing import Any

from kiosk_core.cli import CommandError, Commands


def add_commands(cli: Commands) -> None:
    sim = cli.sim.add_parser(
        "pinpad", help="simulate an encrypting PIN pad (SBEPP/1) on a pty or TCP port",
        description="Serve a simulated encrypting PIN pad. The first line printed says where: "
                    "'pty: /dev/pts/N' or 'tcp: socket://HOST:PORT'. While running, lines on "
                    "stdin control it: 'press KEYS' (0-9, C clear, B backspace, X cancel, "
                    "E enter), 'fault NAME', 'clear', 'ceremony on|off', 'status'.")
    where = sim.add_mutually_exclusive_group()
    where.add_argument("--pty", action="store_true", help="serve on a new pty (the default)")
    where.add_argument("--tcp", metavar="HOST:PORT", help="serve on a TCP port (socket://)")
    sim.add_argument("--master", default="0123456789ABCDEFFEDCBA9876543210",
                     help="master key the pad starts with, hex (a test key)")
    sim.add_argument("--master-alg", choices=("TDES", "AES"), default="TDES")
    sim.add_argument("--pin", help="scripted customer: types this PIN and Enter per entry")
    sim.add_argument("--keys", help="scripted customer: presses these keys per entry")
    sim.add_argument("--key-delay", type=float, default=0.2, help="seconds between key presses")
    sim.add_argument("--ceremony", action="store_true", help="start in the key-ceremony state")
    sim.add_argument("--fault", action="append", default=[], metavar="NAME",
                     help="key-stuck, tamper, silence or removed (repeatable)")
    sim.add_argument("--baud", type=int, default=0, help="pace output at this baud rate")
    sim.set_defaults(handler=run_sim)

    diag = cli.diag.add_parser("pinpad", help="status, firmware and key check values")
    diag.add_argument("--url", help="/dev/ttyUSB0, socket://host:port, a pty path or sim://… "
                                    "(default: [devices.pinpad] of kiosk.toml)")
    diag.add_argument("--baud", type=int)
    diag.add_argument("--config", help="kiosk.toml")
    diag.add_argument("--json", action="store_true")
    diag.set_defaults(handler=run_diag)


def run_sim(args: argparse.Namespace) -> int:
    from devices.pinpad.simulator import FaultError, PinPadSimulator
    from devices.sim_cli import open_link, serve

    try:
        sim = PinPadSimulator(master=bytes.fromhex(args.master), master_algorithm=args.master_alg,
                              pin=args.pin, keys=args.keys, key_delay=args.key_delay,
                              ceremony=args.ceremony, faults=args.fault)
        link = open_link(sim, args.tcp, args.baud)
    except (ValueError, FaultError, OSError) as exc:
        raise CommandError(str(exc)) from None
    return serve(sim, link, tcp=bool(args.tcp), control=_control_loop, name="pinpad-sim")


def _control_loop(sim: Any, stop: threading.Event) -> None:
    for line in sys.stdin:
        words = line.split()
        if not words or stop.is_set():
            continue
        cmd, rest = words[0], words[1:]
        try:
            if cmd == "press" and rest:
                sim.press("".join(rest))
            elif cmd == "fault" and rest:
                for name in rest:
                    sim.inject(name)
            elif cmd == "clear":
                sim.clear_faults()
            elif cmd == "ceremony" and rest in (["on"], ["off"]):
                sim.open_ceremony(rest[0] == "on")
            elif cmd != "status":
                print(f"? unknown command {line.strip()!r}", flush=True)
                continue
        except ValueError as exc:
            print(f"? {exc}", flush=True)
            continue
        kcvs = " ".join(f"{n}={v}" for n, v in sim.kcvs().items()) or "none"
        print(f"ok state={sim.state.name.lower()} digits={sim.digits} tampered={sim.tampered} "
              f"key_stuck={sim.key_stuck} ceremony={sim.ceremony} keys={kcvs} "
              f"commands={sim.command_count}", flush=True)


def run_diag(args: argparse.Namespace) -> int:
    from devices.base import DeviceError
    from devices.pinpad.driver import create
    from devices.pinpad.settings import PinPadSettings
    from devices.sim_cli import diag_settings

    settings = diag_settings("pinpad", PinPadSettings, args.config,
                             {"url": args.url, "baudrate": args.baud})
    device = create("pinpad", settings)
    keys: list[dict[str, str]] = []
    try:
        try:
            device.start().result(timeout=15)
            status = device.query_status().result(timeout=10)
        except DeviceError as exc:
            raise CommandError(f"{settings.url}: {exc}") from None
        try:
            # Only names, algorithms and check values: a pad never gives out a key.
            keys = [{"name": k.name, "algorithm": k.algorithm, "kcv": k.kcv.hex().upper()}
                    for k in device.key_info().result(timeout=10)]
        except DeviceError as exc:
            keys = []
            status = device.status
            print(f"key list: {exc}", file=sys.stderr)
        info = device.describe()
    finally:
        device.close()
    report = {"url": settings.url, "firmware": info.get("firmware", ""),
              "status": status.as_dict(), "keys": keys, "line": info.get("line", {})}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        s = report["status"]
        print(f"PIN pad  {settings.url}  (firmware {report['firmware']})")
        print(f"  device   {s['device']}")
        for k in keys:
            print(f"  key      {k['name']:<16} {k['algorithm']:<4} KCV {k['kcv']}")
        if not keys:
            print("  key      none loaded")
        if s["detail"]:
            print(f"  last error: {s['detail']} [{s['errorCode']}]")
    return 0 if status.device.usable else 1
