"""Call hub under load: 1,000 waiting kiosks and 100 tellers on one hub process.

The hub runs as its own process (``python -m video_teller.hub.service``); every kiosk and
teller is a real WebSocket client on loopback in this process. After all kiosks have joined,
tellers answer one call at a time (each answer moves every other waiting kiosk up by one).

Measured:
- routing decision p99 — the hub's own time to pick the call for the answering teller
  (``Queue.answer``), and the whole answer (pick, audit write, messages queued);
- the time from a teller's ``call.answer`` until *every* waiting kiosk has received its new
  ``queue.position`` (p50/p99/max over the changes);
- answer → ``call.assigned`` round trip, and the time for 1,000 kiosks to join.

Targets (issue 11): routing decision p99 ≤ 5 ms; every waiting kiosk has its new position
≤ 1 s after a change. ``python -m bench hub_load [--kiosks N] [--tellers N] [--changes N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from video_teller import protocol as p
from video_teller.hub.service import raise_fd_limit
from video_teller.hub.tokens import issue, load_or_create_key

LANGS = ("zh_CN", "en_US")
SKILLS = tuple(p.Skill)
ROUTING_TARGET_MS = 5.0
POSITIONS_TARGET_S = 1.0


@dataclass
class Kiosk:
    idx: int
    ws: aiohttp.ClientWebSocketResponse
    position: int = 0
    updated_at: float = 0.0
    joined: asyncio.Event = field(default_factory=asyncio.Event)
    connected: bool = False


@dataclass
class Change:
    t0: float = 0.0
    expected: int | None = None  # known once call.assigned says which call was taken
    got: int = 0
    done: asyncio.Event = field(default_factory=asyncio.Event)
    last_at: float = 0.0


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q * len(ordered)) - 1))]


async def _connect(session: aiohttp.ClientSession, url: str, token: str
                   ) -> aiohttp.ClientWebSocketResponse:
    for attempt in range(5):
        try:
            ws = await session.ws_connect(url, heartbeat=None, autoping=True,
                                          max_msg_size=8 * 1024 * 1024)
            await ws.send_str(p.encode(p.Hello(token=token)))
            return ws
        except (aiohttp.ClientError, OSError):
            await asyncio.sleep(0.1 * (attempt + 1))
    raise RuntimeError("cannot connect to the hub")


async def run(args: argparse.Namespace, url: str, key: bytes) -> dict[str, float]:
    rng = random.Random(11)
    ws_url = url.replace("http", "ws") + "/ws"
    conn = aiohttp.TCPConnector(limit=0)
    session = aiohttp.ClientSession(connector=conn)
    change = Change()
    change.done.set()
    kiosks: list[Kiosk] = []
    by_call: dict[str, Kiosk] = {}
    readers: list[asyncio.Task[None]] = []

    async def read_kiosk(k: Kiosk) -> None:
        async for msg in k.ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            m = p.decode(msg.data)
            if isinstance(m, p.QueuePosition):
                now = time.perf_counter()
                moved = k.position != m.position
                k.position, k.updated_at = m.position, now
                k.joined.set()
                if moved and not change.done.is_set() and now >= change.t0:
                    change.got += 1
                    change.last_at = now
                    if change.expected is not None and change.got >= change.expected:
                        change.done.set()
            elif isinstance(m, p.Connected):
                k.connected = True

    assigned: asyncio.Queue[tuple[float, p.Base]] = asyncio.Queue()

    async def read_teller(ws: aiohttp.ClientWebSocketResponse) -> None:
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                break
            m = p.decode(msg.data)
            if isinstance(m, p.Assigned | p.Error):
                assigned.put_nowait((time.perf_counter(), m))

    # Tellers first (all away: nobody is answered until we say so), then the kiosks.
    tellers = []
    for i in range(args.tellers):
        langs = LANGS if i % 3 == 0 else (LANGS[i % 2],)
        skills = tuple(SKILLS) if i % 2 == 0 else (SKILLS[i % 3], p.Skill.GENERAL)
        token = issue(key, role="teller", sub=f"t{i:03d}", ttl_s=3600, languages=langs,
                      skills=list(dict.fromkeys(skills)))
        ws = await _connect(session, ws_url, token)
        tellers.append(ws)
        readers.append(asyncio.create_task(read_teller(ws)))

    t_join = time.perf_counter()
    sem = asyncio.Semaphore(64)

    async def join(i: int) -> None:
        async with sem:
            ws = await _connect(session, ws_url,
                                issue(key, role="kiosk", sub=f"k{i:04d}", ttl_s=3600))
            k = Kiosk(i, ws)
            kiosks.append(k)
            by_call[f"c{i:04d}"] = k
            readers.append(asyncio.create_task(read_kiosk(k)))
            await ws.send_str(p.encode(p.CallRequest(
                call_id=f"c{i:04d}", language=rng.choice(LANGS), skill=rng.choice(SKILLS),
                needs_help=rng.random() < 0.1, flow="card_issuance" if rng.random() < 0.2
                else None, in_kiosk_s=rng.uniform(0, 900))))

    await asyncio.gather(*(join(i) for i in range(args.kiosks)))
    await asyncio.wait_for(asyncio.gather(*(k.joined.wait() for k in kiosks)), 60)
    join_s = time.perf_counter() - t_join
    await asyncio.sleep(0.5)  # let the joining pushes settle

    spread: list[float] = []
    round_trips: list[float] = []
    for n in range(min(args.changes, args.tellers, args.kiosks - 1)):
        before = {k.idx: k.position for k in kiosks if not k.connected}
        change.expected = None
        change.got = 0
        change.done.clear()
        change.t0 = time.perf_counter()
        await tellers[n].send_str(p.encode(p.AnswerCall()))
        answered_at, reply = await asyncio.wait_for(assigned.get(), 10)
        if not isinstance(reply, p.Assigned):
            raise RuntimeError(f"teller {n} could not answer: {reply}")
        round_trips.append(answered_at - change.t0)
        # Every waiting kiosk behind the answered call moves up by one.
        taken = before.pop(by_call[reply.call_id].idx)
        change.expected = sum(1 for pos in before.values() if pos > taken)
        if change.got >= change.expected:
            change.done.set()
        try:
            await asyncio.wait_for(change.done.wait(), 10)
        except TimeoutError:
            raise RuntimeError(
                f"change {n}: only {change.got}/{change.expected} kiosks told in 10 s") from None
        spread.append(change.last_at - change.t0)
        await asyncio.sleep(0.05)

    async with session.get(url + "/healthz") as r:
        health = await r.json()
    await asyncio.gather(*(ws.close() for ws in [*tellers, *(k.ws for k in kiosks)]),
                         return_exceptions=True)
    for t in readers:
        t.cancel()
    await asyncio.gather(*readers, return_exceptions=True)
    await session.close()
    await asyncio.sleep(0.1)  # let the transports finish closing before the loop does
    return {
        "join_s": join_s,
        "routing_p99_ms": health["routing_p99_ms"],
        "answer_p99_ms": health["answer_p99_ms"],
        "answer_p50_ms": health["answer_p50_ms"],
        "positions_p99_ms": health["positions_p99_ms"],
        "rt_p50_ms": statistics.median(round_trips) * 1e3,
        "rt_p99_ms": _pct(round_trips, 0.99) * 1e3,
        "spread_p50_s": statistics.median(spread),
        "spread_p99_s": _pct(spread, 0.99),
        "spread_max_s": max(spread),
        "changes": len(spread),
        "decisions": health["routing_decisions"],
    }


def pure_routing(kiosks: int, tellers: int, n: int = 5000) -> dict[str, float]:
    """The queue alone (no network): answer + requeue cycles with ``kiosks`` waiting calls
    and ``tellers`` tellers of mixed eligibility, and the positions of every waiting call."""
    from video_teller.hub.routing import Call, Queue, Teller

    rng = random.Random(5)
    q = Queue()
    for i in range(tellers):
        langs = LANGS if i % 3 == 0 else (LANGS[i % 2],)
        skills = tuple(SKILLS) if i % 2 == 0 else (SKILLS[i % 3], p.Skill.GENERAL)
        q.sign_in(Teller(f"t{i}", languages=langs, skills=tuple(dict.fromkeys(skills)),
                         presence=p.Presence.AVAILABLE))
    for i in range(kiosks):
        q.enqueue(Call(f"c{i}", f"k{i}", rng.choice(LANGS), rng.choice(SKILLS),
                       needs_help=rng.random() < 0.1, in_kiosk_s=rng.uniform(0, 900),
                       enqueued_at=float(i)))
    picks = []
    for j in range(n):
        tid = f"t{rng.randrange(tellers)}"
        t0 = time.perf_counter()
        call = q.answer(tid, None, now=float(kiosks + j))
        picks.append(time.perf_counter() - t0)
        q.requeue(call.call_id, now=float(kiosks + j))  # back at the head: the line stays full
    pos = []
    for _ in range(200):
        t0 = time.perf_counter()
        q.positions()
        pos.append(time.perf_counter() - t0)
    return {"pick_p99_ms": _pct(picks, 0.99) * 1e3, "positions_p50_ms": _pct(pos, 0.5) * 1e3,
            "positions_p99_ms": _pct(pos, 0.99) * 1e3}


def _machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model or platform.processor()} × {os.cpu_count()}, {platform.system()} " \
           f"{platform.release()}, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench hub_load")
    ap.add_argument("--kiosks", type=int, default=1000)
    ap.add_argument("--tellers", type=int, default=100)
    ap.add_argument("--changes", type=int, default=100, help="answers measured (≤ tellers)")
    args = ap.parse_args(argv)
    raise_fd_limit(4 * (args.kiosks + args.tellers) + 256)
    load_before = os.getloadavg()
    pure = pure_routing(args.kiosks, args.tellers)
    with tempfile.TemporaryDirectory() as d:
        key_file = Path(d) / "hub.key"
        key = load_or_create_key(key_file)
        hub = subprocess.Popen(
            [sys.executable, "-m", "video_teller.hub.service", "--listen", "127.0.0.1:0",
             "--db", str(Path(d) / "hub.sqlite"), "--key-file", str(key_file)],
            stdout=subprocess.PIPE, text=True)
        try:
            assert hub.stdout is not None
            line = hub.stdout.readline().strip()
            if not line.startswith("call hub on "):
                print(f"hub did not start: {line!r}", file=sys.stderr)
                return 1
            url = line.removeprefix("call hub on ")
            res = asyncio.run(run(args, url, key))
        finally:
            hub.terminate()
            hub.wait(timeout=20)
    print(f"machine: {_machine()}")
    print(f"date: {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average before "
          f"{load_before[0]:.2f}; hub in its own process, {args.kiosks} kiosks + "
          f"{args.tellers} tellers over WebSockets on 127.0.0.1 in this one")
    print(f"{res['changes']:.0f} changes (a teller answers; every other waiting kiosk moves up)")
    print()
    print(f"{'measure':<58} {'value':>10} {'target':>10} {'ratio':>7}")
    rows = [
        ("routing decision p99 (hub: pick the call)", res["routing_p99_ms"], "ms",
         ROUTING_TARGET_MS),
        ("answer handled p50 (hub: pick, audit write, messages)", res["answer_p50_ms"], "ms",
         ROUTING_TARGET_MS),
        ("answer handled p99 (hub: pick, audit write, messages)", res["answer_p99_ms"], "ms",
         ROUTING_TARGET_MS),
        ("all waiting kiosks told their new position, p50", res["spread_p50_s"] * 1e3, "ms",
         POSITIONS_TARGET_S * 1e3),
        ("all waiting kiosks told their new position, p99", res["spread_p99_s"] * 1e3, "ms",
         POSITIONS_TARGET_S * 1e3),
        ("all waiting kiosks told their new position, max", res["spread_max_s"] * 1e3, "ms",
         POSITIONS_TARGET_S * 1e3),
        ("queue alone: routing decision p99 (5,000 answers)", pure["pick_p99_ms"], "ms",
         ROUTING_TARGET_MS),
        ("queue alone: positions of every waiting call, p50", pure["positions_p50_ms"], "ms",
         None),
        ("queue alone: positions of every waiting call, p99", pure["positions_p99_ms"], "ms",
         None),
        ("hub: positions computed + queued, p99 (whole run)", res["positions_p99_ms"], "ms",
         None),
        ("answer -> call.assigned round trip, p50", res["rt_p50_ms"], "ms", None),
        ("answer -> call.assigned round trip, p99", res["rt_p99_ms"], "ms", None),
        (f"{args.kiosks} kiosks signed in and queued", res["join_s"] * 1e3, "ms", None),
    ]
    failed = False
    for name, value, unit, target in rows:
        if target is None:
            print(f"{name:<58} {value:>7.3f} {unit} {'-':>10} {'-':>7}")
            continue
        ratio = value / target
        failed |= ratio > 1
        print(f"{name:<58} {value:>7.3f} {unit} {f'≤ {target:g} {unit}':>10} {ratio:>6.3f}x")
    print(json.dumps({k: round(v, 4) for k, v in {**res, **{f"queue_{k}": v for k, v in
                                                                pure.items()}}.items()}))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
