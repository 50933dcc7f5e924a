"""Issue 21, the warehouse's data-loss cases: each test is named after its case and failed before its fix.

Files beside the warehouse that the project did not make, tables dropped by hand, outputs written
over the warehouse or an input, and a load that runs out of DuckDB's memory.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from flows.settings import DEFAULTS
from tests.helpers import SEED_ARTICLES, checksums, sample_inbox
from warehouse import session

MEMORY = DEFAULTS.duckdb_load_memory_limit


# --- a file named like the run's own ----------------------------------------------------------------

def test_case_an_unrelated_file_named_like_the_working_copy_is_never_deleted(tmp_path):
    """`ingest --db DIR/ofsted` took DIR/ofsted.next for its stale working copy and deleted it."""
    db = tmp_path / "ofsted"
    mine = tmp_path / "ofsted.next"
    mine.write_text("the user's own notes, nothing to do with Ofsted Watch\n", encoding="utf-8")
    with session.exclusive_run(db, 0):
        with pytest.raises(session.ForeignFile, match="not a working copy Ofsted Watch made.*move it aside"):
            with session.discard_on_failure(db):
                session.begin(db, memory_limit=MEMORY)
    assert mine.read_text(encoding="utf-8").startswith("the user's own notes")
    assert not db.exists()


def test_case_an_unrelated_duckdb_file_named_like_the_working_copy_is_never_deleted(tmp_path):
    db = tmp_path / "ofsted"
    other = tmp_path / "ofsted.next"
    con = duckdb.connect(str(other))
    con.execute("CREATE TABLE budgets AS SELECT 1 AS year")
    con.close()
    with session.exclusive_run(db, 0), pytest.raises(session.ForeignFile):
        session.begin(db, memory_limit=MEMORY)
    assert duckdb.connect(str(other), read_only=True).sql("SELECT year FROM budgets").fetchall() == [(1,)]


def test_case_an_unrelated_file_named_like_the_lock_note_is_never_overwritten(tmp_path):
    db = tmp_path / "ofsted"
    note = tmp_path / "ofsted.lock"
    note.write_text("keys to the shed\n", encoding="utf-8")
    with session.exclusive_run(db, 0):
        pass
    assert note.read_text(encoding="utf-8") == "keys to the shed\n"


def test_a_copy_a_killed_run_left_is_proved_a_runs_and_removed(warehouse):
    """The other side of the proof: a dead run's copy (its owner record names its inode) is discarded."""
    with session.exclusive_run(warehouse, 0):
        work = session.begin(warehouse, memory_limit=MEMORY)
    session._copies.clear()  # what the next process knows of it: only the files
    assert work.exists() and session.owner_path(warehouse).exists()
    with session.exclusive_run(warehouse, 0):
        again = session.begin(warehouse, memory_limit=MEMORY)
        session.discard(warehouse)
    assert again == work and not work.exists() and not session.owner_path(warehouse).exists()


# --- outputs: never the warehouse, an input, or a file the project did not write ---------------------

def _query(*args: str) -> int:
    from flows import cli

    return cli.main(["query", "months_to_first_monitoring_visit", *args])


def test_case_query_out_naming_the_warehouse_is_refused(warehouse, capsys):
    before = checksums(warehouse)
    assert _query("--db", str(warehouse), "--out", str(warehouse)) == 2
    assert "is the warehouse" in capsys.readouterr().err
    assert checksums(warehouse) == before


@pytest.mark.parametrize("form", ["symlink", "hardlink", "wal", "working_copy"])
def test_case_query_out_reaching_the_warehouse_another_way_is_refused(warehouse, tmp_path, form):
    out = {"symlink": tmp_path / "result.txt", "hardlink": tmp_path / "result.txt", "wal": session.wal_path(warehouse),
           "working_copy": session.working_path(warehouse)}[form]
    if form == "symlink":
        out.symlink_to(warehouse)
    elif form == "hardlink":
        os.link(warehouse, out)
    before = checksums(warehouse)
    assert _query("--db", str(warehouse), "--out", str(out)) == 2
    assert checksums(warehouse) == before
    assert form in ("symlink", "hardlink") or not out.exists()


def test_case_query_out_over_a_file_the_project_did_not_write_is_refused(warehouse, tmp_path, capsys):
    theirs = tmp_path / "notes.txt"
    theirs.write_text("my notes\n", encoding="utf-8")
    assert _query("--db", str(warehouse), "--out", str(theirs)) == 2
    assert "was not written by Ofsted Watch" in capsys.readouterr().err and theirs.read_text() == "my notes\n"
    ours = tmp_path / "result.txt"
    assert _query("--db", str(warehouse), "--out", str(ours)) == 0
    assert _query("--db", str(warehouse), "--out", str(ours), "--format", "csv") == 0  # its own result: overwritten
    assert ours.read_text().startswith("la_name,")
    ours.write_text("edited by hand\n", encoding="utf-8")
    assert _query("--db", str(warehouse), "--out", str(ours)) == 2  # no longer what the project wrote
    assert ours.read_text() == "edited by hand\n"


def test_case_query_and_export_out_inside_an_input_folder_are_refused(warehouse, tmp_path, capsys):
    from flows import cli

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    con = duckdb.connect(str(warehouse))
    con.execute("UPDATE etl_run SET input_dir = ?", [str(inbox)])  # the folder this warehouse's runs read
    con.close()
    assert _query("--db", str(warehouse), "--out", str(inbox / "result.html")) == 2
    assert "inside the input folder" in capsys.readouterr().err
    assert cli.main(["export", "--db", str(warehouse), "--out", str(inbox / "parquet")]) == 2
    assert cli.main(["export", "--db", str(warehouse), "--out", str(warehouse.parent)]) == 0  # beside the warehouse: fine
    assert list(inbox.iterdir()) == []


def test_case_export_over_files_the_project_did_not_write_is_refused(warehouse, tmp_path):
    from flows import cli

    out = tmp_path / "parquet"
    out.mkdir()
    (out / "dim_article.parquet").write_bytes(b"someone else's file")
    assert cli.main(["export", "--db", str(warehouse), "--out", str(out)]) == 2
    assert sorted(p.name for p in out.iterdir()) == ["dim_article.parquet"]
    (out / "dim_article.parquet").unlink()
    assert cli.main(["export", "--db", str(warehouse), "--out", str(out)]) == 0
    assert cli.main(["export", "--db", str(warehouse), "--out", str(out)]) == 0  # its own files, written again


def test_case_the_reports_folder_may_not_be_the_input_or_the_warehouse(warehouse, tmp_path):
    from flows.pipeline import ingest_and_quality_flow
    from flows.quality import quality_flow
    from warehouse.outputs import OutputRefused

    inbox = sample_inbox(tmp_path / "inbox")
    before = checksums(warehouse)
    with pytest.raises(OutputRefused, match="inside the input folder"):
        ingest_and_quality_flow(input_dir=inbox, db_path=warehouse, report_dir=inbox / "report")
    assert checksums(warehouse) == before and not (inbox / "report").exists()  # refused before any work
    (tmp_path / "index.html").write_text("<p>my own page</p>", encoding="utf-8")
    with pytest.raises(OutputRefused, match="was not written by Ofsted Watch"):
        quality_flow(db_path=warehouse, report_dir=tmp_path)
    assert (tmp_path / "index.html").read_text() == "<p>my own page</p>"
    report = quality_flow(db_path=warehouse, report_dir=tmp_path / "report")["report_path"]
    assert quality_flow(db_path=warehouse, report_dir=tmp_path / "report")["report_path"] == report  # its own report


# --- tables dropped by hand ----------------------------------------------------------------------------

MODEL_TABLES = ("main.dim_article", "main.fct_finding", "main.fct_visit", "main.fct_quote", "main.dim_visit_event",
                "main.fct_visit_event_finding", "staging.stg_sentence", "staging.stg_article", "raw.raw_file")
# What a run stamps with itself (its id, when it read or loaded a row): everything else must come back as it was.
RUN_COLUMNS = frozenset({"run_id", "read_at", "loaded_at", "built_at", "rejected_at", "stat_signature"})


def _model(db: Path) -> dict:
    from tests.helpers import warehouse_tables

    held = warehouse_tables(db, drop=RUN_COLUMNS)
    return {name: held[name] for name in MODEL_TABLES}


def _drop(db: Path, statement: str) -> None:
    con = duckdb.connect(str(db))
    con.execute(statement)
    con.close()


@pytest.mark.parametrize("table", ["fct_finding", "dim_article", "dim_visit_event"])
def test_case_a_table_dropped_by_hand_is_rebuilt_not_published_empty(built, warehouse, table):
    from flows.ingest import ingest_flow

    _drop(warehouse, f"DROP TABLE {table}")
    summary = ingest_flow(input_dir=SEED_ARTICLES, db_path=warehouse)
    assert summary["files_rejected"] == 0
    restored, original = _model(warehouse), _model(built)
    for name in MODEL_TABLES:
        assert restored[name].equals(original[name]), name


def test_case_rows_deleted_by_hand_are_extracted_again(built, warehouse):
    from flows.ingest import ingest_flow

    _drop(warehouse, "DELETE FROM dim_article WHERE article_key = (SELECT min(article_key) FROM dim_article)")
    ingest_flow(input_dir=SEED_ARTICLES, db_path=warehouse)
    assert _model(warehouse)["main.dim_article"].equals(_model(built)["main.dim_article"])


def test_case_a_dropped_table_whose_articles_cannot_all_be_rebuilt_is_not_published(warehouse, tmp_path):
    from flows.ingest import ingest_flow

    inbox = sample_inbox(tmp_path / "inbox")
    for gone in sorted(inbox.iterdir())[:2]:
        gone.unlink()
    _drop(warehouse, "DROP TABLE fct_finding")
    before = checksums(warehouse)
    with pytest.raises(session.PublishRefused, match=r"fct_finding.*2 of the 5 articles could not be rebuilt.*Nothing was published"):
        ingest_flow(input_dir=inbox, db_path=warehouse)
    assert checksums(warehouse) == before
