"""The controlled vocabularies the tables are checked against.

Analysts' vocabularies are read from the project's ``seeds/vocabulary/*.csv`` (first column: the
key), so schemas and seeds never drift apart; the lists below are the code's own vocabularies, values
only the code writes.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

# The seeds shipped beside the code: the schemas check what the code was written for.
VOCABULARY_DIR = Path(__file__).resolve().parents[1] / "seeds" / "vocabulary"


def vocabularies() -> list[str]:
    """The names of the analysts' vocabularies: ratings, visit_types, focus_areas, themes, ..."""
    return sorted(p.stem for p in VOCABULARY_DIR.glob("*.csv"))


@lru_cache(maxsize=None)
def keys(vocabulary: str) -> list[str]:
    """Keys of one vocabulary file."""
    with open(VOCABULARY_DIR / f"{vocabulary}.csv", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return [r[0] for r in rows[1:]]


BLOCK_KINDS = ["title", "standfirst", "heading", "body"]
FILE_STATUSES = ["loaded", "duplicate", "rejected", "missing"]
# A stated rating against the register of full inspections (transforms/reconcile.py).
RATING_CHECKS = ["consistent", "contradicts", "not_in_register"]
# "+windows-1252": UTF-8 in which the bytes that were not UTF-8 were read as Windows-1252. UTF-16 and
# UTF-32 without an endianness were told by their BOM; with one, by the NUL bytes of ASCII text.
# iso-8859-15: a web page that declares it.
ENCODINGS = ["utf-8", "utf-8-sig", "windows-1252", "utf-8+windows-1252", "utf-8-sig+windows-1252",
             "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "iso-8859-15"]
