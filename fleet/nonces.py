"""Nonces of commands already obeyed, kept on disk so a restart does not reopen a replay."""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path


class NonceStore:
    """``nonce -> unix time it may be forgotten`` in one small JSON file, rewritten atomically
    (write, fsync, rename) on every add: a few commands a day, so simplicity wins."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._seen: dict[str, float] = {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = {}
        except (OSError, ValueError) as exc:
            # Losing the list would reopen replays: refuse to start instead.
            raise ValueError(f"{path}: unreadable nonce list ({exc}); remove it only after "
                             "the command max age has passed") from None
        if not isinstance(data, dict):
            raise ValueError(f"{path}: not a nonce list")
        self._seen = {str(k): float(v) for k, v in data.items()
                      if isinstance(v, int | float)}

    def add(self, nonce: str, forget_after: float, now: float) -> bool:
        """Record ``nonce``; False if it is already there (a replay)."""
        with self._lock:
            self._seen = {k: t for k, t in self._seen.items() if t >= now}
            if nonce in self._seen:
                return False
            self._seen[nonce] = forget_after
            self._save()
            return True

    def __contains__(self, nonce: str) -> bool:
        with self._lock:
            return nonce in self._seen

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self._seen, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.path)
        try:
            fd = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
