"""Print jobs on disk, so that no receipt is lost to a printer fault or a power cut.

A job is written (bytes + JSON metadata, each via a temporary file, fsync and rename)
*before* it is sent. It is deleted once the printer confirmed it printed; a job that
failed stays as ``failed`` with the reason, for :meth:`ReceiptPrinter.reprint` and the
technician's list. A job found ``sending`` at start-up was cut off by a crash: it is
treated as failed (the customer may not have their receipt).
"""

from __future__ import annotations

import json
import os
import re
import secrets
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

_ID = re.compile(r"^[0-9]{8}T[0-9]{6}-[0-9a-f]{8}$")


class JobNotFound(KeyError):
    pass


@dataclass
class PrintJob:
    id: str
    template: str
    lang: str
    title: str
    created: float
    state: str = "pending"  # pending | sending | failed | printed
    attempts: int = 0
    error: str = ""
    text: str = ""  # plain-text copy of the receipt, for the screen alternative
    qr_payloads: list[str] = field(default_factory=list)
    token: str = field(default_factory=lambda: secrets.token_urlsafe(12))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def new_job_id() -> str:
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


class JobStore:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        for meta in self.dir.glob("*.json"):  # left "sending" by a crash
            job = self._load(meta)
            if job is not None and job.state == "sending":
                job.state, job.error = "failed", "interrupted while printing (power cut?)"
                self.save(job)

    def add(self, job: PrintJob, data: bytes) -> PrintJob:
        _write_atomic(self.dir / f"{job.id}.bin", data)
        self.save(job)
        return job

    def save(self, job: PrintJob) -> None:
        _write_atomic(self.dir / f"{job.id}.json",
                      json.dumps(job.as_dict(), ensure_ascii=False).encode("utf-8"))

    def get(self, job_id: str) -> PrintJob:
        if not _ID.match(job_id):
            raise JobNotFound(f"bad job id '{job_id}'")
        job = self._load(self.dir / f"{job_id}.json")
        if job is None:
            raise JobNotFound(f"no print job '{job_id}'")
        return job

    def data(self, job_id: str) -> bytes:
        try:
            return (self.dir / f"{self.get(job_id).id}.bin").read_bytes()
        except FileNotFoundError:
            raise JobNotFound(f"print job '{job_id}' has no data") from None

    def done(self, job_id: str) -> None:
        """The printer printed it: the receipt (personal data) is not kept."""
        for suffix in (".bin", ".json"):
            (self.dir / f"{job_id}{suffix}").unlink(missing_ok=True)

    def pending(self) -> list[PrintJob]:
        """Jobs not (yet) printed, oldest first."""
        jobs = [j for p in self.dir.glob("*.json") if (j := self._load(p)) is not None]
        return sorted((j for j in jobs if j.state != "printed"), key=lambda j: j.created)

    @staticmethod
    def _load(path: Path) -> PrintJob | None:
        try:
            raw = json.loads(path.read_text("utf-8"))
            return PrintJob(**raw)
        except FileNotFoundError:
            return None
        except (ValueError, TypeError):
            # A corrupt metadata file must not hide the others; keep it for inspection.
            path.rename(path.with_suffix(".corrupt"))
            return None
