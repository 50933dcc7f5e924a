"""Vocabulary keys read from seeds/vocabulary, so schemas and the vocabulary never drift apart."""

from __future__ import annotations

import csv
from functools import lru_cache

from flows.settings import SEEDS_DIR


@lru_cache(maxsize=None)
def keys(vocabulary: str) -> list[str]:
    """Keys of one vocabulary file: ratings, visit_types, focus_areas, themes, polarities, speaker_types."""
    with open(SEEDS_DIR / "vocabulary" / f"{vocabulary}.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [r[0] for r in rows[1:]]


BLOCK_KINDS = ["title", "standfirst", "heading", "body"]
FILE_STATUSES = ["loaded", "duplicate", "rejected", "missing"]
# "+windows-1252": UTF-8 in which the bytes that were not UTF-8 were read as Windows-1252. UTF-16 and
# UTF-32 without an endianness were told by their BOM; with one, by the NUL bytes of ASCII text.
# iso-8859-15: a web page that declares it.
ENCODINGS = ["utf-8", "utf-8-sig", "windows-1252", "utf-8+windows-1252", "utf-8-sig+windows-1252",
             "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "iso-8859-15"]
