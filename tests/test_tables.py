"""schemas/tables.py against everything that must agree with it: the DDL, the pandera models, the
expectation suites and the frames the transforms build. A table declared in one place and missing in
another fails here, before a run meets it."""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from schemas import MODELS
from schemas.tables import BY_NAME, FILE_MODELS, TABLES, tables
from tests.helpers import PROJECT
from transforms import marts
from warehouse import loader

DDL_DIR = PROJECT / "warehouse" / "ddl"
EXPECTATIONS_DIR = PROJECT / "warehouse" / "expectations"
CREATE_TABLE = re.compile(r"CREATE TABLE IF NOT EXISTS\s+(?:(\w+)\.)?(\w+)\s*\(", re.IGNORECASE)
# Modules of schemas/ that hold no table model.
NOT_MODELS = {"__init__", "common", "tables", "validate", "vocabulary"}


def created_tables() -> dict[str, tuple[str, str]]:
    """table -> (schema, DDL file) for every CREATE TABLE of warehouse/ddl."""
    found = {}
    for path in sorted(DDL_DIR.glob("*.sql")):
        for schema, name in CREATE_TABLE.findall(path.read_text(encoding="utf-8")):
            assert name not in found, f"{name} is created twice ({found[name][1]} and {path.name})"
            found[name] = (schema or "main", path.name)
    return found


@pytest.fixture(scope="module")
def warehouse_columns() -> dict[str, list[str]]:
    con = duckdb.connect()
    try:
        loader.apply_ddl(con)
        rows = con.sql("SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal ORDER BY table_name, column_index").fetchall()
    finally:
        con.close()
    out: dict[str, list[str]] = {}
    for table, column in rows:
        out.setdefault(table, []).append(column)
    return out


def test_every_declared_table_is_created_by_its_ddl_file_in_its_schema():
    created = created_tables()
    for t in TABLES:
        assert t.name in created, f"{t.name} is declared in schemas/tables.py but no DDL file creates it"
        assert created[t.name] == (t.schema, t.ddl), f"{t.name}: declared as {t.schema} in {t.ddl}, created as {created[t.name]}"


def undeclared(declared: dict) -> set[str]:
    return set(created_tables()) - set(declared)


def test_every_table_the_ddl_creates_is_declared():
    assert not undeclared(BY_NAME), f"created in warehouse/ddl but not declared in schemas/tables.py: {sorted(undeclared(BY_NAME))}"
    # ...and the check would see one that is not.
    assert undeclared({k: v for k, v in BY_NAME.items() if k != "fct_quote"}) == {"fct_quote"}


def test_each_model_has_exactly_its_tables_columns(warehouse_columns):
    for t in TABLES:
        if t.model is not None:
            assert set(t.model.to_schema().columns) == set(warehouse_columns[t.name]), t.name


def test_every_table_a_run_validates_has_a_model_and_only_operations_go_without():
    for t in TABLES:
        assert (t.model is None) == (t.layer == "operations"), t.name
    assert MODELS == {t.name: t.model for t in TABLES if t.model is not None}


def test_every_model_module_is_a_declared_table_or_file():
    modules = {p.stem for p in (PROJECT / "schemas").glob("*.py")} - NOT_MODELS
    assert modules == set(MODELS) | set(FILE_MODELS)


def test_each_model_declares_its_tables_key_unique():
    for t in TABLES:
        if t.model is None:
            continue
        schema = t.model.to_schema()
        if len(t.key) == 1:
            assert schema.columns[t.key[0]].unique, f"{t.name}.{t.key[0]} is its key but the model does not declare it unique"
        else:
            assert list(schema.unique or []) == list(t.key), f"{t.name}: key {t.key}, model unique {schema.unique}"


def test_every_declared_key_is_a_column(warehouse_columns):
    for t in TABLES:
        assert set(t.key) <= set(warehouse_columns[t.name]), t.name


def test_every_expectation_suite_checks_one_declared_table():
    files = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in EXPECTATIONS_DIR.glob("*.json")}
    claimed = [s for t in TABLES for s in t.suites]
    assert len(claimed) == len(set(claimed)), "a suite is claimed by two tables"
    assert set(claimed) == set(files), f"unclaimed: {set(files) - set(claimed)}; missing files: {set(claimed) - set(files)}"
    for t in TABLES:
        for suite in t.suites:
            source = files[suite].get("source")
            assert source is None or source.split(".")[-1] == t.name, f"suite {suite} reads {source}, declared for {t.name}"


def test_the_marts_built_are_the_tables_declared_for_them(extract, rules):
    built = marts.build_marts(extract("Ofsted visited Kent in May."), _files(), marts.fct_inspection(rules))
    assert set(built) == {t.name for t in tables("by_article", "by_person")}
    assert set(marts.reference_marts(rules)) == {t.name for t in tables("reference")}


def _files():
    import polars as pl

    return pl.DataFrame({"article_key": ["0" * 16], "source_file": ["a.txt"], "content_sha256": ["0" * 64]})
