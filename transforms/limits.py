"""Caps on the work one article may ask of the extractors, checked before extraction.

Extraction is linear in an article's size, but a file of one quoted paragraph repeated thousands of
times is not an article: it would cost seconds and hundreds of MB for facts nobody wants, and it
would cost them again on every change. An article over a cap is rejected with the counts in the
reason (recorded in raw_file and rejected_rows like any bad file), and the rest of the run loads.

The counts come from the decoded text in one vectorised pass, before cleaning, so they are upper
bounds of what the extractors would see (boilerplate lines count too): sentence breaks (end
punctuation followed by a space and a capital, and line breaks), opening quotation marks, and names
(authority aliases found by the same automaton the mention finder uses, and capitalised word pairs
the people patterns would look at).
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from transforms.authorities import build_matcher
from transforms.rules import Rules

SENTENCE_BREAK = r"[.!?…]+[\x22”’')\]]* [\x22“‘'(\[]?[A-Z0-9]|\n"
NAME_PAIR = r"[A-Z][a-z’']+ [A-Z]"


@dataclass(frozen=True)
class WorkLimits:
    max_sentences: int
    max_quotes: int
    max_mentions: int


def work_counts(docs: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """``sentences``, ``quotes`` and ``mentions`` per row of ``docs`` (column ``text``; null text counts 0)."""
    matcher = build_matcher(rules)
    text = pl.col("text").fill_null("")
    folded = text.str.replace_all("[’‘]", "'")
    return docs.select(
        (text.str.count_matches(SENTENCE_BREAK) + 1).alias("sentences"),
        (text.str.count_matches("“") + (text.str.count_matches("\x22") + 1) // 2).alias("quotes"),
        (
            folded.str.find_many(matcher.patterns, ascii_case_insensitive=True, leftmost=True).list.len()
            + text.str.count_matches(NAME_PAIR)
        ).alias("mentions"),
    )


def over_limit_reasons(docs: pl.DataFrame, rules: Rules, limits: WorkLimits) -> pl.Series:
    """Why each text is too much for one article, or null."""
    counts = work_counts(docs, rules)
    checks = [("sentences", "sentence breaks", limits.max_sentences, "max_sentences_per_article"),
              ("quotes", "quotation marks", limits.max_quotes, "max_quotes_per_article"),
              ("mentions", "names", limits.max_mentions, "max_mentions_per_article")]
    parts = [
        pl.when(pl.col(col) > cap).then(
            pl.format(f"{{}} {what}, above the limit of {cap:,} ({setting})", pl.col(col).map_elements(lambda v: f"{v:,}", return_dtype=pl.String))
        )
        for col, what, cap, setting in checks
    ]
    reason = pl.concat_str(parts, separator="; ", ignore_nulls=True)
    return counts.select(
        pl.when(reason != "").then(pl.lit("too much to extract from one article: ") + reason).alias("reason")
    ).to_series()


def reject_over_limits(decoded: pl.DataFrame, rules: Rules, limits: WorkLimits) -> pl.DataFrame:
    """Sets ``reject_reason`` on decoded files (``text``, ``reject_reason``) whose article is over a cap."""
    todo = decoded["reject_reason"].is_null() & decoded["text"].is_not_null()
    if decoded.is_empty() or not todo.any():
        return decoded
    reasons = over_limit_reasons(decoded.select(pl.when(todo).then(pl.col("text")).alias("text")), rules, limits)
    return decoded.with_columns(pl.coalesce(pl.col("reject_reason"), reasons).alias("reject_reason"))
