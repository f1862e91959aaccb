"""The kiosks' device health for the staff console, read from each kiosk's monitoring endpoint.

Every kiosk serves ``GET /healthz`` (technician/monitoring.py, docs/monitoring.md) behind a
bearer token. The console is given the kiosks of its branch (:class:`KioskLink`: a name, the
endpoint's base URL and the token file the kiosk wrote), asks each one every ``interval_s``
and keeps the last answer, reduced to what staff need: is the kiosk in service, which device
is not usable and why, which link is down. A kiosk that does not answer is "unreachable"
(with how long ago it last answered); a kiosk that refuses the token is "refused". The token
is read from its file on each round (the kiosk rotates it without a restart) and never leaves
this module.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

log = logging.getLogger(__name__)

_MAX_BODY = 256 * 1024


@dataclass(frozen=True)
class KioskLink:
    name: str  # what staff call it ("Kiosk 1", or the kiosk id)
    url: str  # the monitoring endpoint's base, e.g. http://10.20.0.17:9108
    token_file: Path | None = None  # the kiosk's secrets_dir/monitoring.token (copied here)


def local_kiosk(name: str, listen: str, token_file: Path) -> KioskLink | None:
    """The kiosk on this machine, from its ``[monitoring] listen`` and token file (the
    console and the kiosk share kiosk.toml in a one-kiosk branch); None when it is off."""
    if not listen:
        return None
    host, _, port = listen.rpartition(":")
    host = host.strip("[]")
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    shown = f"[{host}]" if ":" in host else host
    return KioskLink(name, f"http://{shown}:{port}", token_file)


def _summary(data: dict[str, Any]) -> dict[str, Any]:
    devices = []
    for name, d in sorted((data.get("devices") or {}).items()):
        if not isinstance(d, dict):
            continue
        raw = d.get("supplies")
        supplies: dict[Any, Any] = raw if isinstance(raw, dict) else {}
        devices.append({"name": str(name), "state": str(d.get("state") or ""),
                        "required": bool(d.get("required")),
                        "media": str(d.get("media") or ""),
                        "supplies": {str(k): str(v) for k, v in supplies.items()},
                        "detail": str(d.get("detail") or d.get("last_error") or "")[:120]})
    links = [{"name": str(k), "up": bool(v.get("up")), "detail": str(v.get("detail") or "")[:120]}
             for k, v in sorted((data.get("links") or {}).items()) if isinstance(v, dict)]
    return {
        "status": str(data.get("status") or "down"),
        "in_service": bool(data.get("in_service")),
        "kiosk_id": str(data.get("kiosk") or ""),
        "down": [str(x) for x in data.get("down") or []],
        "degraded": [str(x) for x in data.get("degraded") or []],
        "devices": devices,
        "links": links,
    }


class KioskHealth:
    """The last known health of each kiosk; :meth:`run` keeps it fresh."""

    def __init__(self, kiosks: Sequence[KioskLink], *, interval_s: float = 10.0,
                 timeout_s: float = 3.0, clock: Any = time.time) -> None:
        self.kiosks = list(kiosks)
        self.interval_s = interval_s
        self.timeout_s = timeout_s
        self._clock = clock
        self._last: dict[str, dict[str, Any]] = {
            k.name: {"name": k.name, "status": "unknown", "devices": [], "links": [],
                     "down": [], "degraded": [], "checked": None, "last_seen": None}
            for k in self.kiosks}

    def snapshot(self) -> list[dict[str, Any]]:
        return [dict(self._last[k.name]) for k in self.kiosks]

    async def _token(self, k: KioskLink) -> str:
        if k.token_file is None:
            return ""
        try:
            text = await asyncio.to_thread(k.token_file.read_text, encoding="utf-8")
        except OSError as exc:
            log.warning("staff console: cannot read the token for %s: %s", k.name, exc)
            return ""
        return text.strip()

    async def check(self, session: aiohttp.ClientSession, k: KioskLink) -> dict[str, Any]:
        prev = self._last[k.name]
        now = self._clock()
        out: dict[str, Any] = {"name": k.name, "checked": now,
                               "last_seen": prev.get("last_seen"), "devices": [], "links": [],
                               "down": [], "degraded": []}
        token = await self._token(k)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        try:
            async with session.get(f"{k.url.rstrip('/')}/healthz", headers=headers,
                                   allow_redirects=False) as r:
                if r.status in (401, 403):
                    return {**out, "status": "refused"}
                raw = await r.content.read(_MAX_BODY)
                data = json.loads(raw)
                if not isinstance(data, dict):
                    raise ValueError("not an object")
        except (TimeoutError, aiohttp.ClientError, OSError, ValueError) as exc:
            log.debug("staff console: %s unreachable: %s", k.name, exc)
            return {**out, "status": "unreachable"}
        return {**out, **_summary(data), "last_seen": now}

    async def poll_once(self, session: aiohttp.ClientSession) -> bool:
        """One round over every kiosk; True if anything staff see changed."""
        results = await asyncio.gather(*(self.check(session, k) for k in self.kiosks))
        moved = False
        for r in results:
            quiet = ("checked", "last_seen")  # times alone are not news
            before = {k: v for k, v in self._last[r["name"]].items() if k not in quiet}
            after = {k: v for k, v in r.items() if k not in quiet}
            moved |= before != after
            self._last[r["name"]] = r
        return moved

    async def run(self, on_change: Any = None) -> None:
        timeout = aiohttp.ClientTimeout(total=self.timeout_s)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                try:
                    if await self.poll_once(session) and on_change is not None:
                        await on_change()
                except Exception:
                    log.exception("staff console: kiosk health round failed")
                await asyncio.sleep(self.interval_s)


def kiosks_for_config(cfg: Any) -> list[KioskLink]:
    """The kiosk configured in the same kiosk.toml as the console (its ``[monitoring]``
    section, read by attribute: o2o_sync does not import technician); [] when it is off."""
    mon = getattr(cfg, "monitoring", None)
    if mon is None or not getattr(mon, "listen", ""):
        return []
    token = Path(mon.token_file)
    if not token.is_absolute():
        token = Path(cfg.path("secrets_dir")) / token
    kiosk = getattr(cfg, "kiosk", None)
    name = str(getattr(kiosk, "id", "") or "Kiosk")
    link = local_kiosk(name, str(mon.listen), token)
    return [link] if link is not None else []
