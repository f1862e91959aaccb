"""Small JSON files that must survive a power cut: written whole, atomically, or not at all.

The new content goes to a temporary file in the same folder, is flushed to disk, then
renamed over the old file (``os.replace`` is atomic on POSIX), and the folder is synced so
the rename itself is durable. A reader sees the old file or the new one, never half of one.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class StateFileError(ValueError):
    """A state file that exists but is not what we wrote (names the file)."""


def write_json_atomic(path: str | Path, data: dict[str, Any]) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def read_json(path: str | Path) -> dict[str, Any] | None:
    """The file's object; None if there is no file; StateFileError if it is not ours."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StateFileError(f"{path}: {exc}") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise StateFileError(f"{path}: not JSON ({exc})") from None
    if not isinstance(data, dict):
        raise StateFileError(f"{path}: not a JSON object")
    return data
