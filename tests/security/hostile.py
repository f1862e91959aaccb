"""What a hostile sender sends, and a plain-socket HTTP client that sends it as it is.

Strategies for the classes of input that broke our servers before issue 15 (deep JSON, lone
surrogates, huge numbers, non-ASCII digits, trailing newlines, out-of-range times) and a
client that writes raw bytes, so malformed requests reach the server unmodified.
"""

from __future__ import annotations

import json
import socket
from typing import Any

from hypothesis import strategies as st

#: Characters that broke parsers: non-ASCII digits (int() takes them), newline (re "$"),
#: NUL, DEL, a lone surrogate (SQLite cannot store it), RTL override, full-width letters.
NASTY_CHARS = "٣۵߂²\n\r\x00\x7f\ud800\udfff\u202e\uff21\ufeff"
nasty_text = st.text(alphabet=st.characters(codec=None) | st.sampled_from(NASTY_CHARS),
                     max_size=40)
#: Schema-valid but hostile times: the ends of datetime's range, with offsets.
edge_times = st.sampled_from([
    "0001-01-01T00:00:00+01:00", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-01:00",
    "9999-12-31T23:59:59Z", "2026-02-30T10:00:00Z", "2026-12-02T25:00:00Z",
    "2026-12-02T10:00:00+24:00", "٢٠٢٦-12-02T10:00:00Z", "2026-12-02T10:00:00", "",
]) | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())


def deep(n: int, kind: str = "list") -> str:
    return ("[" * n + "]" * n) if kind == "list" else ('{"a":' * n + "1" + "}" * n)


scalars = (st.none() | st.booleans() | st.integers(min_value=-(10**30), max_value=10**30)
           | st.floats(allow_nan=False) | nasty_text)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                           | st.dictionaries(nasty_text, inner, max_size=4), max_leaves=12)


@st.composite
def hostile_json(draw: Any, like: dict[str, Any] | None = None) -> bytes:
    """A body: a mutation of ``like`` (a good document), deep nesting, raw junk, or any JSON."""
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return deep(draw(st.integers(30, 5000)), draw(st.sampled_from(["list", "dict"]))).encode()
    if choice == 1:
        return draw(st.binary(max_size=200))
    if choice == 2:
        special = draw(st.sampled_from(['"\\ud800"', "NaN", "Infinity", "1e999", "-1e999",
                                        "9" * 5000, '"\\u0000"', "[1,]", '{"a":1,"a":2}']))
        key = draw(st.sampled_from(sorted(like or {"x": 1})))
        return json.dumps({**(like or {}), key: "@@"}).replace('"@@"', special).encode()
    if choice == 3 and like:
        key = draw(st.sampled_from(sorted(like)))
        value = draw(json_values | edge_times | nasty_text.map(lambda t: t + "\n"))
        doc = {**like, key: value}
        return json.dumps(doc, ensure_ascii=draw(st.booleans())).encode("utf-8", "surrogatepass")
    if choice == 4 and like:
        extra = draw(st.dictionaries(nasty_text, json_values, min_size=1, max_size=3))
        return json.dumps({**like, **extra}).encode()
    return json.dumps(draw(json_values)).encode("utf-8", "surrogatepass")


def raw_request(port: int, data: bytes, *, timeout: float = 5.0) -> int | None:
    """Send ``data`` as it is; the status code, or None if the server closed the socket."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        try:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
        except OSError:
            return None
        buf = b""
        try:
            while b"\r\n" not in buf:
                chunk = s.recv(4096)
                if not chunk:
                    break
                buf += chunk
        except (TimeoutError, ConnectionResetError):
            return None
    line = buf.split(b"\r\n", 1)[0].split()
    return int(line[1]) if len(line) >= 2 and line[1].isdigit() else None


def request(port: int, method: str, path: str, *, body: bytes = b"",
            headers: dict[str, str] | None = None, timeout: float = 10.0
            ) -> tuple[int, dict[str, str], bytes]:
    """One HTTP/1.1 request over a plain socket: (status, headers, body)."""
    head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
            f"Content-Length: {len(body)}"]
    head += [f"{k}: {v}" for k, v in (headers or {}).items()]
    text = "\r\n".join(head) + "\r\n\r\n"
    try:
        data = text.encode("utf-8", "surrogateescape") + body
    except UnicodeEncodeError:  # a lone surrogate outside the escape range: its raw bytes
        data = text.encode("utf-8", "surrogatepass") + body
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(data)
        buf = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            buf += chunk
    top, _, rest = buf.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    hdrs = {}
    for line in lines[1:]:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return status, hdrs, rest
