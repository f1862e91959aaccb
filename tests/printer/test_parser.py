"""The incremental ESC/POS command parser: a job split anywhere parses the same."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from devices.printer.escpos_parse import Command, CommandParser
from receipts import render_receipt
from receipts.samples import SAMPLES

JOB = render_receipt("card_issuance", "zh_CN", SAMPLES["card_issuance"]["zh_CN"]).data


def _merge_text(cmds: list[Command]) -> list[Command]:
    out: list[Command] = []
    for c in cmds:
        if out and c.name == "text" and out[-1].name == "text":
            out[-1] = Command("text", out[-1].arg + c.arg)
        else:
            out.append(c)
    return out


WHOLE = _merge_text(CommandParser().feed(JOB))


def test_whole_job_parses_into_known_commands() -> None:
    names = {c.name for c in WHOLE}
    assert "unknown" not in names
    assert {"ESC @", "GS v 0", "GS ( k", "FS &", "FS .", "GS V", "text", "LF"} <= names


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, len(JOB) - 1), max_size=12, unique=True))
def test_split_anywhere_gives_the_same_commands(cuts: list[int]) -> None:
    parser = CommandParser()
    cmds: list[Command] = []
    prev = 0
    for cut in [*sorted(cuts), len(JOB)]:
        cmds += parser.feed(JOB[prev:cut])
        prev = cut
    assert parser.pending == 0
    assert _merge_text(cmds) == WHOLE


@given(st.binary(max_size=200))
def test_garbage_never_crashes_and_is_consumed_or_kept(data: bytes) -> None:
    parser = CommandParser()
    cmds = parser.feed(data)
    assert parser.pending <= len(data)
    assert all(isinstance(c, Command) for c in cmds)
