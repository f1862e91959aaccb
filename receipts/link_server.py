"""The receipt link: what a customer's phone opens after scanning the on-screen QR code.

When the printer is out, flows show ``{receipt_base_url}/{job_id}?t={token}`` as a QR code
(receipts.links, for kept jobs and the check-in ticket
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
from receipts.queue_page import QueueLinks, QueueState, TicketSource, queue_state

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

    def __init__(self, directory: str | Path, key_path: str | Path,
                 ring: Callable[[], Any] | None = None) -> None:  # no scan, no mkdir
        self.dir = Path(directory)
        self.key_path = Path(key_path)
        self.lifetime_s = None
        self.set_aside = []
        self._aead = None
        self._ring = ring  # the key store's print-jobs ring (issue 15), tried first
        self._find_key()  # a bad key file is an error at start, not a 404 later

    def _find_key(self) -> bool:
        if self._aead is None and self._ring is not None and (ring := self._ring()):
            self._use_ring(ring)
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
    "font-size:20px;line-height:1.5;margin:0;background:#f3f6fa;color:#142235}"
    "header{background:#0b2e4f;color:#fff;padding:12px 16px}"
    ".bar{max-width:600px;margin:0 auto;display:flex;align-items:center;gap:12px}"
    ".bar svg{flex:none}"
    ".brand{font-weight:700;font-size:22px;line-height:1.2}"
    ".brand small{display:block;font-weight:400;font-size:16px;color:#c9d8e8}"
    ".switch{margin-left:auto;color:#fff;border:2px solid #fff;border-radius:8px;"
    "padding:8px 16px;min-height:28px;text-decoration:none;font-weight:700;white-space:nowrap}"
    "main{max-width:600px;margin:0 auto;padding:16px}"
    "h1{font-size:28px;line-height:1.3;margin:8px 0 12px;color:#0b2e4f}"
    "p{margin:0 0 16px}"
    ":lang(zh) p,:lang(zh) h1{word-break:keep-all;overflow-wrap:anywhere}"
    ".note{font-size:18px;color:#44536a}"
    ".receipt{background:#fff;border:1px solid #d5dde8;border-radius:8px;padding:12px 16px;"
    "margin:0 0 20px;overflow-wrap:anywhere}"
    ".receipt div{margin:0 0 4px}"
    ".receipt .rt{font-size:24px;font-weight:700;text-align:center;color:#0b2e4f;"
    "margin:4px 0 12px}"
    ".row{display:flex;flex-wrap:wrap;justify-content:space-between;gap:0 12px}"
    ".row b{margin-left:auto;text-align:right}"
    "hr{border:0;border-top:2px dashed #999;margin:8px 0}"
    "h2{font-size:22px;margin:0 0 8px;color:#0b2e4f}"
    "img{display:block;max-width:100%;height:auto;background:#fff;border:1px solid #d5dde8}"
    ".btn{display:block;background:#1565a8;color:#fff;text-align:center;padding:14px;"
    "border-radius:10px;text-decoration:none;font-weight:700;margin:0 0 20px}"
    ".ticket{background:#fff;border:1px solid #d5dde8;border-radius:12px;padding:16px;"
    "text-align:center;margin:0 0 16px}"
    ".no{font-size:72px;font-weight:800;line-height:1.1;color:#0b2e4f;letter-spacing:2px}"
    ".state{font-size:26px;font-weight:700;line-height:1.35;background:#fff;border-radius:12px;"
    "border-left:10px solid #1565a8;padding:16px;margin:0 0 16px}"
    ".state.go{border-color:#a8430e;background:#fff4e5;color:#7a3a00}"
    ".state.done{border-color:#44536a}"
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


#: The bank's mark (the receipt logo's portico, receipts/make_logo.py), drawn inline: no
#: request, no style attribute (the CSP allows none).
_MARK = (
    '<svg width="44" height="44" viewBox="0 0 72 72" aria-hidden="true" focusable="false">'
    '<rect width="72" height="72" rx="14" fill="#fff"/>'
    '<polygon points="12,26 36,10 60,26" fill="#0b2e4f"/>'
    '<rect x="16" y="30" width="10" height="22" fill="#0b2e4f"/>'
    '<rect x="30" y="30" width="10" height="22" fill="#0b2e4f"/>'
    '<rect x="44" y="30" width="10" height="22" fill="#0b2e4f"/>'
    '<rect x="12" y="56" width="48" height="6" fill="#0b2e4f"/></svg>'
)


def _header(lang_key: str | None = None, switch_href: str = "") -> str:
    """The bank's bar: mark, name, and (on a page in one language) the other language."""
    w = _WORDS.get(lang_key or "", None)
    sub = (f"<small>{html.escape(w['bank'])}</small>" if w is not None
           else "<small>智慧银行网点 · Smart bank branch</small>")
    switch = ""
    if w is not None and switch_href:
        other = next(k for k in _WORDS if k != lang_key)
        switch = (f'<a class="switch" href="{html.escape(switch_href)}" '
                  f'lang="{_WORDS[other]["lang"]}" hreflang="{_WORDS[other]["lang"]}">'
                  f"{html.escape(w['switch'])}</a>")
    return (f'<header><div class="bar">{_MARK}<div class="brand">smartbranch{sub}</div>'
            f"{switch}</div></header>")


def _document(lang: str, title: str, body: str, *, header: str = "",
              refresh_s: int = 0) -> str:
    refresh = f'<meta http-equiv="refresh" content="{int(refresh_s)}">' if refresh_s else ""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="robots" content="noindex, nofollow">{refresh}'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body>{header or _header()}<main>{body}</main></body></html>\n"
    )


def pick_lang(query_lang: str | None, default: str, accept: str = "") -> str:
    """The page's language: the switch's ``?lang=``, else the ticket's, else the phone's
    Accept-Language, else English."""
    if query_lang in _WORDS:
        return str(query_lang)
    if default in _WORDS:
        return default
    for part in accept.split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en_US"
    return "en_US"


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


def receipt_text_html(text: str, title: str = "") -> str:
    """The receipt's plain text for a phone: the paper's padded "label   value" lines
    become rows that wrap (42 monospace columns do not fit a phone at a readable size),
    a paragraph the paper wrapped becomes one again, rules become lines; every piece of
    text is HTML-escaped; the receipt's own title line (``title``) is styled as one."""
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
        elif title and a.strip() == title.strip():
            out.append(f'<div class="rt">{html.escape(a)}</div>')
        else:
            out.append(f"<div>{html.escape(a)}</div>")
    return "".join(out)


def _switch_href(token: str, lang: str) -> str:
    other = next(k for k in _WORDS if k != lang)
    return f"?t={quote(token, safe='')}&lang={other}"


def receipt_page(job: PrintJob, token: str, expires: datetime, lang: str | None = None) -> str:
    """The receipt's page; its own words in ``lang`` (default: the job's language)."""
    lang = pick_lang(lang, job.lang)
    w = _WORDS[lang]
    when = w["date"].format(d=expires)
    img = html.escape(f"{quote(job.id, safe='')}.png?t={quote(token, safe='')}")
    title = job.title or "Receipt"
    follow = ""
    for url in job.qr_payloads:  # a queue ticket: its live page, one tap away
        if "/q/" in url and url.startswith(("https://", "http://")):
            follow = f'<a class="btn" href="{html.escape(url)}">{html.escape(w["follow"])}</a>'
            break
    return _document(
        w["lang"], title,
        f"<h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(w['intro'])}</p>"
        f'<p class="note">{html.escape(w["until"].format(when=when))} '
        f"{html.escape(w['help'])}</p>{follow}"
        f'<div class="receipt">{receipt_text_html(job.text, title)}</div>'
        f"<h2>{html.escape(w['image'])}</h2>"
        f'<img src="{img}" alt="{html.escape(w["alt"])}">',
        header=_header(lang, _switch_href(token, lang)),
    )


QUEUE_REFRESH_S = 15

#: A queue link that is not ours (forged, altered, or its ticket unknown).
QUEUE_NOT_FOUND_PAGE = _document(
    "zh-CN", "找不到此排队号 / Ticket not found",
    "<h1>找不到此排队号</h1>"
    "<p>链接可能有误或已失效。请以凭条上的号码为准，留意网点的叫号屏，或咨询网点工作人员。</p>"
    '<h1 lang="en">Ticket not found</h1>'
    '<p lang="en">The link may be wrong or no longer valid. Your number on the paper ticket '
    "still counts: watch the screen in the branch, or ask the branch staff.</p>",
)


def queue_page(state: QueueState, token: str, lang: str, updated: datetime) -> str:
    """The live page of one ticket: its number and where it stands, refreshing itself while
    there is something to wait for."""
    w = _WORDS[lang]
    if state.status == "waiting":
        key = "q_ahead_one" if state.ahead == 1 else "q_ahead"
        line, cls = w[key].format(n=state.ahead), ""
    elif state.status == "next":
        line, cls = w["q_next"], ""
    elif state.status == "called":
        line, cls = w["q_called"].format(counter=state.counter or "—"), " go"
    elif state.status == "missed":
        line, cls = w["q_missed"], " done"
    else:
        line, cls = w["q_finished"], " done"
    live = state.status in ("waiting", "next", "called")
    refresh = (f'<p class="note">{html.escape(w["q_refresh"].format(s=QUEUE_REFRESH_S))}<br>'
               f'{html.escape(w["q_updated"].format(t=f"{updated:%H:%M:%S}"))}</p>'
               if live else "")
    return _document(
        w["lang"], f"{state.number} · {w['q_title']}",
        f"<h1>{html.escape(w['q_title'])}</h1>"
        f'<div class="ticket"><div>{html.escape(w["q_number"])}</div>'
        f'<div class="no">{html.escape(state.number)}</div></div>'
        f'<p class="state{cls}" role="status">{html.escape(line)}</p>'
        f"{refresh}<p class=\"note\">{html.escape(w['q_help'])}</p>",
        header=_header(lang, f"?lang={next(k for k in _WORDS if k != lang)}"),
        refresh_s=QUEUE_REFRESH_S if live else 0,
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
                  clock: Callable[[], float] = time.time,
                  tickets: TicketSource | Callable[[], TicketSource] | None = None,
                  queue_links: QueueLinks | None = None) -> web.Application:
    """The receipt-link app over ``jobs`` (the printer's job store); with ``tickets`` (the
    branch store, or a function opening it on first use) and ``queue_links`` also the queue
    tickets' live pages (``/r/q/{token}``, receipts.queue_page)."""
    from aiohttp import web

    if lifetime_days <= 0:
        raise ValueError("lifetime_days must be positive")
    lifetime_s = lifetime_days * 86400.0
    from kiosk_core import http_logging

    http_logging.install()  # also when served by another runner (tests, kiosk run)
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
        return _html(receipt_page(job, token, expires, request.query.get("lang")), 200)

    opened: list[TicketSource] = []

    def source() -> TicketSource | None:
        if tickets is None or not callable(tickets):
            return tickets
        if not opened:
            opened.append(tickets())
        return opened[0]

    async def queue(request: web.Request) -> web.StreamResponse:
        ref = queue_links.verify(request.match_info["token"]) if queue_links else None
        if ref is None:
            return _html(QUEUE_NOT_FOUND_PAGE, 404)
        store = await asyncio.to_thread(source) if tickets is not None else None
        if store is None:
            return _html(UNAVAILABLE_PAGE, 503)
        try:
            state = await asyncio.to_thread(queue_state, store, ref)
        except Exception:  # the branch database unreadable: not the customer's problem
            log.exception("queue links: cannot read the branch store")
            return _html(UNAVAILABLE_PAGE, 503)
        if state is None:
            return _html(QUEUE_NOT_FOUND_PAGE, 404)
        now = datetime.fromtimestamp(clock(), tz)
        if ref.day != now.date().isoformat() and state.status in ("waiting", "next"):
            state = QueueState(state.number, "finished")  # the branch day it was for is over
        lang = pick_lang(request.query.get("lang"), ref.lang,
                         request.headers.get("Accept-Language", ""))
        return _html(queue_page(state, request.match_info["token"], lang, now), 200)

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
    app.router.add_get("/r/q/{token}", queue)
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

    from kiosk_core import http_logging

    http_logging.install()  # aiohttp logs a malformed request's bytes: the token among them
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


def app_for_config(cfg: Any, jobs: JobSource | None = None,
                   tickets: Callable[[], TicketSource] | None = None) -> web.Application:
    """``tickets`` opens the branch store (the composition root passes
    ``lambda: BranchStore.from_config(cfg)``: receipts does not import o2o_sync); without it
    the queue links answer "temporarily unavailable"."""
    from receipts.queue_page import links_for

    p = cfg.devices.printer
    if jobs is None:
        from devices.printer.driver import print_jobs_ring

        jobs = ReadOnlyJobStore(jobs_dir_for(cfg), jobs_key_path_for(cfg),
                                ring=lambda: print_jobs_ring(cfg))
    return make_link_app(jobs,
                         lifetime_days=p.receipt_link_days, zone=cfg.kiosk.timezone,
                         paper_dots=paper_dots_for(p.profile),
                         tickets=tickets, queue_links=links_for(cfg))


def start_link_server(runtime: Any, tickets: Callable[[], TicketSource] | None = None) -> bool:
    """From ``kiosk run``: serve receipt links (and the queue tickets' live pages, over the
    branch store ``tickets`` opens) on the core loop when ``[devices.printer]
    receipt_link_listen`` is set (demo and real configurations)."""
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
            app = await asyncio.to_thread(app_for_config, cfg, jobs, tickets)
            await serve_links(app, addr.host, addr.port)
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
