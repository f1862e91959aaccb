"""Topic names: fixed, and any branch name makes exactly one safe level."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fleet.topics import KioskTopics, parse_view_topic, segment_text, topic_segment


def test_the_fixed_names() -> None:
    t = KioskTopics("smartbranch", "B001", "K01")
    assert t.state == "smartbranch/B001/K01/state"
    assert t.device("card_dispenser") == "smartbranch/B001/K01/devices/card_dispenser"
    assert t.supplies == "smartbranch/B001/K01/supplies"
    assert t.faults == "smartbranch/B001/K01/faults"
    assert t.command == "smartbranch/B001/K01/command"
    assert t.command_result == "smartbranch/B001/K01/command/result"


@pytest.mark.parametrize(("text", "segment"), [
    ("B001", "B001"), ("K-01.a_b", "K-01.a_b"), ("Main St", "Main%20St"),
    ("a/b", "a%2Fb"), ("+", "%2B"), ("#", "%23"), ("$SYS", "%24SYS"), ("50%", "50%25"),
    ("上海", "%E4%B8%8A%E6%B5%B7"),
])
def test_topic_segment(text: str, segment: str) -> None:
    assert topic_segment(text) == segment
    assert segment_text(segment) == text


def test_an_empty_level_is_refused() -> None:
    with pytest.raises(ValueError):
        topic_segment("")


@given(st.text(min_size=1), st.text(min_size=1))
def test_segments_are_safe_and_distinct(a: str, b: str) -> None:
    sa = topic_segment(a)
    assert not set(sa) & set("/+#$\x00 ")
    assert sa.isascii()
    assert segment_text(sa) == a
    if a != b:
        assert sa != topic_segment(b)


def test_parse_view_topic() -> None:
    assert parse_view_topic("p", "p/B/K/state").kind == "state"  # type: ignore[union-attr]
    dev = parse_view_topic("p", "p/B/K/devices/printer")
    assert dev is not None and dev.device == "printer"
    assert parse_view_topic("p", "p/B/K/faults") is None
    assert parse_view_topic("p", "q/B/K/state") is None
