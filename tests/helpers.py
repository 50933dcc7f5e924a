"""Small accessors over Extracted results for readable assertions."""

from __future__ import annotations

import polars as pl


def visits(ex, article: int = 0) -> dict[str, dict]:
    key = f"{article:016x}"
    return {r["la_name"]: r for r in ex.visits.filter(pl.col("article_key") == key).iter_rows(named=True)}


def focus(ex, la: str, article: int = 0) -> set[str]:
    key = f"{article:016x}"
    return set(ex.visit_focus.filter((pl.col("article_key") == key) & (pl.col("la_name") == la))["focus_area"].to_list())


def valid_las(ex) -> set[str]:
    return set(ex.mentions.filter(pl.col("is_valid"))["la_name"].to_list())


def set_aside(ex) -> dict[str, str]:
    return {r["la_name"]: r["exclusion_reason"] for r in ex.mentions.filter(~pl.col("is_valid")).iter_rows(named=True)}


def people(ex) -> dict[str, dict]:
    return {r["person_name"]: r for r in ex.people.iter_rows(named=True)}


def quoted(ex) -> set[str]:
    return set(ex.quotes["speaker_name"].drop_nulls().to_list())


def findings(ex, counted_only: bool = True) -> set[tuple[str, str, str]]:
    f = ex.findings.filter(pl.col("is_inspection_finding")) if counted_only else ex.findings
    return {(r["la_name"], r["theme"], r["polarity"]) for r in f.iter_rows(named=True)}


def sentence_las(ex) -> list[tuple[str, str | None]]:
    return [(r["text"], r["la_name"]) for r in ex.sentences.sort("sentence_no").iter_rows(named=True)]


def warehouse_tables(db, drop: frozenset[str] = frozenset()) -> dict:
    """Every table of a warehouse file as a polars frame, columns in ``drop`` left out, rows sorted."""
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        names = con.sql("SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()
        out = {}
        for (name,) in names:
            frame = con.sql(f"SELECT * FROM {name}").pl()
            frame = frame.drop([c for c in frame.columns if c in drop])
            out[name] = frame.sort(frame.columns, nulls_last=True) if frame.columns else frame
        return out
    finally:
        con.close()
