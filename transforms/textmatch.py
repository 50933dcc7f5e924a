"""Small helpers shared by the extractors: positions of pattern matches inside sentences.

polars has no regex "find all with offsets", so the few extractors that need character positions
(mentions, names, quotes) run one compiled pattern over just the sentences that polars pre-filters.
"""

from __future__ import annotations

import re
from functools import lru_cache

QUOTE_CHARS = "\"“”‘’'"
APOSTROPHE = "['’]"


@lru_cache(maxsize=512)
def compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def flexible_literal(text: str) -> str:
    """A literal that tolerates either apostrophe and any run of white space."""
    out = []
    for ch in text:
        if ch in "'’":
            out.append(APOSTROPHE)
        elif ch.isspace():
            out.append(r"\s+")
        else:
            out.append(re.escape(ch))
    return "".join(out)


def fold(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def any_search(patterns: list[str], text: str) -> str | None:
    """The first pattern (in seed order) that matches, or None."""
    for p in patterns:
        if compiled(p).search(text):
            return p
    return None
