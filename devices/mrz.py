"""ICAO Doc 9303 machine-readable zones: TD1 (ID cards, 3×30) and TD3 (passports, 2×44).

Our own code (PyPI ``mrz`` is GPLv3). Check digits use weights 7-3-1 over values
0–9, A–Z = 10–35 and the filler ``<`` = 0; they cover the document number, dates,
optional data and the whole line (composite), never the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ<"
_VALID = re.compile(r"^[0-9A-Z<]+\Z")
_WEIGHTS = (7, 3, 1)


class MRZError(ValueError):
    """Text that is not a TD1 or TD3 machine-readable zone."""


def char_value(c: str) -> int:
    if c.isdigit():
        return ord(c) - 48
    if "A" <= c <= "Z":
        return ord(c) - 55
    if c == "<":
        return 0
    raise MRZError(f"character {c!r} is not allowed in an MRZ")


def check_digit(text: str) -> str:
    return str(sum(char_value(c) * _WEIGHTS[i % 3] for i, c in enumerate(text)) % 10)


@dataclass(frozen=True)
class MRZ:
    """A parsed MRZ. ``checks`` maps each check-digit field to whether it verified."""

    format: str  # "TD1" | "TD3"
    document_code: str
    issuing_state: str
    document_number: str
    birth_date: str  # YYMMDD as printed
    sex: str  # M, F or < (unspecified)
    expiry_date: str
    nationality: str
    surname: str
    given_names: str
    optional_data: str
    checks: dict[str, bool] = field(default_factory=dict)
    lines: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return all(self.checks.values())

    @property
    def failed_checks(self) -> list[str]:
        return [k for k, ok in self.checks.items() if not ok]

    def birth(self, today: date | None = None) -> date | None:
        """Birth date with the century chosen so it is not in the future."""
        return _yymmdd(self.birth_date, future=False, today=today)

    def expiry(self, today: date | None = None) -> date | None:
        return _yymmdd(self.expiry_date, future=True, today=today)

    def as_dict(self) -> dict[str, object]:
        return {
            "format": self.format, "document_code": self.document_code,
            "issuing_state": self.issuing_state, "document_number": self.document_number,
            "birth_date": self.birth_date, "sex": self.sex, "expiry_date": self.expiry_date,
            "nationality": self.nationality, "surname": self.surname,
            "given_names": self.given_names, "valid": self.valid, "checks": dict(self.checks),
        }


def _yymmdd(s: str, *, future: bool, today: date | None) -> date | None:
    if not s.isdigit() or len(s) != 6:
        return None
    today = today or date.today()
    yy, mm, dd = int(s[:2]), int(s[2:4]), int(s[4:])
    century = today.year // 100 * 100
    year = century + yy
    if not future and year > today.year:
        year -= 100
    if future and year < today.year - 50:
        year += 100
    try:
        return date(year, mm, dd)
    except ValueError:
        return None


def _name(field_text: str) -> tuple[str, str]:
    surname, _, given = field_text.partition("<<")
    return surname.replace("<", " ").strip(), given.replace("<", " ").strip()


def _check(data: str, digit: str, *, optional: bool = False) -> bool:
    # An empty optional field may carry '<' as its check digit (Doc 9303 part 3, 4.9).
    if optional and digit == "<" and set(data) <= {"<"}:
        return True
    return digit.isdigit() and check_digit(data) == digit


def normalise(text: str) -> list[str]:
    """Split text into MRZ lines: strip spaces, upper-case, drop empty lines."""
    lines = [re.sub(r"\s+", "", ln).upper() for ln in text.strip().splitlines()]
    return [ln for ln in lines if ln]


def parse(text: str | list[str]) -> MRZ:
    """Parse a TD1 or TD3 MRZ (format by line count and length). Raises MRZError."""
    lines = normalise(text) if isinstance(text, str) else [ln.strip().upper() for ln in text]
    for ln in lines:
        if not _VALID.match(ln):
            bad = sorted(set(re.sub(r"[0-9A-Z<]", "", ln)))
            raise MRZError(f"illegal characters in MRZ: {''.join(bad)!r}")
    shape = (len(lines), {len(ln) for ln in lines})
    if shape == (3, {30}):
        return _parse_td1(lines)
    if shape == (2, {44}):
        return _parse_td3(lines)
    raise MRZError(
        f"not a TD1 (3×30) or TD3 (2×44) MRZ: {len(lines)} line(s) of length "
        f"{', '.join(str(len(ln)) for ln in lines) or '0'}"
    )


def _parse_td1(lines: list[str]) -> MRZ:
    l1, l2, l3 = lines
    number, number_cd, optional1 = l1[5:14], l1[14], l1[15:30]
    if number_cd == "<" and optional1.strip("<"):
        # Long document number: it continues in the optional field, check digit last.
        rest = optional1.split("<", 1)[0]
        number, number_cd = number + rest[:-1], rest[-1:]
        optional1 = optional1[len(rest):]
    surname, given = _name(l3)
    checks = {
        "document_number": _check(number, number_cd),
        "birth_date": _check(l2[0:6], l2[6]),
        "expiry_date": _check(l2[8:14], l2[14]),
        "composite": _check(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29], l2[29]),
    }
    return MRZ(
        "TD1", l1[0:2].rstrip("<"), l1[2:5].rstrip("<"), number.rstrip("<"), l2[0:6], l2[7],
        l2[8:14], l2[15:18].rstrip("<"), surname, given,
        (optional1 + l2[18:29]).strip("<"), checks, tuple(lines),
    )


def _parse_td3(lines: list[str]) -> MRZ:
    l1, l2 = lines
    surname, given = _name(l1[5:44])
    checks = {
        "document_number": _check(l2[0:9], l2[9]),
        "birth_date": _check(l2[13:19], l2[19]),
        "expiry_date": _check(l2[21:27], l2[27]),
        "personal_number": _check(l2[28:42], l2[42], optional=True),
        "composite": _check(l2[0:10] + l2[13:20] + l2[21:43], l2[43]),
    }
    return MRZ(
        "TD3", l1[0:2].rstrip("<"), l1[2:5].rstrip("<"), l2[0:9].rstrip("<"), l2[13:19],
        l2[20], l2[21:27], l2[10:13].rstrip("<"), surname, given, l2[28:42].strip("<"),
        checks, tuple(lines),
    )


# -- building (for the simulator's synthetic cards and for tests) -------------------------

def mrz_name(surname: str, given_names: str, width: int) -> str:
    """Surname<<GIVEN<NAMES transliterated to A–Z, padded/truncated to ``width``."""

    def clean(s: str) -> str:
        s = re.sub(r"[^A-Z ]", "", s.upper().replace("-", " ").replace("'", ""))
        return "<".join(s.split())

    return (clean(surname) + "<<" + clean(given_names)).ljust(width, "<")[:width]


def _pad(s: str, n: int) -> str:
    if len(s) > n:
        raise MRZError(f"{s!r} is longer than {n} characters")
    return s.ljust(n, "<")


def build_td1(*, document_code: str = "ID", issuing_state: str, document_number: str,
              birth_date: str, sex: str, expiry_date: str, nationality: str, surname: str,
              given_names: str, optional_data: str = "") -> list[str]:
    """The three lines of a TD1 MRZ (document number up to 9 characters)."""
    num = _pad(document_number, 9)
    l1 = _pad(document_code, 2) + _pad(issuing_state, 3) + num + check_digit(num)
    l1 += _pad(optional_data, 15)
    l2 = birth_date + check_digit(birth_date) + (sex or "<") + expiry_date
    l2 += check_digit(expiry_date) + _pad(nationality, 3) + "<" * 11
    l2 += check_digit(l1[5:30] + l2[0:7] + l2[8:15] + l2[18:29])
    l3 = mrz_name(surname, given_names, 30)
    for ln in (l1, l2, l3):
        if not _VALID.match(ln):
            raise MRZError(f"cannot encode {ln!r}")
    return [l1, l2, l3]


def build_td3(*, issuing_state: str, document_number: str, birth_date: str, sex: str,
              expiry_date: str, nationality: str, surname: str, given_names: str,
              personal_number: str = "") -> list[str]:
    l1 = "P<" + _pad(issuing_state, 3) + mrz_name(surname, given_names, 39)
    num = _pad(document_number, 9)
    pn = _pad(personal_number, 14)
    pn_cd = check_digit(pn) if personal_number else "<"
    l2 = num + check_digit(num) + _pad(nationality, 3) + birth_date + check_digit(birth_date)
    l2 += (sex or "<") + expiry_date + check_digit(expiry_date) + pn + pn_cd
    l2 += check_digit(l2[0:10] + l2[13:20] + l2[21:43])
    return [l1, l2]


def names_agree(mrz: MRZ, printed_surname: str, printed_given: str) -> bool:
    """Does the printed name transliterate to the MRZ name? (MRZ names may be truncated.)"""
    width = 30 if mrz.format == "TD1" else 39
    expected = mrz_name(printed_surname, printed_given, width)
    got = mrz_name(mrz.surname, mrz.given_names, width)
    return expected == got or (got.rstrip("<") != "" and expected.startswith(got.rstrip("<")))
