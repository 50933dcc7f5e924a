"""The ingest's tasks, called as plain functions."""

from __future__ import annotations

from datetime import datetime

import polars as pl
from prefect.logging import disable_run_logger

from flows import ingest_tasks, settings
from transforms import ingest_batch, marts
from transforms.rules import load_rules


def test_a_batch_with_nothing_to_extract_runs_no_stage_and_builds_no_article_tables(monkeypatch):
    rules = load_rules(settings.DEFAULTS.seeds_dir)
    docs = pl.DataFrame(schema={"article_key": pl.String, "text": pl.String})
    monkeypatch.setattr(ingest_tasks, "transform_batch", lambda *a: (_ for _ in ()).throw(AssertionError("ran the stages")))
    # One file whose stat signature alone changed: its raw_file row is written again, nothing is extracted.
    planned = pl.DataFrame([{"path": "/in/a.txt", "source_file": "a.txt", "content_sha256": "ab" * 32, "size_bytes": 10, "encoding": "utf-8",
                             "is_encoding_fallback": False, "read_at": datetime(2024, 5, 1), "change": "unchanged", "status": "loaded",
                             "prev_status": "loaded", "reject_reason": None, "article_key": "0123456789abcdef", "stat_signature": "new",
                             "prev_stat_signature": "old", "text": None}], schema_overrides={"reject_reason": pl.String, "text": pl.String})
    reference = marts.reference_marts(rules)
    with disable_run_logger():
        extracted, seconds = ingest_tasks.transform.fn(docs, rules)
        tables = ingest_tasks.build_tables.fn(extracted, planned, ingest_batch.to_extract(planned), reference, "run-1", True)
        valid, rejected = ingest_tasks.validate.fn(tables, planned.select("article_key", "source_file"))
    assert seconds == {} and rejected.is_empty()
    assert set(tables) == {"raw_file", "raw_text", *reference} and tables["raw_file"]["source_file"].to_list() == ["a.txt"]
    batch = ingest_tasks.batch_load(valid, rejected, replace_article_keys=[])
    assert batch.article_tables == {} and batch.dim_person is None and batch.raw_files.height == 1
