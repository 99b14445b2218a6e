"""Real, playable audio for tests: silent MP3 of a given length, built frame by frame.

An MPEG-1 Layer III frame at 44.1 kHz, 128 kbit/s, mono, with no CRC is 417 bytes and lasts
1152 samples (26.1 ms); one whose side information is all zero decodes as silence, in every
browser and in every MP3 reader. No encoder needed, so the fake server and the EPUB tests can
hand out audio of any length.
"""

from __future__ import annotations

FRAME_HEADER = bytes([0xFF, 0xFB, 0x90, 0xC0])  # sync, MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, mono
FRAME = FRAME_HEADER + bytes(417 - len(FRAME_HEADER))
FRAME_S = 1152 / 44100


def silent_mp3(seconds: float) -> bytes:
    """Silent MP3 lasting `seconds` (to the nearest frame, at least one frame)."""
    return FRAME * max(1, round(seconds / FRAME_S))
