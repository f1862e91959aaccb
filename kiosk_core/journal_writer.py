"""The journal's one writer: a thread that owns the Journal and chains records in the
order they were handed over.

Any thread (the GUI through the bridge, a device's worker, a flow's worker, the core
loop) calls :meth:`JournalWriter.append`, which checks and scrubs the record on the
caller's thread (a secret or an image is refused there, at once, with
:class:`~kiosk_core.journal.SensitiveDataError`), queues it and returns a
:class:`~concurrent.futures.Future` of the :class:`~kiosk_core.journal.Record`. The
writer's thread takes everything queued so far, chains it and commits it in one
transaction (one fsync for the batch, so a burst of device events costs one disk
flush); then the futures resolve. The caller's thread never waits for the disk unless it
asks to (``append(...).result()``).

A record whose future has resolved is on disk (WAL, ``synchronous=FULL``); one still
queued when the power goes is lost, but never half-written and never out of order: the
chain verifies after any cut.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Mapping
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Protocol

from kiosk_core.journal import Journal, PreparedRecord, Record, prepare

log = logging.getLogger(__name__)


class JournalSink(Protocol):
    """What code that journals needs: the runtime's :class:`JournalWriter`, or a fake."""

    def append(self, kind: str, data: Mapping[str, Any] | None = None) -> Future[Record]: ...


class JournalClosed(RuntimeError):
    """The writer was closed: nothing more can be journalled through it."""


@dataclass(frozen=True)
class _Pending:
    record: PreparedRecord
    future: Future[Record]


@dataclass(frozen=True)
class _Marker:
    """A flush point (``stop`` False) or the last item of the queue (``stop`` True)."""

    future: Future[None]
    stop: bool = False


class JournalWriter:
    """The one thread that writes ``journal``; see the module's docstring."""

    def __init__(
        self,
        journal: Journal,
        *,
        name: str = "journal-writer",
        batch_max: int = 256,
        close_journal: bool = True,
    ) -> None:
        if batch_max < 1:
            raise ValueError(f"batch_max must be >= 1, got {batch_max}")
        self._journal = journal
        self._batch_max = batch_max
        self._close_journal = close_journal
        self._queue: queue.SimpleQueue[_Pending | _Marker] = queue.SimpleQueue()
        self._lock = threading.Lock()  # orders "closed?" checks against the queue
        self._closed = False
        self._listeners: list[Callable[[list[Record]], None]] = []
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def journal(self) -> Journal:
        """The journal written to, for reading (records, verify)."""
        return self._journal

    @property
    def closed(self) -> bool:
        return self._closed

    def append(self, kind: str, data: Mapping[str, Any] | None = None) -> Future[Record]:
        """Queue one record; returns at once with a future of the chained record.

        Raises ValueError (bad kind), TypeError (data not a mapping) or SensitiveDataError
        (a PIN, CVV, image…) here, before anything is queued; JournalClosed after close().
        A write that fails on disk fails the future.
        """
        item = _Pending(prepare(kind, data), Future())
        # Running from the start: a journal record, once handed over, cannot be cancelled.
        item.future.set_running_or_notify_cancel()
        with self._lock:
            if self._closed:
                raise JournalClosed(f"journal writer closed; '{kind}' not journalled")
            self._queue.put(item)
        return item.future

    def subscribe(self, listener: Callable[[list[Record]], None]) -> Callable[[], None]:
        """``listener(records)`` after each batch is on disk, on the writer's thread, in
        chain order (counters, metrics, telemetry). Keep it quick; it must not append."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    def flush(self, timeout: float | None = 5.0) -> bool:
        """Wait until every record handed over before this call is on disk.

        Returns False (and logs) if that took longer than ``timeout`` seconds.
        """
        marker = _Marker(Future())
        marker.future.set_running_or_notify_cancel()
        with self._lock:
            if self._closed:
                return self._wait_thread(timeout, "flush")
            self._queue.put(marker)
        try:
            marker.future.result(timeout=timeout)
        except TimeoutError:
            log.warning("journal flush did not finish within %s s", timeout)
            return False
        return True

    def close(self, timeout: float | None = 5.0) -> bool:
        """Write everything queued, stop the thread, close the journal. Safe to call twice.

        Returns False (and logs) if the thread did not finish within ``timeout`` seconds;
        the journal's connection is then left open to the thread still writing.
        """
        with self._lock:
            if not self._closed:
                self._closed = True
                marker = _Marker(Future(), stop=True)
                marker.future.set_running_or_notify_cancel()
                self._queue.put(marker)
        return self._wait_thread(timeout, "close")

    def _wait_thread(self, timeout: float | None, what: str) -> bool:
        if threading.current_thread() is self._thread:
            raise RuntimeError(f"journal {what} from the journal writer's own thread")
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error(
                "journal writer did not finish within %s s (%s); %d items still queued",
                timeout,
                what,
                self._queue.qsize(),
            )
            return False
        return True

    def __enter__(self) -> JournalWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- on the writer's thread ------------------------------------------------------

    def _run(self) -> None:
        try:
            while True:
                batch = [self._queue.get()]
                while len(batch) < self._batch_max:
                    try:
                        batch.append(self._queue.get_nowait())
                    except queue.Empty:
                        break
                if self._handle(batch):
                    return
        finally:
            if self._close_journal and self._closed:
                try:
                    self._journal.close()
                except Exception:
                    log.exception("closing the journal failed")

    def _handle(self, batch: list[_Pending | _Marker]) -> bool:
        """Write the batch's records in order, then release its markers. True: stop."""
        pending = [item for item in batch if isinstance(item, _Pending)]
        if pending:
            self._write(pending)
        stop = False
        for item in batch:
            if isinstance(item, _Marker):
                item.future.set_result(None)
                stop = stop or item.stop
        return stop

    def _write(self, pending: list[_Pending]) -> None:
        try:
            records = self._journal.write([p.record for p in pending])
        except Exception as exc:
            if len(pending) == 1:
                log.error("journal write of '%s' failed: %s", pending[0].record.kind, exc)
                pending[0].future.set_exception(exc)
                return
            # One at a time, so one bad record does not cost the others.
            for p in pending:
                self._write([p])
            return
        for p, rec in zip(pending, records, strict=True):
            p.future.set_result(rec)
        for listener in list(self._listeners):
            try:
                listener(records)
            except Exception:
                log.exception("journal listener %r failed", listener)

