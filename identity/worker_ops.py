"""What the identity worker process does with each request (runs only in that process).

Requests (see :mod:`identity.worker`): ``warm`` loads the face models; ``open`` starts an
:class:`~identity.session.IdentitySession`; ``feed`` runs one frame through it, read in
place from the shared-memory ring; ``close`` ends it and wipes its biometric data.
"""

from __future__ import annotations

import os
import random
from multiprocessing.shared_memory import SharedMemory
from pathlib import Path
from typing import Any

import numpy as np

from identity.events import SessionEvent
from identity.privacy import BiometricVault
from identity.session import IdentitySession
from identity.settings import IdentitySettings
from identity.worker import RGB, FrameRef

#: Options an IdentitySession takes that may cross the pipe (plain values only).
SESSION_OPTIONS = frozenset({"id_timeout_s", "face_timeout_s", "no_match_frames", "rng"})


class Ops:
    def __init__(self) -> None:
        self.sessions: dict[str, IdentitySession] = {}
        self._asked: dict[str, list[str]] = {}
        self._vaults: dict[tuple[str, str, float], BiometricVault] = {}
        self._shm: dict[str, SharedMemory] = {}

    def run(self, op: str, args: tuple[Any, ...]) -> Any:
        handler = getattr(self, f"op_{op}", None)
        if handler is None:
            raise ValueError(f"unknown identity worker request {op!r}")
        return handler(*args)

    # -- requests ----------------------------------------------------------------------

    def op_warm(self) -> dict[str, Any]:
        from identity import face_mesh, faces

        blank = np.zeros((120, 160, 3), np.uint8)
        faces.detect(blank)  # loads the dlib models
        face_mesh.mesh(blank, faces.Box(40, 20, 120, 100))  # and the liveness mesh
        return {"pid": os.getpid(),
                "models_loaded": faces.models_loaded() and face_mesh.loaded()}

    def op_open(self, session_id: str, settings: IdentitySettings,
                vault: tuple[str, str, float] | None, options: dict[str, Any]) -> None:
        unknown = set(options) - SESSION_OPTIONS
        if unknown:
            raise ValueError(f"unknown identity session option(s): {', '.join(sorted(unknown))}")
        if "rng" in options and not isinstance(options["rng"], random.Random):
            raise ValueError("rng must be a random.Random")
        asked: list[str] = []
        self._asked[session_id] = asked
        self.sessions[session_id] = IdentitySession(
            settings, vault=self._vault(vault) if vault else None, session_id=session_id,
            on_challenge=asked.append, **options)

    def op_feed(self, ref: FrameRef, session_id: str, t: float
                ) -> tuple[SessionEvent, list[str], dict[str, Any]]:
        session = self.sessions.get(session_id)
        if session is None:
            raise KeyError(f"no identity session {session_id!r} in this worker")
        asked = self._asked[session_id]
        asked.clear()
        event = session.feed(self._frame(ref), t)
        facts = {"mrz": session.mrz, "name_agrees": session.name_agrees,
                 "name_confirmed": session.name_confirmed}
        return event, list(asked), facts

    def op_close(self, session_id: str) -> bool:
        session = self.sessions.pop(session_id, None)
        self._asked.pop(session_id, None)
        if session is None:
            return False
        session.close()
        return True


    # -- helpers -----------------------------------------------------------------------

    def _vault(self, spec: tuple[str, str, float]) -> BiometricVault:
        vault = self._vaults.get(spec)
        if vault is None:
            root, secrets_dir, retention = spec
            vault = self._vaults[spec] = BiometricVault(Path(root), Path(secrets_dir), retention)
        return vault

    def _frame(self, ref: FrameRef) -> RGB:
        shm = self._shm.get(ref.shm)
        if shm is None:
            shm = self._shm[ref.shm] = SharedMemory(name=ref.shm)
        frame: RGB = np.ndarray(ref.shape, np.uint8, buffer=shm.buf, offset=ref.offset)
        frame.setflags(write=False)
        return frame

    def close(self) -> None:
        for sid in list(self.sessions):
            self.op_close(sid)
        for shm in self._shm.values():
            try:
                shm.close()
            except BufferError:
                pass  # a frame view still alive; the process is ending anyway
