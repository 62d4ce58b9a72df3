#!/usr/bin/env python3
"""Makes the sound files of examples/sound_effects.sb.txt (Python's standard library only).

    python3 examples/assets/make_sounds.py

Each is mono 16-bit PCM at 11025 samples a second, small enough to keep in the repository
(about 33 KB together), and made of plain tones so the tests can measure them:

- chime.wav: 0.8 s, a bell at 880 Hz (with quieter, bell-like overtones), fading out.
- pop.wav: 0.2 s, a short blip at 600 Hz.
- boing.wav: 0.5 s, a spring: a tone sliding from 150 Hz up to 600 Hz, wobbling, fading out.
"""

import math
import os
import struct
import wave

RATE = 11025
HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, samples):
    with wave.open(os.path.join(HERE, name), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(struct.pack("<h", round(max(-1.0, min(1.0, s)) * 32767)) for s in samples))


def fade(i, n, seconds=0.005):
    """A 5 ms fade in and out, so the sound starts and ends without a click."""
    k = int(seconds * RATE)
    return min(1.0, i / k, (n - 1 - i) / k)


def chime():
    n = int(0.8 * RATE)
    partials = [(1.0, 1.0), (2.0, 0.25), (2.76, 0.2), (5.4, 0.08)]
    out = []
    for i in range(n):
        t = i / RATE
        s = sum(a * math.sin(2 * math.pi * 880 * f * t) * math.exp(-t * 3.0 * f) for f, a in partials)
        out.append(0.5 * s * fade(i, n))
    return out


def pop():
    n = int(0.2 * RATE)
    return [0.6 * math.sin(2 * math.pi * 600 * i / RATE) * math.exp(-i / RATE * 8) * fade(i, n) for i in range(n)]


def boing():
    n = int(0.5 * RATE)
    out = []
    phase = 0.0
    for i in range(n):
        t = i / RATE
        freq = (150 + 450 * t / 0.5) * (1 + 0.05 * math.sin(2 * math.pi * 12 * t))
        phase += 2 * math.pi * freq / RATE
        out.append(0.6 * math.sin(phase) * math.exp(-t * 3) * fade(i, n))
    return out


write("chime.wav", chime())
write("pop.wav", pop())
write("boing.wav", boing())
