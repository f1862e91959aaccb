"""Customer flows as persisted state machines.

A flow is a list of :class:`Step` s. Before a step's action runs, the engine writes
*intent* for that step (durably: SQLite WAL, synchronous=FULL); after it, *done* with
the data the step produced. So at any power cut the store says exactly which step
was in flight. On restart, :meth:`FlowEngine.recover` looks at each unfinished flow:

- a step with intent but no done is *in doubt*: its ``recover`` function asks the
  device what really happened (``"done"``, ``"not_done"`` or ``"failed"``); without one
  an ``idempotent`` step is redone and any other counts as failed, so the flow unwinds;
- a flow whose done steps include one that ``commits`` (the point of no return, e.g. the
  customer took the card) is completed, its remaining steps skipped;
- otherwise the flow resumes after the last done step if its policy is ``"resume"``, or
  unwinds: every done step's ``compensate`` runs in reverse order (retract the card
  to the bin, void the receipt…), each compensation itself persisted so that a cut
  during unwinding does not compensate twice.

Compensations must be safe to repeat for the step that was in doubt.

The store's file carries its schema version (:data:`SCHEMA`, :mod:`kiosk_core.migrations`):
it is exactly the file a new release must read after a power cut.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from kiosk_core.migrations import Schema, ensure_schema, run_script

log = logging.getLogger(__name__)

Outcome = Literal["done", "not_done", "failed"]
RestartPolicy = Literal["resume", "unwind"]
FlowStatus = Literal["running", "completed", "unwinding", "unwound", "failed"]


@dataclass
class FlowContext:
    """What a step sees: the flow's id and its data so far (JSON-serialisable)."""

    flow_id: str
    flow_type: str
    data: dict[str, Any]
    resources: Mapping[str, Any] = field(default_factory=dict)  # devices, journal…


StepAction = Callable[[FlowContext], "Mapping[str, Any] | None"]


@dataclass(frozen=True)
class Step:
    name: str
    action: StepAction
    compensate: Callable[[FlowContext], None] | None = None
    recover: Callable[[FlowContext], Outcome] | None = None
    #: Safe to run again when in doubt (no recover needed): an in-doubt step is redone.
    idempotent: bool = False
    #: The point of no return: once this step is done (or recovered as done) the flow is
    #: never unwound after a restart: the customer has the card, so retracting "it" would
    #: be wrong. The steps after it are skipped on restart (their customer is gone).
    commits: bool = False
    #: Run after a restart that found the flow committed (e.g. telling the bank the card
    #: was delivered). Must be idempotent and need no customer; other steps are skipped.
    resume: bool = False


@dataclass(frozen=True)
class FlowDefinition:
    name: str
    steps: tuple[Step, ...]
    on_restart: RestartPolicy = "unwind"

    def index(self, step_name: str) -> int:
        for i, s in enumerate(self.steps):
            if s.name == step_name:
                return i
        raise KeyError(step_name)


class FlowError(Exception):
    pass


class StepFailed(FlowError):
    """A step's action raised; the flow was unwound."""

    def __init__(self, flow_id: str, step: str, cause: BaseException) -> None:
        super().__init__(f"flow {flow_id}: step '{step}' failed: {cause}")
        self.flow_id = flow_id
        self.step = step
        self.cause = cause


@dataclass(frozen=True)
class FlowRow:
    flow_id: str
    flow_type: str
    status: FlowStatus
    step: int  # index of the step in flight or last done; -1 before the first
    phase: str  # "intent" | "done" | "compensating" | "compensated"
    data: dict[str, Any]
    created: str
    updated: str
    error: str

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


#: The flow store as the first releases wrote it (no schema version: v1).
_V1 = """
CREATE TABLE IF NOT EXISTS flows (
    flow_id TEXT PRIMARY KEY,
    flow_type TEXT NOT NULL,
    status TEXT NOT NULL,
    step INTEGER NOT NULL,
    phase TEXT NOT NULL,
    data TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS flows_status ON flows(status);
CREATE TABLE IF NOT EXISTS flow_log (
    id INTEGER PRIMARY KEY,
    flow_id TEXT NOT NULL,
    ts TEXT NOT NULL,
    step INTEGER NOT NULL,
    phase TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT ''
);
"""
#: v2: versioned; a flow's history (`kiosk flows show`, recovery) is found by index.
_V2 = """
CREATE INDEX IF NOT EXISTS flow_log_flow ON flow_log(flow_id, id);
"""

SCHEMA = Schema(
    label="flow store",
    version=2,
    create=run_script(_V1 + _V2),
    steps={2: run_script(_V2)},
    unversioned=1,
)

#: FlowRow's fields, read by name (never by position: a later schema may add columns).
_ROW_COLUMNS = ("flow_id", "flow_type", "status", "step", "phase", "data", "created",
                "updated", "error")
_SELECT_ROW = f"SELECT {', '.join(_ROW_COLUMNS)} FROM flows"



def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class FlowStore:
    """Durable flow state. Every write is its own committed transaction."""

    def __init__(self, path: Path | str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=10
        )
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")
        try:
            #: The file's schema version before this open (0: a new file).
            self.found_version = ensure_schema(self._conn, SCHEMA)
        except BaseException:
            self._conn.close()
            raise
        self._lock = threading.Lock()

    def close(self) -> None:
        self._conn.close()

    def create(self, flow_type: str, data: Mapping[str, Any]) -> str:
        flow_id = uuid.uuid4().hex
        now = _now()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(
                "INSERT INTO flows (flow_id, flow_type, status, step, phase, data, created,"
                " updated, error) VALUES (?, ?, 'running', -1, 'done', ?, ?, ?, '')",
                (flow_id, flow_type, json.dumps(dict(data), ensure_ascii=False), now, now),
            )
            self._log(flow_id, -1, "created", "")
            self._conn.execute("COMMIT")
        return flow_id

    def mark(
        self,
        flow_id: str,
        *,
        step: int,
        phase: str,
        status: FlowStatus | None = None,
        data: Mapping[str, Any] | None = None,
        error: str | None = None,
        note: str = "",
    ) -> None:
        sets = ["step = ?", "phase = ?", "updated = ?"]
        args: list[Any] = [step, phase, _now()]
        if status is not None:
            sets.append("status = ?")
            args.append(status)
        if data is not None:
            sets.append("data = ?")
            args.append(json.dumps(dict(data), ensure_ascii=False))
        if error is not None:
            sets.append("error = ?")
            args.append(error)
        args.append(flow_id)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(f"UPDATE flows SET {', '.join(sets)} WHERE flow_id = ?", args)
            self._log(flow_id, step, phase, note)
            self._conn.execute("COMMIT")

    def _log(self, flow_id: str, step: int, phase: str, note: str) -> None:
        self._conn.execute(
            "INSERT INTO flow_log (flow_id, ts, step, phase, note) VALUES (?, ?, ?, ?, ?)",
            (flow_id, _now(), step, phase, note),
        )

    def get(self, flow_id: str) -> FlowRow:
        with self._lock:
            row = self._conn.execute(f"{_SELECT_ROW} WHERE flow_id = ?", (flow_id,)).fetchone()
        if row is None:
            raise KeyError(flow_id)
        return self._row(row)

    def unfinished(self) -> list[FlowRow]:
        with self._lock:
            rows = self._conn.execute(
                f"{_SELECT_ROW} WHERE status IN ('running', 'unwinding') ORDER BY created"
            ).fetchall()
        return [self._row(r) for r in rows]

    def all(self) -> list[FlowRow]:
        with self._lock:
            rows = self._conn.execute(f"{_SELECT_ROW} ORDER BY created").fetchall()
        return [self._row(r) for r in rows]

    def history(self, flow_id: str) -> list[tuple[int, str, str]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT step, phase, note FROM flow_log WHERE flow_id = ? ORDER BY id",
                (flow_id,),
            ).fetchall()
        return [(int(step), str(phase), str(note)) for step, phase, note in rows]

    @staticmethod
    def _row(r: tuple[Any, ...]) -> FlowRow:
        f = dict(zip(_ROW_COLUMNS, r, strict=True))
        return FlowRow(
            flow_id=f["flow_id"],
            flow_type=f["flow_type"],
            status=f["status"],
            step=int(f["step"]),
            phase=f["phase"],
            data=json.loads(f["data"]),
            created=f["created"],
            updated=f["updated"],
            error=f["error"],
        )


class FlowEngine:
    """Runs flows step by step, persisting before every action. Blocking: run it on a worker."""

    def __init__(
        self,
        store: FlowStore,
        definitions: Mapping[str, FlowDefinition],
        resources: Mapping[str, Any] | None = None,
        on_event: Callable[[str, str, str], None] | None = None,
    ) -> None:
        self.store = store
        self.definitions = dict(definitions)
        self.resources = dict(resources or {})
        # (flow_id, event, detail) — the runtime journals these.
        self.on_event = on_event or (lambda *_: None)

    def start(self, flow_type: str, data: Mapping[str, Any] | None = None) -> str:
        if flow_type not in self.definitions:
            raise FlowError(f"unknown flow '{flow_type}'")
        flow_id = self.store.create(flow_type, data or {})
        self.on_event(flow_id, "flow.started", flow_type)
        return flow_id

    def run(self, flow_id: str) -> dict[str, Any]:
        """Run from the step after the last done one to the end. Unwinds on failure."""
        row = self.store.get(flow_id)
        definition = self.definitions[row.flow_type]
        ctx = FlowContext(flow_id, row.flow_type, dict(row.data), self.resources)
        first = row.step + 1 if row.phase == "done" else row.step
        for i in range(first, len(definition.steps)):
            step = definition.steps[i]
            self.store.mark(flow_id, step=i, phase="intent", note=step.name)
            try:
                produced = step.action(ctx)
            except Exception as exc:
                log.warning("flow %s step %s failed: %s", flow_id, step.name, exc)
                self.on_event(flow_id, "flow.step_failed", f"{step.name}: {exc}")
                # The failed step itself did not complete: unwind only the done ones.
                self._unwind(flow_id, definition, ctx, last_done=i - 1, error=f"{step.name}: {exc}")
                raise StepFailed(flow_id, step.name, exc) from exc
            if produced:
                ctx.data.update(produced)
            self.store.mark(flow_id, step=i, phase="done", data=ctx.data, note=step.name)
        self.store.mark(flow_id, step=len(definition.steps) - 1, phase="done", status="completed")
        self.on_event(flow_id, "flow.completed", row.flow_type)
        return ctx.data

    def recover(self) -> list[tuple[str, FlowStatus]]:
        """After a restart: settle every unfinished flow. Returns (flow_id, final status)."""
        results: list[tuple[str, FlowStatus]] = []
        for row in self.store.unfinished():
            definition = self.definitions.get(row.flow_type)
            if definition is None:
                self.store.mark(
                    row.flow_id,
                    step=row.step,
                    phase=row.phase,
                    status="failed",
                    error=f"no definition for '{row.flow_type}' after restart",
                )
                results.append((row.flow_id, "failed"))
                continue
            ctx = FlowContext(row.flow_id, row.flow_type, dict(row.data), self.resources)
            status = self._recover_one(row, definition, ctx)
            results.append((row.flow_id, status))
        return results

    def resume_unwinding(self, flow_ids: set[str]) -> list[tuple[str, FlowStatus]]:
        """Carry on unwinding these flows, each left ``unwinding`` by a compensation that
        failed (its device was down) and no longer run by anyone; others are skipped."""
        results: list[tuple[str, FlowStatus]] = []
        for flow_id in sorted(flow_ids):
            try:
                row = self.store.get(flow_id)
            except KeyError:
                continue
            definition = self.definitions.get(row.flow_type)
            if row.status != "unwinding" or definition is None:
                continue
            ctx = FlowContext(row.flow_id, row.flow_type, dict(row.data), self.resources)
            results.append((flow_id, self._recover_one(row, definition, ctx)))
        return results

    def _recover_one(
        self, row: FlowRow, definition: FlowDefinition, ctx: FlowContext
    ) -> FlowStatus:
        self.on_event(row.flow_id, "flow.recovering", f"step={row.step} phase={row.phase}")
        if row.status == "unwinding":
            # A cut while compensating: carry on from where unwinding stopped.
            last = row.step if row.phase == "compensating" else row.step - 1
            return self._unwind(
                row.flow_id,
                definition,
                ctx,
                last_done=last,
                error=row.error or "interrupted while unwinding",
            )
        last_done = row.step
        settled_ok = True
        if row.phase == "intent":
            step = definition.steps[row.step]
            outcome: Outcome = "not_done" if step.idempotent else "failed"
            if step.recover is not None:
                try:
                    outcome = step.recover(ctx)
                except Exception as exc:
                    log.warning("recover of %s/%s failed: %s", row.flow_id, step.name, exc)
            self.store.mark(
                row.flow_id, step=row.step, phase="in_doubt", note=f"{step.name}: {outcome}"
            )
            if outcome == "not_done":
                last_done = row.step - 1
            # "failed" (or unknown): whatever the device did, a compensation must cover it.
            settled_ok = outcome != "failed"
            self.store.mark(
                row.flow_id, step=last_done, phase="done", data=ctx.data, note=f"settled: {outcome}"
            )
        if settled_ok and any(s.commits for s in definition.steps[: last_done + 1]):
            skipped: list[str] = []
            for i in range(last_done + 1, len(definition.steps)):
                step = definition.steps[i]
                if not step.resume:
                    skipped.append(step.name)
                    continue
                self.store.mark(row.flow_id, step=i, phase="intent", note=step.name)
                try:
                    ctx.data.update(step.action(ctx) or {})
                except Exception as exc:  # the card is the customer's: nothing to undo
                    log.error("flow %s: %s after restart failed: %s", row.flow_id, step.name,
                              exc)
                    self.on_event(row.flow_id, "flow.step_failed", f"{step.name}: {exc}")
                    skipped.append(step.name)
                self.store.mark(row.flow_id, step=i, phase="done", data=ctx.data,
                                note=step.name)
                last_done = i
            self.store.mark(row.flow_id, step=last_done, phase="done", status="completed",
                            note="committed before restart; skipped: " + ",".join(skipped))
            self.on_event(row.flow_id, "flow.completed", f"{row.flow_type} (after restart)")
            return "completed"
        if definition.on_restart == "resume" and settled_ok:
            try:
                self.run(row.flow_id)
                return "completed"
            except StepFailed:
                return "unwound"
        return self._unwind(
            row.flow_id, definition, ctx, last_done=last_done, error="interrupted by restart"
        )

    def _unwind(
        self,
        flow_id: str,
        definition: FlowDefinition,
        ctx: FlowContext,
        *,
        last_done: int,
        error: str,
    ) -> FlowStatus:
        self.store.mark(
            flow_id,
            step=last_done + 1,
            phase="compensated",
            status="unwinding",
            error=error,
            note="unwind",
        )
        for i in range(last_done, -1, -1):
            step = definition.steps[i]
            self.store.mark(flow_id, step=i, phase="compensating", note=step.name)
            if step.compensate is not None:
                try:
                    step.compensate(ctx)
                except Exception as exc:
                    # Leave it unwinding: the next recover() tries this compensation again,
                    # and a technician sees it in `kiosk flows list`.
                    log.error("flow %s: compensation of %s failed: %s", flow_id, step.name, exc)
                    self.on_event(flow_id, "flow.compensation_failed", f"{step.name}: {exc}")
                    return "unwinding"
            self.store.mark(flow_id, step=i, phase="compensated", note=step.name)
        self.store.mark(flow_id, step=-1, phase="compensated", status="unwound")
        self.on_event(flow_id, "flow.unwound", error)
        return "unwound"
