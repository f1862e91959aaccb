"""What the customer is told, in plain words, in every kiosk language (zh_CN, en_US)."""

from __future__ import annotations

from kiosk_core.catalogs import TextCatalog

MESSAGES: dict[str, dict[str, str]] = {
    # ID capture
    "no_card": {"en_US": "Hold your ID card up to the camera.",
                "zh_CN": "请将身份证件对准摄像头。"},
    "card_partly_outside": {"en_US": "Move the card so all four corners are on the screen.",
                            "zh_CN": "请移动证件，让四个角都出现在画面中。"},
    "card_too_small": {"en_US": "Bring the card closer to the camera.",
                       "zh_CN": "请把证件再靠近摄像头一些。"},
    "card_blurred": {"en_US": "Hold the card still for a moment.",
                     "zh_CN": "请拿稳证件，保持不动。"},
    "card_out_of_focus": {"en_US": "The card is not sharp. Move it a little further away.",
                          "zh_CN": "证件不清晰，请稍微拿远一点。"},
    "card_glare": {"en_US": "There is a reflection on the card. Tilt it slightly.",
                   "zh_CN": "证件上有反光，请稍微倾斜证件。"},
    "card_ok": {"en_US": "Got it. Thank you.", "zh_CN": "已识别，谢谢。"},
    "card_no_face": {"en_US": "We cannot see the photo on the card. Show the side with your photo.",
                     "zh_CN": "看不到证件上的照片，请出示有照片的一面。"},
    "mrz_invalid": {"en_US": "We could not read the card. Please hold it flat and still.",
                    "zh_CN": "无法读取证件信息，请将证件放平并保持不动。"},
    "put_card_away": {"en_US": "Thank you. Please put your card away and look at the camera.",
                      "zh_CN": "谢谢。请收好证件，看向摄像头。"},
    # face
    "no_face": {"en_US": "Please look at the camera.", "zh_CN": "请看向摄像头。"},
    "face_too_small": {"en_US": "Please come a little closer.", "zh_CN": "请再靠近一点。"},
    "hold_still": {"en_US": "Please hold still and look at the camera.",
                   "zh_CN": "请保持不动，看向摄像头。"},
    # liveness
    "do_blink": {"en_US": "Please blink.", "zh_CN": "请眨眨眼。"},
    "do_turn_left": {"en_US": "Please turn your head slowly to your left.",
                     "zh_CN": "请慢慢向左转头。"},
    "do_turn_right": {"en_US": "Please turn your head slowly to your right.",
                      "zh_CN": "请慢慢向右转头。"},
    "do_smile": {"en_US": "Please smile.", "zh_CN": "请微笑。"},
    "try_other": {"en_US": "Let's try a different movement.", "zh_CN": "我们换一个动作试试。"},
    "well_done": {"en_US": "Well done.", "zh_CN": "很好。"},
    # results
    "pass": {"en_US": "Thank you. Your identity is confirmed.", "zh_CN": "谢谢，身份核验通过。"},
    "fail_no_match": {"en_US": "Your face does not match the ID photo. A member of staff can help.",
                      "zh_CN": "人脸与证件照片不一致，工作人员可以帮助您。"},
    "fail_timeout": {"en_US": "We did not see the movement in time. Please try again.",
                     "zh_CN": "未能及时检测到动作，请重试。"},
    "fail_wrong_action": {"en_US": "That was not the movement we asked for. "
                                   "Please try again.",
                          "zh_CN": "动作与提示不一致，请重试。"},
    "fail_person_changed": {"en_US": "A different person appeared during the check. "
                                     "Please try again.",
                            "zh_CN": "核验过程中出现了不同的人，请重试。"},
    "fail_not_live": {"en_US": "We could not confirm a live person. A member of staff can help.",
                      "zh_CN": "无法确认为真人在场，工作人员可以帮助您。"},
    "fail_id_timeout": {"en_US": "We could not read your ID card. "
                                 "A member of staff can help.",
                        "zh_CN": "无法读取您的证件，工作人员可以帮助您。"},
    "fail_face_timeout": {"en_US": "We could not see your face clearly. "
                                   "A member of staff can help.",
                          "zh_CN": "无法看清您的面部，工作人员可以帮助您。"},
}

LANGUAGES = ("zh_CN", "en_US")


def text(code: str, lang: str = "en_US") -> str:
    entry = MESSAGES.get(code)
    if entry is None:
        return code
    return entry.get(lang) or entry["en_US"]


def both(code: str) -> dict[str, str]:
    return {lang: text(code, lang) for lang in LANGUAGES}


def catalog() -> TextCatalog:
    """These texts for ``kiosk_core.catalogs.missing``."""
    return TextCatalog.by_key("identity/messages.py", MESSAGES)
