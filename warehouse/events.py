"""Rebuilds the visit events over the whole warehouse, in one transaction, after a run's articles are in.

Events are a function of every mention the warehouse holds (transforms/visit_events.py), so they
are recomputed from scratch rather than patched per batch: that is what makes them the same
whatever order or run the articles arrived in, and lets a removed article take its event with it.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import polars as pl

from schemas.validate import validate_table
from transforms.visit_events import EVENT_FINDING_ORDER, EVENT_ORDER, LINK_ORDER, RULE_VERSION, build_visit_events, event_findings
from warehouse.loader import insert_frame
from warehouse.session import roll_back

MENTIONS_SQL = """
SELECT v.visit_key, v.article_key, v.la_key, v.visit_type, v.visit_ordinal, v.rating, v.rating_year, v.rating_month,
       v.visit_year, v.visit_month, a.published_date, a.publisher, a.source_file,
       coalesce(list_contains(v.defaulted_fields, 'visit_type'), false) AS type_defaulted
FROM fct_visit v LEFT JOIN dim_article a USING (article_key)
"""
INSPECTIONS_SQL = ("SELECT la_key, inspection_key, inspection_start_date, inspection_end_date, publication_date "
                   "FROM fct_inspection WHERE la_key IS NOT NULL")
FINDINGS_SQL = "SELECT article_key, la_key, theme, polarity, is_inspection_finding FROM fct_finding WHERE is_inspection_finding"
# Everything the events are computed from, as row counts and order-free hashes: a run that changed
# none of it (an unchanged rerun) skips the rebuild. bit_xor over rows with unique keys is safe.
FINGERPRINT_SQL = """
SELECT concat_ws('/',
  (SELECT count(*) || ':' || coalesce(bit_xor(hash(v.visit_key, v.la_key, v.visit_type, v.visit_ordinal, v.rating, v.rating_year,
          v.rating_month, v.visit_year, v.visit_month, v.defaulted_fields, a.published_date, a.publisher, a.source_file)), 0)
   FROM fct_visit v LEFT JOIN dim_article a USING (article_key)),
  (SELECT count(*) || ':' || coalesce(bit_xor(hash(la_key, inspection_key, inspection_end_date, publication_date)), 0) FROM fct_inspection),
  (SELECT count(*) || ':' || coalesce(bit_xor(hash(finding_key, article_key, la_key, theme, polarity)), 0) FROM fct_finding WHERE is_inspection_finding))
"""


# Authorities whose events are built at once. No event spans two authorities, so the rebuild holds one slice's
# mentions (as Python rows while they are grouped) at a time rather than the whole warehouse's: at 30,000 articles
# the whole took 400 MB beyond a batch's peak, and it grows with the corpus where a batch does not.
AUTHORITIES_PER_SLICE = 16
_IN_SLICE = "la_key IN (SELECT unnest(?::VARCHAR[]))"


def _events_by_slice(con: duckdb.DuckDBPyConnection) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """build_visit_events and event_findings over every authority, a slice of authorities at a time; the
    slices' rows put together in the order one call over the whole warehouse gives."""
    las = [r[0] for r in con.sql("SELECT DISTINCT la_key FROM fct_visit ORDER BY la_key").fetchall()]
    slices = [las[i : i + AUTHORITIES_PER_SLICE] for i in range(0, len(las), AUTHORITIES_PER_SLICE)] or [[]]
    events, links, findings = [], [], []
    for las_of_slice in slices:
        mentions = con.sql(f"{MENTIONS_SQL} WHERE v.{_IN_SLICE}", params=[las_of_slice]).pl()
        slice_events, link = build_visit_events(mentions, con.sql(f"{INSPECTIONS_SQL} AND {_IN_SLICE}", params=[las_of_slice]).pl())
        findings.append(event_findings(con.sql(f"{FINDINGS_SQL} AND {_IN_SLICE}", params=[las_of_slice]).pl(), mentions, link))
        events.append(slice_events)
        links.append(link)
    return (pl.concat(events).sort(*EVENT_ORDER, nulls_last=True), pl.concat(links).sort(*LINK_ORDER),
            pl.concat(findings).sort(*EVENT_FINDING_ORDER))


def rebuild_visit_events(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Replaces dim_visit_event and fct_visit_event_finding and sets fct_visit.visit_event_key.
    Rows that fail their model go to rejected_rows (a bug, but one that must not stop the run).
    Skipped (returns {}) when nothing the events depend on changed since the last rebuild."""
    fingerprint = f"rule {RULE_VERSION}/" + con.sql(FINGERPRINT_SQL).fetchall()[0][0]
    last = con.sql("SELECT inputs_fingerprint FROM visit_event_build").fetchall()
    unlinked = con.sql("SELECT count(*) FROM fct_visit WHERE visit_event_key IS NULL").fetchall()[0][0]
    if last and last[0][0] == fingerprint and not unlinked:
        return {}
    events, link, findings = _events_by_slice(con)
    events, bad_events = validate_table("dim_visit_event", events)
    findings = findings.join(events.select("visit_event_key"), on="visit_event_key", how="semi")
    findings, bad_findings = validate_table("fct_visit_event_finding", findings)
    link = link.join(events.select("visit_event_key"), on="visit_event_key", how="semi")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    rejected = pl.concat([bad_events, bad_findings]).with_columns(pl.lit(run_id).alias("run_id"), pl.lit(now).alias("rejected_at"))
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM dim_visit_event")
        con.execute("DELETE FROM fct_visit_event_finding")
        for name, frame in (("dim_visit_event", events), ("fct_visit_event_finding", findings), ("rejected_rows", rejected)):
            insert_frame(con, name, frame)
        con.register("event_link", link)
        # Only rows whose key changes are written: after an unchanged run, none.
        con.execute(
            """
            UPDATE fct_visit SET visit_event_key = l.visit_event_key
            FROM (SELECT v.visit_key, l.visit_event_key FROM fct_visit v LEFT JOIN event_link l USING (visit_key)
                  WHERE v.visit_event_key IS DISTINCT FROM l.visit_event_key) AS l
            WHERE fct_visit.visit_key = l.visit_key
            """
        )
        con.unregister("event_link")
        con.execute("DELETE FROM visit_event_build")
        con.execute("INSERT INTO visit_event_build VALUES (?, ?, ?, ?)", [fingerprint, run_id, now, events.height])
        con.execute("COMMIT")
    except BaseException as err:
        roll_back(con, err)
        raise
    return {"dim_visit_event": events.height, "fct_visit_event_finding": findings.height}
