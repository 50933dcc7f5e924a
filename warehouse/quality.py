"""Great Expectations over the warehouse: suites from warehouse/expectations, results into dq_run/dq_result.

GE has no working DuckDB route (duckdb-engine returns empty results), so each suite validates a
pandas frame read from DuckDB: a table, or a query that joins tables for cross-table checks.
"""

from __future__ import annotations

import json
import math
import os
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl

from schemas.tables import TABLES
from warehouse.loader import insert_frame, scalar
from warehouse.session import roll_back

EXPECTATIONS_DIR = Path(__file__).resolve().parent / "expectations"
EXAMPLES = 20
# The table each suite checks, as schemas/tables.py declares it.
SUITE_TABLES = {suite: t.name for t in TABLES for suite in t.suites}


def load_suites(vocab: dict[str, list[str]], directory: Path = EXPECTATIONS_DIR) -> list[dict]:
    """Suites with their symbolic values resolved: $vocab:<name>, $this_year, $today_key."""
    today = date.today()
    symbols = {"$this_year": today.year, "$today_key": today.year * 10000 + today.month * 100 + today.day}

    def resolve(v):
        if isinstance(v, str) and v.startswith("$vocab:"):
            return vocab[v.removeprefix("$vocab:")]
        return symbols.get(v, v) if isinstance(v, str) else v

    suites = []
    for path in sorted(directory.glob("*.json")):
        suite = json.loads(path.read_text(encoding="utf-8"))
        for e in suite["expectations"]:
            e["kwargs"] = {k: resolve(v) for k, v in e["kwargs"].items()}
        suites.append(suite)
    return suites


def read_sources(con: duckdb.DuckDBPyConnection, suites: list[dict]) -> dict[str, pd.DataFrame]:
    frames = {}
    for s in suites:
        sql = s.get("source_sql") or f"SELECT * FROM {s['source']}"
        frames[s["name"]] = con.sql(sql).pl().to_pandas()
    return frames


def row_count_checks(con: duckdb.DuckDBPyConnection, max_drop: float) -> list[dict]:
    """Each table's rows now against the last quality run: a drop of more than ``max_drop`` fails."""
    previous = {
        r[0]: int(r[1])
        for r in con.sql(
            """
            SELECT table_name, observed_value FROM dq_result
            WHERE suite = 'row_counts' AND dq_run_id = (SELECT dq_run_id FROM dq_run ORDER BY started_at DESC LIMIT 1)
            """
        ).fetchall()
    }
    checks = []
    for table in (t for t in TABLES if t.is_row_count_checked):
        now = scalar(con, f"SELECT count(*) FROM {table.qualified}")
        before = previous.get(table.name)
        floor = math.floor(before * (1 - max_drop)) if before else 0
        checks.append(
            {
                "suite": "row_counts",
                "table_name": table.name,
                "expectation": "expect_table_row_count_to_be_between",
                "column_name": None,
                "is_success": now >= floor,
                "observed_value": str(now),
                "unexpected_count": None,
                "failing_examples": None if now >= floor else json.dumps(
                    [{"previous_rows": before, "rows_now": now, "minimum_allowed": floor}]
                ),
            }
        )
    return checks


def run_suites(frames: dict[str, pd.DataFrame], suites: list[dict]) -> list[dict]:
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False, metric_calculations=False)
    source = context.data_sources.add_pandas("ofsted_watch")
    results = []
    for s in suites:
        name = s["name"]
        suite = gx.ExpectationSuite(name=name)
        for e in s["expectations"]:
            cls = getattr(gx.expectations, "".join(part.capitalize() for part in e["type"].split("_")))
            suite.add_expectation(cls(**e["kwargs"]))
        suite = context.suites.add(suite)
        batch = source.add_dataframe_asset(name).add_batch_definition_whole_dataframe("all").get_batch(
            batch_parameters={"dataframe": frames[name]}
        )
        index = s.get("index_column")
        fmt = {"result_format": "COMPLETE", "partial_unexpected_count": EXAMPLES}
        if index and index in frames[name].columns:
            fmt["unexpected_index_column_names"] = [index]
        outcome = batch.validate(suite, result_format=fmt)
        table = SUITE_TABLES[name]
        for r in outcome.results:
            res = r.result or {}
            examples = res.get("unexpected_index_list") or res.get("partial_unexpected_list") or []
            results.append(
                {
                    "suite": name,
                    "table_name": table,
                    "expectation": r.expectation_config.type,
                    "column_name": r.expectation_config.kwargs.get("column") or ",".join(r.expectation_config.kwargs.get("column_list", [])) or None,
                    "is_success": bool(r.success),
                    "observed_value": None if res.get("observed_value") is None else str(res.get("observed_value")),
                    "unexpected_count": res.get("unexpected_count"),
                    "failing_examples": json.dumps(examples[:EXAMPLES], default=str) if examples else None,
                }
            )
    return results


def store(con: duckdb.DuckDBPyConnection, run: dict, results: list[dict]) -> None:
    frame = pl.DataFrame(
        [{"dq_run_id": run["dq_run_id"], **r} for r in results],
        schema={"dq_run_id": pl.String, "suite": pl.String, "table_name": pl.String, "expectation": pl.String, "column_name": pl.String,
                "is_success": pl.Boolean, "observed_value": pl.String, "unexpected_count": pl.Int64, "failing_examples": pl.String},
    )
    con.execute("BEGIN TRANSACTION")
    try:
        insert_frame(con, "dq_result", frame)
        insert_frame(con, "dq_run", pl.DataFrame([run]))
        con.execute("COMMIT")
    except BaseException as err:
        roll_back(con, err)
        raise


def report_data(con: duckdb.DuckDBPyConnection, dq_run_id: str, history: int = 10) -> dict:
    """Everything the HTML report shows, as plain rows."""
    q = lambda sql: con.sql(sql).pl().to_dicts()  # noqa: E731
    return {
        "run": q(f"SELECT * FROM dq_run WHERE dq_run_id = '{dq_run_id}'")[0],
        "results": q(f"SELECT * FROM dq_result WHERE dq_run_id = '{dq_run_id}' ORDER BY is_success, suite, expectation, column_name"),
        "tables": q("SELECT table_name, observed_value AS rows FROM dq_result WHERE suite = 'row_counts' AND dq_run_id = "
                    f"'{dq_run_id}' ORDER BY table_name"),
        "trend": q(f"SELECT started_at, expectations, failed, is_success FROM dq_run ORDER BY started_at DESC LIMIT {history}"),
        "ingests": q(f"SELECT started_at, status, files_seen, files_new, files_changed, files_unchanged, files_rejected, files_missing "
                     f"FROM etl_run ORDER BY started_at DESC LIMIT {history}"),
        "rejected_files": q("SELECT source_file, path, status, reject_reason, size_bytes, read_at FROM raw.raw_file "
                            "WHERE status = 'rejected' ORDER BY source_file"),
        "rejected_rows": q("SELECT rejected_at, table_name, source_file, reason, row_json FROM rejected_rows "
                           "WHERE table_name <> 'raw_file' ORDER BY rejected_at DESC LIMIT 200"),
        "flagged_articles": q("SELECT source_file, title FROM dim_article WHERE NOT has_authority ORDER BY source_file"),
        "contradictions": q(
            """
            SELECT a.source_file, a.title, la.la_name, v.rating AS stated_rating, v.rating_year, v.rating_month, v.evidence_text,
                   string_agg(coalesce(i.overall_effectiveness, 'no grade') || ' (' || coalesce(CAST(i.inspection_end_date AS VARCHAR), '?')
                              || ', published ' || coalesce(CAST(i.publication_date AS VARCHAR), '?') || ', ' || coalesce(i.framework, '') || ')',
                              '; ' ORDER BY i.publication_date) AS register
            FROM fct_visit v
            JOIN dim_article a USING (article_key)
            JOIN dim_local_authority la USING (la_key)
            LEFT JOIN fct_inspection i ON i.la_key = v.la_key
            WHERE v.rating_check = 'contradicts'
            GROUP BY ALL ORDER BY la.la_name
            """
        ),
        "rating_checks": q("SELECT coalesce(rating_check, 'no rating stated') AS rating_check, count(*) AS visits FROM fct_visit GROUP BY ALL ORDER BY 1"),
    }
