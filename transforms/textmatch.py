"""Text folding shared by the extractors and the keys, and the one rewrite polars' regex engine needs."""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl


def fold(text: str) -> str:
    """Lower case, one apostrophe style, single spaces: how names and aliases are compared."""
    return re.sub(r"\s+", " ", text.replace("’", "'").replace("‘", "'")).strip().lower()


def letters_and_digits(text: str) -> str:
    """Lower-case letters and digits only: how a page's title and its first line, or two spellings of
    a publisher's name, are compared."""
    return re.sub(r"[\W_]+", "", text).lower()


def letters_and_digits_expr(col: pl.Expr) -> pl.Expr:
    """``letters_and_digits`` as a polars expression."""
    return col.str.to_lowercase().str.replace_all(r"[\W_]+", "")


@lru_cache(maxsize=4096)
def ascii_word_boundaries(pattern: str) -> str:
    """The pattern with each ``\\b`` outside a character class written ``(?-u:\\b)``.

    Rules are written in the syntax Python's ``re`` and polars' (Rust) engine share. Rust's fast
    engine (a lazy DFA) cannot run a Unicode word boundary over text holding any non-ASCII byte, and
    news text always does (curly quotes, dashes), so it falls back to a slower engine: measured on
    35,000 clauses, one theme alternation took 3.06 s with ``\\b`` and 0.02 s with ``(?-u:\\b)``. The
    ASCII boundary differs only next to a non-ASCII letter ("café"), which English rules never
    border. Python's ``re`` does not know ``(?-u:...)``: use this only for patterns polars runs.
    """
    out, i, in_class = [], 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\" and i + 1 < len(pattern):
            pair = pattern[i : i + 2]
            out.append("(?-u:\\b)" if pair == "\\b" and not in_class else pair)
            i += 2
            continue
        if ch == "[" and not in_class:
            in_class = True
            # A "]" straight after "[" or "[^" is a literal, not the end of the class.
            j = i + 1 + (pattern[i + 1 : i + 2] == "^")
            if pattern[j : j + 1] == "]":
                out.append(pattern[i : j + 1])
                i = j + 1
                continue
        elif ch == "]" and in_class:
            in_class = False
        out.append(ch)
        i += 1
    return "".join(out)


def char_offsets(text: str, byte_offsets, items) -> list[tuple[int, object]]:
    """(character offset, item) for each UTF-8 byte offset into ``text`` (polars reports byte offsets),
    in order of offset. Each stretch between two offsets is counted once: linear in the text, where
    decoding the prefix for every offset was quadratic."""
    data = text.encode("utf-8")
    out, chars, at = [], 0, 0
    for b, item in sorted(zip(byte_offsets, items), key=lambda p: p[0]):
        chars += len(data[at:b].decode("utf-8"))
        at = b
        out.append((chars, item))
    return out


def unflagged(pattern: str) -> str:
    """A rule's pattern without its leading ``(?i)``."""
    return pattern[4:] if pattern.startswith("(?i)") else pattern


def as_group(pattern: str) -> str:
    """A rule as a self-contained group that keeps its own case flag inside a longer pattern or an
    alternation of rules."""
    return f"(?i:{unflagged(pattern)})" if pattern.startswith("(?i)") else f"(?:{pattern})"
