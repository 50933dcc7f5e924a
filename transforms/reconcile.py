"""News checked against the register: does the rating an article states match Ofsted's full inspections?"""

from __future__ import annotations

import polars as pl


def rating_checks(visits: pl.DataFrame, inspections: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Adds ``rating_check`` to visits (article_key, la_name, rating, rating_year, rating_month).

    The register's candidates are the authority's inspections with a start, end or publication date
    in the stated year (and month, when stated); with no stated date, those published before the
    article (all of them when the article is undated). consistent: a candidate has the same overall
    judgement; contradicts: candidates exist and none has it; not_in_register: no candidate. A visit
    whose article states no rating gets null.
    """
    ins = inspections.filter(pl.col("la_name").is_not_null()).with_row_index("_ins").select(
        "_ins",
        "la_name",
        pl.col("overall_effectiveness").alias("register_rating"),
        pl.concat_list("inspection_start_date", "inspection_end_date", "publication_date").alias("dates"),
        "publication_date",
    )
    v = visits.with_row_index("_row").join(articles.select("article_key", "published_date"), on="article_key", how="left")
    pairs = v.filter(pl.col("rating").is_not_null()).join(ins, on="la_name", how="inner").explode("dates")
    d = pl.col("dates")
    date_matches = (
        pl.when(pl.col("rating_month").is_not_null() & pl.col("rating_year").is_not_null())
        .then((d.dt.year() == pl.col("rating_year")) & (d.dt.month() == pl.col("rating_month")))
        .when(pl.col("rating_year").is_not_null())
        .then(d.dt.year() == pl.col("rating_year"))
        .otherwise(pl.col("published_date").is_null() | (pl.col("publication_date") <= pl.col("published_date")))
    ).fill_null(False)
    candidates = pairs.with_columns(date_matches.alias("is_candidate")).group_by("_row", "_ins").agg(
        pl.col("is_candidate").any(), pl.col("register_rating").first(), pl.col("rating").first()
    )
    verdict = (
        candidates.filter(pl.col("is_candidate"))
        .group_by("_row")
        .agg((pl.col("register_rating") == pl.col("rating")).any().alias("any_same"))
        .with_columns(pl.when(pl.col("any_same")).then(pl.lit("consistent")).otherwise(pl.lit("contradicts")).alias("rating_check"))
    )
    out = v.join(verdict.select("_row", "rating_check"), on="_row", how="left").with_columns(
        pl.when(pl.col("rating").is_null())
        .then(pl.lit(None, dtype=pl.String))
        .otherwise(pl.col("rating_check").fill_null("not_in_register"))
        .alias("rating_check")
    )
    return out.sort("_row").drop("_row", "published_date")
