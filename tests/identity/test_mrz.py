from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices import mrz

ICAO_TD3 = ["P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<",
            "L898902C36UTO7408122F1204159ZE184226B<<<<<10"]
ICAO_TD1 = ["I<UTOD231458907<<<<<<<<<<<<<<<",
            "7408122F1204159UTO<<<<<<<<<<<6",
            "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"]


def test_icao_specimens_parse_and_verify() -> None:
    p = mrz.parse(ICAO_TD3)
    assert (p.format, p.document_number, p.surname, p.given_names) == (
        "TD3", "L898902C3", "ERIKSSON", "ANNA MARIA")
    assert p.valid and p.birth_date == "740812" and p.sex == "F"
    c = mrz.parse("\n".join(ICAO_TD1))
    assert c.format == "TD1" and c.valid and c.document_number == "D23145890"


def test_check_digit_values() -> None:
    assert mrz.check_digit("L898902C3") == "6"
    assert mrz.check_digit("740812") == "2"
    assert mrz.check_digit("<<<") == "0"


def test_corrupted_digit_fails_its_check() -> None:
    lines = list(ICAO_TD3)
    lines[1] = lines[1][:13] + "8" + lines[1][14:]  # birth date 740812 -> 840812
    p = mrz.parse(lines)
    assert not p.valid and set(p.failed_checks) == {"birth_date", "composite"}


@pytest.mark.parametrize("text", ["", "P<UTO", "A-" * 22 + "\n" + "B" * 44, "ABC\nDEF\nGHI"])
def test_malformed_text_is_rejected(text: str) -> None:
    with pytest.raises(mrz.MRZError):
        mrz.parse(text)


names = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
dates = st.dates().map(lambda d: d.strftime("%y%m%d"))
numbers = st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=9)


@given(names, names, numbers, dates, dates, st.sampled_from("MF<"))
def test_td1_round_trip(sur: str, given_: str, num: str, dob: str, exp: str, sex: str) -> None:
    lines = mrz.build_td1(issuing_state="UTO", document_number=num, birth_date=dob, sex=sex,
                          expiry_date=exp, nationality="UTO", surname=sur, given_names=given_)
    p = mrz.parse(lines)
    assert p.valid and p.document_number == num and p.birth_date == dob
    assert mrz.names_agree(p, sur, given_)


@given(names, names, numbers, dates, dates, st.integers(0, 43))
def test_td3_any_single_digit_change_is_caught(sur: str, given_: str, num: str, dob: str,
                                               exp: str, pos: int) -> None:
    lines = mrz.build_td3(issuing_state="UTO", document_number=num, birth_date=dob, sex="F",
                          expiry_date=exp, nationality="UTO", surname=sur, given_names=given_)
    assert mrz.parse(lines).valid
    line2 = lines[1]
    if not line2[pos].isdigit() or 28 <= pos <= 42:  # empty personal number: no digits there
        return
    changed = line2[:pos] + str((int(line2[pos]) + 1) % 10) + line2[pos + 1:]
    assert not mrz.parse([lines[0], changed]).valid


@given(st.text(max_size=120))
def test_parser_never_crashes_on_junk(text: str) -> None:
    try:
        mrz.parse(text)
    except mrz.MRZError:
        pass
