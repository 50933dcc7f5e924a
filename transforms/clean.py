"""Boilerplate removal, metadata recovery and paragraph blocks with offsets into the cleaned text."""

from __future__ import annotations

import re

import polars as pl

from transforms.rules import Rules

TERMINATED = r"[.!?:;…][\x22”’')\]]*$"
BULLET = r"^[•·▪‣◦*–-]\s+"
# A "drop the rest" footer marker only counts past this share of the file, so a stray
# "More from ..." link at the top cannot swallow the article.
FOOTER_MIN_POSITION = 0.3
BLOCK_SEPARATOR = "\n\n"


def _any_match(col: pl.Expr, patterns: list[str]) -> pl.Expr:
    if not patterns:
        return pl.lit(False)
    return pl.any_horizontal([col.str.contains(p) for p in patterns])


def _lines(docs: pl.DataFrame) -> pl.DataFrame:
    return (
        docs.select("article_key", pl.col("text").str.split("\n").alias("raw_line"))
        .explode("raw_line")
        .with_columns(
            pl.int_range(pl.len()).over("article_key").alias("line_no"),
            pl.len().over("article_key").alias("n_lines"),
            pl.col("raw_line").str.strip_chars().alias("line"),
        )
    )


def _publisher_name(raw: str | None, publishers: dict[str, str]) -> str | None:
    if raw is None:
        return None
    key = re.sub(r"[^a-z0-9]", "", raw.lower())
    return publishers.get(key, raw.strip())


def extract_metadata(lines: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """Publisher and publication date, from lines that are removed as boilerplate afterwards."""
    meta = rules.metadata_patterns
    pub_patterns = meta.filter(pl.col("field") == "publisher")["pattern"].to_list()
    date_rows = meta.filter(pl.col("field") == "published_date").iter_rows(named=True)
    line = pl.col("line")
    pub = pl.coalesce([line.str.extract(p, 1) for p in pub_patterns]) if pub_patterns else pl.lit(None)
    dates = [
        line.str.extract(r["pattern"], 1)
        .str.replace_all(r"(\d)(st|nd|rd|th)\b", "$1")
        .str.replace_all(",", "")
        .str.to_date(r["format"], strict=False)
        for r in date_rows
    ]
    found = lines.with_columns(
        pub.alias("publisher_raw"),
        (pl.coalesce(dates) if dates else pl.lit(None, dtype=pl.Date)).alias("published_date"),
    )
    per_article = found.group_by("article_key").agg(
        pl.col("publisher_raw").drop_nulls().first(),
        pl.col("published_date").drop_nulls().first(),
    )
    return per_article.with_columns(
        pl.col("publisher_raw")
        .map_elements(lambda v: _publisher_name(v, rules.publishers), return_dtype=pl.String)
        .alias("publisher")
    ).drop("publisher_raw")


def _classify_lines(lines: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    bp = rules.boilerplate
    by_action = {a: bp.filter(pl.col("action") == a)["pattern"].to_list() for a in ("drop_line", "drop_rest", "strip_prefix")}
    line = pl.col("line")
    is_rest_marker = _any_match(line, by_action["drop_rest"]) & (
        pl.col("line_no") >= (pl.col("n_lines") * FOOTER_MIN_POSITION)
    )
    has_prefix = _any_match(line, by_action["strip_prefix"])
    stripped = line
    for p in by_action["strip_prefix"]:
        stripped = stripped.str.replace(p, "")
    return lines.with_columns(
        is_rest_marker.cast(pl.Int32).cum_max().over("article_key").cast(pl.Boolean).alias("in_footer"),
        _any_match(line, by_action["drop_line"]).alias("is_boilerplate"),
        has_prefix.alias("had_section_prefix"),
        stripped.str.replace(BULLET, "").alias("line"),
    )


def _blocks(lines: pl.DataFrame) -> pl.DataFrame:
    """Paragraphs: runs of kept lines; blank or removed lines separate them."""
    keep = ~pl.col("in_footer") & ~pl.col("is_boilerplate") & (pl.col("line") != "")
    return (
        lines.with_columns(keep.alias("keep"))
        .with_columns((~pl.col("keep")).cast(pl.Int32).cum_sum().over("article_key").alias("run"))
        .filter(pl.col("keep"))
        .group_by("article_key", "run", maintain_order=True)
        .agg(
            pl.col("line").str.join(" ").alias("text"),
            pl.col("had_section_prefix").any(),
            pl.col("line_no").min().alias("first_line"),
        )
        .with_columns(pl.col("text").str.replace_all(r"\s+", " ").str.strip_chars())
        .sort("article_key", "first_line")
    )


def _label_blocks(blocks: pl.DataFrame) -> pl.DataFrame:
    """Title, standfirst, headings and body; unterminated trailing blocks are site furniture."""
    b = blocks.with_columns(
        pl.int_range(pl.len()).over("article_key").alias("idx"),
        pl.col("text").str.contains(TERMINATED).alias("is_terminated"),
        pl.col("text").str.count_matches(r"\S+").alias("n_words"),
    )
    # A section-prefixed line near the top is the headline; anything above it is header furniture.
    prefixed = pl.when(pl.col("had_section_prefix") & (pl.col("idx") < 8)).then(pl.col("idx"))
    b = b.with_columns(prefixed.min().over("article_key").fill_null(0).alias("title_idx"))
    b = b.filter(pl.col("idx") >= pl.col("title_idx")).with_columns(
        (pl.col("idx") - pl.col("title_idx")).alias("idx")
    )
    last_terminated = pl.when(pl.col("is_terminated")).then(pl.col("idx")).max().over("article_key")
    b = b.filter((pl.col("idx") <= last_terminated.fill_null(10**9)) | (pl.col("idx") == 0))
    kind = (
        pl.when(pl.col("idx") == 0)
        .then(pl.lit("title"))
        .when((pl.col("idx") == 1) & ~pl.col("is_terminated") & (pl.col("n_words") >= 8))
        .then(pl.lit("standfirst"))
        .when(~pl.col("is_terminated") & (pl.col("n_words") <= 15))
        .then(pl.lit("heading"))
        .otherwise(pl.lit("body"))
    )
    sep = len(BLOCK_SEPARATOR)
    return (
        b.with_columns(kind.alias("block_kind"), pl.col("text").str.len_chars().alias("n_chars"))
        .with_columns(
            ((pl.col("n_chars") + sep).cum_sum().over("article_key") - pl.col("n_chars") - sep).alias("start")
        )
        .with_columns((pl.col("start") + pl.col("n_chars")).alias("end"))
        .select(
            "article_key",
            pl.col("idx").alias("block_no"),
            "block_kind",
            "text",
            pl.col("start").cast(pl.Int64),
            pl.col("end").cast(pl.Int64),
        )
    )


def clean_articles(docs: pl.DataFrame, rules: Rules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """From ``article_key``/``text`` to (articles, blocks).

    articles: article_key, clean_text, title, standfirst, publisher, published_date, word_count.
    blocks: article_key, block_no, block_kind, text, start, end (offsets into clean_text).
    """
    lines = _lines(docs)
    meta = extract_metadata(lines, rules)
    blocks = _label_blocks(_blocks(_classify_lines(lines, rules)))
    articles = blocks.group_by("article_key", maintain_order=True).agg(
        pl.col("text").str.join(BLOCK_SEPARATOR).alias("clean_text"),
        pl.col("text").filter(pl.col("block_kind") == "title").first().alias("title"),
        pl.col("text").filter(pl.col("block_kind") == "standfirst").first().alias("standfirst"),
        pl.col("text").filter(pl.col("block_kind") != "title").str.count_matches(r"\S+").sum().alias("word_count"),
    )
    articles = docs.select("article_key").join(articles, on="article_key", how="left").join(meta, on="article_key", how="left")
    return articles, blocks
