"""Receipt templates: byte-exact output (golden files), masking, and clear errors.

After a deliberate change to a template or the builder, regenerate the golden files with

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/printer/test_templates.py

then look at the rendered receipts (docs/printer.md) and commit the new .bin files.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from receipts import TemplateError, load_template, render_receipt
from receipts.samples import SAMPLES
from receipts.templates import Template, template_names

GOLDEN = Path(__file__).parent / "golden"
CASES = [(t, lang) for t in sorted(SAMPLES) for lang in ("zh_CN", "en_US")]


def test_every_template_has_samples() -> None:
    assert template_names() == sorted(SAMPLES)


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_golden_bytes(name: str, lang: str) -> None:
    data = render_receipt(name, lang, SAMPLES[name][lang]).data
    path = GOLDEN / f"{name}.{lang}.bin"
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(data)
    assert path.exists(), f"missing {path}: run with UPDATE_GOLDEN=1"
    expected = path.read_bytes()
    if data != expected:
        diffs = [i for i, (a, b) in enumerate(zip(data, expected, strict=False)) if a != b]
        at = diffs[0] if diffs else min(len(data), len(expected))
        pytest.fail(f"{name}/{lang} differs from {path.name} at byte {at}: "
                    f"got {data[at:at + 16]!r}, expected {expected[at:at + 16]!r}")


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_structure_of_every_receipt(name: str, lang: str) -> None:
    data = render_receipt(name, lang, SAMPLES[name][lang]).data
    assert data.startswith(b"\x1b@\x1bt\x00")  # reset + code page
    assert b"\x1dv0\x00" in data  # raster logo
    # The evidence slip and a teller's document have no link to scan (none is served).
    if name not in ("esign_evidence", "teller_document"):
        assert b"\x1d(k" in data and b"1Q0" in data  # native QR, printed
    else:
        assert b"\x1d(k" not in data
    assert data.endswith(b"\x1dVB\x04")  # feed and cut
    if lang == "zh_CN":
        assert b"\x1c&" in data and b"\x1c." in data


def test_chinese_title_is_raw_gb18030() -> None:
    data = render_receipt("card_issuance", "zh_CN", SAMPLES["card_issuance"]["zh_CN"]).data
    assert b"\x1c&" + "借记卡发卡凭条".encode("gb18030") + b"\x1c." in data


def test_card_number_is_masked_by_the_template() -> None:
    values = dict(SAMPLES["card_issuance"]["en_US"])
    r = render_receipt("card_issuance", "en_US", values)
    assert b"6222 **** **** 0123" in r.data
    assert b"62220212345" not in r.data.replace(b" ", b"")
    assert "6222 **** **** 0123" in r.text


def test_a_card_number_in_a_free_text_field_is_masked_too() -> None:
    values = dict(SAMPLES["card_issuance"]["en_US"], customer_name="4111111111111111")
    r = render_receipt("card_issuance", "en_US", values)
    assert b"4111111111111111" not in r.data
    assert b"411111******1111" in r.data


def test_not_a_card_number_is_refused() -> None:
    values = dict(SAMPLES["card_issuance"]["en_US"], card_number="12ab")
    with pytest.raises(TemplateError, match="card_number"):
        render_receipt("card_issuance", "en_US", values)


def test_hostile_text_cannot_inject_printer_commands() -> None:
    values = dict(SAMPLES["queue_ticket"]["en_US"], service="Loans\x1dV\x00\x1b@\x10\x05\x02")
    data = render_receipt("queue_ticket", "en_US", values).data
    assert data.count(b"\x1dV") == 1 and data.count(b"\x1b@") == 1
    assert b"\x10\x05" not in data


@pytest.mark.parametrize(("change", "message"), [
    ({"ticket_no": None}, "ticket_no' is required"),
    ({"bogus": 1}, "unknown field"),
    ({"waiting_ahead": "many"}, "waiting_ahead"),
    ({"checked_in_at": "yesterday"}, "checked_in_at"),
    ({"ticket_url": "javascript:alert(1)"}, "http"),
    ({"ticket_no": "A" * 9}, "longer than 8"),
])
def test_bad_values_are_named(change: dict[str, object], message: str) -> None:
    values = {**SAMPLES["queue_ticket"]["en_US"], **change}
    values = {k: v for k, v in values.items() if v is not None}
    with pytest.raises(TemplateError, match=message):
        render_receipt("queue_ticket", "en_US", values)


def test_optional_blocks_are_left_out_without_their_field() -> None:
    values = {k: v for k, v in SAMPLES["card_issuance"]["en_US"].items() if k != "receipt_url"}
    r = render_receipt("card_issuance", "en_US", values)
    assert b"\x1d(k" not in r.data and r.qr_payloads == []


def test_unknown_language_and_template() -> None:
    with pytest.raises(TemplateError, match="language"):
        render_receipt("queue_ticket", "fr_FR", SAMPLES["queue_ticket"]["en_US"])
    with pytest.raises(TemplateError, match="no template"):
        load_template("nope")


@pytest.mark.parametrize(("body", "message"), [
    ('name="x"\ntitle={zh_CN="a",en_US="b"}\n[[blocks]]\nkind="text"\n'
     'text={zh_CN="{who}",en_US="x"}\n[[blocks]]\nkind="cut"\n', "undeclared field 'who'"),
    ('name="x"\ntitle={zh_CN="a",en_US="b"}\n[[blocks]]\nkind="rule"\n',
     "last block must be a cut"),
    ('name="x"\ntitle={zh_CN="a"}\n[[blocks]]\nkind="cut"\n', "title.en_US"),
    ('name="x"\ntitle={zh_CN="a",en_US="b"}\n[[blocks]]\nkind="barcode"\n', "blocks.0"),
    ('name = [', "x.toml"),
])
def test_broken_template_files_say_what_is_wrong(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "x.toml"
    path.write_text(body, "utf-8")
    with pytest.raises(TemplateError, match=message):
        load_template(str(path))


def test_shipped_templates_validate() -> None:
    for name in template_names():
        assert isinstance(load_template(name), Template)
