"""Identity work in its own process, so dlib never holds the kiosk's GIL.

dlib's Python bindings keep the GIL while they work: loading the face models (~0.5 s) and
every face encoding (60–180 ms) froze the kiosk's screen even from a worker thread. So the
face detection and encodings, the face match, the liveness landmarks and the MRZ OCR all
run in one long-lived worker process (``multiprocessing``'s "spawn" context: a fresh
interpreter, no copy of the GUI's threads or Qt state).

* Frames go through a ring of shared-memory slots (:class:`FrameRing`): the caller copies
  the camera's frame into a free slot (one memcpy) and sends a small message naming the
  slot; the worker reads the pixels in place. A slot is reused only after its reply.
* Requests and replies are small pickled tuples over one pipe; a reader thread in the
  kiosk resolves each request's :class:`~concurrent.futures.Future`.
* A worker that dies (killed, out of memory, a crash inside dlib) or stops answering is
  noticed at once: every request in flight fails with :class:`WorkerCrashed`, whose
  ``failure`` is :attr:`Failure.IDENTITY_UNAVAILABLE`, and the next request starts a new
  worker — the next customer is served.

:class:`IdentityWorker` is the process; :func:`default_worker` the kiosk's one instance.
Sessions on it are :class:`identity.remote.RemoteSession`.
"""

from __future__ import annotations

import atexit
import itertools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.context import ForkServerContext, SpawnContext
from multiprocessing.process import BaseProcess
from multiprocessing.shared_memory import SharedMemory
from typing import Any

import numpy as np
import numpy.typing as npt

from kiosk_core.failures import Failure

log = logging.getLogger(__name__)

RGB = npt.NDArray[np.uint8]
#: Slots in the frame ring: one frame per session in flight, and room for a second session.
RING_SLOTS = 4
#: A slot holds a 1280×720 RGB frame; a larger frame grows the ring.
SLOT_BYTES = 1280 * 720 * 3
#: How long a request may take before the worker is taken for hung and restarted. The
#: first request waits for the models to load (seconds on a loaded machine).
REQUEST_TIMEOUT_S = 60.0


class WorkerCrashed(RuntimeError):
    """The identity worker died or stopped answering; the request was not done."""

    failure = Failure.IDENTITY_UNAVAILABLE


class WorkerError(RuntimeError):
    """The worker ran the request and it raised (a bug or bad input): the message says what."""

    failure = Failure.IDENTITY_UNAVAILABLE


@dataclass(frozen=True)
class FrameRef:
    """Where a frame's pixels are: ``shape`` uint8 bytes at ``offset`` in shared memory ``shm``."""

    shm: str
    offset: int
    shape: tuple[int, ...]


class FrameRing:
    """Shared-memory slots for frames on their way to the worker (owned by the kiosk)."""

    def __init__(self, slots: int = RING_SLOTS, slot_bytes: int = SLOT_BYTES) -> None:
        if slots < 1 or slot_bytes < 1:
            raise ValueError("a frame ring needs at least one slot of at least one byte")
        self.slots, self.slot_bytes = slots, slot_bytes
        self._shm = SharedMemory(create=True, size=slots * slot_bytes)
        self._free = list(range(slots))
        self._cond = threading.Condition()
        self.closed = False

    @property
    def name(self) -> str:
        return self._shm.name

    def put(self, image: RGB, timeout: float | None = None) -> tuple[int, FrameRef]:
        """Copy ``image`` into a free slot (waiting up to ``timeout`` for one)."""
        if image.dtype != np.uint8:
            raise ValueError(f"frames are uint8 images, got {image.dtype}")
        if image.nbytes > self.slot_bytes:
            raise ValueError(f"a {image.nbytes}-byte frame does not fit a "
                             f"{self.slot_bytes}-byte slot")
        with self._cond:
            if not self._cond.wait_for(lambda: self._free or self.closed, timeout):
                raise TimeoutError("no free frame slot")
            if self.closed:
                raise WorkerCrashed("the frame ring is closed")
            slot = self._free.pop()
        offset = slot * self.slot_bytes
        dest = np.ndarray(image.shape, np.uint8, buffer=self._shm.buf, offset=offset)
        np.copyto(dest, image)
        return slot, FrameRef(self._shm.name, offset, tuple(image.shape))

    def release(self, slot: int) -> None:
        with self._cond:
            if slot not in self._free:
                self._free.append(slot)
            self._cond.notify()

    def idle(self) -> bool:
        with self._cond:
            return len(self._free) == self.slots

    def close(self) -> None:
        with self._cond:
            if self.closed:
                return
            self.closed = True
            self._cond.notify_all()
        self._shm.close()
        try:
            self._shm.unlink()
        except FileNotFoundError:
            pass


class IdentityWorker:
    """The identity worker process and the kiosk's end of its pipe.

    Thread-safe; every method returns at once except :meth:`call` (which waits for its
    future) and :meth:`close`. The process starts on the first request (or
    :meth:`start`), loads the face models, and serves requests in order.
    """

    def __init__(self, *, context: str = "spawn", slots: int = RING_SLOTS,
                 slot_bytes: int = SLOT_BYTES, request_timeout_s: float = REQUEST_TIMEOUT_S
                 ) -> None:
        if context not in ("spawn", "forkserver"):
            # fork would copy the GUI's threads and locks into the worker.
            raise ValueError(f"identity worker context must be spawn or forkserver, "
                             f"not {context!r}")
        self._ctx: SpawnContext | ForkServerContext = (
            multiprocessing.get_context("spawn") if context == "spawn"
            else multiprocessing.get_context("forkserver"))
        self._slots, self._slot_bytes = slots, slot_bytes
        self.request_timeout_s = request_timeout_s
        self._lock = threading.RLock()
        self._send_lock = threading.Lock()
        self._ring: FrameRing | None = None
        self._proc: BaseProcess | None = None
        self._conn: Connection | None = None
        self._reader: threading.Thread | None = None
        self._pending: dict[int, tuple[Future[Any], FrameRing | None, int | None]] = {}
        self._ids = itertools.count(1)
        self._closed = False
        #: Incremented each time a new worker process starts: a session opened in an
        #: earlier generation is gone from the worker.
        self.generation = 0
        self.crashes = 0
        self.listeners: list[Callable[[int], None]] = []  # called with the generation lost

    # -- lifecycle ---------------------------------------------------------------------

    def start(self) -> IdentityWorker:
        """Start the worker (if not running) and have it load its models; returns at once."""
        with self._lock:
            self._ensure()
        self.submit("warm")
        return self

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None and proc.is_alive() else None

    def alive(self) -> bool:
        proc = self._proc
        return proc is not None and proc.is_alive()

    def _ensure(self) -> None:
        if self._closed:
            raise WorkerCrashed("the identity worker is closed")
        if self._proc is not None and self._conn is not None:
            return
        if self._ring is None:
            self._ring = FrameRing(self._slots, self._slot_bytes)
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=serve, args=(child, os.getpid()),
                                 name="identity-worker", daemon=True)
        proc.start()
        child.close()  # only the worker holds it now: its death closes the pipe for us
        self.generation += 1
        self._proc, self._conn = proc, parent
        self._reader = threading.Thread(target=self._read, args=(parent, proc, self.generation),
                                        name="identity-worker-reader", daemon=True)
        self._reader.start()
        log.info("identity worker started (pid %s, generation %d)", proc.pid, self.generation)

    def kill(self) -> None:
        """Kill the process (a hung worker); its requests fail, the next one restarts it."""
        proc = self._proc
        if proc is not None and proc.is_alive():
            proc.kill()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the worker (it finishes the request it is on) and free the ring."""
        with self._lock:
            self._closed = True
            proc, conn = self._proc, self._conn
        if conn is not None:
            try:
                with self._send_lock:
                    conn.send((0, "quit", ()))
            except OSError:
                pass
        if proc is not None:
            proc.join(timeout)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout)
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(timeout)
        self._lost(proc, WorkerCrashed("the identity worker was closed"))
        if self._ring is not None:
            self._ring.close()

    # -- requests ----------------------------------------------------------------------

    def submit(self, op: str, *args: Any, frame: RGB | None = None) -> Future[Any]:
        """Send request ``op`` (with ``frame`` through the ring); its reply resolves the
        future, or WorkerCrashed if the worker dies first."""
        fut: Future[Any] = Future()
        slot: int | None = None
        with self._lock:
            self._ensure()
            ring, conn = self._ring, self._conn
            assert ring is not None and conn is not None
            if frame is not None:
                ring = self._ring_for(frame)
            req = next(self._ids)
            self._pending[req] = (fut, None, None)
        try:
            if frame is not None:
                slot, ref = ring.put(frame, timeout=self.request_timeout_s)
                with self._lock:
                    self._pending[req] = (fut, ring, slot)
                args = (ref, *args)
            with self._send_lock:
                conn.send((req, op, args))
        except (OSError, TimeoutError, ValueError) as exc:
            with self._lock:
                self._pending.pop(req, None)
            if slot is not None:
                ring.release(slot)
            if isinstance(exc, ValueError):
                raise
            fut.set_exception(WorkerCrashed(f"identity worker unreachable: {exc}"))
        return fut

    def call(self, op: str, *args: Any, frame: RGB | None = None,
             timeout: float | None = None) -> Any:
        """:meth:`submit` and wait; a worker that does not answer in time is killed (and
        WorkerCrashed raised)."""
        fut = self.submit(op, *args, frame=frame)
        limit = self.request_timeout_s if timeout is None else timeout
        try:
            return fut.result(limit)
        except TimeoutError:
            log.error("identity worker did not answer %s within %.0f s: restarting it",
                      op, limit)
            self.kill()
            raise WorkerCrashed(f"identity worker hung on {op}") from None

    def _ring_for(self, frame: RGB) -> FrameRing:
        """The ring, grown first if ``frame`` does not fit (waits for frames in flight)."""
        ring = self._ring
        assert ring is not None
        if frame.nbytes <= ring.slot_bytes:
            return ring
        deadline = time.monotonic() + self.request_timeout_s
        while not ring.idle() and time.monotonic() < deadline:
            time.sleep(0.01)
        ring.close()
        self._ring = FrameRing(self._slots, frame.nbytes)
        return self._ring

    # -- replies -----------------------------------------------------------------------

    def _read(self, conn: Connection, proc: BaseProcess, generation: int) -> None:
        while True:
            try:
                req, ok, value = conn.recv()
            except (EOFError, OSError):
                break
            except Exception:  # a reply that does not unpickle: the protocol is broken
                log.exception("identity worker sent an unreadable reply")
                proc.kill()
                break
            with self._lock:
                fut, ring, slot = self._pending.pop(req, (None, None, None))
            if ring is not None and slot is not None:
                ring.release(slot)
            if fut is None:
                continue
            if ok:
                fut.set_result(value)
            else:
                fut.set_exception(WorkerError(value))
        proc.join(5)
        if not self._closed:
            self.crashes += 1
            log.error("identity worker (pid %s) stopped, exit code %s: requests in flight "
                      "failed; the next one starts a new worker", proc.pid, proc.exitcode)
        self._lost(proc, WorkerCrashed(f"identity worker exited with code {proc.exitcode}"))
        for listener in list(self.listeners):
            try:
                listener(generation)
            except Exception:
                log.exception("identity worker listener failed")

    def _lost(self, proc: BaseProcess | None, error: WorkerCrashed) -> None:
        """``proc`` is gone: fail what was sent to it and let the next request restart."""
        with self._lock:
            if proc is not None and proc is not self._proc:
                return
            pending, self._pending = self._pending, {}
            if self._conn is not None:
                self._conn.close()
            self._proc = self._conn = None
        for fut, ring, slot in pending.values():
            if ring is not None and slot is not None:
                ring.release(slot)
            if not fut.done():
                fut.set_exception(error)


_default: IdentityWorker | None = None
_default_lock = threading.Lock()


def default_worker() -> IdentityWorker:
    """The kiosk's identity worker (created on first use; the process starts on the first
    request, or when the composition root calls ``default_worker().start()``)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = IdentityWorker()
            atexit.register(_default.close)
        return _default


# -- the worker process ----------------------------------------------------------------------

def serve(conn: Connection, parent_pid: int) -> None:
    """The worker's main loop (runs in the spawned process)."""
    import signal

    from identity import worker_ops

    # Ctrl-C in the kiosk's terminal is the kiosk's to handle: it closes us in order.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    logging.basicConfig(level=logging.WARNING,
                        format="identity-worker %(levelname)s %(name)s: %(message)s")
    ops = worker_ops.Ops()
    try:
        while True:
            try:
                req, op, args = conn.recv()
            except (EOFError, OSError):
                break  # the kiosk is gone
            if op == "quit":
                break
            try:
                value = ops.run(op, args)
            except Exception as exc:
                log.exception("identity worker: %s failed", op)
                reply = (req, False, f"{type(exc).__name__}: {exc}")
            else:
                reply = (req, True, value)
            try:
                conn.send(reply)
            except (EOFError, OSError):
                break
    finally:
        ops.close()
