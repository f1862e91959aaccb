"""``kiosk sim printer`` and ``kiosk diag printer``. Heavy imports stay inside handlers."""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
from pathlib import Path
from typing import Any

from devices.printer.api import JobSource
from kiosk_core.cli import CommandError, Commands

FAULT_NAMES = ("paper-out", "near-end", "cover-open", "offline", "cutter-error", "unrecoverable",
               "disconnect")


_job_sources: list[JobSource] = []


def use_job_source(source: JobSource) -> None:
    """The composition root says who builds test pages and samples (receipts.printing)."""
    _job_sources[:] = [source]


def _job_source() -> JobSource:
    if not _job_sources:
        raise CommandError("no receipt job builder installed (run through kiosk_app.cli)")
    return _job_sources[0]


def add_commands(cli: Commands) -> None:
    sim = cli.sim.add_parser(
        "printer", help="ESC/POS receipt printer simulator (renders each job to a PNG)",
        description="Run an ESC/POS printer on TCP or a pty. It answers DLE EOT status, "
        "runs its paper down, takes faults, and writes one PNG per job into --out. While it "
        "runs, type on stdin: 'fault NAME[@mid-job]', 'clear [NAME]', 'status', 'quit'.")
    where = sim.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp", metavar="HOST:PORT",
                       help="listen here (JetDirect style; port 0: any free port)")
    where.add_argument("--pty", action="store_true", help="open a pty and print its path")
    sim.add_argument("--out", required=True, type=Path, help="folder for the job PNGs")
    sim.add_argument("--paper", choices=("ok", "near-end", "out"), default="ok")
    sim.add_argument("--speed", type=float, default=0.0, metavar="MM_S",
                     help="paper feed while printing in mm/s, like a print head (a TM-T88V: "
                     "about 300; default 0: instant)")
    sim.add_argument("--fault", action="append", default=[], metavar="NAME[@mid-job]",
                     help=f"start with a fault: {', '.join(FAULT_NAMES)}; '@mid-job' makes it "
                     "strike part-way through the next job (repeatable)")
    sim.set_defaults(handler=_sim)

    diag = cli.diag.add_parser("printer", help="receipt printer status, test page, kept jobs")
    diag.add_argument("--url", help="printer URL (default: [devices.printer] in kiosk.toml)")
    diag.add_argument("--profile",
                      help="python-escpos profile (default: from kiosk.toml or TM-T88V)")
    diag.add_argument("--json", action="store_true", help="machine-readable output")
    diag.add_argument("--test-page", action="store_true", help="print the technician test page")
    diag.add_argument("--sample", metavar="TEMPLATE",
                      help="print a template filled with sample data (card_issuance, "
                      "queue_ticket, esign_evidence, test_page)")
    diag.add_argument("--lang", choices=("zh_CN", "en_US"), default="en_US")
    diag.add_argument("--reprint", metavar="JOB_ID", help="print a kept job again")
    diag.add_argument("--data-dir", type=Path, help="where kept jobs live (default: kiosk.toml's)")
    diag.set_defaults(handler=_diag)


def _parse_fault(text: str) -> tuple[str, bool]:
    name, _, when = text.partition("@")
    if name not in FAULT_NAMES or when not in ("", "mid-job"):
        raise CommandError(f"unknown fault '{text}' (use {', '.join(FAULT_NAMES)}, "
                           "optionally with @mid-job)")
    return name, when == "mid-job"


def _sim(args: argparse.Namespace) -> int:
    from devices.printer.simulator import (
        PrinterSimulator,
        SimPage,
        SimulatorError,
        condition_summary,
    )
    from devices.simlink import PtyLink, SimLink, TcpLink, parse_hostport

    faults = [_parse_fault(f) for f in args.fault]

    def announce(page: SimPage) -> None:
        print(f"job {page.number}: {page.path} ({page.describe()})", flush=True)

    try:
        sim = PrinterSimulator(paper=args.paper, out_dir=args.out, on_page=announce,
                               speed_mm_s=args.speed)
    except OSError as exc:
        raise CommandError(f"cannot use --out {args.out}: {exc.strerror}") from None
    except SimulatorError as exc:
        raise CommandError(f"--speed: {exc}") from None
    for name, mid in faults:
        sim.inject(name, mid_job=mid)
    link: SimLink
    if args.pty:
        link = PtyLink(sim)
        label = "pty"
    else:
        try:
            host, port = parse_hostport(args.tcp)
            link = TcpLink(sim, host, port, scheme="tcp")
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        except OSError as exc:
            raise CommandError(f"cannot listen on {args.tcp}: {exc.strerror}") from None
        label = "tcp"
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with link:
        print(f"{label}: {link.url}", flush=True)
        print(f"paper {sim.paper_mm:.0f} mm; {condition_summary(sim.condition())}", flush=True)
        reader = threading.Thread(target=_console, args=(sim, stop), daemon=True)
        reader.start()
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
    return 0


def _console(sim: Any, stop: threading.Event) -> None:
    from devices.printer.simulator import SimulatorError, condition_summary

    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        try:
            if words[0] == "fault" and len(words) == 2:
                name, mid = _parse_fault(words[1])
                sim.inject(name, mid_job=mid)
            elif words[0] == "clear":
                sim.clear(words[1] if len(words) > 1 else None)
            elif words[0] == "quit":
                stop.set()
                return
            elif words[0] != "status":
                print("commands: fault NAME[@mid-job] | clear [NAME] | status | quit", flush=True)
                continue
        except (CommandError, SimulatorError) as exc:
            print(exc, flush=True)
            continue
        print(f"paper {sim.paper_mm:.0f} mm; {condition_summary(sim.condition())}", flush=True)


def _diag(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from devices.base import DeviceError
    from devices.printer.driver import ReceiptPrinter
    from devices.printer.jobs import JobNotFound
    from devices.printer.settings import PrinterSettings
    from devices.urls import DeviceURLError

    url, profile, data_dir, base = args.url, args.profile, args.data_dir, None
    if url is None or data_dir is None or profile is None:
        from kiosk_core.cli import command_config

        try:
            cfg = command_config()
            data_dir = data_dir or cfg.data_dir
            base = cfg.device("printer", PrinterSettings)
        except CommandError as exc:
            if url is None:
                raise CommandError(f"no --url and no usable kiosk.toml: {exc}") from None
    if url is None:
        if base is None:
            raise CommandError("no --url and no [devices.printer] in kiosk.toml")
        url = base.url
    try:
        fields: dict[str, Any] = {"url": url, "status_poll_s": 0}
        if profile or base is not None:
            fields["profile"] = profile or (base.profile if base else "TM-T88V")
        settings = PrinterSettings(**fields)
    except ValidationError as exc:
        msg = exc.errors()[0]["msg"].removeprefix("Value error, ")
        raise CommandError(f"bad printer URL '{url}': {msg}") from None
    printer = ReceiptPrinter("printer", settings, data_dir=data_dir or "var")
    try:
        try:
            printer.start().result(timeout=settings.timeout_s + 5)
        except (DeviceError, DeviceURLError, OSError) as exc:
            raise CommandError(str(exc)) from None
        outcome = None
        if args.test_page:
            job = _job_source().test_page(printer, args.lang)
            outcome = printer.print_receipt(job).result(timeout=settings.timeout_s * 3)
        elif args.sample:
            source = _job_source()
            if args.sample not in source.sample_names():
                raise CommandError(f"no sample '{args.sample}' "
                                   f"(have: {', '.join(source.sample_names())})")
            job = source.sample(printer, args.sample, args.lang)
            outcome = printer.print_receipt(job).result(timeout=settings.timeout_s * 3)
        elif args.reprint:
            try:
                outcome = printer.reprint(args.reprint).result(timeout=settings.timeout_s * 3)
            except JobNotFound as exc:
                raise CommandError(str(exc.args[0])) from None
        report: dict[str, Any] = {**printer.describe(),
                                  "pendingJobs": [_job_row(j) for j in printer.pending_jobs()]}
        if outcome is not None:
            report["job"] = {"id": outcome.job_id, "printed": outcome.printed,
                             "outcome": str(outcome.result), "reason": str(outcome.reason),
                             "error": outcome.error}
            sim = printer.simulator
            if sim is not None and sim.pages:
                report["job"]["simulatorPage"] = str(sim.pages[-1].path or "")
    finally:
        printer.close()
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if outcome is not None and not outcome.printed:
        return 1
    return 0 if report["device"] == "online" else 3


def _job_row(job: Any) -> dict[str, Any]:
    return {"id": job.id, "template": job.template, "lang": job.lang, "state": job.state,
            "outcome": job.outcome, "attempts": job.attempts, "error": job.error}


def _print_report(r: dict[str, Any]) -> None:
    print(f"printer   {r['url']}")
    print(f"state     {r['device']}")
    print(f"paper     {r['supplies'].get('paper', 'unknown')}")
    print(f"media     {r['media']}")
    print(f"problem   {r['detail'] or '-'}")
    if "job" in r:
        j = r["job"]
        if j["outcome"] == "printed":
            result = "printed"
        elif j["printed"]:
            result = f"printed, NOT cut ({j['error']}) - tear it off; not kept"
        elif j["outcome"] == "partial":
            result = f"stopped part-way ({j['error']}) - kept for reprint"
        else:
            result = f"NOT printed ({j['error']}) - kept for reprint"
        print(f"job       {j['id']}: {result}")
    print(f"kept jobs {len(r['pendingJobs'])}")
    for j in r["pendingJobs"]:
        state = f"{j['state']} ({j['outcome']})" if j["outcome"] else j["state"]
        print(f"  {j['id']}  {j['template']:<15} {j['lang']}  {state}  {j['error']}")
