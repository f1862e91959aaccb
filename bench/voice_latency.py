"""Voice guidance latency: from a new screen's guidance to espeak-ng's first audio sample.

Run: ``.venv/bin/python -m bench.voice_latency`` (median and worst of N runs per language).
The first sample is the first non-silent sample espeak-ng writes to stdout (``--stdout``),
so it counts process start, voice load and synthesis of the first phrase.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

from voice.engine import EspeakEngine

TEXTS = {"en_US": "Choose a service: a debit card, appointment check-in, a queue number, "
                  "or call a teller.",
         "zh_CN": "请选择服务：办理借记卡、预约签到、取号，或者呼叫柜员。"}
HEADER = 44  # a WAV header


def first_sample_s(engine: EspeakEngine, text: str, language: str) -> float:
    t0 = time.perf_counter()
    proc = subprocess.Popen([*engine._args(language), "--stdout", "--", text],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert proc.stdout is not None
    seen = 0
    try:
        while chunk := proc.stdout.read1(4096):
            data = chunk if seen >= HEADER else chunk[HEADER - seen:]
            seen += len(chunk)
            if any(b not in (0, 255) for b in data[1::2]):  # a high byte off zero: sound
                return time.perf_counter() - t0
        return float("nan")
    finally:
        proc.kill()
        proc.wait()


def main(runs: int = 10) -> int:
    engine = EspeakEngine()
    for language, text in TEXTS.items():
        times = [first_sample_s(engine, text, language) for _ in range(runs)]
        print(f"{language}: first audio sample median {statistics.median(times) * 1000:.0f} ms,"
              f" worst {max(times) * 1000:.0f} ms ({runs} runs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
