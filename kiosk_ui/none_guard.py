"""Keeps ``None``, ``True`` and ``False`` alive in a long-running PySide6 process on 3.11.

PySide6 6.12 drops a reference to ``None`` on some calls that answer None (``processEvents``,
``parentItem()`` of a root item, ``superClass()`` of QObject's meta-object, ...), and to
``True``/``False`` on some that answer a bool. Before Python 3.12 made them immortal, a
count can reach zero after enough such calls: the interpreter aborts ("none_dealloc:
deallocating None", "bool_dealloc") or, worse, reuses memory under live objects. A kiosk
runs for weeks, so the count is raised again whenever it runs low.

The count is raised in place (CPython keeps ``ob_refcnt`` first in every object), not by
holding references in a list: such a list is freed when the interpreter finalizes, and
the missing references would abort the exit. Nothing is done on Python ≥ 3.12 or off CPython.
"""

from __future__ import annotations

import ctypes
import platform
import sys
import threading

#: Raise a count by TOP_UP when it falls under LOW_WATER.
LOW_WATER = 200_000
TOP_UP = 1_000_000

_SINGLETONS = (None, True, False)
_lock = threading.Lock()
_NEEDED = sys.version_info < (3, 12) and platform.python_implementation() == "CPython"


def _raise_count(value: object, by: int) -> None:
    ctypes.c_ssize_t.from_address(id(value)).value += by


def keep_none_alive() -> int:
    """Raise the reference counts of None, True and False where they run low; returns the
    lowest of the three counts."""
    if _NEEDED:
        with _lock:
            for value in _SINGLETONS:
                if sys.getrefcount(value) < LOW_WATER:
                    _raise_count(value, TOP_UP)
    return min(sys.getrefcount(v) for v in _SINGLETONS)
