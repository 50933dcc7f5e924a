"""Rebuilds the visit events over the whole warehouse after a run's articles are in.

Events are a function of every mention the warehouse holds (transforms/visit_events.py), so they
are recomputed from scratch rather than patched per batch: that is what makes them the same
whatever order or run the articles arrived in, and lets a removed article take its event with it.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import polars as pl

from schemas.validate import validate_table
from transforms.visit_events import RULE_VERSION, build_visit_events, event_findings
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


# How many rows of input (visits, and inspection findings) a slice of authorities holds at most; one
# authority with more is a slice alone. No event spans two authorities, so the rebuild builds, checks and
# writes one slice's events at a time, and holds only that slice's rows (as Python rows while they are
# grouped): at 100,000 bench articles a slice of 16 authorities held 370,000 rows and 300 MB, and the whole
# warehouse's events held at once before being written took the run's peak to 2 GB, growing with the corpus.
# Smaller slices cost time (a scan of the findings each) and saved no memory there: 20,000 rows gave the
# same peak as 150,000, in 35 s against 19 s.
ROWS_PER_SLICE = 150_000
_IN_SLICE = "la_key IN (SELECT unnest(?::VARCHAR[]))"
SLICE_ROWS_SQL = """
SELECT v.la_key, v.n + coalesce(f.n, 0) AS n
FROM (SELECT la_key, count(*) AS n FROM fct_visit WHERE la_key IS NOT NULL GROUP BY la_key) v
LEFT JOIN (SELECT la_key, count(*) AS n FROM fct_finding WHERE is_inspection_finding GROUP BY la_key) f USING (la_key)
ORDER BY v.la_key
"""


def authority_slices(con: duckdb.DuckDBPyConnection) -> list[list[str]]:
    """The authorities with visits, in key order, cut into runs of at most ROWS_PER_SLICE rows of input."""
    slices: list[list[str]] = []
    held = 0
    for la_key, rows in con.sql(SLICE_ROWS_SQL).fetchall():
        if not slices or held + rows > ROWS_PER_SLICE:
            slices.append([])
            held = 0
        slices[-1].append(la_key)
        held += rows
    return slices


def events_of_slice(con: duckdb.DuckDBPyConnection, las: list[str]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """build_visit_events and event_findings for some authorities: (events, visit links, event findings)."""
    mentions = con.sql(f"{MENTIONS_SQL} WHERE v.{_IN_SLICE}", params=[las]).pl()
    events, link = build_visit_events(mentions, con.sql(f"{INSPECTIONS_SQL} AND {_IN_SLICE}", params=[las]).pl())
    return events, link, event_findings(con.sql(f"{FINDINGS_SQL} AND {_IN_SLICE}", params=[las]).pl(), mentions, link)


def rebuild_visit_events(con: duckdb.DuckDBPyConnection, run_id: str) -> dict[str, int]:
    """Replaces dim_visit_event and fct_visit_event_finding and sets fct_visit.visit_event_key.
    Rows that fail their model go to rejected_rows (a bug, but one that must not stop the run).
    Skipped (returns {}) when nothing the events depend on changed since the last rebuild. Each slice is
    committed as it is written: call it on a run's working copy, which is published whole or discarded."""
    fingerprint = f"rule {RULE_VERSION}/" + con.sql(FINGERPRINT_SQL).fetchall()[0][0]
    last = con.sql("SELECT inputs_fingerprint FROM visit_event_build").fetchall()
    unlinked = con.sql("SELECT count(*) FROM fct_visit WHERE visit_event_key IS NULL").fetchall()[0][0]
    if last and last[0][0] == fingerprint and not unlinked:
        return {}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    written = {"dim_visit_event": 0, "fct_visit_event_finding": 0}
    links, rejected = [], []
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM dim_visit_event")
        con.execute("DELETE FROM fct_visit_event_finding")
        for las in authority_slices(con):
            events, link, findings = events_of_slice(con, las)
            events, bad_events = validate_table("dim_visit_event", events)
            findings = findings.join(events.select("visit_event_key"), on="visit_event_key", how="semi")
            findings, bad_findings = validate_table("fct_visit_event_finding", findings)
            written["dim_visit_event"] += insert_frame(con, "dim_visit_event", events)
            written["fct_visit_event_finding"] += insert_frame(con, "fct_visit_event_finding", findings)
            links.append(link.join(events.select("visit_event_key"), on="visit_event_key", how="semi"))
            rejected += [bad_events, bad_findings]
            del events, findings
            # Committed slice by slice: DuckDB holds a transaction's appended rows in memory until it commits
            # (300 MB more at 100,000 bench articles). A rebuild stopped half-way is never seen: the run works
            # on a private copy of the warehouse, published only whole and discarded on any error (session.py).
            con.execute("COMMIT")
            con.execute("BEGIN TRANSACTION")
        if rejected:
            insert_frame(con, "rejected_rows", pl.concat(rejected).with_columns(pl.lit(run_id).alias("run_id"), pl.lit(now).alias("rejected_at")))
        con.register("event_link", pl.concat(links) if links else pl.DataFrame(schema={"visit_key": pl.String, "visit_event_key": pl.String}))
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
        con.execute("INSERT INTO visit_event_build VALUES (?, ?, ?, ?)", [fingerprint, run_id, now, written["dim_visit_event"]])
        con.execute("COMMIT")
    except BaseException as err:
        roll_back(con, err)
        raise
    return written
