"""JSON from the network, parsed with limits: size, nesting, no lone surrogates, no NaN.

Every network interface that takes a JSON body (webhook, channel events, staff console,
control API) parses it here, so hostile input is one clear ``HostileJSON`` (a ValueError,
answered 400/413) and never a RecursionError, an OverflowError or a string SQLite cannot
store (a lone surrogate) that turns into a 500 further in. No I/O here.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: Deeper than any of our documents (the change feed item is 3 levels): 32 is generous.
MAX_DEPTH = 32
_SURROGATE = re.compile("[\ud800-\udfff]")


class HostileJSON(ValueError):
    """A body we refuse; ``too_large`` tells 413 from 400."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


def _no_constant(name: str) -> Any:
    raise HostileJSON(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):  # "1e999": int(inf) is an OverflowError later
        raise HostileJSON(f"number {text[:20]} is out of range")
    return value


def loads(raw: bytes | str, *, max_bytes: int = 65536, max_depth: int = MAX_DEPTH) -> Any:
    """The document, or HostileJSON saying what is wrong with it."""
    if len(raw) > max_bytes:
        raise HostileJSON(f"body of {len(raw)} bytes exceeds {max_bytes}", too_large=True)
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HostileJSON("body is not UTF-8") from None
    else:
        text = raw
    if _SURROGATE.search(text):
        raise HostileJSON("body holds a lone surrogate")
    try:
        data = json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except RecursionError:
        raise HostileJSON(f"JSON nested deeper than {max_depth} levels") from None
    except HostileJSON:
        raise
    except ValueError:  # JSONDecodeError, and ints past sys.get_int_max_str_digits
        raise HostileJSON("body is not JSON") from None
    check(data, max_depth=max_depth)
    return data


def check(data: Any, *, max_depth: int = MAX_DEPTH) -> None:
    """Refuse nesting deeper than ``max_depth`` and strings with lone surrogates (from
    ``\\ud800`` escapes) — iteratively, so the check itself cannot recurse too deep."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                raise HostileJSON("a string holds a lone surrogate (not valid Unicode)")
        elif isinstance(value, dict | list):
            if depth > max_depth:
                raise HostileJSON(f"JSON nested deeper than {max_depth} levels")
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for k, v in items:
                if isinstance(k, str) and _SURROGATE.search(k):
                    raise HostileJSON("a key holds a lone surrogate (not valid Unicode)")
                stack.append((v, depth + 1))
