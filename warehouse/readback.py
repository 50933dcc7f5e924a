"""Reads the warehouse back into the gold format, per input file name, for evaluation.

Every file whose article is in the warehouse counts: loaded, or a duplicate of a loaded one (raw_file.status,
schemas/vocabulary.FILE_STATUSES); an unchanged file keeps its status from the run that loaded it.
"""

from __future__ import annotations

import duckdb


def predictions_by_file(con: duckdb.DuckDBPyConnection) -> dict[str, dict]:
    files = con.sql(
        """
        SELECT f.source_file, a.article_key, a.title, a.publisher, CAST(a.published_date AS VARCHAR) AS published_date
        FROM raw.raw_file f JOIN dim_article a USING (article_key)
        WHERE f.status IN ('loaded', 'duplicate')
        """
    ).fetchall()
    out: dict[str, dict] = {}
    by_article: dict[str, list[str]] = {}
    for source_file, article_key, title, publisher, published in files:
        out[source_file] = {"title": title, "publisher": publisher, "published_date": published, "visits": [], "people": [], "findings": []}
        by_article.setdefault(article_key, []).append(source_file)

    visits = con.sql(
        """
        SELECT v.article_key, la.la_name, v.visit_type, v.visit_ordinal, v.rating, v.rating_year, v.rating_month,
               v.visit_year, v.visit_month, v.previous_rating, v.previous_rating_year, v.previous_rating_month, v.visit_event_key,
               (SELECT map_from_entries(list((j.area, j.grade))) FROM fct_judgement j WHERE j.visit_key = v.visit_key) AS judgements,
               list(fo.focus_area ORDER BY fo.focus_area) FILTER (WHERE fo.focus_area IS NOT NULL) AS focus
        FROM fct_visit v JOIN dim_local_authority la USING (la_key)
        LEFT JOIN fct_visit_focus fo USING (visit_key)
        GROUP BY ALL
        """
    ).fetchall()
    for (article_key, la, vtype, ordinal, rating, year, month, visit_year, visit_month,
         previous, previous_year, previous_month, event_key, judgements, focus) in visits:
        for f in by_article.get(article_key, []):
            out[f]["visits"].append({"local_authority": la, "visit_type": vtype, "ordinal": ordinal, "focus": focus or [],
                                     "rating": rating, "rating_year": year, "rating_month": month,
                                     "visit_year": visit_year, "visit_month": visit_month,
                                     "previous_rating": previous, "previous_rating_year": previous_year,
                                     "previous_rating_month": previous_month, "judgements": dict(judgements or {}),
                                     "visit_event_key": event_key})
    people = con.sql(
        """
        SELECT m.article_key, m.person_name, m.role, la.la_name, m.is_quoted
        FROM fct_person_mention m LEFT JOIN dim_local_authority la USING (la_key)
        """
    ).fetchall()
    for article_key, name, role, la, quoted in people:
        for f in by_article.get(article_key, []):
            out[f]["people"].append({"name": name, "role": role, "local_authority": la, "quoted": quoted})
    findings = con.sql(
        """
        SELECT DISTINCT ON (f.article_key, la.la_name, f.theme, f.polarity)
               f.article_key, la.la_name, f.theme, f.polarity, f.evidence_text
        FROM fct_finding f JOIN dim_local_authority la USING (la_key)
        WHERE f.is_inspection_finding
        ORDER BY f.article_key, la.la_name, f.theme, f.polarity, f.evidence_start
        """
    ).fetchall()
    for article_key, la, theme, polarity, evidence in findings:
        for f in by_article.get(article_key, []):
            out[f]["findings"].append({"local_authority": la, "theme": theme, "polarity": polarity, "evidence": evidence})
    return out
