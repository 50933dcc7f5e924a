"""Which Unicode encoding a file's bytes are in, and UTF-8 with stray Windows-1252 bytes repaired.

Used by decode.decode_bytes only: a format-specific reader (HTML, PDF) hands its text bytes to that
function and gets these decisions with it.
"""

from __future__ import annotations

import re

# Longest first: a UTF-32 little-endian BOM begins with the UTF-16 one.
BOMS = [
    (b"\xff\xfe\x00\x00", "utf-32", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe", "utf-16", "utf-16"),
    (b"\xfe\xff", "utf-16", "utf-16"),
]
SNIFF_BYTES = 4096
ESCAPED = re.compile("[\udc80-\udcff]+")
VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")


def bom_encoding(data: bytes) -> tuple[str, str] | None:
    """(Python codec, recorded label) of a byte-order mark at the start, if any."""
    for bom, codec, label in BOMS:
        if data.startswith(bom):
            return codec, label
    return None


def _zero_share(sample: bytes, offset: int, step: int) -> float:
    part = sample[offset::step]
    return part.count(0) / len(part) if part else 0.0


def wide_encoding_without_bom(data: bytes) -> str | None:
    """UTF-16 or UTF-32 told by where the NUL bytes fall: English text in UTF-16 little-endian has a
    NUL after (nearly) every character byte, in big-endian before it; UTF-32 has three of four."""
    sample = data[:SNIFF_BYTES]
    if len(sample) >= 8:
        sample4 = sample[: len(sample) // 4 * 4]
        z = [_zero_share(sample4, i, 4) for i in range(4)]
        if min(z[1], z[2], z[3]) >= 0.9 and z[0] <= 0.1 and min(z[2], z[3]) >= 0.99:
            return "utf-32-le"
        if min(z[0], z[1], z[2]) >= 0.9 and z[3] <= 0.1 and min(z[0], z[1]) >= 0.99:
            return "utf-32-be"
    if len(sample) >= 4:
        sample2 = sample[: len(sample) // 2 * 2]
        even, odd = _zero_share(sample2, 0, 2), _zero_share(sample2, 1, 2)
        if odd >= 0.7 and even <= 0.1:
            return "utf-16-le"
        if even >= 0.7 and odd <= 0.1:
            return "utf-16-be"
    return None


def decode_utf8_repairing(data: bytes) -> tuple[str, int, bool]:
    """(text, bytes repaired, has valid non-ASCII UTF-8): the bytes as UTF-8 where they are UTF-8, and
    each run of bytes that is not read as Windows-1252 (its five undefined values become U+FFFD). One
    stray byte (a Windows apostrophe pasted into a UTF-8 article) then costs one character, not the
    whole article read as Windows-1252."""
    escaped = data.decode("utf-8", errors="surrogateescape")
    repaired = 0

    def repair(m: re.Match[str]) -> str:
        nonlocal repaired
        raw = bytes(ord(c) - 0xDC00 for c in m.group())
        repaired += len(raw)
        return raw.decode("cp1252", errors="replace")

    text = ESCAPED.sub(repair, escaped)
    return text, repaired, VALID_NON_ASCII.search(escaped) is not None
