"""``kiosk diag status|selftest|counters|replenish|empty-bin|service|export|journal|logs|config``
and ``kiosk technician hash-pin``.

The ``kiosk diag`` commands here act on *the kiosk*, not on one device: when a kiosk runs
they go through its control API (technician.control_client; the kiosk holds the devices'
ports), and only when none answers on the control socket do they open the devices
themselves — a runtime as ``kiosk run`` builds it, without a screen — and say so on stderr.
A socket that answers but refuses the token, or does not answer in time, is an error: the
devices are never opened under a running kiosk.

Exit codes: 0 done, 1 the thing failed (self-test not ok, kiosk out of service, journal
broken, the kiosk refused), 2 usage. docs/technician.md has the whole story.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kiosk_core.cli import CommandError, Commands, command_config

if TYPE_CHECKING:
    from technician.api import Technician
    from technician.control_client import ControlClient

OFFLINE_NOTE = "(no kiosk running: opened the devices directly)"

Remote = Callable[["ControlClient"], dict[str, Any]]
Local = Callable[["Technician", str], dict[str, Any]]


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
        if not minimum <= value <= 100_000:
            raise argparse.ArgumentTypeError(f"must be {minimum} to 100000, not {value}")
        return value

    parse.__name__ = "count"
    return parse


def add_commands(cli: Commands) -> None:
    d = cli.diag

    def command(name: str, help: str, handler: Callable[[argparse.Namespace], int], *,
                json_flag: bool = True, description: str | None = None
                ) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = d.add_parser(name, help=help,
                                                  description=description or help)
        p.add_argument("--config", help="kiosk.toml")
        if json_flag:
            p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(handler=handler, parser=p)
        return p

    command("status", "the kiosk: in service or why not, each device, function and link",
            diag_status)
    p = command("selftest", "self-test one device of the kiosk (exit 1 if it fails)",
                diag_selftest,
                description="card_dispenser: one card from the stacker straight to the bin; "
                            "printer: the test page; camera: a snapshot with its focus value; "
                            "pinpad: link, tamper and keys.")
    p.add_argument("device", metavar="DEVICE",
                   help="card-dispenser, printer, camera or pinpad")
    p = command("counters", "card and paper counts, transactions and faults (kept across "
                            "restarts)", diag_counters)
    how = p.add_mutually_exclusive_group()
    how.add_argument("--file", metavar="FILE",
                     help="only print the card counts saved in this counters file (no kiosk "
                          "asked, no device opened)")
    how.add_argument("--live", action="store_true",
                     help="the default: the counts of the opened dispenser (the running "
                          "kiosk's, or opened here and reconciled with its counter)")
    p = command("replenish", "cards loaded (N = cards now in the stacker) or paper replaced",
                diag_replenish)
    p.add_argument("supply", choices=["cards", "paper"])
    p.add_argument("count", nargs="?", type=_count(1), metavar="N",
                   help="cards now in the stacker (cards only)")
    p = command("empty-bin", "the retain bin emptied, N cards taken out", diag_empty_bin)
    p.add_argument("removed", type=_count(0), metavar="N", help="cards taken out of the bin")
    p = command("service", "take a function (or the whole kiosk) out of service, or back in",
                diag_service)
    p.add_argument("state", choices=["out", "in"])
    p.add_argument("function", nargs="?", default="*", metavar="FUNCTION",
                   help="a menu entry: card, checkin, teller, walkin (default: the whole "
                        "kiosk)")
    p.add_argument("--reason", default="", help="why, for the journal and the status")
    p = command("export", "journal, its verify result, status, counters, logs and the "
                          "masked configuration into DIR", diag_export)
    p.add_argument("directory", metavar="DIR")
    command("journal", "verify the journal's hash chain (exit 1 if broken)", diag_journal)
    p = command("logs", "the kiosk's newest log lines", diag_logs)
    p.add_argument("--limit", type=_count(1), default=200, help="how many (default 200)")
    command("config", "kiosk.toml as the kiosk loaded it, secrets masked", diag_config,
            json_flag=False)

    tech = cli.group("technician", "technicians of kiosk.toml")
    hp = tech.add_parser("hash-pin", help="make the pin_hash of a technician's PIN",
                         description="Reads a PIN twice (not echoed) and prints its scrypt "
                                     "hash for [[technician.technicians]] pin_hash.")
    hp.add_argument("--pin-stdin", action="store_true",
                    help="read the PIN from one line of stdin (for scripts)")
    hp.set_defaults(handler=technician_hash_pin)


# -- through the kiosk, or without one --------------------------------------------------------


def _who() -> str:
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except Exception:  # no user name for this uid (a container)
        import os

        return f"cli:uid{os.getuid()}"


def _perform(args: argparse.Namespace, remote: Remote, local: Local) -> dict[str, Any]:
    """``remote`` through the running kiosk's control API, else ``local`` over the devices
    opened here (said on stderr). Both answer the same JSON shape."""
    from technician.control_client import ControlClient, ControlError, control_paths

    cfg = command_config(args.config)
    client = ControlClient(*control_paths(cfg))
    try:
        if client.running():
            return remote(client)
    except ControlError as exc:
        raise CommandError(str(exc)) from None
    print(OFFLINE_NOTE, file=sys.stderr)
    return _offline(cfg, local)


def _offline(cfg: Any, local: Local) -> dict[str, Any]:
    """Open the devices as ``kiosk run`` would (no screen), do it, close them again."""
    from devices.registry import create_device
    from kiosk_core.runtime import KioskRuntime
    from technician.api import TechnicianError
    from technician.counters import TransactionCounters
    from technician.service import TechnicianService

    runtime = KioskRuntime(cfg, device_factory=create_device)
    tallies: TransactionCounters | None = None
    service: TechnicianService | None = None
    try:
        runtime.start(wait_devices=True)
        tallies = TransactionCounters.for_config(cfg)
        tallies.attach(runtime)
        tallies.flush()  # the journal's history counted before anyone asks
        lang = "en_US" if "en_US" in cfg.kiosk.languages else cfg.kiosk.locale
        service = TechnicianService(runtime, tallies=_Snapshots(tallies), lang=lang)
        try:
            return local(service, _who())
        except TechnicianError as exc:
            raise CommandError(str(exc)) from None
    finally:
        if service is not None:
            service.close()
        runtime.stop()
        if tallies is not None:
            tallies.close()


class _Snapshots:
    """TransactionCounters as the service's TallySource (a mapping per snapshot)."""

    def __init__(self, counters: Any) -> None:
        self._counters = counters

    def snapshot(self) -> dict[str, Any]:
        snap = self._counters.snapshot()
        return dict(snap.as_dict() if hasattr(snap, "as_dict") else snap)


def _emit(args: argparse.Namespace, data: dict[str, Any],
          text: Callable[[dict[str, Any]], list[str]]) -> None:
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        for line in text(data):
            print(line)


# -- the commands --------------------------------------------------------------------------


def diag_status(args: argparse.Namespace) -> int:
    data = _perform(args, lambda c: c.status(), lambda t, who: t.report().as_dict())
    _emit(args, data, status_lines)
    return 0 if data.get("in_service") else 1


def diag_selftest(args: argparse.Namespace) -> int:
    device = args.device.replace("-", "_")
    data = _perform(args, lambda c: c.selftest(device),
                    lambda t, who: t.self_test(device, who=who).as_dict())
    _emit(args, data, selftest_lines)
    return 0 if data.get("ok") else 1


def diag_counters(args: argparse.Namespace) -> int:
    if args.file:
        return _counters_file(args)
    data = _perform(args, lambda c: c.counters(), lambda t, who: t.counters().as_dict())
    _emit(args, data, counters_lines)
    return 0


def _counters_file(args: argparse.Namespace) -> int:
    """The card dispenser's counters file as it is on disk (a copy from another kiosk, or
    a look without touching anything)."""
    from pathlib import Path

    from devices.card_dispenser.commands import counts_lines
    from devices.card_dispenser.counts import CounterStore

    path = Path(args.file)
    try:
        counts = CounterStore(path).load()
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    if counts is None:
        raise CommandError(f"no counters file at {path}")
    if args.json:
        print(json.dumps({"file": str(path), "cards": counts.as_dict()}, indent=2,
                         default=str))
    else:
        print("\n".join(counts_lines(counts, str(path))))
    return 0


def diag_replenish(args: argparse.Namespace) -> int:
    if args.supply == "cards" and args.count is None:
        args.parser.error("replenish cards needs N: the cards now in the stacker")
    if args.supply == "paper" and args.count is not None:
        args.parser.error("replenish paper takes no count")
    data = _perform(args, lambda c: c.replenish(args.supply, args.count),
                    lambda t, who: t.replenish(args.supply, args.count, who=who).as_dict())
    _emit(args, data, counters_lines)
    return 0


def diag_empty_bin(args: argparse.Namespace) -> int:
    data = _perform(args, lambda c: c.empty_bin(args.removed),
                    lambda t, who: t.empty_bin(args.removed, who=who).as_dict())
    _emit(args, data, counters_lines)
    return 0


def diag_service(args: argparse.Namespace) -> int:
    back = args.state == "in"
    data = _perform(args, lambda c: c.service(back, args.function, args.reason),
                    lambda t, who: t.set_service(back, args.function, who=who,
                                                 reason=args.reason).as_dict())
    _emit(args, data, status_lines)
    return 0


def diag_export(args: argparse.Namespace) -> int:
    from pathlib import Path

    directory = Path(args.directory).absolute()
    data = _perform(args, lambda c: c.export(directory),
                    lambda t, who: t.export(directory, who=who).as_dict())
    _emit(args, data, lambda d: [f"exported {len(d.get('files', []))} files to "
                                 f"{d.get('directory')}:",
                                 *(f"  {name}" for name in d.get("files", []))])
    return 0


def diag_journal(args: argparse.Namespace) -> int:
    import dataclasses

    data = _perform(args, lambda c: c.journal_verify(),
                    lambda t, who: dataclasses.asdict(t.journal_verify()))
    _emit(args, data, verify_lines)
    return 0 if data.get("ok") else 1


def diag_logs(args: argparse.Namespace) -> int:
    data = _perform(args, lambda c: c.logs(args.limit),
                    lambda t, who: {"lines": t.log_lines(args.limit)})
    _emit(args, data, lambda d: [str(line) for line in d.get("lines", [])])
    return 0


def diag_config(args: argparse.Namespace) -> int:
    data = _perform(args, lambda c: c.config(), lambda t, who: t.masked_config())
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    return 0


def technician_hash_pin(args: argparse.Namespace) -> int:
    from technician.auth import check_pin_format, hash_pin

    if args.pin_stdin:
        pin = sys.stdin.readline().strip()
    else:
        import getpass

        try:
            pin = getpass.getpass("technician PIN: ")
            again = getpass.getpass("again: ")
        except EOFError:
            raise CommandError("no PIN read (use --pin-stdin to give it on stdin)") from None
        if pin != again:
            raise CommandError("the two PINs differ; nothing was printed")
    try:
        check_pin_format(pin)
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(hash_pin(pin))
    print("put it in kiosk.toml: [[technician.technicians]] pin_hash = \"scrypt$…\"",
          file=sys.stderr)
    return 0


# -- text ------------------------------------------------------------------------------------


def _supplies(supplies: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in supplies.items())


def status_lines(d: dict[str, Any]) -> list[str]:
    """A KioskReport's as_dict() in words: why the kiosk is out first, then the details."""
    head = f"{d.get('kiosk_id', '?')} at {d.get('branch', '?')}: "
    if d.get("in_service"):
        head += "in service"
    else:
        head += "OUT OF SERVICE (" + (", ".join(d.get("down") or ()) or "no reason given") + ")"
    out = [head]
    if d.get("degraded"):
        out.append(f"  degraded: {', '.join(d['degraded'])}")
    overrides = d.get("overrides") or []
    if overrides:
        out.append("taken out by a technician:")
        for o in overrides:
            name = "the whole kiosk" if o.get("function") == "*" else o.get("function")
            reason = f": {o['reason']}" if o.get("reason") else ""
            out.append(f"  {name} by {o.get('who', '?')} at {o.get('at') or '?'}{reason}")
    devices = d.get("devices") or []
    if devices:
        out.append("devices:")
    for dev in devices:
        req = "required" if dev.get("required") else "optional"
        line = f"  {dev.get('kind', '?'):<15} {dev.get('state', '?'):<14} {req:<9}"
        line += f" {dev.get('url', '')}"
        if dev.get("supplies"):
            line += f"  [{_supplies(dev['supplies'])}]"
        if dev.get("firmware"):
            line += f"  firmware {dev['firmware']}"
        out.append(line)
        if dev.get("detail"):
            out.append(f"      now: {dev['detail']}")
        if dev.get("last_error"):
            code = f" [{dev['last_error_code']}]" if dev.get("last_error_code") else ""
            out.append(f"      last error: {dev['last_error']}{code} at "
                       f"{dev.get('last_error_at') or '?'}")
    functions = d.get("functions") or []
    if functions:
        out.append("functions:")
    for f in functions:
        state = "available" if f.get("available") else "OUT: " + ", ".join(f.get("reasons") or ())
        if f.get("degraded"):
            state += f" (degraded: {', '.join(f['degraded'])})"
        out.append(f"  {f.get('function', '?'):<15} {state}")
    links = d.get("links") or []
    if links:
        out.append("links:")
    for link in links:
        detail = f"  {link['detail']}" if link.get("detail") else ""
        out.append(f"  {link.get('name', '?'):<15} {'up' if link.get('up') else 'DOWN'}{detail}")
    return out


def selftest_lines(d: dict[str, Any]) -> list[str]:
    out = [f"{d.get('device', '?')} self-test: {'ok' if d.get('ok') else 'FAILED'}"]
    for check, result in (d.get("checks") or {}).items():
        out.append(f"  {check:<16} {result}")
    for name, value in (d.get("values") or {}).items():
        out.append(f"  {name:<16} {value:g}" if isinstance(value, int | float)
                   else f"  {name:<16} {value}")
    if d.get("artifact"):
        out.append(f"  see {d['artifact']}")
    return out


def counters_lines(d: dict[str, Any]) -> list[str]:
    from devices.card_dispenser.commands import counts_lines
    from devices.card_dispenser.counts import DispenserCounts

    out: list[str] = []
    cards = d.get("cards") or {}
    if cards:
        try:
            out += counts_lines(DispenserCounts.from_dict(dict(cards)))
        except (ValueError, TypeError):
            out += ["card dispenser counts", *(f"  {k:<16} {v}" for k, v in cards.items())]
    else:
        out.append("card dispenser counts: none (no card dispenser, or none kept yet)")
    paper = d.get("paper") or {}
    out.append("paper" + ("" if paper else ": nothing recorded yet"))
    out += [f"  {k:<16} {v}" for k, v in paper.items()]
    transactions = d.get("transactions") or {}
    out.append("transactions" + ("" if transactions else ": none yet"))
    for kind, outcomes in transactions.items():
        out.append(f"  {kind:<16} " + ", ".join(f"{k}={v}" for k, v in outcomes.items()))
    faults = d.get("faults") or {}
    out.append("faults" + ("" if faults else ": none"))
    out += [f"  {k:<16} {v}" for k, v in faults.items()]
    return out


def verify_lines(d: dict[str, Any]) -> list[str]:
    if d.get("ok"):
        return [f"ok: {d.get('count')} records, chain intact"]
    where = f"record {d['bad_seq']}" if d.get("bad_seq") is not None else "journal"
    return [f"BROKEN at {where}: {d.get('reason')} ({d.get('count')} records before it "
            "are intact)"]
