"""The receipt link: what a customer's phone opens after scanning the on-screen QR code.

When the printer is out, flows show ``{receipt_base_url}/{job_id}?t={token}`` as a QR code
(:meth:`devices.printer.driver.ReceiptPrinter.receipt_url_for`, and the check-in ticket's
``ticket_url``). This small aiohttp app serves it from the printer's job store:

- ``GET /r/{job_id}?t={token}``: a mobile page in the job's language with the receipt's
  plain text and an image of it;
- ``GET /r/{job_id}.png?t={token}``: the receipt as the printer would have printed it,
  drawn by the simulator's ESC/POS interpreter from the job's stored bytes.

Security: the token is checked with :func:`hmac.compare_digest`; an unknown job, a wrong or
missing token and a malformed id all get the very same 404 page (no oracle), and an expired
link (``receipt_link_days`` after the job) gets 410 only once the token matched. Strict
headers on every answer (no caching, no framing, no referrer, CSP without scripts); only
GET and HEAD. A real branch publishes ``receipt_base_url`` on the bank's HTTPS front, which
proxies ``/r/`` to ``receipt_link_listen`` on the kiosk.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import html
import io
import logging
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote
from zoneinfo import ZoneInfo

from devices.printer.jobkey import load_key
from devices.printer.jobs import JobNotFound, JobStore, PrintJob, cipher_for_key
from kiosk_core.netaddr import parse_host_port
from receipts.link_words import WORDS as _WORDS

if TYPE_CHECKING:  # aiohttp is imported where used: `kiosk run` imports this before its first frame
    from aiohttp import web

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = logging.getLogger(__name__)

PAPER_DOTS = 512  # 80 mm paper (devices.printer.render.PAPER_DOTS; imported lazily there)
_JOB_ID = re.compile(r"[0-9]{8}T[0-9]{6}-[0-9a-f]{8}")
_MAX_TOKEN = 64  # ours are 16 characters; anything far longer is not one of ours
_PNG_CACHE = 16  # rendered receipts kept in memory (a customer reloads the page)


class JobSource(Protocol):
    """What the server needs of a job store (the printer's :class:`JobStore`)."""

    def get(self, job_id: str) -> PrintJob: ...

    def data(self, job_id: str) -> bytes: ...


class ReadOnlyJobStore(JobStore):
    """The printer's job folder seen from another process (``kiosk receipts serve``): no
    start-up repair of "sending" jobs, no migration, no expiry and no renaming of unreadable
    files — the kiosk that owns the folder does that. ``key_path`` is the printer's
    ``jobs_key_path``: read, never created (until the kiosk made it, there is no job to
    serve); a damaged or world-readable key is refused
    (:class:`~devices.printer.jobkey.KeyFileError`)."""

    def __init__(self, directory: str | Path, key_path: str | Path) -> None:  # no scan, no mkdir
        self.dir = Path(directory)
        self.key_path = Path(key_path)
        self.lifetime_s = None
        self.set_aside = []
        self._aead = None
        self._find_key()  # a bad key file is an error at start, not a 404 later

    def _find_key(self) -> bool:
        if self._aead is None:
            key = load_key(self.key_path)
            if key is None:
                return False
            self._aead = cipher_for_key(key)
        return True

    def get(self, job_id: str) -> PrintJob:
        self._find_key()
        return super().get(job_id)

    def expire(self) -> int:
        return 0

    def _set_aside(self, path: Path, reason: str) -> None:
        log.debug("receipt links: %s unreadable (%s)", path.name, reason)


# -- the pages ------------------------------------------------------------------------------

_STYLE = (
    "body{font-family:system-ui,-apple-system,'PingFang SC','Noto Sans CJK SC',sans-serif;"
    "font-size:20px;line-height:1.5;margin:0;padding:16px;background:#f4f4f4;color:#111}"
    "main{max-width:600px;margin:0 auto}"
    "h1{font-size:28px;margin:0 0 8px}"
    "p{margin:0 0 16px}"
    ".note{font-size:18px;color:#333}"
    ".receipt{background:#fff;border:1px solid #ccc;padding:12px 16px;margin:0 0 20px;"
    "overflow-wrap:anywhere}"
    ".receipt div{margin:0 0 4px}"
    ".row{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 12px}"
    ".row b{margin-left:auto;text-align:right}"
    "hr{border:0;border-top:2px dashed #999;margin:8px 0}"
    "h2{font-size:22px;margin:0 0 8px}"
    "img{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #ccc}"
)
_STYLE_HASH = base64.b64encode(hashlib.sha256(_STYLE.encode("utf-8")).digest()).decode("ascii")
HEADERS = {
    "Content-Security-Policy": f"default-src 'none'; img-src 'self'; style-src "
    f"'sha256-{_STYLE_HASH}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


def _document(lang: str, title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex, nofollow">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><main>{body}</main></body></html>\n"
    )


#: The one answer for every link that does not lead to a receipt, whatever the reason.
NOT_FOUND_PAGE = _document(
    "zh-CN", "找不到凭条 / Receipt not found",
    "<h1>找不到此凭条</h1>"
    "<p>链接可能有误，或凭条已经打印（已打印的凭条不在此保存）。如需帮助，请咨询网点工作人员。</p>"
    '<h1 lang="en">Receipt not found</h1>'
    '<p lang="en">The link may be wrong, or the receipt was printed (printed receipts are not '
    "kept here). Branch staff can help.</p>",
)
EXPIRED_PAGE = _document(
    "zh-CN", "凭条链接已过期 / This receipt link has expired",
    "<h1>此凭条链接已过期</h1>"
    "<p>为保护您的信息，凭条链接只在一段时间内有效。网点工作人员可以为您打印凭条。</p>"
    '<h1 lang="en">This receipt link has expired</h1>'
    '<p lang="en">To protect your information, receipt links work for a limited time. '
    "Branch staff can print the receipt for you.</p>",
)
UNAVAILABLE_PAGE = _document(
    "zh-CN", "暂时无法显示 / Temporarily unavailable",
    "<h1>凭条暂时无法显示，请稍后再试。</h1>"
    '<h1 lang="en">The receipt cannot be shown right now. Please try again later.</h1>',
)


_COLUMNS = re.compile(r" {2,}")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def receipt_text_html(text: str) -> str:
    """The receipt's plain text for a phone: the paper's padded "label   value" lines
    become rows that wrap (42 monospace columns do not fit a phone at a readable size),
    a paragraph the paper wrapped becomes one again, rules become lines; every piece of
    text is HTML-escaped."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    columns = max((_width(line) for line in lines), default=0)
    blocks: list[tuple[str, str, str]] = []  # (kind, label or text, value)
    wrapped = False  # the previous paragraph line ran to the paper's edge
    for s in lines:
        parts = _COLUMNS.split(s)
        if len(s) >= 8 and set(s) <= set("-=_*"):
            blocks.append(("rule", "", ""))
        elif len(parts) == 2:
            blocks.append(("row", parts[0], parts[1]))
        elif wrapped and blocks and blocks[-1][0] == "text":
            prev = blocks[-1][1]
            joint = "" if _width(prev[-1]) == 2 and _width(s[0]) == 2 else " "
            blocks[-1] = ("text", prev + joint + s, "")
        else:
            blocks.append(("text", " ".join(parts), ""))
        wrapped = len(parts) == 1 and _width(s) >= columns - 6
    out: list[str] = []
    for kind, a, b in blocks:
        if kind == "rule":
            out.append("<hr>")
        elif kind == "row":
            out.append(f'<div class="row"><span>{html.escape(a)}</span>'
                       f"<b>{html.escape(b)}</b></div>")
        else:
            out.append(f"<div>{html.escape(a)}</div>")
    return "".join(out)


def receipt_page(job: PrintJob, token: str, expires: datetime) -> str:
    w = _WORDS.get(job.lang, _WORDS["en_US"])
    when = w["date"].format(d=expires)
    img = html.escape(f"{quote(job.id, safe='')}.png?t={quote(token, safe='')}")
    return _document(
        w["lang"], job.title or "Receipt",
        f"<h1>{html.escape(job.title or 'Receipt')}</h1>"
        f"<p>{html.escape(w['intro'])}</p>"
        f'<p class="note">{html.escape(w["until"].format(when=when))} '
        f"{html.escape(w['help'])}</p>"
        f'<div class="receipt">{receipt_text_html(job.text)}</div>'
        f"<h2>{html.escape(w['image'])}</h2>"
        f'<img src="{img}" alt="{html.escape(w["alt"])}">',
    )


# -- the image ------------------------------------------------------------------------------


def render_job_png(data: bytes, *, width: int = PAPER_DOTS, margin: int = 24) -> bytes:
    """The job's ESC/POS bytes drawn as paper (every page of the job, one below the other),
    with a white margin so a phone can read the QR code off the image."""
    from PIL import Image

    from devices.printer.escpos_parse import CommandParser
    from devices.printer.render import EscPosRenderer

    pages: list[Any] = []
    renderer = EscPosRenderer(width=width, on_page=pages.append)
    for cmd in CommandParser().feed(data):
        renderer.execute(cmd)
    if renderer.page_started:  # no cut at the end: still show what is there
        renderer.finish_page(complete=True)
    return _stack([p.image for p in pages] or [Image.new("L", (width, 1), 255)], margin)


def render_text_png(text: str, *, width: int = PAPER_DOTS, margin: int = 24) -> bytes:
    """The plain-text copy drawn in the printer's fonts (when the bytes are missing)."""
    from devices.printer.render import EscPosRenderer

    renderer = EscPosRenderer(width=width)
    renderer.kanji = True  # GB18030: ASCII stays one cell, Chinese two
    for line in text.splitlines() or [""]:
        renderer.text(line.encode("gb18030", errors="replace"))
        renderer.print_line()
    return _stack([renderer.finish_page(complete=True).image], margin)


def _stack(images: list[Any], margin: int) -> bytes:
    from PIL import Image

    width = max(i.width for i in images) + 2 * margin
    height = sum(i.height for i in images) + 2 * margin
    out = Image.new("L", (width, height), 255)
    y = margin
    for img in images:
        out.paste(img, (margin, y))
        y += img.height
    buf = io.BytesIO()
    out.convert("1").save(buf, "PNG", optimize=True)  # thermal paper: black or white
    return buf.getvalue()


# -- the app --------------------------------------------------------------------------------


class _Gone(Exception):
    pass


def make_link_app(jobs: JobSource, *, lifetime_days: float = 7.0, zone: str = "UTC",
                  paper_dots: int = PAPER_DOTS,
                  clock: Callable[[], float] = time.time) -> web.Application:
    """The receipt-link app over ``jobs`` (the printer's job store)."""
    from aiohttp import web

    if lifetime_days <= 0:
        raise ValueError("lifetime_days must be positive")
    lifetime_s = lifetime_days * 86400.0
    tz = ZoneInfo(zone)
    app = web.Application(client_max_size=1024)
    pngs: OrderedDict[str, bytes] = OrderedDict()
    render_lock = asyncio.Lock()  # one render at a time: the kiosk has other work

    async def find(job_id: str, token: str | None) -> PrintJob:
        """The job, or HTTPNotFound for every kind of miss; _Gone once past its lifetime."""
        if (token is None or not 0 < len(token) <= _MAX_TOKEN
                or not _JOB_ID.fullmatch(job_id)):
            raise web.HTTPNotFound()
        try:
            job = await asyncio.to_thread(jobs.get, job_id)
        except JobNotFound:
            raise web.HTTPNotFound() from None
        if not hmac.compare_digest(token.encode("utf-8", "replace"),
                                   job.token.encode("utf-8", "replace")):
            raise web.HTTPNotFound()
        if clock() > job.created + lifetime_s:
            raise _Gone()
        return job

    async def png_of(job: PrintJob) -> bytes:
        cached = pngs.get(job.id)
        if cached is not None:
            pngs.move_to_end(job.id)
            return cached
        async with render_lock:
            if (cached := pngs.get(job.id)) is not None:  # drawn while we waited
                return cached
            try:
                data = await asyncio.to_thread(jobs.data, job.id)
                png = await asyncio.to_thread(render_job_png, data, width=paper_dots)
            except JobNotFound:  # metadata without bytes: draw the plain-text copy
                png = await asyncio.to_thread(render_text_png, job.text, width=paper_dots)
        pngs[job.id] = png
        while len(pngs) > _PNG_CACHE:
            pngs.popitem(last=False)
        return png

    async def receipt(request: web.Request) -> web.StreamResponse:
        tail = request.match_info["tail"]
        is_png = tail.endswith(".png")
        job_id = tail[:-4] if is_png else tail
        token = request.query.get("t")
        try:
            job = await find(job_id, token)
        except _Gone:
            return _html(EXPIRED_PAGE, 410)
        assert token is not None
        if is_png:
            return web.Response(body=await png_of(job), content_type="image/png")
        expires = datetime.fromtimestamp(job.created + lifetime_s, tz)
        return _html(receipt_page(job, token, expires), 200)

    @web.middleware
    async def errors(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except web.HTTPNotFound:
            return _html(NOT_FOUND_PAGE, 404)
        except web.HTTPMethodNotAllowed:
            return web.Response(status=405, text="405: only GET and HEAD\n",
                                headers={"Allow": "GET, HEAD"})
        except web.HTTPException:
            raise
        except OSError:  # the job folder unreadable: the kiosk's problem, not the link's
            log.exception("receipt links: cannot read the job store")
            return _html(UNAVAILABLE_PAGE, 503)

    async def secure(request: web.Request, response: web.StreamResponse) -> None:
        response.headers.update(HEADERS)
        response.headers.popall("Server", None)

    app.middlewares.append(errors)
    app.on_response_prepare.append(secure)
    app.router.add_get("/r/{tail:.*}", receipt)
    return app


def _html(text: str, status: int) -> web.Response:
    from aiohttp import web

    return web.Response(text=text, status=status, content_type="text/html", charset="utf-8")


# -- running it -----------------------------------------------------------------------------


async def serve_links(app: web.Application, host: str, port: int,
                      stop: asyncio.Event | None = None,
                      ready: Callable[[], None] | None = None) -> None:
    """Serve until ``stop`` is set (or the task is cancelled); ``ready()`` once listening."""
    from aiohttp import web

    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)  # tokens stay out of logs
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        if ready is not None:
            ready()
        await (stop or asyncio.Event()).wait()
    finally:
        await runner.cleanup()


def jobs_dir_for(cfg: Any) -> Path:
    """The printer's job folder, as the driver resolves it under the runtime."""
    from devices.printer.driver import jobs_dir_for as resolve

    return resolve(cfg.devices.printer, cfg.data_dir)


def jobs_key_path_for(cfg: Any) -> Path:
    """The printer's job key file, as the driver resolves it under the runtime."""
    from devices.printer.driver import jobs_key_path_for as resolve

    return resolve(cfg.devices.printer, cfg.data_dir)


def paper_dots_for(profile: str) -> int:
    from devices.printer.driver import _profile_geometry

    try:
        return _profile_geometry(profile)[0]
    except Exception:
        return PAPER_DOTS


def app_for_config(cfg: Any, jobs: JobSource | None = None) -> web.Application:
    p = cfg.devices.printer
    if jobs is None:
        jobs = ReadOnlyJobStore(jobs_dir_for(cfg), jobs_key_path_for(cfg))
    return make_link_app(jobs,
                         lifetime_days=p.receipt_link_days, zone=cfg.kiosk.timezone,
                         paper_dots=paper_dots_for(p.profile))


def start_link_server(runtime: Any) -> bool:
    """From ``kiosk run``: serve receipt links on the core loop when
    ``[devices.printer] receipt_link_listen`` is set (demo and real configurations)."""
    cfg = runtime.config
    p = cfg.devices.printer
    if p is None or not p.enabled or not p.receipt_link_listen or not runtime.loop.running:
        return False
    printer = runtime.devices.get("printer")
    # The printer's own store: the check-in ticket is written there too (store_ticket step).
    jobs = printer.jobs if printer is not None else None
    addr = parse_host_port(p.receipt_link_listen)  # checked by PrinterSettings already

    async def main() -> None:
        try:
            await serve_links(app_for_config(cfg, jobs), addr.host, addr.port)
        except asyncio.CancelledError:  # the core loop stops with the kiosk
            raise
        except OSError as exc:
            log.error("receipt links: cannot listen on %s: %s (devices.printer."
                      "receipt_link_listen)", p.receipt_link_listen, exc.strerror or exc)
        except Exception:
            log.exception("receipt links: server stopped")

    runtime.loop.submit(main())
    log.info("receipt links served on %s for %s", addr.url("http", "/r/"), p.receipt_base_url)
    return True
