"""Signed checkpoints of the journal's chain head, kept outside the journal's file.

The hash chain (kiosk_core.journal) shows an edited or removed record *inside* the chain,
but not a cut-off tail, nor a chain rebuilt from scratch after the triggers were dropped:
both still verify. A **seal** anchors it: the chain's id, its record count, the last and the
first record's hashes and the time, signed with the kiosk's ``journal-sealing`` Ed25519 key
(kiosk_core.keystore), one JSON line appended to ``secrets_dir/journal.seals`` (mode 0600,
``O_APPEND``, fsynced), and sent upstream with the fleet telemetry. The runtime seals after
every ``[storage] seal_records`` records or ``seal_interval_s`` seconds with new records,
and at a clean shutdown (:class:`JournalSealer`).

:func:`verify_sealed` checks a journal against the seals and names what it finds:

============== ==== ====================================================================
finding        exit what it means
============== ==== ====================================================================
ok             0    chain intact and every seal matches
unsealed       0    chain intact, no seals yet (a new kiosk), nothing to compare
broken         1    the chain itself fails (a record edited, removed or reordered)
truncated      3    fewer records than a seal covered: the tail was removed
rewritten      4    the chain verifies but a sealed record's hash differs: rebuilt
replaced       5    another chain id (another kiosk's journal, or a new file)
seal-invalid   6    a seal line does not parse or its signature fails: the seals were
                    tampered with (the upstream copy is the reference then)
============== ==== ====================================================================
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kiosk_core.journal import (
    SCHEMA,
    ChainHead,
    Journal,
    Record,
    chain_head,
    connect,
    record_hash_at,
    verify_connection,
)
from kiosk_core.migrations import SchemaError, check_readable

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from kiosk_core.keystore import KeyRing

log = logging.getLogger(__name__)

FORMAT = "smartbranch.journal-seal/1"
SEALS_FILE = "journal.seals"
PURPOSE = "journal-sealing"

EXIT_CODES = {"ok": 0, "unsealed": 0, "broken": 1, "truncated": 3, "rewritten": 4,
              "replaced": 5, "seal-invalid": 6}


def _canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
                      ).encode("utf-8")


@dataclass(frozen=True)
class Seal:
    kiosk: str
    chain: str
    count: int
    head: str
    first: str
    at: str  # ISO 8601 UTC
    key_version: int
    key_id: str  # fingerprint of the sealing public key
    signature: str = ""  # base64 Ed25519 over signed_bytes()
    format: str = FORMAT

    def body(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("signature")
        return d

    def signed_bytes(self) -> bytes:
        return _canonical(self.body())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def to_line(self) -> bytes:
        return _canonical(self.to_json()) + b"\n"


class SealError(ValueError):
    pass


def parse_seal(data: Mapping[str, Any] | str | bytes) -> Seal:
    try:
        obj = json.loads(data) if isinstance(data, (str, bytes)) else dict(data)
    except (ValueError, RecursionError):
        raise SealError("not JSON") from None
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise SealError(f"not a {FORMAT} seal")
    try:
        seal = Seal(**{k: obj[k] for k in Seal.__dataclass_fields__})
    except KeyError as exc:
        raise SealError(f"field {exc.args[0]!r} is missing") from None
    types = {"kiosk": str, "chain": str, "count": int, "head": str, "first": str, "at": str,
             "key_version": int, "key_id": str, "signature": str}
    for name, kind in types.items():
        value = getattr(seal, name)
        if not isinstance(value, kind) or isinstance(value, bool):
            raise SealError(f"field {name!r} is not a {kind.__name__}")
    if seal.count < 0:
        raise SealError("negative count")
    return seal


def make_seal(head: ChainHead, kiosk: str, ring: KeyRing) -> Seal:
    from kiosk_core.keystore import fingerprint

    key = ring.signing_key()
    seal = Seal(kiosk=kiosk, chain=head.chain, count=head.count, head=head.head,
                first=head.first, at=datetime.now(UTC).isoformat(timespec="seconds"),
                key_version=ring.current, key_id=fingerprint(key.public_key()))
    sig = base64.b64encode(key.sign(seal.signed_bytes())).decode("ascii")
    return Seal(**{**seal.to_json(), "signature": sig})


def check_signature(seal: Seal, public_keys: Mapping[int, Ed25519PublicKey]) -> str | None:
    """None if the seal is signed by one of ``public_keys`` (by version), else why not."""
    from cryptography.exceptions import InvalidSignature

    from kiosk_core.keystore import fingerprint

    key = public_keys.get(seal.key_version)
    if key is None:  # a key given from outside (--public-key): match by fingerprint
        key = next((k for k in public_keys.values() if fingerprint(k) == seal.key_id), None)
    if key is None:
        return f"signed with key v{seal.key_version} ({seal.key_id}), which is not known here"
    if fingerprint(key) != seal.key_id:
        return f"names key {seal.key_id}, but key v{seal.key_version} is {fingerprint(key)}"
    try:
        sig = base64.b64decode(seal.signature, validate=True)
        key.verify(sig, seal.signed_bytes())
    except (InvalidSignature, binascii.Error, ValueError):
        return "bad signature (the seal was altered)"
    return None


class SealLog:
    """The append-only file of seals (one JSON line each)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def append(self, seal: Seal) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, seal.to_line())  # one write: a line is whole or (power cut) torn
            os.fsync(fd)
        finally:
            os.close(fd)

    def lines(self) -> list[tuple[int, Seal | str]]:
        """(line number, seal or why it is unreadable); a torn last line is left out."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        parts = raw.split(b"\n")
        torn = parts[-1]  # after the last newline: "" normally, a torn write otherwise
        out: list[tuple[int, Seal | str]] = []
        for n, line in enumerate(parts[:-1], 1):
            try:
                out.append((n, parse_seal(line)))
            except SealError as exc:
                out.append((n, str(exc)))
        if torn:
            log.warning("%s: last line is incomplete (a power cut while sealing?)", self.path)
        return out

    def last(self) -> Seal | None:
        seals = [s for _, s in self.lines() if isinstance(s, Seal)]
        return seals[-1] if seals else None


def seal_log_for(secrets_dir: Path) -> SealLog:
    return SealLog(Path(secrets_dir) / SEALS_FILE)


@dataclass(frozen=True)
class SealedVerify:
    finding: str  # a key of EXIT_CODES
    message: str
    count: int = 0  # records in the journal
    sealed: int = 0  # records the last valid seal covered
    seals: int = 0  # valid seals checked

    @property
    def ok(self) -> bool:
        return EXIT_CODES[self.finding] == 0

    @property
    def exit_code(self) -> int:
        return EXIT_CODES[self.finding]


def verify_sealed(journal_path: Path | str, seals: SealLog,
                  public_keys: Mapping[int, Ed25519PublicKey]) -> SealedVerify:
    """Check the journal's chain, then the chain against every seal (see the module)."""
    p = Path(journal_path)
    if not p.exists():
        raise FileNotFoundError(f"no journal at {p}")
    valid: list[Seal] = []
    for n, item in seals.lines():
        problem = item if isinstance(item, str) else check_signature(item, public_keys)
        if problem is not None:
            return SealedVerify("seal-invalid",
                                f"seal file {seals.path} line {n}: {problem}; the seals were "
                                "tampered with: check against the upstream copy")
        assert isinstance(item, Seal)
        valid.append(item)
    conn = connect(p, readonly=True)
    try:
        try:
            check_readable(conn, SCHEMA)
            chain = verify_connection(conn)
            head = chain_head(conn)
        except SchemaError as exc:
            return SealedVerify("broken", str(exc))
        except Exception as exc:  # sqlite3.DatabaseError: not a journal at all
            return SealedVerify("broken", f"not a readable journal: {exc}")
        if not chain.ok:
            where = f"record {chain.bad_seq}" if chain.bad_seq is not None else "journal"
            return SealedVerify("broken", f"chain broken at {where}: {chain.reason} "
                                f"({chain.count} records before it are intact)", chain.count)
        if not valid:
            return SealedVerify("unsealed", f"{head.count} records, chain intact; no seals "
                                f"in {seals.path}: a removed tail or a rebuilt chain cannot "
                                "be detected here (compare with the upstream seals)",
                                head.count)
        last = valid[-1]
        common = dict(count=head.count, sealed=last.count, seals=len(valid))
        if last.chain != head.chain:
            return SealedVerify(
                "replaced", f"the journal's chain id {head.chain or '(none)'} is not the "
                f"sealed chain {last.chain} (sealed {last.at} with {last.count} records): "
                "the file was replaced by another kiosk's or a new journal", **common)
        # Older seals of another chain (before a restore) are not this file's.
        mine = [s for s in valid if s.chain == head.chain]
        widest = max(mine, key=lambda s: s.count)
        if head.count < widest.count:
            return SealedVerify(
                "truncated", f"the journal has {head.count} records but the seal of "
                f"{widest.at} covered {widest.count}: records {head.count + 1}.."
                f"{widest.count} were removed", **common)
        for seal in mine:  # the earliest that disagrees: where the rewrite begins
            found = record_hash_at(conn, seal.count) if seal.count else None
            if seal.count and found != seal.head:
                return SealedVerify(
                    "rewritten", f"record {seal.count}'s hash is not the one sealed at "
                    f"{seal.at}: the chain verifies but was rebuilt (rewritten)", **common)
            if seal.count and head.first != seal.first:
                return SealedVerify("rewritten", "the first record is not the one sealed "
                                    f"at {seal.at}: the chain was rebuilt", **common)
        unsealed = head.count - last.count
        return SealedVerify("ok", f"{head.count} records, chain intact, {len(valid)} seal(s) "
                            f"match (last {last.at}, {last.count} records; {unsealed} newer)",
                            **common)
    finally:
        conn.close()


class JournalSealer:
    """Seals the runtime's journal on its own thread: after ``every_records`` new records,
    after ``every_s`` seconds with new records, and at :meth:`close` (clean shutdown).

    ``ring``: a callable giving the journal-sealing key ring (opened on the sealer's thread,
    so cryptography and a TPM unseal never run on the caller's).
    """

    def __init__(self, journal: Journal, log_: SealLog, ring: Callable[[], KeyRing], *,
                 kiosk: str, every_records: int = 200, every_s: float = 300.0) -> None:
        self.journal = journal
        self.seals = log_
        self._ring_factory = ring
        self._ring: KeyRing | None = None
        self.kiosk = kiosk
        self.every_records = max(1, every_records)
        self.every_s = every_s
        self._pending = 0
        self._sealed_count = -1
        self._latest: Seal | None = None
        self._listeners: list[Callable[[Seal], None]] = []
        self._cond = threading.Condition()
        self._stop = False
        self._lock = threading.Lock()  # one seal at a time
        self._thread = threading.Thread(target=self._run, name="journal-sealer", daemon=True)
        self._thread.start()

    @property
    def latest(self) -> Seal | None:
        """The newest seal this process wrote (or found at start)."""
        return self._latest

    def subscribe(self, listener: Callable[[Seal], None]) -> None:
        """``listener(seal)`` after each seal is on disk (telemetry), on the sealer's thread."""
        self._listeners.append(listener)

    def on_records(self, records: list[Record]) -> None:
        """JournalWriter listener (on its thread): count, wake the sealer when due."""
        with self._cond:
            self._pending += len(records)
            if self._pending >= self.every_records:
                self._cond.notify()

    def seal_now(self) -> Seal | None:
        """Seal the head if it moved since the last seal; the seal written, or None."""
        with self._lock:
            head = self.journal.head()
            if head.count == self._sealed_count:
                return None
            if self._ring is None:
                self._ring = self._ring_factory()
            seal = make_seal(head, self.kiosk, self._ring)
            self.seals.append(seal)
            self._sealed_count = head.count
            self._latest = seal
        for listener in list(self._listeners):
            try:
                listener(seal)
            except Exception:
                log.exception("journal seal listener %r failed", listener)
        return seal

    def _run(self) -> None:
        try:
            self._latest = self.seals.last()
        except OSError as exc:
            log.error("journal seals %s unreadable: %s", self.seals.path, exc)
        self._safe_seal()  # at start: the head the previous run left, and kiosk.start
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stop or self._pending >= self.every_records,
                                    timeout=self.every_s)
                if self._stop:
                    return
                due, self._pending = self._pending > 0, 0
            if due:
                self._safe_seal()

    def _safe_seal(self) -> None:
        try:
            self.seal_now()
        except Exception:
            log.exception("journal seal failed (the journal goes on; sealed next time)")

    def close(self, timeout: float = 5.0) -> Seal | None:
        """Stop the timer and write a final seal (call with the journal still open, after
        the last record is on disk)."""
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout)
        try:
            return self.seal_now()
        except Exception:
            log.exception("the final journal seal failed")
            return None
