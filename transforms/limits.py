"""Caps on the work one article may ask of the extractors, checked before extraction.

Extraction is linear in an article's size, but a file of one quoted paragraph repeated thousands of
times is not an article: it would cost seconds and hundreds of MB for facts nobody wants, and it
would cost them again on every change. An article over a cap is rejected with the counts in the
reason (recorded in raw_file and rejected_rows like any bad file), and the rest of the run loads.

The counts come from the decoded text in one vectorised pass, before cleaning, so they are upper
bounds of what the extractors would see (boilerplate lines count too): sentence breaks (end
punctuation followed by a space and a capital, and line breaks), opening quotation marks, and names
(capitalised words: every person's name and nearly every authority's starts with one). Counting
authority aliases with the mention finder's automaton would be exact for those, at ten times the
cost (0.6 ms an article against 0.08 ms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from transforms.bounded import ParseBounds

SENTENCE_BREAK = r"[.!?…]+[\x22”’')\]]* [\x22“‘'(\[]?[A-Z0-9]|\n"
CAPITALISED_WORD = r"(?-u:\b)[A-Z][a-z’']"


@dataclass(frozen=True)
class WorkLimits:
    max_sentences: int
    max_quotes: int
    max_mentions: int
    # What parsing one web page or PDF may take before it is stopped and rejected (transforms/bounded.py).
    parse: ParseBounds = field(default_factory=ParseBounds)


def work_counts(docs: pl.DataFrame) -> pl.DataFrame:
    """``sentences``, ``quotes`` and ``mentions`` per row of ``docs`` (column ``text``; null text counts 0)."""
    text = pl.col("text").fill_null("")
    return docs.select(
        (text.str.count_matches(SENTENCE_BREAK) + 1).alias("sentences"),
        (text.str.count_matches("“") + (text.str.count_matches("\x22") + 1) // 2).alias("quotes"),
        text.str.count_matches(CAPITALISED_WORD).alias("mentions"),
    )


def over_limit_reasons(docs: pl.DataFrame, limits: WorkLimits) -> pl.Series:
    """Why each text is too much for one article, or null."""
    checks = [("sentences", "sentence breaks", limits.max_sentences, "max_sentences_per_article"),
              ("quotes", "quotation marks", limits.max_quotes, "max_quotes_per_article"),
              ("mentions", "capitalised words (names)", limits.max_mentions, "max_mentions_per_article")]
    counts = work_counts(docs)
    over = counts.select(pl.any_horizontal([pl.col(col) > cap for col, _, cap, _ in checks])).to_series()
    reasons: list[str | None] = [None] * counts.height
    # Words for the few articles over a cap only.
    for i in over.arg_true().to_list():
        row = counts.row(i, named=True)
        parts = [f"{row[col]:,} {what}, above the limit of {cap:,} ({setting})" for col, what, cap, setting in checks if row[col] > cap]
        reasons[i] = "too much to extract from one article: " + "; ".join(parts)
    return pl.Series("reason", reasons, dtype=pl.String)


def reject_over_limits(decoded: pl.DataFrame, limits: WorkLimits) -> pl.DataFrame:
    """Sets ``reject_reason`` on decoded files (``text``, ``reject_reason``) whose article is over a cap."""
    todo = decoded["reject_reason"].is_null() & decoded["text"].is_not_null()
    if decoded.is_empty() or not todo.any():
        return decoded
    reasons = over_limit_reasons(decoded.select(pl.when(todo).then(pl.col("text")).alias("text")), limits)
    return decoded.with_columns(pl.coalesce(pl.col("reject_reason"), reasons).alias("reject_reason"))
