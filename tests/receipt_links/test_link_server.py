"""The receipt link a customer scans when the printer is out: a real server on loopback over
the printer's real job store, jobs made by the real driver against the simulator (paper out)."""

from __future__ import annotations

import html
import http.client
import io
import re
import signal
import socket
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
from daytime import ZONE
from flows.checkin.conftest import checkin_config, desks, opened  # noqa: F401  (fixtures)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image
from ports import free_port
from qr_images import decode_qrs

from devices.printer.driver import ReceiptPrinter, create
from devices.printer.jobkey import load_or_create_key
from devices.printer.jobs import JobStore, PrintJob
from devices.printer.settings import PrinterSettings
from kiosk_app.config import ConfigError, parse_config
from kiosk_core.core_loop import CoreLoop
from o2o_sync.aio import ServerThread
from receipts.link_server import HEADERS, make_link_app, start_link_server
from receipts.links import link_for, receipt_url
from receipts.printing import print_template
from receipts.samples import SAMPLES

REPO = Path(__file__).resolve().parents[2]
KIOSK = [sys.executable, "-m", "kiosk_app.cli"]


def key_path_in(data_dir: Path) -> Path:
    """Where a printer bound to ``data_dir`` keeps its jobs' key (jobs_key_path's default)."""
    return data_dir / "secrets" / "print-jobs.key"


@pytest.fixture
def jobs(tmp_path: Path) -> JobStore:
    # Where the printer below keeps its jobs, with the key it finds under its data dir.
    return JobStore(tmp_path / "printer-jobs", key=load_or_create_key(key_path_in(tmp_path)))


@pytest.fixture
def links(jobs: JobStore, closing: Callable[[Any], Any]) -> ServerThread:
    srv = ServerThread(lambda: make_link_app(jobs, zone=ZONE), name="receipt-links")
    return closing(srv.start())


@pytest.fixture
def printer(tmp_path: Path, links: ServerThread, closing: Callable[[Any], Any]) -> ReceiptPrinter:
    """The receipt printer with its paper out, sending customers to our server."""
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5,
                               receipt_base_url=f"{links.url}/r")
    p = closing(create("printer", settings, data_dir=tmp_path))
    assert isinstance(p, ReceiptPrinter)
    p.start().result(timeout=10)
    return p


def print_card_receipt(printer: ReceiptPrinter, lang: str = "en_US") -> Any:
    outcome = print_template(printer, "card_issuance", lang,
                                     SAMPLES["card_issuance"][lang]).result(timeout=15)
    assert not outcome.printed and outcome.alternative is not None  # kept: paper out
    return outcome


def fetch(srv: ServerThread, path: str, method: str = "GET") -> tuple[int, Any, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=15)
    try:
        conn.request(method, path)
        resp = conn.getresponse()
        return resp.status, resp.headers, resp.read()
    finally:
        conn.close()


def assert_text_shown(text: str, page: str) -> None:
    """Every word of the receipt's plain text is on the page, HTML-escaped, in order."""
    body = page.split('<div class="receipt">', 1)[1]
    at = 0
    for line in text.splitlines():
        for piece in re.split(r" {2,}", line.strip()):
            if piece and not set(piece) <= set("-"):
                found = body.find(html.escape(piece), at)
                assert found >= 0, piece
                at = found


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path


# -- the page and the picture ------------------------------------------------------------------


@pytest.mark.parametrize(("lang", "html_lang", "words"),
                         [("zh_CN", "zh-CN", "请截屏"), ("en_US", "en", "Take a screenshot")])
def test_link_shows_the_receipt_text_and_a_picture_whose_qr_scans(
        printer: ReceiptPrinter, links: ServerThread, lang: str, html_lang: str,
        words: str) -> None:
    outcome = print_card_receipt(printer, lang)
    job = printer.jobs.get(outcome.job_id)
    assert job.state == "failed" and job.text

    status, headers, body = fetch(links, path_of(link_for(printer.settings, outcome.alternative)))
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    page = body.decode("utf-8")
    assert f'<html lang="{html_lang}">' in page
    assert words in page and html.escape(job.title) in page
    assert_text_shown(job.text, page)
    assert "6222021234567890123" not in page  # the card number stays masked
    assert "<script" not in page

    src = html.unescape(re.search(r'<img src="([^"]+)"', page).group(1))  # type: ignore[union-attr]
    link = link_for(printer.settings, outcome.alternative)
    status, headers, png = fetch(links, path_of(urljoin(link, src)))
    assert status == 200 and headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(png)) as img:
        img.load()
        assert img.format == "PNG" and img.height > 400
        assert decode_qrs(img) == job.qr_payloads == [SAMPLES["card_issuance"][lang]["receipt_url"]]


def test_picture_falls_back_to_the_text_when_the_bytes_are_gone(
        printer: ReceiptPrinter, links: ServerThread, jobs: JobStore) -> None:
    outcome = print_card_receipt(printer)
    (jobs.dir / f"{outcome.job_id}.bin").unlink()
    job_path = path_of(link_for(printer.settings, outcome.alternative))
    status, headers, png = fetch(links, job_path.replace("?", ".png?", 1))
    assert status == 200 and headers["Content-Type"] == "image/png"
    with Image.open(io.BytesIO(png)) as img:
        assert img.format == "PNG" and img.height > 200


def test_every_answer_carries_the_strict_headers(printer: ReceiptPrinter,
                                                 links: ServerThread, jobs: JobStore) -> None:
    outcome = print_card_receipt(printer)
    page = path_of(link_for(printer.settings, outcome.alternative))
    answers = [fetch(links, page), fetch(links, page.replace("?", ".png?", 1)),
               fetch(links, "/r/nope"), fetch(links, page, "POST")]
    job = jobs.get(outcome.job_id)
    job.created -= 8 * 86400
    jobs.save(job)
    answers.append(fetch(links, page))
    assert [a[0] for a in answers] == [200, 200, 404, 405, 410]
    for _, headers, _ in answers:
        for name, value in HEADERS.items():
            assert headers[name] == value
        assert "Server" not in headers
    csp = HEADERS["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "img-src 'self'" in csp and "script" not in csp


# -- misses: one answer, whatever the reason -------------------------------------------------


def test_misses_all_get_the_same_404(printer: ReceiptPrinter, links: ServerThread) -> None:
    outcome = print_card_receipt(printer)
    other = print_card_receipt(printer, "zh_CN")
    job_id, token = outcome.job_id, printer.jobs.get(outcome.job_id).token
    other_token = printer.jobs.get(other.job_id).token
    unknown = "20260101T000000-0123abcd"
    paths = [
        f"/r/{job_id}?t={token[:-1]}",  # wrong token
        f"/r/{job_id}?t={token}x",
        f"/r/{job_id}?t={other_token}",  # another customer's token
        f"/r/{job_id}.png?t={other_token}",
        f"/r/{job_id}",  # no token
        f"/r/{job_id}?t=",
        f"/r/{job_id}?token={token}",
        f"/r/{unknown}?t={token}",  # unknown job
        f"/r/{unknown}.png?t={token}",
        f"/r/{job_id.swapcase()}?t={token}",  # case differs (the "T" at least)
        f"/r/{job_id}%0A?t={token}",  # id + newline ("$" would match it)
        f"/r/{job_id}%00?t={token}",
        f"/r/..%2F{job_id}?t={token}",  # path traversal
        f"/r/..%2F..%2F..%2Fetc%2Fpasswd?t={token}",
        f"/r/%2E%2E%2Fprinter-jobs%2F{job_id}?t={token}",
        f"/r/../r/{unknown}?t={token}",
        f"/r/{job_id}.json?t={token}",
        f"/r/{job_id}.bin?t={token}",
        f"/r/%E4%B8%AD%E6%96%87?t={token}",  # non-ASCII
        f"/r/{job_id}?t=%E4%B8%AD",
        f"/r/{job_id}?t=%FF%FE",  # not UTF-8
        f"/r/{'9' * 5000}?t={token}",  # huge id
        f"/r/{job_id}?t={'A' * 5000}",  # huge token
        "/r/", "/r", "/", "/favicon.ico", "/printer-jobs/x",
    ]
    answers = [fetch(links, p) for p in paths]
    assert [a[0] for a in answers] == [404] * len(paths)
    assert len({a[2] for a in answers}) == 1  # byte for byte the same page
    assert "Receipt not found" in answers[0][2].decode("utf-8")
    # …while the real link works.
    assert fetch(links, f"/r/{job_id}?t={token}")[0] == 200


def test_raw_bytes_in_the_path_are_never_a_server_error(links: ServerThread) -> None:
    with socket.create_connection(("127.0.0.1", links.port), timeout=10) as s:
        s.sendall(b"GET /r/\xe4\xb8\xad\xff?t=\xff HTTP/1.1\r\n"
                  b"Host: x\r\nConnection: close\r\n\r\n")
        reply = b""
        while chunk := s.recv(65536):
            reply += chunk
    status = int(reply.split(b" ", 2)[1])
    assert 400 <= status < 500


_hostile = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
    st.sampled_from(["..", "../", "..%2F", "%2e%2e/", "/etc/passwd", "\x00", "%00", "?", "#",
                     ".png", "20260101T000000-0123abcd", "20260101T000000-0123abcd.png"]),
    st.builds(lambda a, b: a + b, st.sampled_from(["..%2F", "%2F", "./", "%00"]),
              st.text(max_size=40)),
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(job_id=_hostile, token=_hostile, raw=st.booleans(), png=st.booleans())
def test_hostile_ids_and_tokens_never_get_more_than_a_404(
        links: ServerThread, jobs: JobStore, job_id: str, token: str, raw: bool,
        png: bool) -> None:
    if raw:  # as typed, only what http.client accepts on the request line
        path_id = "".join(c for c in job_id if 0x21 <= ord(c) < 0x7F and c not in "?#")
        path_token = "".join(c for c in token if 0x21 <= ord(c) < 0x7F and c != "#")
    else:
        path_id = quote(job_id.encode("utf-8", "surrogatepass"), safe="")
        path_token = quote(token.encode("utf-8", "surrogatepass"), safe="")
    status, headers, body = fetch(links, f"/r/{path_id}{'.png' if png else ''}?t={path_token}")
    assert status == 404, (status, body[:200])
    assert headers["Cache-Control"] == "no-store"


# -- expiry and methods ----------------------------------------------------------------------


def test_links_expire_after_the_configured_time(printer: ReceiptPrinter, jobs: JobStore,
                                                closing: Callable[[Any], Any]) -> None:
    outcome = print_card_receipt(printer)
    job = jobs.get(outcome.job_id)
    job.created = time.time() - 2 * 86400  # printed two days ago
    jobs.save(job)
    page = path_of(link_for(printer.settings, outcome.alternative))
    one_day = closing(ServerThread(lambda: make_link_app(jobs, lifetime_days=1)).start())
    week = closing(ServerThread(lambda: make_link_app(jobs)).start())  # the default: 7 days

    assert fetch(week, page)[0] == 200
    status, _, body = fetch(one_day, page)
    assert status == 410 and "this receipt link has expired" in body.decode("utf-8").lower()
    assert fetch(one_day, page.replace("?", ".png?", 1))[0] == 410
    # Without the right token an expired link is a plain miss: no oracle either.
    assert fetch(one_day, page[:-2])[0] == 404
    assert fetch(one_day, page[:-2])[2] == fetch(one_day, "/r/nothing")[2]

    job.created = time.time() - 8 * 86400
    jobs.save(job)
    assert fetch(week, page)[0] == 410


def test_only_get_and_head(printer: ReceiptPrinter, links: ServerThread) -> None:
    page = path_of(link_for(printer.settings, print_card_receipt(printer).alternative))
    for method in ("POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
        status, headers, _ = fetch(links, page, method)
        assert status == 405, method
        assert headers["Allow"] == "GET, HEAD"
    status, headers, body = fetch(links, page, "HEAD")
    assert status == 200 and body == b"" and headers["Content-Type"].startswith("text/html")


# -- the links the flows really show ---------------------------------------------------------


def test_the_card_flows_on_screen_link_opens_the_receipt(printer: ReceiptPrinter) -> None:
    """What the card flow shows when the printer is out: the driver's kept job and
    receipts.links — opened as a phone would, from the URL alone."""
    outcome = print_card_receipt(printer)
    kept = printer.pending_jobs()
    assert [j.id for j in kept] == [outcome.job_id]
    url = link_for(printer.settings, outcome.alternative)
    assert url == receipt_url(printer.settings.receipt_base_url, kept[0].id, kept[0].token)
    with urllib.request.urlopen(url, timeout=15) as resp:
        assert resp.status == 200
        page = resp.read().decode("utf-8")
    assert_text_shown(kept[0].text, page)
    # Paper loaded and the job reprinted: the receipt is not kept, nor is the link.
    printer.simulator.clear("paper-out")
    printer.simulator.load_paper()
    assert printer.reprint(outcome.job_id).result(timeout=20).printed
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url, timeout=15)
    assert gone.value.code == 404


def test_the_check_in_tickets_qr_opens_its_live_queue_page(
        checkin_config: Any, opened: Any, closing: Any, desks: None,  # noqa: F811
        tmp_path: Path) -> None:
    """Printer out: the screen shows the ticket's QR — the same link the paper would carry —
    and it opens this ticket's live queue page (number, where it stands, its language); the
    ticket job stays kept for a reprint."""
    from flows.checkin.conftest import QR_TOKEN

    from customer_flows import checkin
    from customer_flows.checkin import CheckinService
    from kiosk_core.flows import FlowEngine, FlowStore
    from receipts.queue_page import links_for

    store = JobStore(tmp_path / "data" / "printer-jobs",
                     key=load_or_create_key(key_path_in(tmp_path / "data")))
    desk = checkin.desk_for(checkin_config)
    links = links_for(checkin_config)
    srv = closing(ServerThread(lambda: make_link_app(
        store, zone=ZONE, tickets=desk.store, queue_links=links)).start())
    settings = checkin_config.devices.printer.model_copy(update={
        "url": f"sim://printer?paper=out&out={tmp_path / 'pages'}",
        "receipt_base_url": f"{srv.url}/r/"})
    printer = opened("printer", settings)
    printer.bind_storage(tmp_path / "data")
    engine = FlowEngine(closing(FlowStore(tmp_path / "flows.sqlite")),
                        {checkin.FLOW: checkin.definition()},
                        resources={"devices": {"printer": printer}, "checkin_desk": desk,
                                   "queue_links": links})
    svc = CheckinService(desk, engine, branch="Demo Branch", zone=ZONE, printer=printer,
                         queue_links=links)

    result = svc.check_in(svc.find_by_qr(f"O2O:{QR_TOKEN}").appointment_id, "zh_CN")
    assert not result.printed and result.ticket_url.startswith(f"{srv.url}/r/q/")
    assert printer.has_job(result.job_id)  # kept for the reprint
    assert result.ticket_url in printer.jobs.get(result.job_id).qr_payloads  # = the paper's
    status, _, body = fetch(srv, path_of(result.ticket_url))
    assert status == 200
    page = body.decode("utf-8")
    assert result.ticket_number in page and '<html lang="zh-CN">' in page
    assert "下一位就是您" in page  # where it stands: no one else waits
    called = desk.store.call_next("3")  # called at counter 3: the same link says so
    assert called is not None and called["number"] == result.ticket_number
    page = fetch(srv, path_of(result.ticket_url))[2].decode("utf-8")
    assert "请到 3 号柜台办理" in page


# -- configuration, kiosk run and the CLI ------------------------------------------------------


def _demo_toml() -> dict[str, Any]:
    return tomllib.loads((REPO / "kiosk.toml").read_text("utf-8"))


@pytest.mark.parametrize(("key", "value"), [
    ("receipt_link_listen", "8093"), ("receipt_link_listen", "127.0.0.1:99999"),
    ("receipt_link_listen", "127.0.0.1:http"), ("receipt_link_days", 0),
    ("receipt_link_days", -1), ("receipt_link_days", "week"),
])
def test_bad_link_settings_name_the_key(key: str, value: Any) -> None:
    data = _demo_toml()
    data["devices"]["printer"][key] = value
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert any(p.startswith(f"devices.printer.{key}:") for p in err.value.problems), \
        err.value.problems


def test_demo_config_serves_its_own_links() -> None:
    p = parse_config(_demo_toml()).devices.printer
    assert p is not None
    assert p.receipt_link_listen == "127.0.0.1:8093" and p.receipt_link_days == 7
    assert p.receipt_base_url == "http://127.0.0.1:8093/r"
    data = _demo_toml()
    del data["devices"]["printer"]["receipt_link_listen"]
    del data["devices"]["printer"]["receipt_link_days"]
    off = parse_config(data).devices.printer
    assert off is not None and off.receipt_link_listen == "" and off.receipt_link_days == 7


def _config_with_listen(kiosk_config: Any, listen: str, **printer: Any) -> Any:
    devs = kiosk_config.devices
    return kiosk_config.model_copy(update={"devices": devs.model_copy(update={
        "printer": devs.printer.model_copy(update={"receipt_link_listen": listen,
                                                   **printer})})})


def _wait_for(url: str, timeout: float = 10.0) -> int:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                return int(resp.status)
        except urllib.error.HTTPError as exc:
            return exc.code
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def test_kiosk_run_starts_the_server_on_the_core_loop(
        kiosk_config: Any, tmp_path: Path, closing: Callable[[Any], Any]) -> None:
    port = free_port()
    cfg = _config_with_listen(kiosk_config, f"127.0.0.1:{port}",
                              url="sim://printer?paper=out", status_poll_s=0,
                              receipt_base_url=f"http://127.0.0.1:{port}/r")
    printer = closing(create("printer", cfg.devices.printer))
    assert isinstance(printer, ReceiptPrinter)
    printer.bind_storage(cfg.data_dir)
    printer.start().result(timeout=10)
    loop = CoreLoop().start()
    try:
        # What start_link_server reads of the kiosk runtime: its config, devices and loop.
        runtime = SimpleNamespace(config=cfg, devices={"printer": printer}, loop=loop)
        assert start_link_server(runtime)
        url = link_for(printer.settings, print_card_receipt(printer).alternative)
        assert url.startswith(f"http://127.0.0.1:{port}/r/")
        assert _wait_for(url) == 200
    finally:
        loop.stop()
    with pytest.raises(OSError):  # stopped with the kiosk
        urllib.request.urlopen(url, timeout=2)


def test_kiosk_run_leaves_it_off_when_no_address_is_set(kiosk_config: Any) -> None:
    cfg = _config_with_listen(kiosk_config, "")
    runtime = SimpleNamespace(config=cfg, devices={}, loop=SimpleNamespace(running=True))
    assert not start_link_server(runtime)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], int, Path]]:
    port = free_port()
    toml = (REPO / "kiosk.toml").read_text("utf-8").replace(
        '"http://127.0.0.1:8093/r"', f'"http://127.0.0.1:{port}/r"').replace(
        '"127.0.0.1:8093"', f'"127.0.0.1:{port}"')
    (tmp_path / "kiosk.toml").write_text(toml, "utf-8")
    proc = subprocess.Popen([*KIOSK, "receipts", "serve", "--config",
                             str(tmp_path / "kiosk.toml")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield proc, port, tmp_path / "kiosk.toml"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)


def test_cli_serves_the_kiosks_kept_jobs(served: Any, tmp_path: Path,
                                         closing: Callable[[Any], Any]) -> None:
    proc, port, _ = served
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert f"http://127.0.0.1:{port}/r/" in line, (line, proc.stderr.read() if proc.stderr else "")
    # The kiosk (here: its printer alone) keeps a job in the same folder.
    settings = PrinterSettings(url="sim://printer?paper=out", status_poll_s=0, timeout_s=5,
                               receipt_base_url=f"http://127.0.0.1:{port}/r")
    printer = closing(create("printer", settings, data_dir=tmp_path / "var"))
    assert isinstance(printer, ReceiptPrinter)
    printer.start().result(timeout=10)
    url = link_for(printer.settings, print_card_receipt(printer, "zh_CN").alternative)
    assert _wait_for(url) == 200
    assert _wait_for(f"http://127.0.0.1:{port}/r/{'x' * 30}?t=y") == 404
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0


def test_cli_without_an_address_names_the_key(tmp_path: Path) -> None:
    toml = (REPO / "kiosk.toml").read_text("utf-8").replace(
        'receipt_link_listen = "127.0.0.1:8093"', 'receipt_link_listen = ""')
    (tmp_path / "kiosk.toml").write_text(toml, "utf-8")
    proc = subprocess.run([*KIOSK, "receipts", "serve", "--config", str(tmp_path / "kiosk.toml")],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "devices.printer.receipt_link_listen" in proc.stderr and "Traceback" not in proc.stderr


def test_a_job_store_the_server_only_reads_is_left_as_it_is(tmp_path: Path) -> None:
    """`kiosk receipts serve` beside a running kiosk must not "repair" the kiosk's jobs."""
    from receipts.link_server import ReadOnlyJobStore

    store = JobStore(tmp_path / "jobs", key=load_or_create_key(key_path_in(tmp_path)))
    job = store.add(PrintJob("20261123T093000-0a1b2c3d", "card_issuance", "en_US", "Receipt",
                             time.time(), state="sending", text="hello"), b"hello\n")
    ro = ReadOnlyJobStore(tmp_path / "jobs", key_path_in(tmp_path))
    assert ro.get(job.id).state == "sending" and ro.data(job.id) == b"hello\n"
    (tmp_path / "jobs" / "20261123T093000-00000000.json").write_text("{broken", "utf-8")
    with pytest.raises(KeyError):
        ro.get("20261123T093000-00000000")
    assert (tmp_path / "jobs" / "20261123T093000-00000000.json").exists()


@given(st.text(max_size=300))
def test_receipt_text_is_always_escaped(text: str) -> None:
    from receipts.link_server import receipt_text_html

    out = receipt_text_html(text)
    bare = re.sub(r'</?(div|span|b)( class="row")?>|<hr>', "", out)
    assert "<" not in bare and ">" not in bare and '"' not in bare
    words = [w for w in re.split(r"\s+", text) if w and not set(w) <= set("-=_*")]
    for w in words[:20]:
        assert html.escape(w) in out
