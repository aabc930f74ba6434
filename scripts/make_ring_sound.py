"""Writes static/sounds/ring.wav, the back-office inbox's ring for a new live chat: two short
soft tones (a rising chime), made here so the shop ships no third-party audio.

    .venv/bin/python scripts/make_ring_sound.py
"""
import math
import struct
import wave
from pathlib import Path

RATE = 16_000
TONES = ((880.0, 0.13), (1318.5, 0.22))  # A5 then E6
VOLUME = 0.35


def samples():
    for frequency, seconds in TONES:
        count = int(RATE * seconds)
        for n in range(count):
            # A quick rise and an exponential fade: no click at either end.
            envelope = min(1.0, n / (RATE * 0.01)) * math.exp(-4.0 * n / count)
            yield VOLUME * envelope * math.sin(2 * math.pi * frequency * n / RATE)


def main():
    target = Path(__file__).resolve().parent.parent / "static" / "sounds" / "ring.wav"
    target.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(b"".join(struct.pack("<h", round(s * 32767)) for s in samples()))
    print(f"wrote {target} ({target.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
