"""What the briefing site reads from the warehouse: one polars frame per fact it shows, on a read-only
connection (a reader never blocks a run). Tables a newer schema adds (fct_judgement, the
previous_rating columns) are read when the warehouse has them and are empty otherwise."""

from __future__ import annotations

from pathlib import Path

import duckdb
import polars as pl

JUDGEMENT_SCHEMA = {"visit_event_key": pl.String, "article_key": pl.String, "area": pl.String, "grade": pl.String,
                    "evidence_text": pl.String}

QUERIES = {
    "authorities": """
        SELECT la_key, la_name, ons_code, region_name, la_type, is_current FROM dim_local_authority""",
    "inspections": """
        SELECT inspection_key, la_key, framework, publication_date, inspection_start_date, inspection_end_date,
               overall_effectiveness, help_and_protection, children_in_care, care_leavers, leadership, report_url
        FROM fct_inspection WHERE la_key IS NOT NULL""",
    "events": """
        SELECT visit_event_key, la_key, visit_type, visit_ordinal, visit_year, visit_month, event_date, event_date_basis,
               rating, rating_year, rating_month, first_report_date, last_report_date, article_count, publisher_count,
               article_keys, inspection_key, months_since_inspection, CAST(conflicts AS VARCHAR) AS conflicts
        FROM dim_visit_event""",
    "event_findings": """
        SELECT visit_event_key, la_key, theme, polarity, article_count, article_keys FROM fct_visit_event_finding""",
    # The sentences behind each event's findings: inspection findings about the event's authority in its articles.
    "finding_evidence": """
        SELECT DISTINCT visit.visit_event_key, finding.article_key, finding.theme, finding.polarity, finding.evidence_text,
               finding.evidence_start
        FROM fct_finding AS finding
        JOIN fct_visit AS visit ON visit.article_key = finding.article_key AND visit.la_key = finding.la_key
        WHERE finding.is_inspection_finding AND visit.visit_event_key IS NOT NULL""",
    # Quotes in an event's articles about its authority, or attached to no authority.
    "quotes": """
        SELECT DISTINCT visit.visit_event_key, quote.article_key, quote.speaker_name, quote.speaker_role, quote.speaker_type,
               quote.quote_text, quote.evidence_start
        FROM fct_quote AS quote
        JOIN fct_visit AS visit ON visit.article_key = quote.article_key AND (quote.la_key IS NULL OR quote.la_key = visit.la_key)
        WHERE visit.visit_event_key IS NOT NULL""",
    "articles": """
        SELECT article_key, source_file, title, publisher, published_date, url, canonical_url FROM dim_article""",
    "themes": "SELECT theme, label FROM dim_theme",
    "runs": """
        SELECT run_id, started_at, finished_at, status FROM etl_run WHERE status = 'success' ORDER BY started_at""",
}

JUDGEMENTS = """
    SELECT DISTINCT visit.visit_event_key, judgement.article_key, judgement.area, judgement.grade, {evidence} AS evidence_text
    FROM fct_judgement AS judgement
    JOIN fct_visit AS visit USING (visit_key)
    WHERE visit.visit_event_key IS NOT NULL"""

PREVIOUS_RATINGS = """
    SELECT DISTINCT visit_event_key, article_key, previous_rating, previous_rating_year, previous_rating_month
    FROM fct_visit WHERE visit_event_key IS NOT NULL AND previous_rating IS NOT NULL"""


def _columns(con, table: str) -> set[str]:
    return {c for (c,) in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = current_database() AND schema_name = 'main' "
        "AND table_name = ?", [table]).fetchall()}


def read_site_frames(db_path: Path, memory_limit: str) -> dict[str, pl.DataFrame]:
    """Every frame the site is made from, read in one read-only connection (one consistent state)."""
    con = duckdb.connect(str(db_path), read_only=True, config={"memory_limit": memory_limit})
    try:
        frames = {name: con.sql(sql).pl() for name, sql in QUERIES.items()}
        judgement_columns = _columns(con, "fct_judgement")
        if {"visit_key", "article_key", "area", "grade"} <= judgement_columns:
            evidence = "judgement.evidence_text" if "evidence_text" in judgement_columns else "CAST(NULL AS VARCHAR)"
            frames["judgements"] = con.sql(JUDGEMENTS.format(evidence=evidence)).pl()
        else:
            frames["judgements"] = pl.DataFrame(schema=JUDGEMENT_SCHEMA)
        if "previous_rating" in _columns(con, "fct_visit"):
            frames["previous_ratings"] = con.sql(PREVIOUS_RATINGS).pl()
        else:
            frames["previous_ratings"] = pl.DataFrame(schema={"visit_event_key": pl.String, "article_key": pl.String, "previous_rating": pl.String,
                                                              "previous_rating_year": pl.Int32, "previous_rating_month": pl.Int32})
        return frames
    finally:
        con.close()
