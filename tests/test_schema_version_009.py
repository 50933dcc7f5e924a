"""Migration 009 (full inspections) on a warehouse of schema version 8: fct_visit gains the grade an
inspection replaced, the DDL adds fct_judgement and dim_judgement_area, and what was loaded stays.

The fixture tests/fixtures/schemas/v8.sql is the DDL a warehouse of version 8 was made from; the
forward migration of every fixture through a whole ingest is tests/test_reliability_operations.py's case 9.
"""

from __future__ import annotations

import duckdb

from tests.helpers import PROJECT
from warehouse import schema_version

FIXTURES = PROJECT / "tests" / "fixtures" / "schemas"
DDL = PROJECT / "warehouse" / "ddl"
CATALOGUE = ("SELECT schema_name, table_name, column_name, data_type, comment FROM duckdb_columns() "
             "WHERE database_name = current_database()")


def test_a_version_8_warehouse_migrates_to_full_inspections_with_its_visits_intact(tmp_path):
    db = tmp_path / "v8.duckdb"
    con = duckdb.connect(str(db))
    try:
        con.execute((FIXTURES / "v8.sql").read_text(encoding="utf-8"))
        assert schema_version.current_version(con) == 8
        con.execute("INSERT INTO fct_visit (visit_key, article_key, la_key, visit_type, rating, evidence_text, evidence_start, evidence_end) "
                    "VALUES ('00000000000000bb', '00000000000000aa', 'x', 'inspection', 'good', 'An invented sentence.', 0, 21)")
        assert schema_version.migrate(con, DDL)[0] == 9
        assert con.sql("SELECT how FROM schema_version WHERE version = 9").fetchall() == [("migrated",)]
        # The visit stays; the grade it replaced is unknown until its article is extracted again.
        assert con.sql("SELECT rating, previous_rating, previous_rating_year, previous_rating_month FROM fct_visit").fetchall() == [
            ("good", None, None, None)]
        assert con.sql("SELECT count(*) FROM fct_judgement").fetchall() == [(0,)]
    finally:
        con.close()
    fresh = duckdb.connect()
    migrated = duckdb.connect(str(db), read_only=True)
    try:
        schema_version.migrate(fresh, DDL)
        assert set(migrated.sql(CATALOGUE).fetchall()) == set(fresh.sql(CATALOGUE).fetchall())
    finally:
        fresh.close()
        migrated.close()


def test_every_new_column_and_table_is_commented():
    con = duckdb.connect()
    try:
        schema_version.migrate(con, DDL)
        missing = con.sql("SELECT table_name, column_name FROM duckdb_columns() WHERE database_name = current_database() "
                          "AND (table_name IN ('fct_judgement', 'dim_judgement_area') OR column_name LIKE 'previous_rating%') "
                          "AND (comment IS NULL OR comment = '')").fetchall()
        assert missing == []
        assert con.sql("SELECT count(*) FROM duckdb_tables() WHERE table_name IN ('fct_judgement', 'dim_judgement_area') "
                       "AND comment IS NOT NULL").fetchall() == [(2,)]
    finally:
        con.close()
