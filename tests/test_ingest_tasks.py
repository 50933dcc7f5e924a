"""The ingest's tasks, called as plain functions."""

from __future__ import annotations

import polars as pl
from prefect.logging import disable_run_logger

from flows import ingest_tasks, settings
from transforms.pipeline import transform_batch
from transforms.rules import load_rules


def test_a_batch_with_nothing_to_extract_gets_every_table_empty_without_running_the_stages_again(monkeypatch):
    rules = load_rules(settings.DEFAULTS.seeds_dir)
    docs = pl.DataFrame(schema={"article_key": pl.String, "text": pl.String})
    expected = transform_batch(docs, rules)[0]
    with disable_run_logger():
        first, seconds = ingest_tasks.transform.fn(docs, rules)
        monkeypatch.setattr(ingest_tasks, "transform_batch", lambda *a: (_ for _ in ()).throw(AssertionError("ran the stages")))
        again, _ = ingest_tasks.transform.fn(docs, rules)
        assert again is first and seconds == {}
        # Other rules (the next run's) get their own.
        monkeypatch.setattr(ingest_tasks, "transform_batch", transform_batch)
        other, _ = ingest_tasks.transform.fn(docs, load_rules(settings.DEFAULTS.seeds_dir))
    assert other is not first
    for name in ("articles", "blocks", "sentences", "mentions", "people", "quotes", "visits", "visit_focus", "visit_candidates", "findings"):
        assert getattr(first, name).is_empty() and getattr(first, name).schema == getattr(expected, name).schema, name
