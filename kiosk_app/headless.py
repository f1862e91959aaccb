"""``kiosk flows run card-issuance`` and ``kiosk flows recover``: the customer flows with no
screen, on the configured devices. With the demo configuration the scripted simulated
customer (demo.customer) follows the prompts, as in front of the real screen: the
technician's end-to-end self-test, and the harness the benchmarks and the power-cut test
drive. Everything runs in the shape the kiosk runs it (runtime, flow engine, journal
writer, prompt board); only the screen is missing.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kiosk_core.cli import CommandError, Commands, command_config

log = logging.getLogger(__name__)

#: Long enough for the identity check (ID capture, face match, liveness) on 2 slow cores.
RUN_TIMEOUT_S = 240.0
BANK_TIMEOUT_S = 30.0


def add_commands(cli: Commands) -> None:
    flows = cli.group("flows", "customer transactions in progress")
    run = flows.add_parser("run", help="run a customer flow headless (self-test)")
    run.add_argument("flow", choices=["card-issuance"])
    run.add_argument("--config", help="kiosk.toml (relative storage paths from its folder)")
    run.add_argument("--customer", help="the demo customer to play (default: the demo's)")
    run.add_argument("--language", default=None, help="en_US | zh_CN (default: the kiosk's)")
    run.add_argument("--json", action="store_true", help="print the outcome as JSON")
    run.add_argument("--timeout", type=float, default=RUN_TIMEOUT_S, help="seconds")
    run.set_defaults(handler=flows_run)
    rec = flows.add_parser("recover", help="settle transactions a power cut left open")
    rec.add_argument("--config", help="kiosk.toml")
    rec.add_argument("--json", action="store_true")
    rec.set_defaults(handler=flows_recover)


def _runtime(args: argparse.Namespace, customer: str | None = None) -> Any:
    import customer_flows
    from devices.registry import create_device
    from kiosk_core.runtime import KioskRuntime

    cfg = command_config(args.config)
    if customer:
        cfg = _playing(cfg, customer)
    runtime = KioskRuntime(cfg, flows=customer_flows.definitions(),
                           device_factory=create_device)
    runtime.start(wait_devices=True)
    return runtime


def _start_bank(runtime: Any) -> None:
    """The bank (for the demo: the sandbox bank as its own process) and the PIN key: an
    unwinding flow reverses its bank steps, so recovery needs the bank too."""
    from kiosk_app.bank_service import bank_failure, start_bank, wait_bank_ready

    start_bank(runtime)
    if not wait_bank_ready(runtime, BANK_TIMEOUT_S):
        raise CommandError(f"the bank is not ready: {bank_failure(runtime) or 'no answer'}")


def _playing(cfg: Any, customer: str) -> Any:
    """The configuration with the simulated camera's customer holding ``customer``'s card."""
    from urllib.parse import quote_plus

    camera = getattr(cfg.devices, "camera", None)
    url = str(getattr(camera, "url", ""))
    if camera is None or not url.startswith("sim://camera"):
        raise CommandError("--customer needs the simulated camera (sim://camera?scene=customer)")
    joined = f"{url}{'&' if '?' in url else '?'}holder={quote_plus(customer)}"
    devices = cfg.devices.model_copy(update={"camera": camera.model_copy(update={"url": joined})})
    return cfg.model_copy(update={"devices": devices})


def flows_recover(args: argparse.Namespace) -> int:
    runtime = _runtime(args)
    try:
        _start_bank(runtime)
        results = runtime.recover_flows()
    finally:
        runtime.stop()
    for flow_id, status in results:
        print(json.dumps({"flow": flow_id, "status": status}) if args.json
              else f"{flow_id}  {status}")
    if not results and not args.json:
        print("nothing to recover")
    return 0


def flows_run(args: argparse.Namespace) -> int:
    from customer_flows.card_session import session_for
    from demo.customer import attach as attach_customer
    from demo.signature import scripted_signature

    if args.customer:
        from demo.holders import holder_named

        try:
            holder_named(args.customer)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
    runtime = _runtime(args, args.customer)
    pool = ThreadPoolExecutor(4, thread_name_prefix="headless-flow")
    outcome: dict[str, Any] = {"flow": "card-issuance"}
    started = time.monotonic()
    try:
        _start_bank(runtime)
        runtime.recover_flows()  # as the kiosk does at start: nothing left half-done
        if not attach_customer(runtime):
            log.warning("no simulated customer on this camera: someone must stand in front")
        language = args.language or runtime.config.kiosk.locale
        session = session_for(runtime, language=language, submit=pool.submit)
        try:
            outcome.update(_drive(session, scripted_signature(), args.timeout))
        finally:
            session.close()
    finally:
        pool.shutdown(wait=True)
        runtime.stop()
    outcome["seconds"] = round(time.monotonic() - started, 2)
    if args.json:
        print(json.dumps(outcome, ensure_ascii=False))
    else:
        print(" ".join(f"{k}={v}" for k, v in outcome.items()))
    return 0 if outcome.get("state") == "done" else 1


def _drive(session: Any, signature: list[list[tuple[float, float, float]]],
           timeout: float) -> dict[str, Any]:
    """Tap through the flow as the customer would; returns the final snapshot's facts."""
    deadline = time.monotonic() + timeout

    def until(*states: str) -> str:
        while time.monotonic() < deadline:
            state = str(session.state)
            if state in states or state == "failed":
                return state
            time.sleep(0.05)
        raise CommandError(f"timed out in state {session.state!r}")

    session.accept()
    state = until("identity_passed", "identity_failed")
    if state == "identity_failed" and session.snapshot().can_retry:
        session.retry_identity()
        state = until("identity_passed", "identity_failed")
    if state == "identity_passed":
        session.continue_to_signature()
        until("signature")
        if not session.sign(signature, 1000.0, 700.0):
            raise CommandError("the scripted signature was refused")
        until("done")
    snap = session.snapshot()
    return {"state": snap.state, "reason": snap.reason, "card_number": snap.card_number,
            "receipt_printed": snap.receipt_printed, "flow_id": session.flow_id}


if __name__ == "__main__":  # pragma: no cover
    sys.exit("use: kiosk flows run card-issuance")
