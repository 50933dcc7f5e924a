"""One object counts a run: its etl_run row and its returned summary say the same things."""

from __future__ import annotations

import json

import polars as pl

from flows.run_summary import RunSummary

SUMMARY_KEYS = ["run_id", "db_path", "input_dir", "files_seen", "files_new", "files_changed", "files_unchanged", "files_duplicate",
                "files_rejected", "files_missing", "articles_extracted", "batches", "rejected", "rows_written", "table_rows",
                "stage_seconds", "runner"]


def _planned(*rows: tuple[str, str]) -> pl.DataFrame:
    return pl.DataFrame({"change": [c for c, _ in rows], "status": [s for _, s in rows]})


def _run() -> RunSummary:
    run = RunSummary("/in", "/w.duckdb", runner="dask", flow_run_id="flow-1")
    run.files_seen, run.files_missing = 6, 1
    rejected = pl.DataFrame({"table_name": ["raw_file"], "source_file": ["empty.txt"], "reason": ["file is empty"]})
    run.add_batch(_planned(("new", "loaded"), ("new", "duplicate"), ("rejected", "rejected")), 1, rejected,
                  {"fct_visit": 2, "raw_file": 3}, released=0)
    run.add_batch(_planned(("changed", "loaded"), ("unchanged", "duplicate"), ("unchanged", "loaded")), 1, rejected.clear(),
                  {"fct_visit": 1, "raw_file": 1}, released=1)
    run.add_seconds({"extract": 1.5, "clean": 0.25})
    return run


def test_batches_add_up_to_the_run():
    summary = _run().as_dict()
    assert list(summary) == SUMMARY_KEYS
    assert (summary["files_new"], summary["files_changed"], summary["files_unchanged"], summary["files_rejected"]) == (2, 1, 2, 1)
    # A copy found this run counts; a copy recorded by an earlier run (unchanged) does not.
    assert summary["files_duplicate"] == 1
    assert summary["articles_extracted"] == 2 and summary["batches"] == 2
    assert summary["rows_written"] == {"fct_visit": 3, "raw_file": 4}
    assert summary["rejected"] == [{"file": "empty.txt", "table": "raw_file", "reason": "file is empty"}]
    assert summary["stage_seconds"]["extract"] == 1.5 and summary["runner"] == "dask"
    assert _run().articles_released == 1


def test_the_etl_run_row_says_what_the_summary_says():
    run = _run()
    row, summary = run.etl_run_row(), run.as_dict()
    for key in ("run_id", "input_dir", "files_seen", "files_new", "files_changed", "files_unchanged", "files_rejected", "files_missing"):
        assert row[key] == summary[key], key
    assert row["status"] == "success" and row["flow_run_id"] == "flow-1" and row["started_at"] <= row["finished_at"]
    assert json.loads(row["rows_written"]) == summary["rows_written"]
    assert json.loads(row["stage_seconds"])["clean"] == 0.25


def test_a_failed_run_row_keeps_its_counts_and_claims_no_rows():
    row = _run().etl_run_row("failed", rows_written={})
    assert row["status"] == "failed" and row["files_new"] == 2 and json.loads(row["rows_written"]) == {}


def test_timed_blocks_add_to_their_stage_even_when_they_fail():
    run = RunSummary("/in", "/w.duckdb")
    try:
        with run.timed("load"):
            raise RuntimeError("disk full (simulated)")
    except RuntimeError:
        pass
    assert run.stage_seconds["load"] > 0 and list(run.stage_seconds) == ["read", "clean", "segment", "extract", "validate", "load"]
