"""Sentences with character offsets into the cleaned text."""

from __future__ import annotations

import re

import polars as pl

from transforms.rules import Rules

BOUNDARY = r"([.!?…]+[\x22”’')\]]*) ([\x22“‘'(\[]?[A-Z0-9])"
PROTECT = "\x1e"
SPLIT = "\x1f"


def split_sentences(blocks: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """One row per sentence: article_key, block_no, block_kind, sentence_no, start, end, text.

    A boundary is end punctuation, optional closing quotes, one space and a capital or an opening
    quote; abbreviation dots are masked first. Blocks have single spaces only (see clean), so the
    space swapped for the split marker keeps every offset.
    """
    dotted = [a for a in rules.abbreviations if "." in a]
    plain = [re.escape(a) for a in rules.abbreviations if "." not in a]
    text = pl.col("text")
    for a in dotted:
        text = text.str.replace_all(re.escape(a + "."), a.replace(".", PROTECT) + PROTECT, literal=False)
    if plain:
        text = text.str.replace_all(r"\b(" + "|".join(plain) + r")\.", "${1}" + PROTECT)
    # Initials such as "J. Smith".
    text = text.str.replace_all(r"\b([A-Z])\. ([A-Z])", "${1}" + PROTECT + " ${2}")
    text = text.str.replace_all(BOUNDARY, "${1}" + SPLIT + "${2}")
    return (
        blocks.with_columns(text.str.split(SPLIT).alias("parts"))
        .select("article_key", "block_no", "block_kind", pl.col("start").alias("block_start"), "parts")
        .explode("parts")
        .with_columns(pl.col("parts").str.replace_all(PROTECT, ".").alias("text"))
        .with_columns(pl.col("text").str.len_chars().alias("n"))
        .with_columns(
            (pl.col("block_start") + (pl.col("n") + 1).cum_sum().over("article_key", "block_no") - pl.col("n") - 1)
            .cast(pl.Int64)
            .alias("start")
        )
        .with_columns((pl.col("start") + pl.col("n")).alias("end"))
        .with_columns(pl.int_range(pl.len()).over("article_key").alias("sentence_no"))
        .select("article_key", "block_no", "block_kind", "sentence_no", "start", "end", "text")
    )
