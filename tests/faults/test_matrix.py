"""The fault matrix (issue #12, item 6): every fault each simulator offers, injected while the
kiosk is idle and in the middle of every flow that uses the device, then cleared.

Each case asserts
  1. what the customer is shown: the menu's reason for what is not offered, the flow's
     failure reason (the Failure the page explains), the ticket/receipt outcome;
  2. which functions the menu offers (kiosk_core.availability through the runtime);
  3. the journal: a device record with the state, the code and the words of the fault;
  4. recovery: the device usable and the functions offered again within RECOVERY_S after
     the fault is cleared, with the kiosk never restarted.
Plus each simulator process killed (SIGKILL) and started again on the same port: the device
comes back by itself.

The faults are the simulators' own lists (``FAULTS`` in each simulator module), so a fault
added to a simulator becomes a case here; it fails until the table below says what the
kiosk must do with it. See docs/faults.md, "Fault matrix".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from _pytest.mark import ParameterSet

from devices.camera import driver as cam
from devices.camera.condition import CAMERA_FAILURES
from devices.camera.simulator import FAULTS as CAMERA_FAULTS
from devices.card_dispenser.simulator import FAULTS as DISPENSER_FAULTS
from devices.pinpad.simulator import FAULTS as PINPAD_FAULTS
from devices.printer.simulator import FAULTS as PRINTER_FAULTS
from kiosk_core.availability import Unavailable
from kiosk_core.failures import Failure
from kiosk_core.status import DeviceState, DeviceStatus, SupplyState

from .conftest import DETECT_S, POLL_S, RECOVERY_S, Kiosk
from .flows import check_in, issue_card

pytestmark = [pytest.mark.slow, pytest.mark.timeout(90)]

CARD, CHECKIN = "card", "checkin"  # the menu's entries (kiosk_ui.registry.SERVICES)
#: How long a fault that must NOT take a device down is watched (6 polls).
WATCH_S = 6 * POLL_S
#: Device states a device reports while a fault keeps it from working.
DOWN = frozenset(s for s in DeviceState if not s.usable and s is not DeviceState.STARTING)


# -- the table: what the kiosk must do with each fault ------------------------------------


@dataclass(frozen=True)
class Idle:
    """A fault while nobody is at the kiosk."""

    #: Device states it must show (found by polling); empty: the device stays usable.
    states: frozenset[DeviceState] = frozenset()
    #: A supply state it must show (``(name, state)``), with or without a state change.
    supply: tuple[str, SupplyState] | None = None
    #: Menu entries not offered, with the first reason the customer is told.
    refused: dict[str, Unavailable] = field(default_factory=dict)
    #: The device drops and comes back on its own, before any clear (a dropped line).
    transient: bool = False
    #: Armed, not struck: it acts on the next movement/job (jam, cutter): nothing to see.
    armed: bool = False


@dataclass(frozen=True)
class Fault:
    device: str  # the runtime's device kind
    name: str
    inject: str  # the simulator's control line
    clear: tuple[str, ...]  # what fixes it (control lines, or "restart" / "ceremony")
    idle: Idle


def _p(name: str, idle: Idle, clear: tuple[str, ...] = ("clear",)) -> Fault:
    return Fault("printer", name, f"fault {name}", clear, idle)


def _d(name: str, idle: Idle, clear: tuple[str, ...] = ("clear",), arg: str = "") -> Fault:
    return Fault("card_dispenser", name, f"fault {name}{arg}", clear, idle)


def _k(name: str, idle: Idle, clear: tuple[str, ...] = ("clear",)) -> Fault:
    return Fault("pinpad", name, f"fault {name}", clear, idle)


# Printer: optional for both flows (the receipt or ticket then as a QR code on screen).
PRINTER = {f.name: f for f in (
    _p("paper-out", Idle(DOWN, ("paper", SupplyState.OUT))),
    _p("near-end", Idle(supply=("paper", SupplyState.LOW))),
    _p("cover-open", Idle(DOWN)),
    _p("offline", Idle(DOWN)),
    _p("cutter-error", Idle(armed=True)),  # strikes at the next cut
    _p("unrecoverable", Idle(DOWN)),
    _p("disconnect", Idle(transient=True)),  # the line drops: reconnected by the kiosk
)}

_NO_CARDS = {CARD: Unavailable.NO_CARDS}
_DISP_DOWN = {CARD: Unavailable.DISPENSER_DOWN}
# Card dispenser: card issuance only; check-in never needs it.
DISPENSER = {f.name: f for f in (
    _d("jam", Idle(armed=True), arg=":1"),
    _d("pulled", Idle(armed=True), arg=":1"),
    _d("stacker-low", Idle(supply=("stacker", SupplyState.LOW)), ("refill 50",)),
    _d("stacker-empty", Idle(supply=("stacker", SupplyState.EMPTY), refused=_NO_CARDS),
       ("refill 50",)),
    _d("bin-full", Idle(supply=("bin", SupplyState.FULL),
                        refused={CARD: Unavailable.BIN_FULL}), ("empty-bin",)),
    # The customer walks away: nothing to see idle; the simulator has no line that undoes
    # it, so the "clear" is its restart (the kiosk is not restarted).
    _d("never-taken", Idle(armed=True), ("restart",)),
    _d("nak", Idle(), arg=":1"),  # resent: nobody notices
    _d("bad-bcc", Idle(), arg=":1"),
    _d("silence", Idle(DOWN, refused=_DISP_DOWN)),
    _d("disconnect", Idle(transient=True), arg=":1"),
    _d("slow", Idle(), arg=":0.5"),
    # The protocol's status does not tell a lost initialisation: found and repaired at the
    # next movement (re-initialised, retried, journalled: see the mid-flow case).
    _d("power-cycle", Idle()),
)}

_PAD_DOWN = {CARD: Unavailable.PINPAD_DOWN}
# PIN pad: card issuance only (choose_pin).
PINPAD = {f.name: f for f in (
    _k("key-stuck", Idle(DOWN, refused=_PAD_DOWN)),
    _k("tamper", Idle(DOWN, refused=_PAD_DOWN), ("ceremony",)),  # keys erased
    _k("silence", Idle(DOWN, refused=_PAD_DOWN)),
    _k("removed", Idle(DOWN, refused=_PAD_DOWN)),
)}

TABLES = {"printer": (PRINTER_FAULTS, PRINTER), "card_dispenser": (DISPENSER_FAULTS, DISPENSER),
          "pinpad": (PINPAD_FAULTS, PINPAD)}


#: Cases whose behaviour is not built yet, by "test[id]": strict xfail with what is missing
#: (an xfail that starts passing fails the run, so the entry is removed with the fix).
KNOWN_GAPS: dict[str, str] = {}


def case(test: str, *values: object, id: str) -> ParameterSet:
    gap = KNOWN_GAPS.get(f"{test}[{id}]")
    marks = [pytest.mark.xfail(strict=True, reason=gap)] if gap else []
    return pytest.param(*values, id=id, marks=marks)


def cases() -> list[ParameterSet]:
    return [case("test_idle", kind, name, id=f"{kind}-{name}")
            for kind, (offered, _table) in TABLES.items() for name in offered]


def fault_of(kind: str, name: str) -> Fault:
    table = TABLES[kind][1]
    assert name in table, (f"the {kind} simulator offers fault {name!r}, which the fault "
                           "matrix does not describe: add what the kiosk must do with it")
    return table[name]


# -- helpers --------------------------------------------------------------------------


def inject(kiosk: Kiosk, fault: Fault) -> None:
    kiosk.sim(fault.device, fault.inject)


def clear(kiosk: Kiosk, fault: Fault) -> float:
    """Fix the fault as a technician would; returns the monotonic time it was fixed."""
    from .conftest import _key_ceremony

    for line in fault.clear:
        if line == "restart":
            # Off until the kiosk has noticed, then on again (a quick blip: test_blip).
            sim = kiosk.sims[fault.device]
            sim.kill()
            kiosk.wait_status(fault.device, lambda s: s.device in DOWN, DETECT_S, "down")
            sim.start()
        elif line == "ceremony":
            _key_ceremony(kiosk)
        else:
            kiosk.sim(fault.device, line)
    return time.monotonic()


def supply_is(st: DeviceStatus, supply: tuple[str, SupplyState]) -> bool:
    return st.supplies.get(supply[0]) is supply[1]


def assert_recovers(kiosk: Kiosk, fault: Fault, since: float, label: str) -> float:
    """Usable again, the supply fine and every function it took back on the menu, within
    RECOVERY_S of the clear (the kiosk never restarted); returns the seconds it took."""
    kind = fault.device
    deadline = since + RECOVERY_S
    while True:
        st = kiosk.status(kind)
        offered = kiosk.offered()
        supply = fault.idle.supply
        ok = (st.device.usable and offered.get(CHECKIN, False) and offered.get(CARD, False)
              and (supply is None or not supply_is(st, supply)))
        if ok:
            took = time.monotonic() - since
            kiosk.measured[label] = round(took, 2)
            return took
        if time.monotonic() > deadline:
            raise AssertionError(
                f"{kind} {fault.name}: not back within {RECOVERY_S} s of the clear: "
                f"status {st.as_dict()}, offered {offered}, "
                f"why {({k: a.reasons for k, a in kiosk.availability().items()})}")
        time.sleep(0.02)


def fault_records(kiosk: Kiosk, kind: str) -> list[dict[str, object]]:
    """The device's journal records since the case began that report a problem."""
    return [d for d in kiosk.device_records(kind)
            if str(d.get("state", "")) in {str(s) for s in DOWN} or d.get("code")]


def assert_journalled(kiosk: Kiosk, kind: str, what: str,
                      pred: Callable[[dict[str, object]], bool],
                      timeout: float = 2.0, *, coded: bool = True) -> dict[str, object]:
    """A device record matching ``pred``, with the fault's code and words (``coded``; a
    supply's level is its own code: "stacker empty" needs no vendor code)."""
    deadline = time.monotonic() + timeout  # the writer thread may not have it yet
    while True:
        recs = kiosk.device_records(kind)
        found = [d for d in recs if pred(d)]
        if found:
            rec = found[-1]
            assert not coded or (rec.get("code") and rec.get("detail")), \
                f"{kind} {what}: journalled without code or words: {rec}"
            return rec
        if time.monotonic() > deadline:
            raise AssertionError(f"{kind} {what}: no journal record; device records {recs}")
        time.sleep(0.05)


def assert_menu(kiosk: Kiosk, refused: dict[str, Unavailable], label: str) -> None:
    """Check-in and card issuance offered unless ``refused`` names them, with its reason
    first on the menu; the kiosk in service while anything can be offered."""
    menu = kiosk.menu()
    for entry in (CARD, CHECKIN):
        want = refused.get(entry)
        got = menu[entry]
        if want is None:
            assert got.available, f"{label}: {entry} not offered ({list(got.why)})"
        else:
            assert not got.available, f"{label}: {entry} still offered"
            assert got.why and got.why[0] is want, f"{label}: {entry} refused for {got.why}"
    assert kiosk.runtime.service.in_service, f"{label}: kiosk out of service"


# -- idle ---------------------------------------------------------------------------------


#: What the card session says at "I agree" (before the ID check) while the fault lasts.
SESSION_REASON = {"stacker-empty": {Failure.STACKER_EMPTY}, "bin-full": {Failure.BIN_FULL},
                  "silence": {Failure.DEVICE, Failure.DEVICE_MISSING}}


def assert_card_session_refuses(kiosk: Kiosk, reasons: set[Failure], label: str) -> None:
    """The card function refuses before the ID check and the signature. The session gets no
    camera: one that does not refuse fails at once (no_camera) instead of starting a
    minutes-long identity check, and the reason says which happened."""
    from concurrent.futures import ThreadPoolExecutor

    from customer_flows.card_session import session_for

    with ThreadPoolExecutor(2, thread_name_prefix="faults-session") as pool:
        session = session_for(kiosk.runtime, language="en_US", submit=pool.submit)
        session.devices = {k: v for k, v in session.devices.items() if k != "camera"}
        try:
            session.accept()
            deadline = time.monotonic() + 5
            while session.state not in ("failed", "identity") and time.monotonic() < deadline:
                time.sleep(0.02)
            snap = session.snapshot()
            assert snap.state == "failed" and snap.reason in reasons, \
                f"{label}: at 'I agree' the card session says {snap.state}/{snap.reason!r}"
        finally:
            session.close()


@pytest.mark.parametrize(("kind", "name"), cases())
def test_idle(kiosk: Kiosk, kind: str, name: str) -> None:
    """The fault strikes while nobody is at the kiosk: found by polling, told on the menu,
    journalled; cleared, everything is back by itself."""
    fault = fault_of(kind, name)
    idle = fault.idle
    inject(kiosk, fault)
    label = f"{kind} {name} idle"
    if idle.states:
        found = kiosk.wait_status(kind, lambda s: s.device in idle.states, DETECT_S,
                                  f"down ({sorted(idle.states)})")
        kiosk.detected[label] = round(found, 2)
        st = kiosk.status(kind)
        kiosk.observed[label] = f"{st.device} / {st.error_code}"
        assert st.detail and st.error_code, f"{label}: no code or words: {st.as_dict()}"
        assert_journalled(kiosk, kind, name, lambda d: d.get("state") == str(st.device)
                          and d.get("code") == st.error_code)
    if idle.supply is not None:
        supply = idle.supply
        found = kiosk.wait_status(kind, lambda s: supply_is(s, supply), DETECT_S, f"{supply}")
        kiosk.detected.setdefault(label, round(found, 2))
        assert_journalled(kiosk, kind, name, lambda d: d.get("supply") == supply[0]
                          and d.get("level") == str(supply[1]), DETECT_S, coded=False)
    if idle.transient:
        # A dropped line / a lost initialisation: seen, journalled, and back by itself.
        assert_journalled(kiosk, kind, name, lambda d: bool(d.get("code")), DETECT_S)
        t0 = time.monotonic()
        kiosk.wait_usable(kind, RECOVERY_S + DETECT_S)
        kiosk.measured[f"{label} (by itself)"] = round(time.monotonic() - t0, 2)
    if not (idle.states or idle.supply or idle.transient):
        # Resent, slower or armed: the device must not be reported down meanwhile.
        end = time.monotonic() + WATCH_S
        while time.monotonic() < end:
            st = kiosk.status(kind)
            assert st.device.usable, f"{label}: reported down: {st.as_dict()}"
            time.sleep(0.05)
        assert not fault_records(kiosk, kind), f"{label}: {fault_records(kiosk, kind)}"
    if not idle.transient:
        assert_menu(kiosk, idle.refused, label)
    if kind == "card_dispenser" and CARD in idle.refused:
        assert_card_session_refuses(kiosk, SESSION_REASON[name], label)
    if kind == "printer" and not idle.armed:
        # Check-in during the fault: the ticket on screen, the truth about the paper.
        result = check_in(kiosk)
        on_paper = idle.states == frozenset()
        assert result.printed is on_paper, f"{label}: {result}"
        if not on_paper:
            assert result.print_outcome == "not_printed" and result.print_reason, result
            # The screen's QR: the ticket's live queue page (the paper would carry the same).
            assert "/r/q/" in result.ticket_url, result
    since = clear(kiosk, fault)
    assert_recovers(kiosk, fault, since, label)


# -- mid-flow: the printer ---------------------------------------------------------------


@dataclass(frozen=True)
class Paper:
    """What a job struck by the fault part-way leaves on the paper, and why."""

    printed: bool  # the whole receipt/ticket is in the customer's hands
    outcome: str  # devices.printer.outcomes.PrintResult
    reason: str  # devices.printer.outcomes.PrintReason ("" when none)


PRINTER_MID = {
    "paper-out": Paper(False, "partial", "paper_out"),
    "near-end": Paper(True, "printed", ""),  # the roll is low, the job is whole
    "cover-open": Paper(False, "partial", "cover_open"),
    "offline": Paper(False, "partial", "offline"),
    "cutter-error": Paper(True, "printed_not_cut", "cutter"),  # torn off: never reprinted
    "unrecoverable": Paper(False, "partial", "unrecoverable"),
    "disconnect": Paper(False, "partial", "disconnected"),
}


def printer_mid_cases() -> list[ParameterSet]:
    return [case("test_printer_mid_job", name, flow, id=f"printer-{name}-{flow}")
            for name in PRINTER_FAULTS for flow in ("checkin", "card_issuance")]


@pytest.mark.parametrize(("name", "flow"), printer_mid_cases())
def test_printer_mid_job(kiosk: Kiosk, name: str, flow: str) -> None:
    """The fault strikes part-way through the ticket (check-in) or the receipt (card
    issuance): the customer is told what really came out, the QR on screen when it is not
    whole, a job kept for reprint only if it was not printed whole."""
    fault = fault_of("printer", name)
    assert name in PRINTER_MID, f"no mid-job expectation for printer fault {name!r}"
    want = PRINTER_MID[name]
    label = f"printer {name} mid-job {flow}"
    kiosk.sim("printer", f"fault {name}@mid-job")
    printer = kiosk.device("printer")
    if flow == "checkin":
        result = check_in(kiosk)
        got = Paper(result.printed, result.print_outcome, result.print_reason)
        job, url = result.job_id, result.ticket_url
        assert "/r/q/" in url, f"{label}: no ticket QR (the live queue page): {result}"
    else:
        issued = issue_card(kiosk)
        assert issued.state == "done", f"{label}: the card was not issued: {issued.reason}"
        data = issued.data
        got = Paper(bool(data.get("receipt_printed")), str(data.get("receipt_outcome")),
                    str(data.get("receipt_reason", "")))
        job, url = str(data.get("receipt_job")), str(data.get("receipt_url", ""))
        assert bool(url) is not want.printed, f"{label}: receipt QR {url!r} for {got}"
        receipt = [d for k, d in kiosk.records() if k == "card.receipt"]
        assert receipt and receipt[-1]["outcome"] == want.outcome, f"{label}: {receipt}"
        assert receipt[-1]["reason"] == want.reason, f"{label}: {receipt}"
    assert got == want, f"{label}: the customer is told {got}, the paper says {want}"
    kept = {j.id for j in printer.pending_jobs()}
    assert (job in kept) is not want.printed, f"{label}: kept for reprint: {job in kept}"
    if name == "near-end":
        assert_journalled(kiosk, "printer", name, lambda d: d.get("supply") == "paper"
                          and d.get("level") == "low", DETECT_S, coded=False)
    else:
        assert_journalled(kiosk, "printer", name, lambda d: bool(d.get("code")), DETECT_S)
    assert_menu(kiosk, {}, label)  # the printer is optional for both
    since = clear(kiosk, fault)
    assert_recovers(kiosk, fault, since, label)


# -- mid-flow: the card dispenser and the PIN pad (card issuance) --------------------------


@dataclass(frozen=True)
class Mid:
    """A fault struck when the flow reports ``at``; what the customer is told."""

    at: str  # reserving | preparing | pin | dispensing | take_card | printing
    failed: frozenset[Failure] = frozenset()  # empty: the card is issued all the same
    retained: bool = False  # the card ended in the retain bin (never lost, never handed)
    after: dict[str, Unavailable] = field(default_factory=dict)  # menu until it is cleared
    #: A device record with the fault's code must be in the journal (a line or device
    #: fault, also one the kiosk repaired on its own; not the customer's doing).
    journalled: bool = False


def _fails(*f: Failure) -> frozenset[Failure]:
    return frozenset(f)


DISPENSER_MID = {
    "jam": Mid("dispensing", _fails(Failure.JAM), retained=True),
    "pulled": Mid("dispensing", _fails(Failure.CARD_PULLED)),
    "stacker-low": Mid("preparing"),
    "stacker-empty": Mid("preparing", _fails(Failure.STACKER_EMPTY), after=_NO_CARDS),
    "bin-full": Mid("preparing", after={CARD: Unavailable.BIN_FULL}),
    "never-taken": Mid("preparing", _fails(Failure.NOT_TAKEN), retained=True),
    "nak": Mid("dispensing"),
    "bad-bcc": Mid("dispensing"),
    "silence": Mid("dispensing", _fails(Failure.DEVICE), after=_DISP_DOWN, journalled=True),
    # The reply to "present" is cut and the line dropped: the kiosk reconnects, finds the
    # card at the gate and hands it over (the customer is not failed for a line blip).
    "disconnect": Mid("dispensing", journalled=True),
    "slow": Mid("dispensing"),
    # Re-initialised by the kiosk (the card kept where it is) and handed over all the same.
    "power-cycle": Mid("dispensing", journalled=True),
}
PINPAD_MID = {name: Mid("pin", _fails(Failure.PINPAD), retained=True, after=_PAD_DOWN,
                        journalled=True)
              for name in ("key-stuck", "tamper", "silence", "removed")}
MID = {"card_dispenser": DISPENSER_MID, "pinpad": PINPAD_MID}


def card_mid_cases() -> list[ParameterSet]:
    return [case("test_card_issuance_mid_flow", kind, name, id=f"{kind}-{name}-card_issuance")
            for kind, names in (("card_dispenser", DISPENSER_FAULTS), ("pinpad", PINPAD_FAULTS))
            for name in names]


def bin_count(kiosk: Kiosk) -> int:
    state = kiosk.sim("card_dispenser", "status")
    return int(state.split(" bin=", 1)[1].split("/", 1)[0])


@pytest.mark.parametrize(("kind", "name"), card_mid_cases())
def test_card_issuance_mid_flow(kiosk: Kiosk, kind: str, name: str) -> None:
    """The fault strikes while a customer is being served a card: the screen's reason, the
    card binned (never lost, never half-handed), the menu meanwhile, and back by itself."""
    fault = fault_of(kind, name)
    assert name in MID[kind], f"no mid-flow expectation for {kind} fault {name!r}"
    want = MID[kind][name]
    label = f"{kind} {name} mid-flow card_issuance"
    bin_before = bin_count(kiosk)
    take_s = 1.5 if name == "never-taken" else 5.0
    issued = issue_card(kiosk, {want.at: lambda: inject(kiosk, fault)}, take_timeout_s=take_s)
    if want.failed:
        assert issued.state == "failed", f"{label}: issued all the same ({issued.data})"
        assert Failure(issued.reason) in want.failed, \
            f"{label}: the customer is told {issued.reason!r} ({issued.error!r})"
    else:
        assert issued.state == "done", f"{label}: {issued.reason} ({issued.error!r})"
    if want.retained:
        # After a line fault the kiosk may only bin the card once the line is back.
        if kind == "card_dispenser" and name in ("silence",):
            pass
        else:
            deadline = time.monotonic() + RECOVERY_S
            while bin_count(kiosk) != bin_before + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
            assert bin_count(kiosk) == bin_before + 1, f"{label}: the card is not in the bin"
            assert [d for k, d in kiosk.records() if k == "card.retained"], \
                f"{label}: no card.retained record"
    elif kind == "card_dispenser" and name != "bin-full":  # (bin-full fills the bin itself)
        assert bin_count(kiosk) == bin_before, f"{label}: a card went to the bin"
    if want.after:
        assert_menu(kiosk, want.after, label)
    if want.journalled:  # a device fault: journalled with its code and words
        assert_journalled(kiosk, kind, name, lambda d: bool(d.get("code")), DETECT_S)
    since = clear(kiosk, fault)
    assert_recovers(kiosk, fault, since, label)
    # Back means the next customer gets a card: nothing of this one's left in the way.
    following = issue_card(kiosk)
    assert following.state == "done", \
        f"{label}: the next customer is told {following.reason!r} ({following.error!r})"


# -- a simulator process killed and started again ----------------------------------------


KILL_REFUSES = {"printer": {}, "card_dispenser": _DISP_DOWN, "pinpad": _PAD_DOWN}


@pytest.mark.parametrize("kind", [case("test_simulator_killed_and_restarted", k, id=k)
                                  for k in ("printer", "card_dispenser", "pinpad")])
def test_simulator_killed_and_restarted(kiosk: Kiosk, kind: str) -> None:
    """The device's process dies (SIGKILL: power lost, cable pulled): the kiosk sees it
    within the poll bound, says what is not offered and journals it; the process started
    again on the same port, the device is back by itself and serves the next customer."""
    label = f"{kind} killed"
    sim = kiosk.sims[kind]
    sim.kill()
    kiosk.detected[label] = round(
        kiosk.wait_status(kind, lambda s: s.device in DOWN, DETECT_S, "down"), 2)
    st = kiosk.status(kind)
    kiosk.observed[label] = f"{st.device} / {st.error_code}"
    assert_journalled(kiosk, kind, "kill", lambda d: str(d.get("state")) in
                      {str(s) for s in DOWN}, DETECT_S)
    assert_menu(kiosk, KILL_REFUSES[kind], label)
    time.sleep(1.0)  # a while without it: the kiosk retries with backoff meanwhile
    sim.start()
    since = time.monotonic()
    took = kiosk.wait_usable(kind, RECOVERY_S)
    kiosk.measured[f"{kind} restarted"] = round(took, 2)
    assert time.monotonic() - since <= RECOVERY_S
    fault = Fault(kind, "killed", "", (), Idle())
    assert_recovers(kiosk, fault, since, label)
    if kind == "printer":
        result = check_in(kiosk)
        assert result.printed and result.print_outcome == "printed", f"{label}: {result}"
    else:
        issued = issue_card(kiosk)
        assert issued.state == "done", f"{label}: {issued.reason} ({issued.error!r})"


# -- the camera (in-process sim://camera: frames have no byte protocol) ---------------------


@dataclass(frozen=True)
class CameraFault:
    states: frozenset[DeviceState]  # what the camera reports
    code: str  # its error code (devices.camera.driver)
    shown: Failure | None  # what the check-in scan screen says (None: nothing to say)
    refused: dict[str, Unavailable]  # the menu meanwhile


_CAM_DOWN = {CARD: Unavailable.CAMERA_DOWN}
CAMERA = {
    "unplugged": CameraFault(frozenset({DeviceState.NO_DEVICE}), cam.UNPLUGGED,
                             Failure.CAMERA_UNPLUGGED, _CAM_DOWN),
    "frozen": CameraFault(frozenset({DeviceState.HARDWARE_ERROR}), cam.FROZEN,
                          Failure.CAMERA_FROZEN, _CAM_DOWN),
    # Usable, but the customer is asked to step into the light.
    "dark": CameraFault(frozenset({DeviceState.ONLINE}), cam.TOO_DARK, Failure.CAMERA_DARK, {}),
    # A technician's matter: the customer notices nothing.
    "dropped-frames": CameraFault(frozenset({DeviceState.ONLINE}), cam.DROPPING, None, {}),
}


#: The camera finds its faults in the frames (devices/camera/health.py): a dark picture after
#: dark_after_s (1 s), a frozen one after frozen_after_s (2 s), lost frames over
#: drop_window_s (5 s); no polling is involved, so not DETECT_S.
CAMERA_DETECT_S = 7.0


def camera_fault(name: str) -> CameraFault:
    assert name in CAMERA, (f"the camera simulator offers fault {name!r}, which the fault "
                            "matrix does not describe: add what the kiosk must do with it")
    return CAMERA[name]


def camera_recovers(kiosk: Kiosk, since: float, label: str) -> None:
    deadline = since + RECOVERY_S
    while True:
        st = kiosk.status("camera")
        if st.device.usable and not st.error_code and kiosk.offered().get(CARD):
            kiosk.measured[label] = round(time.monotonic() - since, 2)
            return
        assert time.monotonic() < deadline, f"{label}: not back: {st.as_dict()}"
        time.sleep(0.02)


@pytest.mark.parametrize("name", [case("test_camera_idle", n, id=n)
                                  for n in CAMERA_FAULTS])
def test_camera_idle(kiosk: Kiosk, name: str) -> None:
    want = camera_fault(name)
    label = f"camera {name} idle"
    camera = kiosk.device("camera")
    camera.inject_fault(name)
    kiosk.detected[label] = round(kiosk.wait_status(
        "camera", lambda s: s.device in want.states and s.error_code == want.code,
        CAMERA_DETECT_S, f"{sorted(want.states)} / {want.code}"), 2)
    st = kiosk.status("camera")
    assert st.detail, f"{label}: no words: {st.as_dict()}"
    assert_journalled(kiosk, "camera", name, lambda d: d.get("code") == want.code,
                      CAMERA_DETECT_S)
    assert_menu(kiosk, want.refused, label)
    menu = kiosk.menu()
    if want.refused:  # the teller needs the camera too
        assert Unavailable.CAMERA_DOWN in menu["teller"].why, f"{label}: {menu['teller']}"
    camera.clear_fault(name)
    camera_recovers(kiosk, time.monotonic(), label)


@pytest.mark.parametrize("name", [case("test_camera_mid_checkin_scan", n, id=n)
                                  for n in CAMERA_FAULTS])
def test_camera_mid_checkin_scan(kiosk: Kiosk, name: str) -> None:
    """The fault strikes while the customer holds the phone's QR code to the camera: the
    scan screen says what is wrong in plain words (or nothing, for lost frames) and keeps
    scanning; cleared, the code is read and the appointment found, with no restart."""
    from concurrent.futures import ThreadPoolExecutor

    from customer_flows.checkin import CheckinService
    from customer_flows.checkin_flow import CheckinFlow
    from devices.camera.scenes import EmptyScene

    want = camera_fault(name)
    label = f"camera {name} mid-flow checkin"
    rt = kiosk.runtime
    camera = kiosk.device("camera")
    # Nobody in front yet: the fault strikes, then the customer holds up the phone.
    show_phone = camera.show_scene(EmptyScene())
    assert show_phone is not None
    camera.inject_fault(name)
    kiosk.wait_status("camera", lambda s: s.error_code == want.code, CAMERA_DETECT_S,
                      want.code)
    with ThreadPoolExecutor(2, thread_name_prefix="faults-checkin") as pool:
        flow = CheckinFlow(service=lambda: CheckinService.from_runtime(rt), camera=camera,
                           submit=pool.submit, journal=lambda kind, data: None,
                           prompts=rt.prompts, scan_limit_s=30.0)
        try:
            flow.choose_qr()
            if want.shown is not None:
                deadline = time.monotonic() + DETECT_S
                while flow.state.error != want.shown and time.monotonic() < deadline:
                    time.sleep(0.02)
                assert flow.state.step == "scan" and flow.state.error == want.shown, \
                    f"{label}: the scan screen shows {flow.state.step}/{flow.state.error!r}"
            show_phone()
            camera.clear_fault(name)
            since = time.monotonic()
            deadline = since + RECOVERY_S
            while flow.state.step not in ("confirm", "error") and time.monotonic() < deadline:
                time.sleep(0.02)
            assert flow.state.step == "confirm", \
                f"{label}: after the clear: {flow.state.step}/{flow.state.error!r}"
            assert flow.state.appointment is not None
            assert flow.state.appointment.appointment_id == "apt_f000"
            kiosk.measured[label] = round(time.monotonic() - since, 2)
        finally:
            flow.close()
            show_phone()


@pytest.mark.parametrize("name", [case("test_camera_mid_identity_check", n, id=n)
                                  for n in CAMERA_FAULTS])
def test_camera_mid_identity_check(kiosk: Kiosk, name: str) -> None:
    """The fault strikes during the card's identity check: the check stops (journalled),
    the identity screen says what is wrong, and a new check starts by itself once the
    camera is fixed, without charging the customer an attempt."""
    from concurrent.futures import ThreadPoolExecutor

    from customer_flows.card_session import session_for

    want = camera_fault(name)
    label = f"camera {name} mid-flow card_issuance (identity)"
    camera = kiosk.device("camera")
    with ThreadPoolExecutor(4, thread_name_prefix="faults-identity") as pool:
        session = session_for(kiosk.runtime, language="en_US", submit=pool.submit)
        try:
            session.accept()
            deadline = time.monotonic() + 30
            while getattr(session, "_runner", None) is None and time.monotonic() < deadline:
                assert session.state == "identity", f"{label}: {session.snapshot()}"
                time.sleep(0.05)
            attempts = session.snapshot().attempts
            camera.inject_fault(name)
            kiosk.wait_status("camera", lambda s: s.error_code == want.code, CAMERA_DETECT_S,
                              want.code)
            if want.shown is not None:
                deadline = time.monotonic() + DETECT_S
                while session.snapshot().prompt_code != want.shown and \
                        time.monotonic() < deadline:
                    time.sleep(0.02)
                snap = session.snapshot()
                assert snap.state == "identity" and snap.prompt_code == want.shown, \
                    f"{label}: the identity screen shows {snap.state}/{snap.prompt_code!r}"
                stops = [d for k, d in kiosk.records() if k == "identity.interrupted"]
                assert stops and stops[-1]["reason"] == want.shown, f"{label}: {stops}"
            camera.clear_fault(name)
            since = time.monotonic()
            deadline = since + RECOVERY_S
            while session.snapshot().prompt_code in {f.value for f in CAMERA_FAILURES} and \
                    time.monotonic() < deadline:
                time.sleep(0.02)
            snap = session.snapshot()
            assert snap.state == "identity" and snap.prompt_code not in \
                {f.value for f in CAMERA_FAILURES}, f"{label}: after the clear: {snap}"
            assert snap.attempts == attempts, f"{label}: charged an attempt ({snap.attempts})"
            kiosk.measured[label] = round(time.monotonic() - since, 2)
        finally:
            session.close()


@pytest.mark.parametrize("kind", [case("test_blip", k, id=k)
                                  for k in ("printer", "card_dispenser", "pinpad")])
def test_blip(kiosk: Kiosk, kind: str) -> None:
    """The device's box restarts between two polls (killed and started again at once): the
    next customer is served all the same, the kiosk reopening the dropped link by itself
    instead of failing the customer's first command on it."""
    label = f"{kind} blip"
    sim = kiosk.sims[kind]
    sim.kill()
    sim.start()
    since = time.monotonic()
    if kind == "printer":
        result = check_in(kiosk)
        assert result.printed and result.print_outcome == "printed", f"{label}: {result}"
    else:
        issued = issue_card(kiosk)
        assert issued.state == "done", \
            f"{label}: the customer is told {issued.reason!r} ({issued.error!r})"
    kiosk.measured[label] = round(time.monotonic() - since, 2)
