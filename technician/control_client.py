"""The ``kiosk diag …`` side of the control API: HTTP/1.1 over the kiosk's Unix socket.

Standard library only (``http.client`` over ``AF_UNIX``): the CLI must not pay for aiohttp
to ask a question. The server is :mod:`technician.control`; docs/technician.md lists the
routes.

The client tells apart the two answers that decide what the CLI may do:

- nothing listens on the socket (no file, or a file no process holds: a kiosk that died)
  — :meth:`ControlClient.running` is False and the CLI may open the devices itself;
- a kiosk listens, but refuses the token, answers with an error or does not answer in time
  — a :class:`ControlError`; the CLI must then *not* open the devices (the kiosk holds
  their ports).
"""

from __future__ import annotations

import http.client
import json
import socket
from pathlib import Path
from typing import Any
from urllib.parse import quote

#: The header the token travels in (``Authorization: Bearer <token>``).
AUTH_HEADER = "Authorization"
API = "/v1"
#: Seconds to connect: a listening socket accepts at once (the kernel does it).
CONNECT_TIMEOUT_S = 2.0
#: Seconds for an answer. A self-test moves a card or prints a page; an export copies the
#: journal; everything else is a read of the kiosk's memory.
TIMEOUT_S = 20.0
SLOW_TIMEOUT_S = 120.0


class ControlError(Exception):
    """The kiosk answered with a refusal or an error, or did not answer: the message says
    what and what to do. ``status`` is the HTTP status (0: no answer)."""

    def __init__(self, message: str, status: int = 0) -> None:
        super().__init__(message)
        self.status = status


def control_paths(cfg: Any) -> tuple[Path, Path]:
    """(socket, token file) of a configuration: ``[technician] control_socket`` inside
    data_dir, ``control_token_file`` inside secrets_dir, unless given absolute."""
    from technician.settings import TechnicianSettings

    s = cfg.section(TechnicianSettings)
    sock = s.control_socket if s.control_socket.is_absolute() else cfg.data_dir / s.control_socket
    token = (s.control_token_file if s.control_token_file.is_absolute()
             else cfg.path("secrets_dir") / s.control_token_file)
    return sock, token


class _UnixHTTPConnection(http.client.HTTPConnection):
    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(CONNECT_TIMEOUT_S, self.timeout or CONNECT_TIMEOUT_S))
            sock.connect(self._path)
            sock.settimeout(self.timeout)
        except BaseException:
            sock.close()
            raise
        self.sock = sock


class ControlClient:
    def __init__(self, socket_path: str | Path, token_path: str | Path, *,
                 timeout: float | None = None) -> None:
        self.socket_path = Path(socket_path)
        self.token_path = Path(token_path)
        self.timeout = timeout  # None: TIMEOUT_S (SLOW_TIMEOUT_S for slow routes)

    # -- is a kiosk there? ----------------------------------------------------------

    def running(self) -> bool:
        """Does a process listen on the socket? (No request is sent, no token needed.)

        False for no file and for a file nobody listens on (ECONNREFUSED: a kiosk that
        died); a socket that exists but cannot be reached for another reason (no
        permission, not a socket) is a :class:`ControlError`, never "not running"."""
        path = str(self.socket_path)
        if not self.socket_path.exists():
            return False
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(CONNECT_TIMEOUT_S)
        try:
            sock.connect(path)
        except (FileNotFoundError, ConnectionRefusedError):
            return False
        except PermissionError:
            raise ControlError(f"{path}: permission denied — the control socket is the "
                               "kiosk user's (run as that user)") from None
        except TimeoutError:
            raise ControlError(f"{path}: the kiosk does not accept connections (busy or "
                               "hung); the devices were not opened") from None
        except OSError as exc:
            raise ControlError(f"{path}: {exc.strerror or exc}") from None
        finally:
            sock.close()
        return True

    # -- one method per route -------------------------------------------------------

    def status(self) -> dict[str, Any]:
        return self._call("GET", "/status")

    def selftest(self, device: str) -> dict[str, Any]:
        return self._call("POST", f"/selftest/{quote(device, safe='')}", {}, slow=True)

    def counters(self) -> dict[str, Any]:
        return self._call("GET", "/counters")

    def replenish(self, supply: str, count: int | None = None) -> dict[str, Any]:
        return self._call("POST", "/replenish", {"supply": supply, "count": count}, slow=True)

    def empty_bin(self, removed: int) -> dict[str, Any]:
        return self._call("POST", "/empty-bin", {"removed": removed}, slow=True)

    def service(self, in_service: bool, function: str = "*", reason: str = "") -> dict[str, Any]:
        return self._call("POST", "/service",
                          {"in_service": in_service, "function": function, "reason": reason})

    def export(self, directory: str | Path) -> dict[str, Any]:
        """``directory`` is made absolute here: the kiosk has its own working folder."""
        return self._call("POST", "/export", {"directory": str(Path(directory).absolute())},
                          slow=True)

    def journal_verify(self) -> dict[str, Any]:
        return self._call("GET", "/journal/verify", slow=True)

    def logs(self, limit: int = 200) -> dict[str, Any]:
        return self._call("GET", f"/logs?limit={int(limit)}")

    def config(self) -> dict[str, Any]:
        return self._call("GET", "/config")

    # -- the wire ---------------------------------------------------------------------

    def _token(self) -> str:
        try:
            token = self.token_path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            raise ControlError(f"no control token at {self.token_path} (the kiosk writes it "
                               "when it starts its control API)") from None
        except PermissionError:
            raise ControlError(f"{self.token_path}: permission denied — the control token "
                               "is the kiosk user's (run as that user)") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ControlError(f"{self.token_path}: unreadable ({exc})") from None
        if not token:
            raise ControlError(f"{self.token_path} is empty")
        return token

    def _call(self, method: str, route: str, body: dict[str, Any] | None = None, *,
              slow: bool = False) -> dict[str, Any]:
        timeout = self.timeout or (SLOW_TIMEOUT_S if slow else TIMEOUT_S)
        headers = {AUTH_HEADER: f"Bearer {self._token()}", "Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        conn = _UnixHTTPConnection(str(self.socket_path), timeout)
        where = f"the kiosk on {self.socket_path}"
        try:
            conn.request(method, API + route, body=data, headers=headers)
            response = conn.getresponse()
            raw = response.read()
        except TimeoutError:
            raise ControlError(f"{where} did not answer within {timeout:g} "
                               "s (it may be hung); the devices were not opened") from None
        except (FileNotFoundError, ConnectionRefusedError):
            raise ControlError(f"{where} went away") from None
        except (OSError, http.client.HTTPException) as exc:
            raise ControlError(f"{where}: {exc}") from None
        finally:
            conn.close()
        try:
            payload = json.loads(raw) if raw else {}
        except ValueError:
            payload = {"error": raw[:200].decode("utf-8", "replace")}
        if not isinstance(payload, dict):
            payload = {"result": payload}
        if response.status == 401:
            raise ControlError(f"{where} refused the control token ({self.token_path}); the "
                               "devices were not opened", 401)
        if response.status >= 400:
            message = str(payload.get("error") or response.reason)
            raise ControlError(message, response.status)
        return payload
