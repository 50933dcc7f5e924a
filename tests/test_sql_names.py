"""warehouse/sql_names.py: users' own tables and columns in the warehouse, whatever their names (spaces,
quotes, keywords), never break a statement of a run, a check or an export (issue 21, messages)."""

from __future__ import annotations

import duckdb

from flows.cli import main
from flows.ingest import ingest_flow
from flows.quality import quality_flow
from tests.helpers import query, sample_inbox

ODD = [
    'CREATE SCHEMA "my ""odd"" schema"',
    'CREATE TABLE "my ""odd"" schema"."select" ("it\'s" INTEGER, "a ""b""" INTEGER, "c d" INTEGER, "order" VARCHAR)',
    'INSERT INTO "my ""odd"" schema"."select" VALUES (1, 2, 3, \'x\')',
    'CREATE TABLE main."fct_it\'s mine" ("x y" INTEGER, "group" INTEGER)',
    'INSERT INTO main."fct_it\'s mine" VALUES (1, 2)',
    'CREATE VIEW main."v_a""b" AS SELECT 1 AS "from"',
]


def test_names_are_quoted_as_duckdb_reads_them():
    from warehouse.sql_names import qualified_name, quote_name

    schema, table, column = 's "1', "where", "it's"
    con = duckdb.connect()
    con.execute("CREATE SCHEMA " + quote_name(schema))
    con.execute(f"CREATE TABLE {qualified_name(schema, table)} ({quote_name(column)} INTEGER)")
    assert con.sql("SELECT schema_name, table_name FROM duckdb_tables() WHERE NOT internal").fetchall() == [(schema, table)]
    assert con.sql("SELECT column_name FROM duckdb_columns() WHERE NOT internal").fetchall() == [(column,)]


def test_users_own_tables_and_columns_with_odd_names_never_break_a_statement(prefect_harness, warehouse, tmp_path, capsys):
    db = warehouse  # the sample ingested into a new file: a copy of the session's (conftest.built)
    con = duckdb.connect(str(db))
    for statement in ODD:
        con.execute(statement)
    con.close()
    inbox = sample_inbox(tmp_path / "inbox")
    (inbox / "000_ef8e9a91a762f96c.txt").write_text("Ofsted visited Sutton council again.\n", encoding="utf-8")
    ingest_flow(input_dir=inbox, db_path=db)  # verifies every table of the copy before publishing it
    assert quality_flow(db_path=db, report_dir=tmp_path / "report")["expectations"] > 0
    assert main(["export", "--db", str(db), "--out", str(tmp_path / "parquet")]) == 0
    assert (tmp_path / "parquet" / "fct_it's mine.parquet").is_file() and (tmp_path / "parquet" / 'v_a"b.parquet').is_file()
    assert main(["query", "visits_per_year", "--db", str(db)]) == 0
    # The users' tables are still there, as they were.
    assert query(db, 'SELECT * FROM "my ""odd"" schema"."select"') == [(1, 2, 3, "x")]
    assert query(db, "SELECT * FROM main.\"fct_it's mine\"") == [(1, 2)]
