"""Checks on synthesized speech: loud enough, long enough, in the right language's voice."""

from __future__ import annotations

import re
import wave
from pathlib import Path

import numpy as np

#: Tone numbers espeak-ng's Mandarin voice writes after each syllable (``nˈiɜn χˈɑu2``).
TONE = re.compile(r"[1-5ɜ]")


def wav_stats(path: Path) -> tuple[float, float]:
    """(RMS of the samples in 0..1, duration in seconds)."""
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        rate, width = w.getframerate(), w.getsampwidth()
    samples = np.frombuffer(frames, dtype=np.int16 if width == 2 else np.uint8).astype(float)
    rms = float(np.sqrt(np.mean(samples ** 2)) / 32768) if samples.size else 0.0
    return rms, samples.size / rate


def voice_problem(language: str, ipa: str) -> str:
    """Why ``ipa`` (espeak-ng -q --ipa) is not speech in ``language``'s voice, or ''."""
    syllables = ipa.split()
    if language == "zh_CN":
        if "(en)" in ipa:
            return f"Mandarin voice switched to English: {ipa[:80]!r}"
        toned = sum(bool(TONE.search(s)) for s in syllables)
        if toned < 0.6 * max(1, len(syllables)):
            return f"no Mandarin tones: {ipa[:80]!r}"
    else:
        if "tʃˈaɪniːz" in ipa:  # espeak-ng's English voice names a Chinese letter it meets
            return f"Chinese text through the English voice: {ipa[:80]!r}"
        if re.search(r"[\u4e00-\u9fff]", ipa) or sum(bool(TONE.search(s)) for s in syllables) > 2:
            return f"not English phonemes: {ipa[:80]!r}"
    return ""


def speech_problem(text: str, language: str, wav: Path, ipa: str) -> str:
    rms, seconds = wav_stats(wav)
    if rms < 0.01:
        return f"silent (RMS {rms:.4f})"
    # Plausible: ~3–25 characters a second (Chinese: ~2–8 characters a second).
    per_s = len(text) / max(seconds, 1e-3)
    low, high = (1.0, 10.0) if language == "zh_CN" else (3.0, 30.0)
    if not low <= per_s <= high:
        return f"{seconds:.1f} s for {len(text)} characters"
    return voice_problem(language, ipa)
