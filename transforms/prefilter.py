"""Candidates first, exact rules second: a rule's regex runs only on the rows that can match it.

Each function here is the polars string method of the same name, as an expression, with the same
result row for row. Any pattern (one rule row, an alternation of rows, a pattern built around one)
yields its required literals (transforms.literals). One multi-literal (Aho-Corasick) pass over a text
column, lower-cased, finds which rows hold which of the literals of every rule seen so far; each
rule's regex then runs on the rows holding one of its own literals alone, and every other row gets
what the regex gives a row it does not match (False, 0, null, no change). The pass is made once per
column and reused by every rule run on that column (a column the pass has not seen, or a rule with
literals it has not looked for, costs one more pass, for those literals only).

A pattern without usable literals runs over every row, as before, and so does every pattern when
OFSTED_WATCH_PREFILTER=0 (the full scan, for comparisons and tests).

The functions are elementwise, so polars evaluates them once over the whole column even inside a
window (``over``), not once per group.
"""

from __future__ import annotations

import os
import threading
from typing import Callable

import polars as pl

from transforms.literals import required_literals

ENV_SWITCH = "OFSTED_WATCH_PREFILTER"
# Columns whose literal pass is kept (a batch's sentences, clauses and their filtered forms).
KEPT_COLUMNS = 8
# Below this many rows a pass costs more than the regexes it saves.
MIN_ROWS = 200

Method = Callable  # applied to a pl.Expr or a pl.Series alike: their .str namespaces agree


def enabled() -> bool:
    return os.environ.get(ENV_SWITCH, "1") != "0"


class LiteralIndex:
    """Which rows of one text column hold which literals (lower-case, ASCII case folded)."""

    def __init__(self, column: pl.Series):
        self.column = column
        self.lower = column.str.to_lowercase()
        self.ids: dict[str, int] = {}
        self.hits = pl.DataFrame(schema={"lit": pl.UInt32, "row": pl.UInt32})

    def add(self, literals: list[str]) -> None:
        """One pass for the literals not looked for yet."""
        new = sorted(set(literals) - self.ids.keys())
        if not new:
            return
        base = len(self.ids)
        self.ids.update({lit: base + i for i, lit in enumerate(new)})
        found = (
            pl.DataFrame({"lit": self.lower.str.extract_many(new, overlapping=True)})
            .with_row_index("row")
            .explode("lit")
            .drop_nulls("lit")
        )
        # extract_many gives the text matched, which is the literal itself (the text is lower-cased).
        found = found.select(
            (pl.col("lit").replace_strict(new, list(range(base, base + len(new))), return_dtype=pl.UInt32)).alias("lit"), "row"
        ).unique()
        self.hits = pl.concat([self.hits, found])

    def rows(self, literals: tuple[str, ...]) -> pl.Series:
        """Sorted row numbers holding at least one of the literals."""
        if not self.ids.keys() >= set(literals):
            # Every rule's literals at once, not this rule's alone: the next rules find theirs looked for.
            self.add(list(_registered | set(literals)))
        ids = [self.ids[lit] for lit in literals]
        return self.hits.filter(pl.col("lit").is_in(ids))["row"].unique().sort()


# The literals of every rule made into an expression so far (expressions are made before they run).
_registered: set[str] = set()
# Polars runs the expressions of one frame operation on its threads: they share the indexes.
_kept: list[LiteralIndex] = []
_lock = threading.Lock()


def _index(column: pl.Series) -> LiteralIndex:
    """The column's index, made once: the same column comes back for every rule run on it (call
    with _lock held)."""
    for i, idx in enumerate(_kept):
        if idx.column.len() == column.len() and idx.column.equals(column):
            _kept.insert(0, _kept.pop(i))
            return idx
    idx = LiteralIndex(column)
    _kept.insert(0, idx)
    del _kept[KEPT_COLUMNS:]
    return idx


_TEXT = object()  # a replacement leaves a row it does not match as it was


def _misses(s: pl.Series, dtype: pl.DataType, miss) -> pl.Series:
    """What the regex answers for rows it cannot match (``miss``: False, 0, [], None, or _TEXT);
    a struct of groups answers nulls in every field. Null rows stay null."""
    if miss is _TEXT:
        return s
    if isinstance(dtype, pl.Struct):
        value = pl.struct([pl.lit(None, dtype=f.dtype).alias(f.name) for f in dtype.fields])
    else:
        value = pl.lit(miss, dtype=dtype)
    return pl.select(pl.when(pl.lit(s).is_null()).then(None).otherwise(value)).to_series().alias(s.name)


def _guarded(text: pl.Expr, pattern: str, method: Method, miss) -> pl.Expr:
    """``method(text)``, with the regex run only on the rows holding one of the pattern's literals;
    every other row gets ``miss`` (see _misses)."""
    literals = required_literals(pattern) if enabled() else None
    if literals is None:
        return method(text)
    _registered.update(literals)
    dtype = method(pl.Series([], dtype=pl.String)).dtype

    def run(s: pl.Series) -> pl.Series:
        n = s.len()
        if n < MIN_ROWS or s.dtype != pl.String:
            return method(s)
        with _lock:
            rows = _index(s).rows(literals)
        if rows.len() == n:
            return method(s)
        other = _misses(s, dtype, miss)
        if rows.is_empty():
            return other
        found = method(s.gather(rows))
        # Each row's place among the candidates (null elsewhere), to spread the results back.
        at = pl.repeat(None, n, dtype=pl.UInt32, eager=True).scatter(rows, pl.int_range(rows.len(), dtype=pl.UInt32, eager=True))
        return pl.select(pl.when(at.is_not_null()).then(found.gather(at)).otherwise(other)).to_series().alias(s.name)

    return text.map_batches(run, return_dtype=dtype, is_elementwise=True)


def contains(text: pl.Expr, pattern: str) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.contains(pattern), False)


def count_matches(text: pl.Expr, pattern: str) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.count_matches(pattern), 0)


def find(text: pl.Expr, pattern: str) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.find(pattern), None)


def extract(text: pl.Expr, pattern: str, group_index: int = 1) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.extract(pattern, group_index), None)


def extract_all(text: pl.Expr, pattern: str) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.extract_all(pattern), [])


def extract_groups(text: pl.Expr, pattern: str) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.extract_groups(pattern), None)


def replace_all(text: pl.Expr, pattern: str, value: str) -> pl.Expr:
    return _guarded(text, pattern, lambda e: e.str.replace_all(pattern, value), _TEXT)
