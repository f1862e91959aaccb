"""The demo's appointments: reference channel + branch sync on the core loop, seeded today;
a check-in made while the link is down reaches the channel exactly once afterwards."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

from ports import free_port
from waiting import poll

from customer_flows import checkin
from customer_flows.qr_scan import QrScanner
from demo import appointments as demo
from kiosk_core.core_loop import CoreLoop
from kiosk_core.flows import FlowEngine, FlowStore
from receipts.queue_page import links_for


class DemoO2O:
    """run_demo_o2o on a core loop, stoppable and restartable (the link going down/up)."""

    def __init__(self, cfg: Any) -> None:
        self.cfg = cfg
        self.loop = CoreLoop().start()
        self._stop: asyncio.Event | None = None
        self._task: Any = None

    def start(self) -> None:
        async def run() -> None:
            self._stop = asyncio.Event()
            await demo.run_demo_o2o(self.cfg, self._stop)

        self._task = self.loop.submit(run())
        poll(lambda: self._stop is not None)

    def down(self) -> None:
        assert self._stop is not None
        self.loop.call_soon(self._stop.set)
        self._task.result(timeout=15)
        self._stop = None

    def close(self) -> None:
        if self._stop is not None:
            self.down()
        self.loop.stop()


def test_demo_booking_checked_in_offline_reaches_the_channel_once(
        kiosk_config: Any, closing: Any, tmp_path: Path) -> None:
    from o2o_sync.channel.service import ChannelService

    sync = kiosk_config.sync.model_copy(update={
        "channel_url": f"http://127.0.0.1:{free_port()}",
        "webhook_listen": f"127.0.0.1:{free_port()}", "interval_s": 0.5})
    cfg = kiosk_config.model_copy(update={"sync": sync})
    assert demo.is_demo(cfg)
    o2o = closing(DemoO2O(cfg))
    o2o.start()
    state = cfg.data_dir / "demo-appointments.json"
    poll(lambda: demo.demo_qr_text())  # seeded, and the channel is listening
    seeded = json.loads(state.read_text("utf-8"))
    first = seeded["bookings"][0]
    assert demo.demo_qr_text() == first["qr"]
    desk = checkin.desk_for(cfg)
    closing(type("Desks", (), {"close": staticmethod(checkin.close_desks)})())
    # Booked on the channel → at the branch (pulled by the sync loop).
    poll(lambda: desk.store.appointment(first["id"]))

    o2o.down()  # the link to the channel is cut
    engine = FlowEngine(closing(FlowStore(tmp_path / "flows.sqlite")),
                        {checkin.FLOW: checkin.definition()},
                        resources={"devices": {}, "checkin_desk": desk,
                                   "queue_links": links_for(cfg)})
    svc = checkin.CheckinService(desk, engine, branch="Demo Branch",
                                 zone=cfg.kiosk.timezone, printer=None,
                                 queue_links=links_for(cfg))
    found = svc.find_by_qr(first["qr"])  # the day's appointments stay available offline
    result = svc.check_in(found.appointment_id, "en_US")
    assert not result.printed and result.ticket_number.startswith("A")
    assert desk.store.outbox_depth() == 1  # queued for the link

    o2o.start()  # link back: seeded once per day, so no new bookings; the outbox goes up
    poll(lambda: desk.store.outbox_depth() == 0)
    channel = ChannelService(cfg.data_dir / "demo-channel.sqlite")
    try:
        events = channel.branch_events(first["id"])
    finally:
        channel.close()
    assert [e["kind"] for e in events] == ["check_in"]
    assert len(json.loads((cfg.data_dir / "demo-appointments.json").read_text())["bookings"]) \
        == len(seeded["bookings"])
    # A disk image of the kiosk's data shows none of the customers in clear: the branch DB
    # (and its WAL) is encrypted, its key is outside data_dir. (demo-*: the simulated bank
    # channel and its seed, which a real kiosk does not hold.)
    secrets = cfg.path("secrets_dir").resolve()
    words = [w.encode() for b in seeded["bookings"]
             for w in (b["name"], "".join(ch for ch in b["phone"] if ch.isdigit()))]
    leaks = [f"{f.name}: {w.decode()}" for f in sorted(cfg.data_dir.rglob("*"))
             if f.is_file() and not f.name.startswith("demo-")
             and not f.resolve().is_relative_to(secrets) for w in words
             if w in f.read_bytes()]
    assert leaks == []
    branch_db = cfg.path("branch_db").read_bytes()
    assert not branch_db.startswith(b"SQLite format 3")  # encrypted, not just free of names


def test_the_simulated_customer_shows_the_demo_qr(kiosk_config: Any, opened: Any) -> None:
    camera = opened("camera", kiosk_config.devices.camera)  # sim://camera?scene=customer
    before = camera.scene
    restore = demo.show_phone(camera, "O2O:demo-token-123456")
    assert restore is not None
    scanner = QrScanner(camera)
    try:
        text = poll(lambda: scanner.next(timeout=2.0).text)
    finally:
        scanner.close()
        restore()
    assert text == "O2O:demo-token-123456"
    assert camera.scene is before


def test_a_demo_started_later_books_appointments_it_can_check_in(tmp_path: Path) -> None:
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from o2o_sync.channel.service import ChannelService

    zone = "Asia/Shanghai"
    out = tmp_path / "demo-appointments.txt"
    svc = ChannelService(tmp_path / "channel.sqlite")
    try:
        morning = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo(zone))
        first = demo.seed_today(svc, "DEMO", zone, out, now=morning)
        assert first and first[0]["local_time"] == "2026-11-23 09:05"
        # Restarted a few minutes later: the same appointments, nothing booked twice.
        assert demo.seed_today(svc, "DEMO", zone, out, now=morning + timedelta(minutes=7)) \
            == first
        # Started again in the afternoon: the morning's are past their window, so a new set.
        later = demo.seed_today(svc, "DEMO", zone, out, now=morning + timedelta(hours=6))
        assert later[0]["local_time"] == "2026-11-23 15:05"
        assert {b["id"] for b in later}.isdisjoint(b["id"] for b in first)
        assert "15:05" in out.read_text("utf-8")
    finally:
        svc.close()


def test_the_simulated_customer_follows_the_screens_prompts(kiosk_config: Any,
                                                             opened: Any) -> None:
    """demo.customer reads the prompt board: the scan screen's ask brings out the phone with
    the booking's QR code; the next ask puts it away. No session has a demo branch."""
    from demo.customer import follow
    from kiosk_core.prompts import IDLE, Prompt, PromptBoard

    camera = opened("camera", kiosk_config.devices.camera)  # sim://camera?scene=customer
    before = camera.scene
    board = PromptBoard()
    detach = follow(board, camera, qr_text=lambda: "O2O:demo-token-654321")
    scanner = QrScanner(camera)
    try:
        board.show(Prompt("checkin", "show_qr"))
        assert camera.scene is not before
        text = poll(lambda: scanner.next(timeout=2.0).text)
        board.show(IDLE)
        assert camera.scene is before
    finally:
        scanner.close()
        detach()
    assert text == "O2O:demo-token-654321"
