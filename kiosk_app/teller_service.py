"""The video teller as a kiosk service: ``runtime.services["teller_call"]``, and the demo's hub.

:func:`start_teller` (one of :func:`kiosk_app.services.start_services`) returns at once; a
worker thread does the slow part (aiortc's import, the hub process), since the UI calls it
on its GUI thread:

- **Demo configuration** (:func:`wants_local_hub`: every configured device is ``sim://``
  and ``[hub] url`` is ``ws://127.0.0.1:PORT/ws``) — the call hub runs as its own process
  (``python -m video_teller.hub.service`` over ``data_dir/hub.sqlite``, on 127.0.0.1 only,
  ended by a stop hook; a hub already answering there is used), the kiosk's token is issued
  into ``[hub] token_file`` and a teller's into ``secrets_dir/demo_teller.token``, and the
  console's address is logged.
- **Any other hub** — the kiosk's token must be in ``[hub] token_file`` (a real kiosk gets
  it when it is installed: ``kiosk hub token --role kiosk --id <kiosk id>``).

Then a :class:`~video_teller.kiosk.call.TellerCall` is built on the core loop with the
camera, the journal, the teller's actions (customer_flows.teller_actions) and callback
appointments (customer_flows.teller_callback), and handed to ``on_ready`` (the UI
attaches it to its teller desk). Nothing here raises into its caller.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kiosk_app.child_process import ChildService, ChildServiceError
from kiosk_core.runtime import KioskRuntime

log = logging.getLogger(__name__)

HUB_DB = "hub.sqlite"
DEMO_TELLER_TOKEN = "demo_teller.token"
DEMO_TELLER = "T-DEMO"
#: The demo's tokens last a day; the kiosk issues new ones at every start.
DEMO_TOKEN_TTL_S = 24 * 3600.0
HUB_READY_S = 20.0
_READY_LINE = re.compile(r"call hub on (http://127\.0\.0\.1:(\d+))")
_LOOPBACK = ("127.0.0.1", "localhost")


def wants_local_hub(cfg: Any) -> bool:
    """A demo configuration (every device simulated) whose hub is ws:// on loopback."""
    devices = cfg.devices.configured()
    if not devices or not all(s.url.startswith("sim://") for s in devices.values()):
        return False
    parts = urlsplit(cfg.hub.url)
    return parts.scheme == "ws" and parts.hostname in _LOOPBACK and parts.port is not None


def hub_command(db: Path, key_file: Path, port: int, settings: Any) -> list[str]:
    return [sys.executable, "-m", "video_teller.hub.service", "--listen", f"127.0.0.1:{port}",
            "--db", str(db), "--key-file", str(key_file),
            "--kiosk-grace", str(settings.kiosk_grace_s), "--wrap-up", str(settings.wrap_up_s)]


def hub_answers(port: int, timeout_s: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=timeout_s) as r:
            return r.status == 200 and bool(json.loads(r.read()).get("ok"))
    except (OSError, ValueError):
        return False


def _under(base: Path, path: Path) -> Path:
    return path if path.is_absolute() else base / path


def _write_secret(path: Path, text: str) -> None:
    import os

    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text + "\n")
    os.replace(tmp, path)


def journal_of(runtime: KioskRuntime) -> Callable[[str, dict[str, Any]], object]:
    """The runtime's one journal writer as a ``journal(kind, data)`` callable."""
    writer = runtime.journal_writer

    def journal(kind: str, data: dict[str, Any]) -> object:
        return writer.append(kind, data) if writer is not None else None

    return journal


class TellerStart:
    """One kiosk run's video teller: the worker, the demo's hub process, the call."""

    def __init__(self, runtime: KioskRuntime,
                 on_ready: Callable[[Any], None] | None = None) -> None:
        self.runtime = runtime
        self.on_ready = on_ready
        self.done = threading.Event()
        self.call: Any = None
        self.reason = ""
        self.console_url = ""
        self._hub: ChildService | None = None
        self._lock = threading.Lock()
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="teller-start", daemon=True)

    def start(self) -> None:
        self.runtime.stop_hooks.append(self.stop)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._bring_up()
        except Exception as exc:
            log.exception("video teller: start failed")
            self.reason = self.reason or f"unexpected error: {exc}"
        finally:
            self.done.set()

    def _fail(self, reason: str) -> None:
        self.reason = reason
        log.error("video teller: %s", reason)

    def _bring_up(self) -> None:
        cfg: Any = self.runtime.config
        settings = cfg.hub
        secrets = cfg.path("secrets_dir")
        camera = self.runtime.devices.get("camera")
        if camera is None:
            return self._fail("no camera configured: video calls are off")
        if wants_local_hub(cfg) and not self._start_local_hub(cfg, settings, secrets):
            return None
        call = self._build_call(cfg, settings, secrets, camera)
        with self._lock:
            if self._stopping:
                call.close()
                return self._fail("the kiosk stopped before the video teller was ready")
            self.call = call
            self.runtime.services["teller_call"] = call
        # Recordings past their retention are purged now and daily (each purge journalled).
        from video_teller.kiosk.recorder import keep_retention

        purge = self.runtime.loop.submit(keep_retention(
            call.recordings_dir, settings.recording_retention_days, journal_of(self.runtime)))

        def stop_purging() -> None:
            purge.cancel()

        self.runtime.stop_hooks.append(stop_purging)
        log.info("video teller ready: hub %s", settings.url)
        if self.on_ready is not None:
            self.on_ready(call)
        return None

    def _start_local_hub(self, cfg: Any, settings: Any, secrets: Path) -> bool:
        from video_teller.hub.tokens import issue, load_or_create_key

        port = urlsplit(settings.url).port
        assert port is not None  # wants_local_hub checked it
        key_file = _under(secrets, settings.secret_file)
        key = load_or_create_key(key_file)
        # The demo provisions its own kiosk and one teller (a real hub's operator does this).
        _write_secret(_under(secrets, settings.token_file),
                      issue(key, role="kiosk", sub=cfg.kiosk.id, ttl_s=DEMO_TOKEN_TTL_S))
        teller_file = secrets / DEMO_TELLER_TOKEN
        _write_secret(teller_file, issue(key, role="teller", sub=DEMO_TELLER,
                                         name="Demo Teller", ttl_s=DEMO_TOKEN_TTL_S))
        url = f"http://127.0.0.1:{port}"
        if hub_answers(port):
            log.info("video teller: a call hub already answers on %s; using it", url)
        else:
            child = ChildService("the call hub",
                                 hub_command(_under(cfg.data_dir, settings.db), key_file, port,
                                             settings),
                                 _READY_LINE, ready_s=HUB_READY_S)
            with self._lock:
                if self._stopping:
                    return False
                self._hub = child
            try:
                url = child.start().group(1)
            except ChildServiceError as exc:
                self._fail(str(exc))
                return False
        self.console_url = f"{url}/console/"
        log.warning("video teller: teller console %s — sign in with the token in %s",
                    self.console_url, teller_file)
        return True

    def _build_call(self, cfg: Any, settings: Any, secrets: Path, camera: Any) -> Any:
        from customer_flows.card_session import evidence_service
        from customer_flows.teller_actions import KioskTellerActions, current_flow
        from customer_flows.teller_callback import BranchCallbacks
        from o2o_sync.store import BranchStore
        from video_teller.kiosk.call import TellerCall

        runtime = self.runtime
        journal = journal_of(runtime)
        stores: list[BranchStore] = []

        def store() -> BranchStore:  # opened on first booking, on the call's worker
            if not stores:
                stores.append(BranchStore.from_config(cfg))
                runtime.stop_hooks.insert(0, stores[0].close)
            return stores[0]

        kiosk = {"branch": cfg.kiosk.branch, "kiosk_id": cfg.kiosk.id,
                 "timezone": cfg.kiosk.timezone}
        actions = KioskTellerActions(current=current_flow(runtime), devices=runtime.devices,
                                     kiosk=kiosk, evidence=lambda: evidence_service(cfg),
                                     language=cfg.kiosk.locale,
                                     teller_band=cfg.identity.teller_band)
        booker = BranchCallbacks(store, settings, cfg.kiosk.timezone)
        return TellerCall(settings, kiosk_id=cfg.kiosk.id, camera=camera,
                          loop=runtime.loop.loop, journal=journal, actions=actions,
                          booker=booker, secrets_dir=secrets, data_dir=cfg.data_dir,
                          timezone=cfg.kiosk.timezone)

    def stop(self) -> None:
        with self._lock:
            self._stopping = True
            call, self.call = self.call, None
            self.runtime.services.pop("teller_call", None)
            hub = self._hub
        if call is not None:
            call.close()
        if hub is not None:
            hub.stop()
        self._thread.join(timeout=10)


_STARTS: dict[int, TellerStart] = {}


def start_teller(runtime: KioskRuntime, on_ready: Callable[[Any], None] | None = None) -> bool:
    """Start bringing the video teller up (returns at once); False without ``[hub]``."""
    cfg: Any = runtime.config
    if getattr(cfg, "hub", None) is None or id(runtime) in _STARTS:
        return False
    start = TellerStart(runtime, on_ready)
    _STARTS[id(runtime)] = start
    def forget() -> None:
        _STARTS.pop(id(runtime), None)

    runtime.stop_hooks.append(forget)
    start.start()
    return True


def teller_start(runtime: KioskRuntime) -> TellerStart | None:
    return _STARTS.get(id(runtime))
