"""The control API of the running kiosk: HTTP/1.1 + JSON on a Unix socket, for ``kiosk diag …``.

A kiosk holds its devices' ports; a technician's command must not open them a second time.
So the running kiosk answers on ``[technician] control_socket`` (data_dir/control.sock) and
the CLI (technician.control_client) asks it. Every route calls the one
:class:`~technician.api.Technician` the service screens call, so what the CLI does is
journalled exactly like the same action on the screen.

Access, twice over:

- the socket is created mode 0600 (chmod between bind() and listen(), so there is no moment
  another user could connect): only the kiosk's user (and root) can reach it;
- every request carries ``Authorization: Bearer <token>``, the token of
  ``control_token_file`` (secrets_dir/control.token, made 0600 with 256 random bits at the
  first start), compared in constant time; anything else is 401 before routing.

``who`` in the journal is ``cli:<user>``, the Unix user of the connecting process as the
kernel reports it (SO_PEERCRED), not anything the client says.

Technician calls block (device I/O): they run in worker threads, one acting request at a
time; the core loop only parses and answers. Bad input is 400 with the reason, a refusal
(:class:`~technician.api.TechnicianError`) 409 with its words, more than
:data:`MAX_BODY` bytes 413.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import json
import logging
import os
import pwd
import re
import secrets
import socket
import stat
import struct
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_core import safejson
from technician.api import WHOLE_KIOSK, Technician, TechnicianError
from technician.control_client import API, control_paths

if TYPE_CHECKING:  # aiohttp is imported where used: `kiosk run` imports this before its first frame
    from aiohttp import web

    Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

log = logging.getLogger(__name__)

MAX_BODY = 4096
TOKEN_BYTES = 32
_MIN_TOKEN = 16
# always fullmatch: re.match with "$" also takes a trailing newline
_FUNCTION = re.compile(r"\*|[a-z][a-z0-9_]{0,47}")
_DEVICE = re.compile(r"[a-z][a-z0-9_-]{0,31}")
_MAX_REASON = 200
_MAX_LOG_LINES = 5000
#: How long start and stop wait for the server on the core loop.
START_TIMEOUT_S = 5.0


class ControlSocketBusy(Exception):
    """Another process answers on the control socket (a second kiosk on one data_dir)."""


class BadRequest(ValueError):
    """400: the request is malformed; the message names the field."""


# -- the token and the socket -----------------------------------------------------------


def ensure_token(path: Path) -> str:
    """The control token, made (0600, in a 0700 folder) if there is none yet. A token file
    others can read, or one too short to be ours, is refused (ValueError)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(TOKEN_BYTES) + "\n")
            f.flush()
            os.fsync(f.fileno())
        log.info("control API: new token in %s", path)
    mode = os.stat(path).st_mode
    if mode & 0o077:
        raise ValueError(f"{path} is readable by others (mode {stat.S_IMODE(mode):o}); "
                         "chmod 600 it or delete it for a new token")
    token = path.read_text(encoding="ascii").strip()
    if len(token) < _MIN_TOKEN:
        raise ValueError(f"{path} holds no usable token (delete it for a new one)")
    return token


def bind_socket(path: Path) -> socket.socket:
    """A listening AF_UNIX socket at ``path``, mode 0600. A stale socket file (nobody
    listens) is replaced; a live one is :class:`ControlSocketBusy`; a file that is not a
    socket is left alone (FileExistsError)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        pass
    else:
        if not stat.S_ISSOCK(st.st_mode):
            raise FileExistsError(f"{path} exists and is not a socket")
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        probe.settimeout(1.0)
        try:
            probe.connect(str(path))
        except (ConnectionRefusedError, FileNotFoundError):
            log.info("control API: removing the stale socket %s", path)
            path.unlink(missing_ok=True)
        except OSError:  # connected-but-hung kiosks time out here: still someone's
            raise ControlSocketBusy(f"{path} is held by a process that does not answer") \
                from None
        else:
            raise ControlSocketBusy(f"another kiosk answers on {path}")
        finally:
            probe.close()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.bind(str(path))
        os.chmod(path, 0o600)  # before listen(): until then nobody can connect
        sock.listen(16)
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def peer_user(request: web.Request) -> str:
    """The connecting process's Unix user name, from the kernel (SO_PEERCRED)."""
    transport = request.transport
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is None:
        return "unknown"
    try:
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        _pid, uid, _gid = struct.unpack("3i", creds)
    except (OSError, AttributeError, struct.error):
        return "unknown"
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        return f"uid{uid}"


# -- request parsing -----------------------------------------------------------------------


def _body(raw: bytes, fields: dict[str, tuple[type, ...]],
          required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A JSON object with only ``fields`` (name -> allowed types), ``required`` present.
    bool is not an int here (``True`` cards is not a count)."""
    try:
        data = safejson.loads(raw, max_bytes=MAX_BODY) if raw.strip() else {}
    except safejson.HostileJSON as exc:  # not JSON, nested too deep, lone surrogates, NaN
        raise BadRequest(f"the body is not JSON: {exc}") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise BadRequest(f"unknown field(s): {', '.join(unknown)}")
    for name in required:
        if name not in data:
            raise BadRequest(f"{name}: missing")
    for name, value in data.items():
        allowed = fields[name]
        if type(value) not in allowed:
            names = " or ".join("null" if t is type(None) else t.__name__ for t in allowed)
            raise BadRequest(f"{name}: must be {names}, not {json.dumps(value)[:40]}")
    return data


def _count(value: Any, name: str, *, minimum: int, maximum: int = 100_000) -> int:
    if not minimum <= value <= maximum:
        raise BadRequest(f"{name}: must be {minimum} to {maximum}, not {value}")
    return int(value)


def _json(data: Any, status: int = 200) -> web.Response:
    from aiohttp import web

    return web.json_response(data, status=status,
                             dumps=lambda d: json.dumps(d, ensure_ascii=False, default=str))


def _error(status: int, message: str) -> web.Response:
    return _json({"error": message}, status)


# -- the app ---------------------------------------------------------------------------------


def make_control_app(technician: Technician, token: str, *,
                     devices: Callable[[], set[str]]) -> web.Application:
    """The control API over ``technician``; ``devices()`` names the devices a self-test
    may be asked of (the configured kinds)."""
    from aiohttp import web

    if len(token) < _MIN_TOKEN:
        raise ValueError("the control token is too short")
    from kiosk_core import http_logging

    http_logging.install()
    expected = token.encode("utf-8")
    app = web.Application(client_max_size=MAX_BODY)
    acting = asyncio.Lock()  # one technician action at a time, as on the screen

    async def run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        return await asyncio.to_thread(fn, *args, **kwargs)

    async def act(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        async with acting:
            return await run(fn, *args, **kwargs)

    def who(request: web.Request) -> str:
        return f"cli:{peer_user(request)}"

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        header = request.headers.get("Authorization", "")
        scheme, _, given = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
                given.strip().encode("utf-8", "replace"), expected):
            return _error(401, "missing or wrong control token")
        try:
            return await handler(request)
        except BadRequest as exc:
            return _error(400, str(exc))
        except TechnicianError as exc:
            return _error(409, str(exc))
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"the body is larger than {MAX_BODY} bytes")
        except web.HTTPNotFound:
            return _error(404, f"no route {request.method} {request.path}")
        except web.HTTPMethodNotAllowed as exc:
            return _error(405, f"{request.path} takes {', '.join(sorted(exc.allowed_methods))}")
        except web.HTTPException:
            raise
        except Exception:
            log.exception("control API: %s %s failed", request.method, request.path)
            return _error(500, "the kiosk failed to do it (see its log)")

    async def status(request: web.Request) -> web.Response:
        report = await run(technician.report)
        return _json(report.as_dict())

    async def selftest(request: web.Request) -> web.Response:
        device = request.match_info["device"].replace("-", "_")
        if not _DEVICE.fullmatch(device):
            raise BadRequest(f"device: {device[:40]!r} is not a device name")
        known = devices()
        if device not in known:
            raise BadRequest(f"device: no {device} configured (configured: "
                             f"{', '.join(sorted(known)) or 'none'})")
        _body(await request.read(), {})
        result = await act(technician.self_test, device, who=who(request))
        return _json(result.as_dict())

    async def counters(request: web.Request) -> web.Response:
        return _json((await run(technician.counters)).as_dict())

    async def replenish(request: web.Request) -> web.Response:
        body = _body(await request.read(), {"supply": (str,), "count": (int, type(None))},
                     ("supply",))
        supply, count = body["supply"], body.get("count")
        if supply not in ("cards", "paper"):
            raise BadRequest(f"supply: must be cards or paper, not {supply[:20]!r}")
        if supply == "cards":
            if count is None:
                raise BadRequest("count: the number of cards now in the stacker is needed")
            count = _count(count, "count", minimum=1)
        elif count is not None:
            raise BadRequest("count: not used for paper (a new roll is a new roll)")
        result = await act(technician.replenish, supply, count, who=who(request))
        return _json(result.as_dict())

    async def empty_bin(request: web.Request) -> web.Response:
        body = _body(await request.read(), {"removed": (int,)}, ("removed",))
        removed = _count(body["removed"], "removed", minimum=0)
        result = await act(technician.empty_bin, removed, who=who(request))
        return _json(result.as_dict())

    async def service(request: web.Request) -> web.Response:
        body = _body(await request.read(),
                     {"in_service": (bool,), "function": (str,), "reason": (str,)},
                     ("in_service",))
        function = body.get("function", WHOLE_KIOSK) or WHOLE_KIOSK
        if not _FUNCTION.fullmatch(function):
            raise BadRequest(f"function: {function[:40]!r} is not a function name "
                             "(e.g. card_issuance, or * for the whole kiosk)")
        reason = body.get("reason", "").strip()
        if len(reason) > _MAX_REASON or any(ord(c) < 32 for c in reason):
            raise BadRequest(f"reason: one line of at most {_MAX_REASON} characters")
        result = await act(technician.set_service, body["in_service"], function,
                           who=who(request), reason=reason)
        return _json(result.as_dict())

    async def export(request: web.Request) -> web.Response:
        body = _body(await request.read(), {"directory": (str,)}, ("directory",))
        text = body["directory"]
        if not text or "\0" in text or not Path(text).is_absolute():
            raise BadRequest("directory: must be an absolute path")
        result = await act(technician.export, Path(text), who=who(request))
        return _json(result.as_dict())

    async def journal_verify(request: web.Request) -> web.Response:
        result = await run(technician.journal_verify)
        return _json(dataclasses.asdict(result))

    async def logs(request: web.Request) -> web.Response:
        text = request.query.get("limit", "200")
        if not (text.isascii() and text.isdigit()) or len(text) > 6:
            raise BadRequest(f"limit: must be a whole number, not {text[:20]!r}")
        limit = _count(int(text), "limit", minimum=1, maximum=_MAX_LOG_LINES)
        return _json({"lines": await run(technician.log_lines, limit)})

    async def config(request: web.Request) -> web.Response:
        return _json(await run(technician.masked_config))

    app.middlewares.append(guard)
    r = app.router
    r.add_get(f"{API}/status", status)
    r.add_post(f"{API}/selftest/{{device}}", selftest)
    r.add_get(f"{API}/counters", counters)
    r.add_post(f"{API}/replenish", replenish)
    r.add_post(f"{API}/empty-bin", empty_bin)
    r.add_post(f"{API}/service", service)
    r.add_post(f"{API}/export", export)
    r.add_get(f"{API}/journal/verify", journal_verify)
    r.add_get(f"{API}/logs", logs)
    r.add_get(f"{API}/config", config)
    return app


# -- running it on the kiosk -------------------------------------------------------------


class ControlServer:
    """The app on a bound socket, on an event loop; :meth:`stop` removes the socket file
    (if it is still ours)."""

    def __init__(self, app: web.Application, sock: socket.socket, path: Path) -> None:
        self._app, self._sock, self.path = app, sock, path
        self._ino = os.stat(path).st_ino
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        from aiohttp import web

        self._runner = web.AppRunner(self._app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.SockSite(self._runner, self._sock).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._sock.close()
        try:
            if os.stat(self.path).st_ino == self._ino:
                self.path.unlink()
        except FileNotFoundError:
            pass


def start_control(runtime: Any, technician: Technician) -> bool:
    """From ``kiosk run``, once the runtime started: serve the control API on its core loop
    until ``runtime.stop()``. False (and logged) if it cannot: another kiosk answers on the
    socket, the token file is unsafe, or the socket cannot be made. Call from any thread but
    the core loop's."""
    cfg = runtime.config
    if not runtime.loop.running:
        return False
    try:
        on_core_loop = asyncio.get_running_loop() is runtime.loop.loop
    except RuntimeError:  # no loop running in this thread: as it should be
        on_core_loop = False
    if on_core_loop:  # waiting below for the core loop would wait for ourselves
        raise RuntimeError("start_control() must not be called on the core loop")
    sock_path, token_path = control_paths(cfg)
    try:
        token = ensure_token(token_path)
    except (OSError, ValueError) as exc:
        log.error("control API not started: %s ([technician] control_token_file)", exc)
        return False
    try:
        sock = bind_socket(sock_path)
    except ControlSocketBusy as exc:
        log.error("control API not started: %s — is another kiosk running on this data_dir?",
                  exc)
        return False
    except OSError as exc:
        log.error("control API not started: %s: %s ([technician] control_socket)", sock_path,
                  getattr(exc, "strerror", None) or exc)
        return False

    def configured() -> set[str]:
        return set(cfg.configured_devices())

    server = ControlServer(make_control_app(technician, token, devices=configured), sock,
                           sock_path)
    try:
        runtime.loop.submit(server.start()).result(timeout=START_TIMEOUT_S)
    except Exception as exc:
        log.error("control API not started: %s", exc)
        runtime.loop.submit(server.stop())
        return False

    def stop() -> None:
        try:
            runtime.loop.submit(server.stop()).result(timeout=START_TIMEOUT_S)
        except Exception:
            log.exception("control API: stop failed")

    runtime.stop_hooks.append(stop)
    log.info("control API on %s", sock_path)
    return True
