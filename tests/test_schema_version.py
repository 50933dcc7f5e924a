"""Migration 008 (JSON columns) on a warehouse of schema version 7, and the JSON type at load time.

The fixture tests/fixtures/schemas/v7.sql is the DDL a warehouse of version 7 was made from; the
forward migration of every fixture through a whole ingest is tests/test_reliability_operations.py's
case 9. These tests stay below the flow: the migration runner and the loader on their own.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import polars as pl
import pytest

from tests.helpers import PROJECT
from warehouse import loader, schema_version

FIXTURES = PROJECT / "tests" / "fixtures" / "schemas"
DDL = PROJECT / "warehouse" / "ddl"
JSON_COLUMNS = {
    ("dim_article", "metadata_source"), ("dim_visit_event", "conflicts"), ("rejected_rows", "row_json"),
    ("etl_run", "rows_written"), ("etl_run", "stage_seconds"), ("dq_result", "failing_examples"),
}
# Invented values as the code writes them (json.dumps), with spacing and non-ASCII text that a
# normalising conversion would change.
METADATA = '{"publisher": "text rules", "title": "json-ld"}'
CONFLICTS = '{"rating": {"good": ["a.txt"], "inadequate": ["b.txt", "c.txt"]}}'
ROW_JSON = '{"article_key": "00000000000000aa", "role": "Directeur général des services", "n": NaN}'
ROWS_WRITTEN = '{"dim_article": 1, "fct_visit": 2}'
STAGE_SECONDS = '{"read": 0.1,  "load": 0.25}'
EXAMPLES = '[{"previous_rows": 10, "rows_now": 2, "minimum_allowed": 9}]'


def _v7(db: Path, rows_written: str = ROWS_WRITTEN) -> None:
    con = duckdb.connect(str(db))
    try:
        con.execute((FIXTURES / "v7.sql").read_text(encoding="utf-8"))
        con.execute("INSERT INTO dim_article (article_key, source_file, word_count, content_sha256, has_authority, metadata_source) "
                    "VALUES ('00000000000000aa', 'old.txt', 10, 'abc', true, ?), ('00000000000000ab', 'plain.txt', 5, 'abd', false, NULL)",
                    [METADATA])
        con.execute("INSERT INTO dim_visit_event (visit_event_key, la_key, visit_type, article_count, undated_article_count, "
                    "publisher_count, article_keys, source_files, key_basis, conflicts) "
                    "VALUES ('00000000000000cc', 'x', 'monitoring_visit', 3, 0, 2, ['a', 'b', 'c'], ['a.txt', 'b.txt', 'c.txt'], 'ordinal', ?)",
                    [CONFLICTS])
        con.execute("INSERT INTO rejected_rows VALUES ('run-1', TIMESTAMP '2025-01-02 03:04:05', 'fct_person_mention', 'old.txt', "
                    "'role failed str_length', ?)", [ROW_JSON])
        con.execute("INSERT INTO etl_run (run_id, started_at, status, rows_written, stage_seconds) "
                    "VALUES ('run-1', TIMESTAMP '2025-01-02 03:04:05', 'success', ?, ?)", [rows_written, STAGE_SECONDS])
        con.execute("INSERT INTO dq_result VALUES ('dq-1', 'row_counts', 'fct_visit', 'expect_table_row_count_to_be_between', NULL, "
                    "false, '2', NULL, ?)", [EXAMPLES])
    finally:
        con.close()


def _types(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    rows = con.sql("SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database()").fetchall()
    return {(t, c): kind for t, c, kind in rows if (t, c) in JSON_COLUMNS}


def _values(con: duckdb.DuckDBPyConnection) -> list:
    return [
        con.sql("SELECT article_key, metadata_source FROM dim_article ORDER BY article_key").fetchall(),
        con.sql("SELECT conflicts FROM dim_visit_event").fetchall(),
        con.sql("SELECT row_json FROM rejected_rows").fetchall(),
        con.sql("SELECT rows_written, stage_seconds FROM etl_run").fetchall(),
        con.sql("SELECT failing_examples FROM dq_result").fetchall(),
    ]


def test_the_v7_fixture_is_the_schema_version_7_warehouse(tmp_path):
    db = tmp_path / "v7.duckdb"
    _v7(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert schema_version.current_version(con) == 7
        assert set(_types(con).values()) == {"VARCHAR"}
    finally:
        con.close()


def test_a_version_7_warehouse_migrates_to_json_columns_with_its_data_intact(tmp_path):
    db = tmp_path / "v7.duckdb"
    _v7(db)
    con = duckdb.connect(str(db))
    try:
        before = _values(con)
        assert schema_version.migrate(con, DDL) == list(range(8, schema_version.latest_version() + 1))
        assert _types(con) == {column: "JSON" for column in JSON_COLUMNS}
        assert _values(con) == before  # the very text written, spacing and all
        assert con.sql("SELECT how FROM schema_version WHERE version = 8").fetchall() == [("migrated",)]
        # Readers query them as JSON without a cast.
        assert con.sql("SELECT metadata_source->>'title' FROM dim_article WHERE metadata_source IS NOT NULL").fetchall() == [("json-ld",)]
        assert con.sql("SELECT json_keys(conflicts) FROM dim_visit_event").fetchall() == [(["rating"],)]
        assert con.sql("SELECT CAST(rows_written->>'fct_visit' AS INTEGER), stage_seconds->>'load' FROM etl_run").fetchall() == [(2, "0.25")]
        assert con.sql("SELECT failing_examples->0->>'rows_now' FROM dq_result").fetchall() == [("2",)]
        assert con.sql("SELECT row_json->>'role' FROM rejected_rows").fetchall() == [("Directeur général des services",)]
    finally:
        con.close()
    # And it is the schema a new warehouse gets.
    fresh = duckdb.connect()
    migrated = duckdb.connect(str(db), read_only=True)
    try:
        schema_version.migrate(fresh, DDL)
        catalogue = "SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() WHERE database_name = current_database()"
        assert set(migrated.sql(catalogue).fetchall()) == set(fresh.sql(catalogue).fetchall())
    finally:
        fresh.close()
        migrated.close()


def test_a_warehouse_holding_text_that_is_not_json_is_left_at_version_7_and_told_why(tmp_path):
    db = tmp_path / "v7.duckdb"
    _v7(db, rows_written="{dim_article: 1}")
    con = duckdb.connect(str(db))
    try:
        with pytest.raises(duckdb.ConversionException, match="Malformed JSON") as caught:
            schema_version.migrate(con, DDL)
        assert any("008_json_columns.sql" in note and "left at version 7" in note for note in caught.value.__notes__)
        assert schema_version.current_version(con) == 7
        assert set(_types(con).values()) == {"VARCHAR"}  # no column of the migration was converted
        assert con.sql("SELECT rows_written FROM etl_run").fetchall() == [("{dim_article: 1}",)]
    finally:
        con.close()


def _batch(rejected: pl.DataFrame) -> loader.LoadBatch:
    return loader.LoadBatch(run_row=None, raw_files=None, raw_texts=None, article_tables={}, reference_tables={},
                            dim_person=None, rejected=rejected)


def _rejected(row_json: str) -> pl.DataFrame:
    return pl.DataFrame({"run_id": ["run-2"], "rejected_at": [datetime(2025, 1, 2, 3, 4, 5)], "table_name": ["fct_quote"],
                         "source_file": ["new.txt"], "reason": ["quote_text failed str_length"], "row_json": [row_json]})


def test_the_loader_writes_json_text_from_polars_strings_and_refuses_text_that_is_not_json(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    try:
        schema_version.migrate(con, DDL)
        loader.load(con, _batch(_rejected('{"quote_text": "\\"Too short\\""}')))
        assert con.sql("SELECT row_json->>'quote_text', typeof(row_json) FROM rejected_rows").fetchall() == [('"Too short"', "JSON")]
        with pytest.raises(duckdb.ConversionException, match=r"loading main.rejected_rows: .*Malformed JSON.*row_json"):
            loader.load(con, _batch(_rejected("quote_text: Too short")))
        assert con.sql("SELECT count(*) FROM rejected_rows").fetchall() == [(1,)]  # the batch was rolled back whole
    finally:
        con.close()
