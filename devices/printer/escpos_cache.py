"""Where python-escpos keeps its parsed printer-capabilities database.

On import, ``escpos.capabilities`` parses its 1 MB capabilities file with PyYAML's pure-Python
loader (130 ms holding the GIL: a visible freeze of the screen while the kiosk starts) and
pickles the result into ``ESCPOS_CAPABILITIES_PICKLE_DIR``, or else into a fresh
``mkdtemp()`` (python-escpos 3.1 calls it even when the variable is set): the cache is never
hit, and every process that prints leaves a directory in /tmp behind.

:func:`load` imports it once with the cache in the user's own cache directory
(``$XDG_CACHE_HOME`` or ``~/.cache``, ``smartbranch/escpos``, mode 0700) and that stray
``mkdtemp`` answered with the same directory. The pickle is loaded from there, so the
directory and every folder above it must be closed to other users; if not (or it cannot be
made), a temporary directory removed at exit is used instead. Call :func:`load` before any
other ``escpos`` import.
"""

from __future__ import annotations

import atexit
import importlib
import os
import shutil
import stat
import sys
import tempfile
import threading
from pathlib import Path
from types import ModuleType
from typing import Any

ENV = "ESCPOS_CAPABILITIES_PICKLE_DIR"
_lock = threading.Lock()


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "smartbranch" / "escpos"


def _closed_to_others(path: Path) -> bool:
    """``path`` and each folder above it: owned by root or us and writable by no one else
    (a sticky folder such as /tmp is fine: others cannot rename what is ours in it)."""
    uid = os.getuid()
    for p in (path, *path.parents):
        try:
            st = p.lstat()
        except OSError:
            return False
        if stat.S_ISLNK(st.st_mode):
            return False
        if st.st_uid not in (0, uid):
            return False
        if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
            return False
    return True


def _private_dir(path: Path) -> bool:
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    except OSError:
        return False
    return path.lstat().st_uid == os.getuid() and _closed_to_others(path)


def pickle_dir() -> str:
    """The directory escpos uses (the operator's ``ESCPOS_CAPABILITIES_PICKLE_DIR`` if set)."""
    if os.environ.get(ENV):
        return os.environ[ENV]
    path = cache_dir()
    if not _private_dir(path):
        tmp = tempfile.mkdtemp(prefix="smartbranch-escpos-")
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)
        path = Path(tmp)
    os.environ[ENV] = str(path)
    return str(path)


def load() -> ModuleType:
    """``escpos.capabilities``, imported once with the private cache and no stray temp dir."""
    with _lock:
        loaded = sys.modules.get("escpos.capabilities")
        if loaded is not None:
            return loaded
        where = pickle_dir()
        real = tempfile.mkdtemp

        def mkdtemp(*args: Any, **kwargs: Any) -> Any:
            if not args and not kwargs and \
                    sys._getframe(1).f_globals.get("__name__") == "escpos.capabilities":
                return where  # its unused default for the variable set above
            return real(*args, **kwargs)

        tempfile.mkdtemp = mkdtemp
        try:
            return importlib.import_module("escpos.capabilities")
        finally:
            tempfile.mkdtemp = real
