"""News checked against the register: does the rating an article states match Ofsted's full inspections?"""

from __future__ import annotations

from datetime import date

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
    date_matches = _dated_alike(d, "rating_year", "rating_month",
                                pl.col("published_date").is_null() | (pl.col("publication_date") <= pl.col("published_date")))
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


# The register's column for each judgement area (fct_inspection).
REGISTER_COLUMNS = {"overall": "overall_effectiveness", "leaders": "leadership", "help_and_protection": "help_and_protection",
                    "children_in_care": "children_in_care", "care_leavers": "care_leavers"}
# A report of an inspection comes out within months of it: the register row an undated inspection
# report can be tied to by the article's date alone ended or was published this many days before it.
REPORT_WINDOW_DAYS = 240


def same_inspection(visits: pl.DataFrame, inspections: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """The register row of the very inspection a news report of an inspection tells of.

    ``visits``: article_key, la_name, visit_type, rating_year, rating_month, visit_year, visit_month;
    the inspection visits are tied to the authority's register row whose start, end or publication
    falls in the stated month (the visit's, else the rating's) or, with only a year stated, that
    year; with no date stated, the row ended or published within REPORT_WINDOW_DAYS before the
    article. The latest such row wins. A report newer than the register gets none and stays an
    event of its own. Columns: article_key, la_name, inspection_key.
    """
    ins = inspections.filter(pl.col("la_name").is_not_null()).select(
        "la_name", "inspection_key", "publication_date",
        pl.concat_list("inspection_start_date", "inspection_end_date", "publication_date").alias("dates"),
        pl.coalesce("inspection_end_date", "publication_date").alias("ended"),
    )
    v = (visits.filter(pl.col("visit_type") == "inspection")
         .join(articles.select("article_key", "published_date"), on="article_key", how="left")
         .with_columns(pl.coalesce("visit_year", "rating_year").alias("_year"),
                       pl.when(pl.col("visit_year").is_not_null()).then(pl.col("visit_month")).otherwise(pl.col("rating_month")).alias("_month")))
    pairs = v.join(ins, on="la_name", how="inner").explode("dates")
    d = pl.col("dates")
    agrees = _dated_alike(d, "_year", "_month",
                          pl.col("published_date").is_not_null() & (pl.col("ended") <= pl.col("published_date"))
                          & ((pl.col("published_date") - pl.col("ended")).dt.total_days() <= REPORT_WINDOW_DAYS))
    return (
        pairs.filter(agrees).sort("ended", descending=True)
        .unique(["article_key", "la_name"], keep="first")
        .select("article_key", "la_name", "inspection_key")
    )


def judgement_checks(judgements: pl.DataFrame, visits: pl.DataFrame, inspections: pl.DataFrame, articles: pl.DataFrame) -> pl.DataFrame:
    """Adds ``register_check`` to judgements (article_key, la_name, area, grade): the grade against the
    register row of the same inspection (same_inspection). consistent or contradicts where that row
    grades the area; not_in_register where there is no such row or it holds no grade for the area."""
    linked = same_inspection(visits, inspections, articles).join(
        inspections.select("inspection_key", *REGISTER_COLUMNS.values()), on="inspection_key", how="left")
    register = linked.unpivot(index=["article_key", "la_name"], on=list(REGISTER_COLUMNS.values()),
                              variable_name="_column", value_name="register_grade").with_columns(
        pl.col("_column").replace_strict({c: a for a, c in REGISTER_COLUMNS.items()}, return_dtype=pl.String).alias("area"))
    return judgements.join(register.select("article_key", "la_name", "area", "register_grade"),
                           on=["article_key", "la_name", "area"], how="left").with_columns(
        pl.when(pl.col("register_grade").is_null()).then(pl.lit("not_in_register"))
        .when(pl.col("register_grade") == pl.col("grade")).then(pl.lit("consistent"))
        .otherwise(pl.lit("contradicts")).alias("register_check")
    ).drop("register_grade")


def register_row_of_inspection(rows: list[tuple], year: int | None, month: int | None, reported: date | None) -> tuple:
    """same_inspection for one inspection event, in Python for the event build: ``rows`` the authority's
    register rows (start, end, publication, inspection_key) with dates or None; ``year``/``month``
    when the inspection was (or its rating was given); ``reported`` its first report's date.
    Returns (end or publication, inspection_key), or (None, None) when the register has no such row."""
    found = []
    for start, end, published, key in rows:
        dates = [d for d in (start, end, published) if d is not None]
        ended = end or published
        if year is not None:
            agrees = any(d.year == year and (month is None or d.month == month) for d in dates)
        else:
            agrees = (reported is not None and ended is not None and ended <= reported
                      and (reported - ended).days <= REPORT_WINDOW_DAYS)
        if agrees:
            found.append((ended, key))
    return max(found, key=lambda f: (f[0] or date.min, f[1])) if found else (None, None)


def _dated_alike(d: pl.Expr, year: str, month: str, undated: pl.Expr) -> pl.Expr:
    """Whether a register date ``d`` agrees with a stated year and month (the year alone when no month is
    stated); ``undated`` decides where the text gives no year."""
    return (
        pl.when(pl.col(month).is_not_null() & pl.col(year).is_not_null())
        .then((d.dt.year() == pl.col(year)) & (d.dt.month() == pl.col(month)))
        .when(pl.col(year).is_not_null())
        .then(d.dt.year() == pl.col(year))
        .otherwise(undated)
    ).fill_null(False)
