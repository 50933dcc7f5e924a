"""Bytes to text: UTF-8 (with or without BOM; stray non-UTF-8 bytes repaired as Windows-1252), UTF-16 and
UTF-32; binary and empty files are refused."""

from __future__ import annotations

import hashlib
import html

import polars as pl

from transforms import charsets

# Characters that change how text looks or reads without being text: zero-width and bidirectional
# controls and every other format character (Unicode category Cf: U+200E inside "Sutton" hid the
# name from matching), and control characters other than tab, line and page breaks. The cleaned text
# (and every offset into it) is without them; raw.raw_text keeps them verbatim.
ZERO_WIDTH = "[\\p{Cf}\\x00-\\x08\\x0e-\\x1f\\x7f-\\x84\\x86-\\x9f]"
# Unicode's own line and paragraph separators (and NEL) break lines as a newline does.
LINE_SEPARATORS = "[\u2028\u0085]"
PARAGRAPH_SEPARATOR = "\u2029"
ODD_SPACES = "[\u00a0\u202f\u2007\u2009\u200a\t\f\v]"
# The bytes and characters below 32 a text file may hold (tab, line feed, form feed, carriage return);
# any other counts towards "binary". Counted by deleting them in C (bytes.translate): a Python loop
# over the first 8 KB of every file cost 0.9 ms a file, most of the decoding.
_CONTROL_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13))
_CONTROL_CHARS = {b: None for b in _CONTROL_BYTES}


def _control_count(head: bytes | str) -> int:
    """How many control bytes (or characters) other than tab, line and page breaks ``head`` holds."""
    if isinstance(head, bytes):
        return len(head) - len(head.translate(None, _CONTROL_BYTES))
    return len(head) - len(head.translate(_CONTROL_CHARS))


def decode_bytes(data: bytes) -> tuple[str | None, str | None, str | None]:
    """Return (text, encoding, reject_reason).

    UTF-8 (with or without BOM) with any byte that is not UTF-8 repaired as Windows-1252
    (``utf-8+windows-1252``; a file with no valid UTF-8 beyond ASCII is ``windows-1252``);
    UTF-16 and UTF-32 by their BOM or, without one, by the NUL bytes of ASCII text in them.
    """
    if len(data) == 0:
        return None, None, "empty file (0 bytes)"
    bom = charsets.bom_encoding(data)
    wide = bom if bom is not None and bom[0] != "utf-8-sig" else None
    if wide is None and bom is None and b"\x00" in data[:8192]:
        guessed = charsets.wide_encoding_without_bom(data)
        wide = (guessed, guessed) if guessed else None
    if wide is not None:
        try:
            text, encoding = data.decode(wide[0]), wide[1]
        except UnicodeDecodeError:
            return None, None, f"binary file: contains NUL bytes and is not valid {wide[1].upper()}"
        head = text[:8192]
        controls = _control_count(head)
        if controls > max(8, len(head) // 20):
            return None, None, f"binary file: {controls} control characters in the first {len(head)} characters ({encoding})"
    else:
        head = data[:8192]
        if b"\x00" in head:
            return None, None, "binary file: contains NUL bytes, not text"
        controls = _control_count(head)
        if controls > max(8, len(head) // 20):
            return None, None, f"binary file: {controls} control bytes in the first {len(head)} bytes"
        body, encoding = (data[3:], "utf-8-sig") if bom is not None else (data, "utf-8")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            text, _, has_utf8 = charsets.decode_utf8_repairing(body)
            encoding = f"{encoding}+windows-1252" if has_utf8 else "windows-1252"
    if not text.strip():
        return None, encoding, "only whitespace: no text to extract"
    return text, encoding, None


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path, chunk_bytes: int = 1 << 20) -> str:
    """Hash of a file too large to load: read in chunks, never held whole."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(chunk_bytes):
            digest.update(chunk)
    return digest.hexdigest()


def decode_frame(raw: pl.DataFrame) -> pl.DataFrame:
    """Adds ``text``, ``encoding``, ``is_encoding_fallback`` and ``reject_reason`` to a frame with a ``content`` column."""
    decoded = [decode_bytes(b) for b in raw["content"]]
    return raw.with_columns(
        pl.Series("text", [d[0] for d in decoded], dtype=pl.String),
        pl.Series("encoding", [d[1] for d in decoded], dtype=pl.String),
        pl.Series("reject_reason", [d[2] for d in decoded], dtype=pl.String),
    ).with_columns(pl.col("encoding").str.contains("windows-1252", literal=True).fill_null(False).alias("is_encoding_fallback"))


def normalise_text(text: pl.Expr) -> pl.Expr:
    """Line endings (and Unicode line separators), HTML entities, odd spaces, format and control
    characters, so offsets are stable and names match however they were dressed."""
    return (
        text.str.replace_all("\r\n?", "\n")
        .map_batches(
            lambda s: pl.Series([html.unescape(v) if v is not None and "&" in v else v for v in s], dtype=pl.String),
            return_dtype=pl.String,
        )
        .str.replace_all(LINE_SEPARATORS, "\n")
        .str.replace_all(PARAGRAPH_SEPARATOR, "\n\n", literal=True)
        .str.replace_all(ZERO_WIDTH, "")
        .str.replace_all(ODD_SPACES, " ")
    )
