"""Shared pieces of the e-signature evidence tests."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from esign.record import EvidenceRecord, build_record
from esign.terms import TermsDocument

#: A signature-like scribble: two strokes of (x, y, t_ms) on a 1000 x 400 pad.
STROKES = [
    [(100.0, 200.0, 0), (150.5, 120.25, 16), (220.0, 260.0, 33), (300.0, 150.0, 50),
     (380.0, 240.0, 66)],
    [(420.0, 180.0, 400), (520.0, 300.0, 416), (640.0, 110.0, 433), (700.0, 220.0, 450)],
]
PAD = (1000.0, 400.0)
SIGNED_AT = datetime(2026, 12, 2, 10, 15, 30, 250000, tzinfo=ZoneInfo("Asia/Shanghai"))


def make_record(document: TermsDocument, **over: object) -> EvidenceRecord:
    args: dict[str, object] = dict(strokes=STROKES, pad=PAD, document=document,
                                   signed_at=SIGNED_AT, kiosk_id="SB-0001",
                                   branch="Pudong Century Avenue", session_id="sess-7f3a",
                                   flow_id="flow-20261202-0001")
    args.update(over)
    return build_record(**args)  # type: ignore[arg-type]


def write_toml(tmp_path: Path) -> Path:
    config = tmp_path / "kiosk.toml"
    config.write_text('[kiosk]\nid = "SB-0001"\nbranch = "Pudong"\n'
                      '[storage]\ndata_dir = "var"\n', encoding="utf-8")
    return config
