"""What the identity check asks of the customer, and how it ends: codes only, no words.

The identity layer emits these codes (``SessionEvent.prompt``, ``CardCapture.problems``,
``LivenessUpdate.prompt``) and the failure reasons of :data:`FAILURES`; the words, in every
kiosk language, are the screen's, in the one Qt catalog (kiosk_ui/i18n): ``promptText(code)``
and ``identityFailTitle(code)`` in kiosk_ui/flows/CardIssuance.qml. A new code needs a qsTr
text there (and its translation in the .ts files): tests/test_catalogs.py finds one missing.
"""

from __future__ import annotations

from enum import StrEnum

from kiosk_core.failures import Failure


class PromptCode(StrEnum):
    # -- ID capture (identity.id_capture problems first, most important first)
    NO_CARD = "no_card"
    CARD_PARTLY_OUTSIDE = "card_partly_outside"
    CARD_TOO_SMALL = "card_too_small"
    CARD_BLURRED = "card_blurred"
    CARD_OUT_OF_FOCUS = "card_out_of_focus"
    CARD_GLARE = "card_glare"
    CARD_OK = "card_ok"
    CARD_NO_FACE = "card_no_face"
    MRZ_INVALID = "mrz_invalid"
    PUT_CARD_AWAY = "put_card_away"
    # -- face
    NO_FACE = "no_face"
    FACE_TOO_SMALL = "face_too_small"
    HOLD_STILL = "hold_still"
    # -- liveness: "do_<challenge>" for each of identity.liveness.CHALLENGES
    DO_BLINK = "do_blink"
    DO_TURN_LEFT = "do_turn_left"
    DO_TURN_RIGHT = "do_turn_right"
    DO_SMILE = "do_smile"
    DO_NOD = "do_nod"
    DO_FOLLOW_DOT = "do_follow_dot"
    TRY_OTHER = "try_other"
    FACE_FRONT = "face_front"  # between movements, the head has not come back to the screen
    WELL_DONE = "well_done"
    # -- the result of a check that passed (a failed one's prompt is its Failure value)
    PASSED = "pass"


#: The reasons an identity check ends without a pass (``SessionEvent.reason``).
FAILURES: frozenset[Failure] = frozenset({
    Failure.NO_MATCH, Failure.TIMEOUT, Failure.WRONG_ACTION, Failure.PERSON_CHANGED,
    Failure.NOT_LIVE, Failure.ID_TIMEOUT, Failure.FACE_TIMEOUT, Failure.IDENTITY_UNAVAILABLE})

