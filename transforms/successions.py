"""Mentions of abolished authorities, resolved to the authority the reference list names for the article.

``seeds/rules/former_authorities.csv`` says how each abolished council passed on its children's
services (``succession``):

- ``renamed``: one successor for the same area (a county council become a unitary council of the
  same name): always the successor, whatever the date, as the reference list names it.
- ``merged``: several councils became one: the successor for articles dated on or after the
  change, the former council before it or when the article is undated.
- ``split``: one council became several: where the article names successors, each mention of the
  former council counts for each successor named (their letters report its visits), and the former
  council's own mention is kept, set aside, with the reason; otherwise the former council stands.
"""

from __future__ import annotations

import polars as pl

from transforms.rules import Rules

SPLIT_REASON = "abolished authority: its successors named in the article stand for it"


def apply_successions(mentions: pl.DataFrame, articles: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """``mentions`` as find_mentions returns them; ``articles``: article_key, published_date."""
    succ = rules.successors
    if mentions.is_empty() or succ.is_empty():
        return mentions
    columns = mentions.columns
    dated = mentions.join(articles.select("article_key", "published_date"), on="article_key", how="left")
    former = dated.filter(pl.col("la_name").is_in(succ["former_la_name"].implode()))
    if former.is_empty():
        return mentions
    rest = dated.filter(~pl.col("la_name").is_in(succ["former_la_name"].implode()))
    named = mentions.filter(pl.col("is_valid")).select("article_key", pl.col("la_name").alias("successor_la_name")).unique()
    paired = former.join(succ, left_on="la_name", right_on="former_la_name", how="inner")
    after_change = pl.col("published_date").is_not_null() & (pl.col("published_date") >= pl.col("abolished_date"))
    renamed = paired.filter(
        (pl.col("succession") == "renamed") | ((pl.col("succession") == "merged") & after_change)
    ).with_columns(pl.col("successor_la_name").alias("la_name"))
    split_named = paired.filter(pl.col("succession") == "split").join(named, on=["article_key", "successor_la_name"], how="inner")
    for_successors = split_named.with_columns(pl.col("successor_la_name").alias("la_name"))
    set_aside = (
        former.join(split_named.select("article_key", "start").unique(), on=["article_key", "start"], how="inner")
        .with_columns(pl.lit(False).alias("is_valid"), pl.lit(SPLIT_REASON).alias("exclusion_reason"))
    )
    untouched = former.join(
        pl.concat([renamed.select("article_key", "start"), set_aside.select("article_key", "start")]).unique(),
        on=["article_key", "start"], how="anti",
    )
    return pl.concat(
        [rest.select(columns), untouched.select(columns), renamed.select(columns), for_successors.select(columns), set_aside.select(columns)]
    ).unique(["article_key", "start", "la_name"], keep="first", maintain_order=True).sort("article_key", "start")
