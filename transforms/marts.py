"""From extracted frames to the warehouse tables: surrogate keys, vocabulary keys, provenance."""

from __future__ import annotations

from datetime import date

import polars as pl

from transforms.keys import key_expr
from transforms.pipeline import Extracted
from transforms.reconcile import judgement_checks, rating_checks
from transforms.rules import Rules
from transforms.textmatch import fold

DATE_RANGE = (date(2000, 1, 1), date(2035, 12, 31))


def la_key(col: str = "la_name") -> pl.Expr:
    return key_expr(pl.lit("la"), col)


def dim_local_authority(rules: Rules) -> pl.DataFrame:
    return rules.authorities.select(
        la_key().alias("la_key"),
        "la_name",
        "ons_code",
        "region_name",
        "la_type",
        "ofsted_urn",
        "official_name",
        "is_current",
    )


def dim_date() -> pl.DataFrame:
    d = pl.date_range(*DATE_RANGE, interval="1d", eager=True).alias("date")
    return pl.DataFrame(d).select(
        date_key("date").alias("date_key"),
        pl.col("date").alias("calendar_date"),
        pl.col("date").dt.year().cast(pl.Int32).alias("year"),
        pl.col("date").dt.quarter().cast(pl.Int32).alias("quarter"),
        pl.col("date").dt.month().cast(pl.Int32).alias("month"),
        pl.col("date").dt.strftime("%B").alias("month_name"),
        pl.col("date").dt.day().cast(pl.Int32).alias("day_of_month"),
        (pl.col("date").dt.weekday() >= 6).alias("is_weekend"),
    )


def date_key(col: str) -> pl.Expr:
    c = pl.col(col)
    # Month and day are Int8 in polars: widen before multiplying.
    return (c.dt.year().cast(pl.Int32) * 10000 + c.dt.month().cast(pl.Int32) * 100 + c.dt.day().cast(pl.Int32)).cast(pl.Int32)


def dim_theme(rules: Rules) -> pl.DataFrame:
    return rules.vocab["themes"].select(key_expr(pl.lit("theme"), "theme").alias("theme_key"), "theme", "label", "description")


def dim_judgement_area(rules: Rules) -> pl.DataFrame:
    return rules.vocab["judgement_areas"].select(
        key_expr(pl.lit("judgement_area"), "area").alias("judgement_area_key"), "area", "label", "description", "frameworks", "framework_note"
    )


def fct_inspection(rules: Rules) -> pl.DataFrame:
    ins = rules.inspections
    # The register writes a judgement as words ("Requires improvement"): the rating's key with spaces.
    rating_words = {r.replace("_", " "): r for r in rules.vocab["ratings"]["rating"]}
    la_by_urn = rules.authorities.filter(pl.col("ofsted_urn").is_not_null()).select("ofsted_urn", pl.col("la_name").alias("ref_la_name"))
    judgement = lambda c: pl.col(c).str.to_lowercase().str.strip_chars().replace_strict(rating_words, default=None, return_dtype=pl.String)  # noqa: E731
    out = ins.join(la_by_urn, on="ofsted_urn", how="left").with_columns(
        pl.col("publication_date").str.to_date(strict=False),
        pl.col("inspection_start_date").str.to_date(strict=False),
        pl.col("inspection_end_date").str.to_date(strict=False),
    )
    return out.select(
        key_expr(pl.lit("inspection"), "ofsted_urn", "publication_date", "framework", "report_url").alias("inspection_key"),
        la_key("ref_la_name").alias("la_key"),
        "ofsted_urn",
        pl.col("ref_la_name").alias("la_name"),
        "framework",
        "publication_date",
        "inspection_start_date",
        "inspection_end_date",
        date_key("inspection_end_date").alias("inspection_end_date_key"),
        judgement("overall_effectiveness").alias("overall_effectiveness"),
        judgement("help_and_protection").alias("help_and_protection"),
        judgement("children_in_care").alias("children_in_care"),
        judgement("care_leavers").alias("care_leavers"),
        judgement("leadership").alias("leadership"),
        "lead_inspector",
        "report_url",
        "grade_source",
    )


def person_key(col: str = "person_name") -> pl.Expr:
    return key_expr(pl.lit("person"), pl.col(col).map_elements(fold, return_dtype=pl.String))


def build_marts(ex: Extracted, files: pl.DataFrame, inspections: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The article-level tables. ``files``: article_key, source_file, content_sha256 (one per article);
    ``inspections``: fct_inspection, to check the ratings articles state."""
    article_la = ex.mentions.filter(pl.col("is_valid")).group_by("article_key").agg(pl.col("la_name").n_unique().alias("n_authorities"))
    dim_article = (
        ex.articles.join(files, on="article_key", how="left")
        .join(article_la, on="article_key", how="left")
        .select(
            "article_key",
            "source_file",
            "title",
            "standfirst",
            "publisher",
            "published_date",
            date_key("published_date").alias("published_date_key"),
            pl.col("word_count").cast(pl.Int32),
            "content_sha256",
            (pl.col("n_authorities").fill_null(0) > 0).alias("has_authority"),
            "url",
            "canonical_url",
            "author",
            "metadata_source",
        )
    )
    quoted = ex.quotes.filter(pl.col("speaker_name").is_not_null()).select("article_key", pl.col("speaker_name").alias("person_name")).unique()
    people = ex.people.join(quoted.with_columns(pl.lit(True).alias("is_quoted")), on=["article_key", "person_name"], how="left")
    fct_person_mention = people.select(
        key_expr(pl.lit("mention"), "article_key", person_key()).alias("person_mention_key"),
        "article_key",
        person_key().alias("person_key"),
        la_key().alias("la_key"),
        "person_name",
        "role",
        "speaker_type",
        pl.col("is_quoted").fill_null(False),
        pl.col("start").alias("evidence_start"),
        pl.col("end").alias("evidence_end"),
    )
    dim_person = ex.people.select(person_key().alias("person_key"), "person_name").unique("person_key", keep="first", maintain_order=True)
    checked = rating_checks(ex.visits, inspections, ex.articles)
    fct_visit = checked.select(
        key_expr(pl.lit("visit"), "article_key", la_key()).alias("visit_key"),
        "article_key",
        la_key().alias("la_key"),
        "visit_type",
        "visit_ordinal",
        "rating",
        "rating_year",
        "rating_month",
        "rating_check",
        "progress_phrase",
        "evidence_text",
        "evidence_start",
        "evidence_end",
        "visit_year",
        "visit_month",
        "visit_date_evidence_start",
        "visit_date_evidence_end",
        "previous_rating",
        "previous_rating_year",
        "previous_rating_month",
        "defaulted_fields",
    )
    judged = judgement_checks(ex.judgements, ex.visits, inspections, ex.articles)
    fct_judgement = judged.select(
        key_expr(pl.lit("judgement"), key_expr(pl.lit("visit"), "article_key", la_key()), "area").alias("judgement_key"),
        key_expr(pl.lit("visit"), "article_key", la_key()).alias("visit_key"),
        "article_key",
        la_key().alias("la_key"),
        "area",
        "grade",
        "register_check",
        "evidence_text",
        "evidence_start",
        "evidence_end",
    )
    fct_visit_focus = ex.visit_focus.select(
        key_expr(pl.lit("visit"), "article_key", la_key()).alias("visit_key"),
        "focus_area",
        "article_key",
        "evidence_start",
        "evidence_end",
    )
    person_names = ex.people.select("article_key", pl.col("person_name").alias("speaker_name"), pl.lit(True).alias("_known"))
    fct_quote = (
        ex.quotes.join(person_names, on=["article_key", "speaker_name"], how="left")
        .select(
            key_expr(pl.lit("quote"), "article_key", "start").alias("quote_key"),
            "article_key",
            la_key().alias("la_key"),
            pl.when(pl.col("_known")).then(person_key("speaker_name")).alias("speaker_person_key"),
            "speaker_name",
            "speaker_role",
            "speaker_type",
            "quote_text",
            pl.col("start").alias("evidence_start"),
            pl.col("end").alias("evidence_end"),
        )
    )
    fct_finding = ex.findings.select(
        # A sentence naming several authorities gives a row for each: the authority joins the key's
        # sentence part there only, so every other finding keeps the key it always had.
        key_expr(pl.lit("finding"), "article_key", pl.when(pl.col("named_with_others")).then(
            pl.concat_str(pl.col("sentence_no").cast(pl.String), pl.lit("@"), pl.col("la_name"))).otherwise(pl.col("sentence_no").cast(pl.String)),
            "theme", "polarity").alias("finding_key"),
        "article_key",
        # A finding in a sentence about no known authority (a headline) keeps a null la_key.
        pl.when(pl.col("la_name").is_not_null()).then(la_key()).alias("la_key"),
        "theme",
        "polarity",
        "asserted_by",
        "is_previous_inspection",
        "is_inspection_finding",
        "theme_cue",
        "polarity_cue",
        pl.col("sentence_text").alias("evidence_text"),
        pl.col("start").alias("evidence_start"),
        pl.col("end").alias("evidence_end"),
    )
    stg_article = ex.articles.select("article_key", "clean_text")
    stg_sentence = ex.sentences.select(
        "article_key", "sentence_no", "block_no", "block_kind", pl.col("start").alias("char_start"), pl.col("end").alias("char_end"), pl.col("text").alias("sentence_text"), "la_name", "asserted_by"
    )
    stg_authority_mention = ex.mentions.select("article_key", "sentence_no", pl.col("start").alias("char_start"), pl.col("end").alias("char_end"), "surface", "la_name", "is_valid", "exclusion_reason")
    return {
        "dim_article": dim_article,
        "dim_person": dim_person,
        "fct_visit": fct_visit,
        "fct_visit_focus": fct_visit_focus,
        "fct_person_mention": fct_person_mention,
        "fct_quote": fct_quote,
        "fct_finding": fct_finding,
        "fct_judgement": fct_judgement,
        "stg_article": stg_article,
        "stg_sentence": stg_sentence,
        "stg_authority_mention": stg_authority_mention,
        "stg_visit_candidate": ex.visit_candidates.select("article_key", "la_name", "is_visit", "set_aside_reason"),
    }


def reference_marts(rules: Rules) -> dict[str, pl.DataFrame]:
    return {
        "dim_local_authority": dim_local_authority(rules),
        "dim_date": dim_date(),
        "dim_theme": dim_theme(rules),
        "dim_judgement_area": dim_judgement_area(rules),
        "fct_inspection": fct_inspection(rules),
    }
