"""The fleet's MQTT topic names (fixed: operations dashboards subscribe to them).

``P/B/K/state``, ``P/B/K/devices/<kind>``, ``P/B/K/supplies``, ``P/B/K/faults``,
``P/B/K/command`` and ``P/B/K/command/result`` where P is ``[fleet] topic_prefix``, B the
branch and K the kiosk id, each made topic-safe by :func:`topic_segment`.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote


def topic_segment(text: str) -> str:
    """``text`` as one MQTT topic level: UTF-8 percent-encoded except ``A-Z a-z 0-9 _ . - ~``.

    So ``/``, ``+``, ``#``, ``$``, spaces and non-ASCII letters cannot split a level, act as
    wildcards or make a system topic, and two different branch names never share a topic
    (``"Main St"`` → ``Main%20St``, ``"上海分行"`` → ``%E4%B8%8A%E6%B5%B7...``). ASCII ids pass
    unchanged. :func:`segment_text` reverses it.
    """
    if not text:
        raise ValueError("a topic level cannot be empty")
    return quote(text, safe="")


def segment_text(segment: str) -> str:
    """The text a :func:`topic_segment` came from."""
    return unquote(segment, errors="replace")


@dataclass(frozen=True)
class KioskTopics:
    """Every topic of one kiosk."""

    prefix: str
    branch: str  # as in kiosk.toml; encoded in the names below
    kiosk: str

    @property
    def base(self) -> str:
        return f"{self.prefix}/{topic_segment(self.branch)}/{topic_segment(self.kiosk)}"

    @property
    def state(self) -> str:
        return f"{self.base}/state"

    def device(self, kind: str) -> str:
        return f"{self.base}/devices/{topic_segment(kind)}"

    @property
    def supplies(self) -> str:
        return f"{self.base}/supplies"

    @property
    def faults(self) -> str:
        return f"{self.base}/faults"

    @property
    def command(self) -> str:
        return f"{self.base}/command"

    @property
    def command_result(self) -> str:
        return f"{self.base}/command/result"


def view_subscriptions(prefix: str) -> list[str]:
    """What the operations side subscribes to (retained status of every kiosk)."""
    return [f"{prefix}/+/+/state", f"{prefix}/+/+/devices/+", f"{prefix}/+/+/supplies"]


@dataclass(frozen=True)
class ParsedTopic:
    branch: str  # the segment as on the wire (decode with segment_text)
    kiosk: str
    kind: str  # "state", "supplies", "devices"
    device: str = ""  # for "devices": the device kind's segment


def parse_view_topic(prefix: str, topic: str) -> ParsedTopic | None:
    """Split a topic matched by :func:`view_subscriptions`; None for anything else."""
    if not topic.startswith(prefix + "/"):
        return None
    parts = topic[len(prefix) + 1:].split("/")
    if len(parts) == 3 and parts[2] in ("state", "supplies"):
        return ParsedTopic(parts[0], parts[1], parts[2])
    if len(parts) == 4 and parts[2] == "devices":
        return ParsedTopic(parts[0], parts[1], "devices", parts[3])
    return None
