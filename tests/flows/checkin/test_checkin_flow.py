"""The check-in flow without a screen: real branch DB, real printer and camera simulators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from qr_images import decode_file

from customer_flows import checkin
from customer_flows.checkin import CheckinRefused, CheckinService, mask_name
from customer_flows.checkin_session import MAX_PHONE_ATTEMPTS, CheckinSession
from customer_flows.qr_scan import QrScanner
from kiosk_core.flows import FlowEngine, FlowStore
from receipts.queue_page import links_for

from .conftest import QR_TOKEN, ZONE


@pytest.fixture
def service(checkin_config: Any, opened: Any, closing: Any, desks: None,
            tmp_path: Path) -> Any:
    def make(printer_url: str | None = None) -> CheckinService:
        cfg = checkin_config
        settings = cfg.devices.printer
        if printer_url:
            settings = settings.model_copy(
                update={"url": f"{printer_url}&out={tmp_path / 'pages'}"})
        printer = opened("printer", settings)
        printer.bind_storage(tmp_path / "data")
        desk = checkin.desk_for(cfg)
        store = closing(FlowStore(tmp_path / "flows.sqlite"))
        links = links_for(cfg)
        engine = FlowEngine(store, {checkin.FLOW: checkin.definition()},
                            resources={"devices": {"printer": printer}, "checkin_desk": desk,
                                       "queue_links": links})
        return CheckinService(desk, engine, branch="Demo Branch", zone=ZONE,
                              printer=printer, queue_links=links)

    return make


def outbox(svc: CheckinService, aid: str) -> list[Any]:
    return [r for r in svc.desk.store.outbox_due(limit=100) if r["appointment_id"] == aid]


def test_qr_from_the_camera_to_a_printed_ticket(service: Any, checkin_config: Any,
                                                opened: Any) -> None:
    svc = service()
    camera = opened("camera", checkin_config.devices.camera)
    scanner = QrScanner(camera)
    try:
        text = ""
        for _ in range(40):  # frames, not seconds: the decoder needs a steady one
            shot = scanner.next(timeout=2.0)
            assert shot.image is not None and shot.image.shape[2] == 3
            if shot.text:
                text = shot.text
                break
    finally:
        scanner.close()
    assert text == f"O2O:{QR_TOKEN}"
    found = svc.find_by_qr(text)
    assert (found.appointment_id, found.service, found.today) == ("apt_qr", "loan", True)
    assert found.name_masked == "王*明" and found.phone_masked == "***2222"

    result = svc.check_in(found.appointment_id, "zh_CN")
    assert result.printed and result.ticket_number.startswith("A")
    sim = svc.printer.simulator
    pages = sim.wait_for_pages(1)
    assert decode_file(pages[-1].path) == result.ticket_url
    assert result.ticket_url.startswith(svc.printer.settings.receipt_base_url)
    # The QR is the ticket's live queue page, signed for this very ticket and language.
    assert "/q/" in result.ticket_url
    ref = svc.queue_links.verify(result.ticket_url.rsplit("/", 1)[1])
    ticket = svc.desk.store.ticket(ref.ticket_id) if ref else None
    assert ticket is not None and ticket["number"] == result.ticket_number
    # Exactly one check-in event waits for upload, in the same DB as the ticket.
    events = outbox(svc, "apt_qr")
    assert [e["kind"] for e in events] == ["check_in"]
    assert svc.printer.pending_jobs() == []  # printed: not kept


def test_phone_and_code_then_a_second_check_in_is_refused(service: Any) -> None:
    svc = service()
    found = svc.find_by_phone("13800138000", "k7q2mx")  # no country code, code any case
    assert found.appointment_id == "apt_phone" and found.name_masked == "M*** J******"
    first = svc.check_in(found.appointment_id, "en_US")
    assert first.printed
    with pytest.raises(CheckinRefused) as again:
        svc.find_by_phone("13800138000", "K7Q2MX")
    assert again.value.code == "used"
    with pytest.raises(CheckinRefused) as twice:  # confirmed twice (a double tap, two kiosks)
        svc.check_in(found.appointment_id, "en_US")
    assert twice.value.code == "used"
    assert len(outbox(svc, "apt_phone")) == 1
    tickets = [t for t in svc.desk.store.tickets_today() if t["appointment_id"] == "apt_phone"]
    assert [t["number"] for t in tickets] == [first.ticket_number]


@pytest.mark.parametrize(("how", "code", "detail"), [
    (("qr", "O2O:tok-apt_early-000000"), "too_early", r"\d\d:\d\d"),
    (("qr", "O2O:tok-apt_cancel-000000"), "cancelled", ""),
    (("qr", "O2O:tok-nobody-00000000"), "unknown", ""),
    (("qr", "https://example.com/not-ours"), "invalid", ""),
    (("phone", "13800138000", "ZZZZ22"), "unknown", ""),
])
def test_refusals_carry_a_code_the_screen_can_word(service: Any, how: tuple[str, ...],
                                                   code: str, detail: str) -> None:
    import re

    svc = service()
    with pytest.raises(CheckinRefused) as refused:
        if how[0] == "qr":
            svc.find_by_qr(how[1])
        else:
            svc.find_by_phone(how[1], how[2])
    assert refused.value.code == code
    assert re.fullmatch(detail, refused.value.detail)


def test_printer_out_of_paper_keeps_the_job_and_the_check_in(service: Any) -> None:
    svc = service("sim://printer?paper=out")
    found = svc.find_by_qr(f"O2O:{QR_TOKEN}")
    result = svc.check_in(found.appointment_id, "en_US")
    assert not result.printed and result.print_error
    assert result.ticket_number.startswith("A")  # checked in all the same
    kept = svc.printer.pending_jobs()
    assert [j.id for j in kept] == [result.job_id]
    assert result.ticket_url in kept[0].qr_payloads
    # Paper loaded: staff reprint the very job, and the ticket's QR is what was sent.
    svc.printer.simulator.clear("paper-out")
    outcome = svc.printer.reprint(result.job_id).result(timeout=20)
    assert outcome.printed
    page = svc.printer.simulator.wait_for_pages(1)[-1]
    assert decode_file(page.path) == result.ticket_url
    assert len(outbox(svc, "apt_qr")) == 1


def test_a_ticket_that_cannot_be_rendered_still_leaves_the_customer_checked_in(
        service: Any) -> None:
    svc = service()
    svc.branch = "A branch name far longer than the ticket's forty characters"
    result = svc.check_in("apt_phone", "en_US")
    assert not result.printed and "branch" in result.print_error
    assert result.ticket_number.startswith("A")  # shown on screen with the ticket's QR
    assert len(outbox(svc, "apt_phone")) == 1


def test_works_with_the_channel_down(service: Any) -> None:
    """No channel is running at all here: look-up and check-in need only the branch DB,
    and the check-in waits in the outbox for the link."""
    svc = service()
    result = svc.check_in(svc.find_by_qr(f"O2O:{QR_TOKEN}").appointment_id, "en_US")
    assert result.printed
    assert svc.desk.store.outbox_depth() >= 1


def test_session_limits_phone_attempts() -> None:
    s = CheckinSession()
    s.choose_phone()
    for d in "13800138000":
        s.press(d)
    s.press("x")
    assert s.phone == "13800138000" and s.phone_next()
    for _ in range(MAX_PHONE_ATTEMPTS):
        for ch in "k7q2m":
            s.press(ch)
        s.press("0")  # not in the booking-code alphabet: ignored
        assert s.code == "K7Q2M"
        assert s.start_lookup() == {"phone": "13800138000", "code": "K7Q2M"}
        s.refused("unknown")
        if s.error != "too_many":
            s.retry()
            assert s.step == "code" and s.code == ""
    assert s.error == "too_many" and not s.can_retry
    s.retry()
    assert s.step == "error"  # no more tries: a person helps now
    assert s.start_lookup() is None


def test_masking() -> None:
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧**娜"
    assert mask_name("Mary Ann Lee") == "M*** A** L**"
    assert mask_name("") == ""


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=2), max_size=40))
def test_keypads_only_ever_hold_what_a_look_up_accepts(keys: list[str]) -> None:
    """Whatever is tapped (or injected), the phone is digits and the code is in the
    channel's alphabet, within their lengths, so look-ups never see junk."""
    from customer_flows.checkin_session import CODE_KEYS, CODE_LEN, PHONE_MAX

    s = CheckinSession()
    s.choose_phone()
    for k in keys:
        s.press(k)
    assert all(c in "0123456789" for c in s.phone) and len(s.phone) <= PHONE_MAX
    if not s.phone_ok:
        s.phone = "13800138000"
    assert s.phone_next()
    for k in keys:
        s.press(k)
        if k == "\b":
            s.delete()
    assert all(c in CODE_KEYS for c in s.code) and len(s.code) <= CODE_LEN
