"""A borderline identity check goes to a video teller (issue 16): the call the kiosk makes
itself, watched until a teller is with the customer (Qt-free).

The card session (customer_flows.card_session) starts one :class:`BorderlineCall` when its
check failed within ``[identity] teller_band`` of the threshold. The call is the kiosk's
ordinary video-teller call (video_teller.kiosk.call.TellerCall, the TellerCallApi): the
request says why (the console shows the reason; the context says ``identity_borderline``),
the hub queues it, a teller answers and approves or declines through
customer_flows.teller_actions. This object only decides when nobody can be reached — no
call service, the hub down, outside teller hours, nobody online, no answer within
``wait_s``, or the call ended before a teller came — and then tells the session once.
Once a teller is with the customer the decision is theirs: nothing here times out.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: What the teller's console shows as the reason of the call (plain words, for staff).
REASON = "Identity check borderline: please check the customer's ID on video"
#: The flow step the call is about (the context's state while it waits: the same name).
STEP = "identity_borderline"
#: video_teller.api.CallPhase values (StrEnum members compare equal to these; the API
#: module pulls in numpy, not needed to compare names).
_ASKING = frozenset({"consent", "waiting"})
_WITH_TELLER = frozenset({"connecting", "in_call", "reconnecting"})
_NOBODY = {"no_teller": "no_teller", "unavailable": "unavailable"}
_OVER = frozenset({"idle", "teller_ended", "callback_booked"})


class BorderlineCall:
    """One call for one borderline check. ``on_unreachable(why)`` is called at most once,
    from the call's or the timer's thread, with why: ``no_teller:<reason>``,
    ``unavailable``, ``timeout``, ``ended`` (before a teller came) or ``error``."""

    def __init__(self, api: Any, *, language: str, flow: str, wait_s: float,
                 on_unreachable: Callable[[str], None]) -> None:
        self.api = api
        self.language = language
        self.flow = flow
        self.wait_s = wait_s
        self.on_unreachable = on_unreachable
        self._lock = threading.Lock()
        self._done = False  # decided (a teller came, or nobody could be reached) or stopped
        self.connected = False  # a teller answered
        self._asked = False  # the call left idle for this request
        self._timer: threading.Timer | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def start(self) -> None:
        self._unsubscribe = self.api.subscribe(self._on_view)
        phase = str(getattr(self.api.view, "phase", "idle"))
        if phase in _WITH_TELLER:  # the customer already talks to a teller: they decide
            self._on_view(self.api.view)
            return
        self._timer = threading.Timer(self.wait_s, self._timed_out)
        self._timer.daemon = True
        self._timer.name = "borderline-teller-wait"
        self._timer.start()
        if phase in _ASKING:  # the customer is already waiting for a teller: that call serves
            self._asked = True
            return
        try:
            self.api.request(language=self.language, screen=REASON, flow=self.flow,
                             step=STEP, needs_help=True)
        except Exception:
            log.exception("borderline identity: the teller call could not be requested")
            self._give_up("error")

    # -- the call's views (the core loop's thread) ---------------------------------------

    def _on_view(self, view: Any) -> None:
        phase = str(view.phase)
        if phase in _WITH_TELLER:
            with self._lock:
                if self._done:
                    return
                self.connected = True
                self._done = True  # the teller decides from here
            self._cancel_timer()
            self._drop_listener()
            return
        if phase in _ASKING:
            self._asked = True
        elif phase in _NOBODY:
            why = _NOBODY[phase]
            if phase == "no_teller" and getattr(view, "no_teller", None):
                why = f"no_teller:{view.no_teller}"
            self._give_up(why, dismiss=True)
        elif phase in _OVER and self._asked:
            self._give_up("ended", dismiss=phase != "idle")

    def _timed_out(self) -> None:
        self._give_up("timeout", end=True)

    def _give_up(self, why: str, *, end: bool = False, dismiss: bool = False) -> None:
        with self._lock:
            if self._done:
                return
            self._done = True
        self._cancel_timer()
        self._drop_listener()
        # The card page says it plainly: the call's own "nobody answered" screen goes.
        try:
            if end:
                self.api.end()
            elif dismiss:
                self.api.dismiss()
        except Exception:
            log.exception("borderline identity: the teller call could not be closed")
        self.on_unreachable(why)

    # -- end -----------------------------------------------------------------------------

    def stop(self, *, end_call: bool = False) -> None:
        """Stop watching (a teller decided, the check starts again, the customer left).
        ``end_call``: also end the call if no teller has come yet (nobody is waiting)."""
        with self._lock:
            was_waiting = not self._done
            self._done = True
        self._cancel_timer()
        self._drop_listener()
        if end_call and was_waiting:
            try:
                self.api.end()
            except Exception:
                log.exception("borderline identity: the teller call could not be ended")

    def _cancel_timer(self) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()

    def _drop_listener(self) -> None:
        unsubscribe, self._unsubscribe = self._unsubscribe, None
        if unsubscribe is not None:
            unsubscribe()
