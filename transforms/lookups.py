"""Sorted and hashed look-ups that keep extraction linear in an article's size.

Attribution walks an article in order and asks, for each quote, "which sentence holds this
position", "which attribution is nearest" and "who was last named so": scanning every sentence,
attribution or person for each quote made an article of n quotes cost n² (a file of one quoted
paragraph repeated 8,000 times took 15 GB). Each look-up here answers the same question as the scan
it replaces, ties included, in O(log n).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from typing import Callable, Sequence

import polars as pl

from transforms.textmatch import fold


class SpanLookup:
    """``lookup(pos)``: the value of the span ``start <= pos < end`` among sorted, non-overlapping spans."""

    def __init__(self, spans: Sequence[tuple[int, int, object]]):
        self._spans = sorted(spans, key=lambda s: s[0])
        self._starts = [s[0] for s in self._spans]

    def __call__(self, pos: int):
        i = bisect_right(self._starts, pos) - 1
        if i >= 0 and pos < self._spans[i][1]:
            return self._spans[i][2]
        return None


class NearestSpan:
    """The item of ``spans`` (``(start, end, ...)``) that ``min(spans, key=lambda a: min(abs(a[0] - e),
    abs(s - a[1])))`` returns for a span ``(s, e)``: the nearest by either end, the first listed on a tie."""

    def __init__(self, spans: Sequence[tuple]):
        self._spans = list(spans)
        self._by_start: dict[int, list[int]] = {}
        self._by_end: dict[int, list[int]] = {}
        for i, a in enumerate(self._spans):
            self._by_start.setdefault(a[0], []).append(i)
            self._by_end.setdefault(a[1], []).append(i)
        self._starts = sorted(self._by_start)
        self._ends = sorted(self._by_end)

    @staticmethod
    def _closest(values: list[int], x: int) -> int | None:
        i = bisect_left(values, x)
        near = [abs(values[j] - x) for j in (i - 1, i) if 0 <= j < len(values)]
        return min(near) if near else None

    def __call__(self, s: int, e: int):
        if not self._spans:
            raise ValueError("no spans to choose from")
        d = min(x for x in (self._closest(self._starts, e), self._closest(self._ends, s)) if x is not None)
        ties = [i for v in (e - d, e + d) for i in self._by_start.get(v, ())]
        ties += [i for v in (s - d, s + d) for i in self._by_end.get(v, ())]
        return self._spans[min(ties)]


def before(items: list[dict], at: int, key: str = "start", inclusive: bool = True) -> list[dict]:
    """The prefix of ``items`` (sorted by ``key``) with ``key <= at`` (``< at`` if not inclusive)."""
    cut = (bisect_right if inclusive else bisect_left)(items, at, key=lambda p: p[key])
    return items[:cut]


_NAME_INDEX: dict[int, tuple[list[dict], dict[str, int], dict[str, int]]] = {}


def last_named(people: list[dict], folded: str, fold_name: Callable[[str], str] = fold) -> dict | None:
    """The last person in ``people`` whose folded name, or its last word, is ``folded``: what a scan of
    ``reversed(people)`` finds, without folding every name for every quote. The index is kept for the
    few lists in use (the list itself is held, so its id cannot be reused while cached)."""
    cached = _NAME_INDEX.get(id(people))
    if cached is None or cached[0] is not people:
        full: dict[str, int] = {}
        last_word: dict[str, int] = {}
        for i, p in enumerate(people):
            name = fold_name(p["person_name"])
            full[name] = i
            last_word[name.split()[-1]] = i
        if len(_NAME_INDEX) > 64:
            _NAME_INDEX.clear()
        _NAME_INDEX[id(people)] = cached = (people, full, last_word)
    _, full, last_word = cached
    i = max(full.get(folded, -1), last_word.get(folded, -1))
    return people[i] if i >= 0 else None


def overlapping_sentences(sentences: pl.DataFrame, spans: pl.DataFrame) -> pl.DataFrame:
    """Pairs of a sentence and a span (``q_start``/``q_end``) of the same article that may overlap:
    for each span, the sentences from the one holding its start to the one holding its last
    character. Sentences of an article are numbered in order of position and do not overlap, so the
    pairs are as many as spans plus the sentences they cover, never sentences times spans.

    sentences: article_key, sentence_no, start, end. Returns the sentence columns and every span column.
    """
    s = sentences.select("article_key", "sentence_no", "start", "end").sort("start")
    first = pl.col("sentence_no")
    covered = (
        spans.with_row_index("_span")
        .with_columns((pl.col("q_end") - 1).alias("_q_last"))
        .sort("q_start")
        .join_asof(s.select("article_key", "start", first.alias("_first")), left_on="q_start", right_on="start",
                   by="article_key", strategy="backward", check_sortedness=False)
        .drop("start")
        .sort("_q_last")
        .join_asof(s.select("article_key", "start", first.alias("_last")), left_on="_q_last", right_on="start",
                   by="article_key", strategy="backward", check_sortedness=False)
        .drop("start")
        .filter(pl.col("_last").is_not_null())
        .with_columns(pl.int_ranges(pl.col("_first").fill_null(0), pl.col("_last") + 1).alias("sentence_no"))
        .explode("sentence_no")
        .drop("_first", "_last", "_q_last")
    )
    return s.join(covered, on=["article_key", "sentence_no"], how="inner").sort("_span", "sentence_no").drop("_span")
