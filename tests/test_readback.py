"""warehouse/readback.py, and the file statuses SQL names against the vocabulary raw_file holds."""

from __future__ import annotations

import re
from datetime import datetime

import duckdb
import pytest

from schemas.vocabulary import FILE_STATUSES
from tests.helpers import PROJECT
from warehouse.readback import predictions_by_file
from warehouse.schema_version import migrate

# SQL in the code and the catalogue that filters raw_file on its status.
SQL_SOURCES = [p for folder in ("warehouse", "flows", "transforms", "queries") for p in sorted((PROJECT / folder).rglob("*"))
               if p.suffix in (".py", ".sql")]
STATUS_EQUALS = re.compile(r"\bstatus\s*(?:=|<>|!=)\s*'([a-z_]+)'", re.I)
STATUS_IN = re.compile(r"\bstatus\s+(?:NOT\s+)?IN\s*\(([^)]*)\)", re.I)


def _statuses_named(text: str) -> set[str]:
    named = set(STATUS_EQUALS.findall(text))
    for group in STATUS_IN.findall(text):
        named |= set(re.findall(r"'([a-z_]+)'", group))
    return named


def test_the_status_finder_sees_equalities_and_lists():
    assert _statuses_named("WHERE f.status IN ('loaded', 'unchanged') AND status <> 'rejected'") == {"loaded", "unchanged", "rejected"}
    assert _statuses_named("status = '<span class=\"badge\">'") == set()


@pytest.mark.parametrize("path", [p for p in SQL_SOURCES if "raw_file" in p.read_text(encoding="utf-8")],
                         ids=lambda p: str(p.relative_to(PROJECT)))
def test_every_file_status_named_in_sql_is_one_raw_file_holds(path):
    unknown = _statuses_named(path.read_text(encoding="utf-8")) - set(FILE_STATUSES)
    assert unknown == set(), f"{path.name} filters raw_file on {sorted(unknown)}, not among FILE_STATUSES {FILE_STATUSES}"


def test_predictions_cover_loaded_files_and_their_duplicates_only():
    con = duckdb.connect()
    try:
        migrate(con, PROJECT / "warehouse" / "ddl")
        now = datetime(2025, 1, 2, 3, 4, 5)
        con.executemany("INSERT INTO dim_article (article_key, source_file, title, word_count, content_sha256, has_authority) "
                        "VALUES (?, ?, ?, 10, ?, true)", [("a1", "first.txt", "An invented headline", "h1"), ("a2", "gone.txt", None, "h2")])
        con.executemany("INSERT INTO raw.raw_file (path, source_file, size_bytes, is_encoding_fallback, read_at, status, article_key, run_id) "
                        "VALUES (?, ?, 1, false, ?, ?, ?, 'run')",
                        [(f"/in/{name}", name, now, status, key) for name, status, key in
                         [("first.txt", "loaded", "a1"), ("copy.txt", "duplicate", "a1"), ("bad.txt", "rejected", None),
                          ("gone.txt", "missing", "a2")]])
        predictions = predictions_by_file(con)
    finally:
        con.close()
    assert sorted(predictions) == ["copy.txt", "first.txt"]
    assert predictions["copy.txt"]["title"] == "An invented headline"
