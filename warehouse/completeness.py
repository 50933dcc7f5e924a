"""What a warehouse lacks against its own records, found before a run's DDL would quietly recreate it empty.

A table dropped by hand (``DROP TABLE fct_finding``) comes back empty from the DDL's ``CREATE TABLE IF
NOT EXISTS``; an article whose ``dim_article`` or ``stg_article`` row was deleted is still recorded as
loaded in ``raw_file``. Either way the next run would publish a warehouse emptier than the one it
replaced. ``find_gaps`` names what is missing (on the working copy, before the DDL); ``clear_for_rebuild``
removes every row of the articles concerned, so that the run plans them as not stored and extracts them
again from their files; ``unrestored`` says which of them the run could not rebuild (their files are not
in the folder it read), and the run then refuses to publish.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import polars as pl

from schemas.tables import TABLES, tables

# A table whose loss takes articles' rows with it: every article is extracted again.
ARTICLE_LOADS = ("by_path", "by_content", "by_article", "by_person")
LIVE = "('loaded', 'duplicate', 'missing')"


@dataclass
class Gaps:
    missing_tables: list[str] = field(default_factory=list)
    articles: list[str] = field(default_factory=list)  # article keys to extract again

    def __bool__(self) -> bool:
        return bool(self.missing_tables or self.articles)

    def describe(self) -> str:
        parts = []
        if self.missing_tables:
            parts.append(f"table{'s' if len(self.missing_tables) > 1 else ''} {', '.join(self.missing_tables)} "
                         f"{'were' if len(self.missing_tables) > 1 else 'was'} missing (dropped by hand?)")
        if self.articles and not self.missing_tables:
            parts.append(f"{len(self.articles)} article{'s' if len(self.articles) != 1 else ''} recorded as loaded "
                         "had lost rows")
        return "; ".join(parts)


def _present(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.sql("SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()
    return {r[0] for r in rows}


def find_gaps(con: duckdb.DuckDBPyConnection, expected_complete: bool) -> Gaps:
    """What the warehouse lacks. ``expected_complete``: the warehouse is at the newest schema version, so
    every declared table should be there (an older one may lack tables its migrations add)."""
    present = _present(con)
    if not present or "main.schema_version" not in present:
        return Gaps()  # a new warehouse, or one made before versioning: nothing to compare
    missing = [t.name for t in TABLES if t.qualified not in present] if expected_complete else []
    held = [q for q in ("raw.raw_file", "main.dim_article", "staging.stg_article") if q in present]
    keys: set[str] = set()
    for q in held:
        where = f" WHERE status IN {LIVE}" if q == "raw.raw_file" else ""
        keys |= {r[0] for r in con.sql(f"SELECT DISTINCT article_key FROM {q}{where}").fetchall() if r[0] is not None}
    if any(t.name in missing for t in tables(*ARTICLE_LOADS)):
        return Gaps(missing, sorted(keys))
    # An article raw_file records as loaded that lost its dim_article row needs no clearing: the run plans
    # it as not stored, and reads, decodes and extracts its file again. Clearing rows of an article whose
    # file is not there would lose what the warehouse still holds of it.
    return Gaps(missing, [])


def clear_for_rebuild(con: duckdb.DuckDBPyConnection, gaps: Gaps) -> None:
    """After the DDL: every row of the gap's articles goes, so the run extracts them again, and the visit
    events are rebuilt whatever their fingerprint says. One transaction."""
    if not gaps:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("gap_articles", pl.DataFrame({"article_key": gaps.articles}, schema={"article_key": pl.String}))
        for t in tables("by_article"):
            con.execute(f"DELETE FROM {t.qualified} WHERE article_key IN (SELECT article_key FROM gap_articles)")
        con.execute("DELETE FROM visit_event_build")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        try:
            con.unregister("gap_articles")
        except duckdb.Error:
            pass


def unrestored(con: duckdb.DuckDBPyConnection, gaps: Gaps) -> pl.DataFrame:
    """The gap's articles the run did not extract again, with a file raw_file names for each: articles a
    live file still points at (one whose file now holds other content was retired, as any run does), or
    every one when raw_file itself was lost (nothing then says which were retired)."""
    if not gaps.articles:
        return pl.DataFrame(schema={"article_key": pl.String, "path": pl.String})
    pointed = "TRUE" if "raw_file" in gaps.missing_tables else f"g.article_key IN (SELECT article_key FROM raw.raw_file WHERE status IN {LIVE})"
    con.register("gap_articles", pl.DataFrame({"article_key": gaps.articles}, schema={"article_key": pl.String}))
    try:
        return con.sql(
            "SELECT g.article_key, min(f.path) AS path FROM gap_articles g LEFT JOIN raw.raw_file f USING (article_key) "
            f"WHERE g.article_key NOT IN (SELECT article_key FROM dim_article) AND {pointed} GROUP BY g.article_key ORDER BY path"
        ).pl()
    finally:
        con.unregister("gap_articles")
