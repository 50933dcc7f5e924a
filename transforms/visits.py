"""Visits: per article and authority, the visit's type, ordinal, focus, the stated rating and its date."""

from __future__ import annotations

import polars as pl

from transforms.rules import Rules
from transforms.textmatch import ascii_word_boundaries

MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]
MONTH_ALT = "|".join(m.capitalize() for m in MONTHS)
# A year stated just after the rating: "rated inadequate in 2019", "judged 'inadequate' in May 2018".
RATING_DATE_TAIL = ascii_word_boundaries(rf"[^.;]{{0,60}}?\b(?:in|since|from)\s+(?:(?P<month>{MONTH_ALT})\s+)?(?P<year>(?:19|20)[0-9]{{2}})\b")


def _inner(pattern: str) -> tuple[str, str]:
    return ("(?i)", pattern[4:]) if pattern.startswith("(?i)") else ("", pattern)


def _current_hits(text: pl.Expr, pattern: str, past_before: str) -> pl.Expr:
    """True where the cue occurs at least once outside a look-back ("since a focused assurance visit")."""
    flag, inner = _inner(pattern)
    _, past_inner = _inner(past_before.rstrip("$"))
    past = f"(?i){past_inner}(?:{inner})"
    return text.str.count_matches(pattern) > text.str.count_matches(past)


def visited_authorities(sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """(article_key, la_name) pairs whose visit the article reports.

    An authority counts when it is named (not set aside) and at least one sentence about it, outside
    the council's own words, speaks of the inspectorate or a visit.
    """
    evidence = pl.any_horizontal([pl.col("text").str.contains(p) for p in rules.visit_evidence])
    named = mentions.filter(pl.col("is_valid")).select("article_key", "la_name").unique()
    with_evidence = (
        sentences.filter(pl.col("la_name").is_not_null() & (pl.col("asserted_by") != "council") & evidence)
        .select("article_key", "la_name")
        .unique()
    )
    return named.join(with_evidence, on=["article_key", "la_name"], how="inner")


def extract_visits(sentences: pl.DataFrame, mentions: pl.DataFrame, rules: Rules) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns (visits, visit_focus).

    visits: article_key, la_name, visit_type, visit_ordinal, rating, rating_year, rating_month,
    progress_phrase, evidence_text, evidence_start, evidence_end.
    """
    pairs = visited_authorities(sentences, mentions, rules)
    s = sentences.join(pairs, on=["article_key", "la_name"], how="inner").sort("article_key", "start")
    text = pl.col("text")
    past_before = rules.past_context.filter(pl.col("scope") == "before_cue")["pattern"].to_list()[0]

    # Visit type: the first cue (in seed order) that occurs outside a look-back.
    type_rows = rules.visit_type_cues.rows(named=True)
    type_expr = pl.lit(None, dtype=pl.String)
    for r in reversed(type_rows):
        type_expr = pl.when(_current_hits(text, r["pattern"], past_before)).then(pl.lit(r["visit_type"])).otherwise(type_expr)
    type_rank = {r["visit_type"]: i for i, r in reversed(list(enumerate(type_rows)))}

    # Ordinal: "fourth monitoring visit", "for the sixth time".
    ord_alt = "|".join(sorted(rules.ordinal_words, key=len, reverse=True))
    ord_exprs = [text.str.extract_groups(p.replace("{ORD}", f"(?P<ord>{ord_alt})")).struct.field("ord") for p in rules.ordinal_patterns]
    ordinal_word = pl.coalesce(ord_exprs).str.to_lowercase()

    # Rating: the earliest cue in the sentence, with the date that follows it.
    rating_rows = rules.rating_cues.rows(named=True)
    cue_cols = []
    for i, r in enumerate(rating_rows):
        # Named groups: a cue pattern may have capture groups of its own.
        dated = text.str.extract_groups(r["pattern"] + RATING_DATE_TAIL)
        cue_cols += [text.str.find(r["pattern"]).alias(f"cue{i}_pos"), dated.struct.field("month").alias(f"cue{i}_month"),
                     dated.struct.field("year").alias(f"cue{i}_year")]
    progress = pl.coalesce([text.str.extract(p, 1) for p in rules.progress_patterns]) if rules.progress_patterns else pl.lit(None)

    s = s.with_columns(
        type_expr.alias("type_cue"),
        ordinal_word.alias("ordinal_word"),
        progress.alias("progress_cue"),
        pl.any_horizontal([text.str.contains(p) for p in rules.visit_evidence]).alias("is_visit_evidence"),
        *cue_cols,
    ).with_columns(pl.col("type_cue").replace_strict(type_rank, default=99, return_dtype=pl.Int32).alias("type_rank"))
    # Long, one small frame per cue: a list of structs over every sentence costs more than the regexes.
    cues = pl.concat(
        [
            s.select("article_key", "la_name", "start", pl.col(f"cue{i}_pos").alias("pos"), pl.lit(r["rating"]).alias("rating"),
                     pl.col(f"cue{i}_month").alias("month"), pl.col(f"cue{i}_year").alias("year")).filter(pl.col("pos").is_not_null())
            for i, r in enumerate(rating_rows)
        ]
    ).sort("article_key", "la_name", "start", "pos", maintain_order=True)
    rating = cues.group_by("article_key", "la_name").agg(
        # Prefer a statement that dates the rating; else the first one.
        pl.struct("rating", "year", "month").filter(pl.col("year").is_not_null()).first().alias("dated"),
        pl.struct("rating", "year", "month").first().alias("undated"),
    ).with_columns(pl.coalesce("dated", "undated").alias("r")).select("article_key", "la_name", pl.col("r").struct.unnest())

    ordinals = pl.DataFrame({"ordinal_word": list(rules.ordinal_words), "visit_ordinal": list(rules.ordinal_words.values())})
    per_visit = s.group_by("article_key", "la_name", maintain_order=True).agg(
        pl.col("type_cue").sort_by("type_rank").first(),
        pl.col("ordinal_word").drop_nulls().first(),
        pl.col("progress_cue").drop_nulls().first().alias("progress_phrase"),
        pl.struct("text", "start", "end").filter(pl.col("is_visit_evidence") & (pl.col("block_kind") != "title")).first().alias("ev"),
        pl.struct("text", "start", "end").first().alias("ev_any"),
    )
    visits = (
        per_visit.join(rating, on=["article_key", "la_name"], how="left")
        .join(ordinals, on="ordinal_word", how="left")
        .with_columns(
            pl.coalesce(
                "type_cue",
                pl.when(pl.col("rating") == "inadequate").then(pl.lit("monitoring_visit")).otherwise(pl.lit("focused_visit")),
            ).alias("visit_type"),
            pl.col("year").cast(pl.Int32).alias("rating_year"),
            (pl.col("month").str.to_lowercase().replace_strict({m: i + 1 for i, m in enumerate(MONTHS)}, default=None, return_dtype=pl.Int32)).alias("rating_month"),
            pl.coalesce("ev", "ev_any").alias("evidence"),
        )
        .select(
            "article_key",
            "la_name",
            "visit_type",
            pl.col("visit_ordinal").cast(pl.Int32),
            "rating",
            "rating_year",
            "rating_month",
            "progress_phrase",
            pl.col("evidence").struct.field("text").alias("evidence_text"),
            pl.col("evidence").struct.field("start").alias("evidence_start"),
            pl.col("evidence").struct.field("end").alias("evidence_end"),
            pl.lit(None, dtype=pl.Int32).alias("visit_year"),
            pl.lit(None, dtype=pl.Int32).alias("visit_month"),
            pl.lit(None, dtype=pl.Int32).alias("visit_date_evidence_start"),
            pl.lit(None, dtype=pl.Int32).alias("visit_date_evidence_end"),
        )
    )
    focus = extract_focus(s, rules)
    return visits, focus


def extract_focus(s: pl.DataFrame, rules: Rules) -> pl.DataFrame:
    """What each visit looked at: cues in sentences that say what inspectors focused on, else in all its sentences.

    Only the inspectorate's sentences count: a councillor's "we will be focusing on" is not the visit's focus.
    """
    text = pl.col("text")
    own = s.filter(pl.col("asserted_by") == "inspectorate")
    indicator = pl.any_horizontal([text.str.contains(p) for p in rules.focus_indicators])
    cue_rows = rules.focus_cues.rows(named=True)
    found = own.with_columns(
        indicator.alias("is_indicator"),
        pl.concat_list([pl.when(text.str.contains(r["pattern"])).then(pl.lit(r["focus_area"])) for r in cue_rows])
        .list.drop_nulls()
        .alias("areas"),
    ).with_columns(
        (pl.col("is_indicator") & (pl.col("areas").list.len() > 0)).any().over("article_key", "la_name").alias("has_indicator")
    )
    chosen = found.filter(~pl.col("has_indicator") | pl.col("is_indicator"))
    return (
        chosen.select("article_key", "la_name", pl.col("areas").alias("focus_area"), pl.col("start").alias("evidence_start"), pl.col("end").alias("evidence_end"))
        .explode("focus_area")
        .drop_nulls("focus_area")
        .sort("article_key", "la_name", "evidence_start")
        .unique(["article_key", "la_name", "focus_area"], keep="first", maintain_order=True)
    )
