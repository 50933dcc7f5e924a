"""The DDL (warehouse/ddl/*.sql) states the current model only, one object per place: history is in
warehouse/migrations, and every table's or view's comments stand beside its CREATE."""

from __future__ import annotations

import re

import pytest

from tests.helpers import PROJECT

DDL = PROJECT / "warehouse" / "ddl"
CREATED = re.compile(r"^CREATE (?:OR REPLACE )?(?:TABLE|VIEW)(?: IF NOT EXISTS)? ([\w.]+)", re.M)
COMMENTED = re.compile(r"^COMMENT ON (TABLE|VIEW|COLUMN) ([\w.]+) IS ", re.M)
# Statements that change what is already there belong in a numbered migration, not in the DDL.
MIGRATION_STATEMENT = re.compile(r"^\s*(ALTER|DROP|UPDATE|DELETE|INSERT|TRUNCATE)\b", re.I | re.M)


def _without_comments(sql: str) -> str:
    return "\n".join(line for line in sql.splitlines() if not line.lstrip().startswith("--"))


@pytest.mark.parametrize("path", sorted(DDL.glob("*.sql")), ids=lambda p: p.name)
def test_the_ddl_holds_no_migration_statements(path):
    found = MIGRATION_STATEMENT.findall(_without_comments(path.read_text(encoding="utf-8")))
    assert found == [], f"{path.name}: move {found} into a warehouse/migrations/NNN_*.sql file"


def test_each_object_is_created_once_and_commented_where_it_is_created():
    created: dict[str, str] = {}
    for path in sorted(DDL.glob("*.sql")):
        for name in CREATED.findall(path.read_text(encoding="utf-8")):
            assert name not in created, f"{name} is created in both {created[name]} and {path.name}"
            created[name] = path.name
    for path in sorted(DDL.glob("*.sql")):
        for kind, target in COMMENTED.findall(path.read_text(encoding="utf-8")):
            owner = target.rsplit(".", 1)[0] if kind == "COLUMN" else target  # a column is named table.column
            assert owner in created, f"{path.name}: comment on {target}, which no DDL file creates"
            assert created[owner] == path.name, f"{path.name}: comment on {target}, which {created[owner]} creates"


def test_operations_stand_apart_from_the_facts():
    facts = (DDL / "40_facts.sql").read_text(encoding="utf-8")
    operations = (DDL / "60_operations.sql").read_text(encoding="utf-8")
    assert set(CREATED.findall(facts)) == {"fct_visit", "fct_visit_focus", "fct_person_mention", "fct_quote", "fct_finding",
                                           "fct_inspection", "fct_judgement"}
    assert set(CREATED.findall(operations)) == {"etl_run", "rejected_rows", "visit_event_build", "dq_run", "dq_result"}


MARTS = {"mart_theme_summary": "v_theme_summary", "mart_authority_timeline": "v_authority_timeline",
         "mart_authority_latest": "v_authority_latest"}


@pytest.fixture(scope="module")
def fresh():
    import duckdb

    from warehouse.schema_version import migrate

    con = duckdb.connect()
    migrate(con, DDL)
    yield con
    con.close()


def test_the_marts_are_views_with_every_column_commented_and_their_old_names_are_thin_aliases(fresh):
    views = dict(fresh.sql("SELECT view_name, comment FROM duckdb_views() WHERE NOT internal AND database_name = current_database()")
                 .fetchall())
    columns = fresh.sql("SELECT table_name, column_name, data_type, comment FROM duckdb_columns() "
                        "WHERE database_name = current_database() ORDER BY table_name, column_index").fetchall()
    assert set(views) == set(MARTS) | set(MARTS.values())
    assert all(views.values()), "every view carries a COMMENT ON VIEW"
    assert [c for c in columns if c[0] in views and not c[3]] == []
    for mart, alias in MARTS.items():
        assert views[alias].startswith(f"Deprecated alias of {mart}")
        assert fresh.sql(f"SELECT sql FROM duckdb_views() WHERE view_name = '{alias}'").fetchall()[0][0].strip().rstrip(";") \
            == f"CREATE VIEW {alias} AS SELECT * FROM {mart}"
        assert [c[1:] for c in columns if c[0] == alias] == [c[1:] for c in columns if c[0] == mart]


# The house style of the SQL analysts read: upper-case keywords, joins written out (JOIN ... USING/ON,
# never a comma between tables), and aliases that name what a table holds, never one letter.
VIEWS_AND_QUERIES = sorted(DDL.glob("5*.sql")) + sorted((PROJECT / "queries").glob("*.sql"))
ONE_LETTER_ALIAS = re.compile(r"\b(?:FROM|JOIN)\s+[\w.]+(?:\s+AS)?\s+([a-z])\b(?!\s*\()", re.I)
COMMA_JOIN = re.compile(r"\bFROM\s+[\w.]+(?:\s+(?:AS\s+)?\w+)?\s*,|,\s*LATERAL\b|\bUSING\s*\([^)]*\)\s*,", re.I)
LOWER_KEYWORD = re.compile(r"\b(select|from|where|join|group by|order by|left join|union all|with|as|on|using|having|qualify)\b")


@pytest.mark.parametrize("path", VIEWS_AND_QUERIES, ids=lambda p: p.name)
def test_views_and_queries_keep_the_house_style(path):
    sql = _without_comments(path.read_text(encoding="utf-8"))
    code = re.sub(r"'(?:[^']|'')*'", "''", sql)  # string literals may say anything
    assert ONE_LETTER_ALIAS.findall(code) == [], f"{path.name}: name aliases after what the table holds"
    assert COMMA_JOIN.findall(code) == [], f"{path.name}: write the join out (JOIN ... USING/ON)"
    assert LOWER_KEYWORD.findall(code) == [], f"{path.name}: SQL keywords are upper case, as in the rest of the DDL"
