"""A batch split among processes (transforms/parallel.py) extracts what it extracts whole."""

from __future__ import annotations

import os
import signal
from dataclasses import fields

import polars as pl
import pytest

from tests.helpers import PROJECT
from transforms import parallel
from transforms.pipeline import Extracted, transform_batch


def _docs() -> pl.DataFrame:
    paths = sorted((PROJECT / "seeds" / "articles").glob("*.txt"))
    texts = [p.read_text(encoding="utf-8") for p in paths]
    # The sample articles twice over, under other keys: more parts than articles of one kind.
    return pl.DataFrame({"article_key": [f"{i:016x}" for i in range(2 * len(texts))], "text": texts + texts})


def _rows(frame: pl.DataFrame) -> pl.Series:
    lists = [c for c, t in frame.schema.items() if isinstance(t, pl.List)]
    return frame.with_columns(pl.col(c).list.sort() for c in lists).hash_rows().sort()


def _same(a: Extracted, b: Extracted) -> list[str]:
    return [f.name for f in fields(Extracted)
            if getattr(a, f.name).schema != getattr(b, f.name).schema or not _rows(getattr(a, f.name)).equals(_rows(getattr(b, f.name)))]


def test_split_keeps_every_article_whole_and_in_order():
    docs = pl.DataFrame({"article_key": list("abcdefg"), "text": ["x" * n for n in (50, 10, 10, 10, 10, 10, 50)]})
    parts = parallel.split_by_text(docs, 3)
    assert pl.concat(parts).equals(docs)
    assert [p["article_key"].to_list() for p in parts] == [["a"], ["b", "c", "d", "e", "f"], ["g"]]
    assert parallel.split_by_text(docs, 1) == [docs]
    assert len(parallel.split_by_text(docs.head(1), 4)) == 1


def test_parts_on_worker_processes_extract_what_the_batch_extracts_whole(rules, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ARTICLES_TO_SPLIT", 2)
    docs = _docs()
    whole, _ = transform_batch(docs, rules)
    assert whole.visits.height > 0 and whole.findings.height > 0
    with parallel.TransformPool(3, rules) as pool:
        split, seconds = pool.transform(docs)
        assert pool._pool is not None, "the batch was not split"
    assert _same(whole, split) == []
    assert set(seconds) == {"clean", "segment", "extract"} and all(v >= 0 for v in seconds.values())


def test_a_worker_that_dies_leaves_the_batch_whole_on_this_process(rules, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ARTICLES_TO_SPLIT", 2)
    docs = _docs()
    whole, _ = transform_batch(docs, rules)
    warned = []
    with parallel.TransformPool(2, rules, warned.append) as pool:
        pool.transform(docs)
        for pid in list(pool._pool._processes):
            os.kill(pid, signal.SIGKILL)
        after, _ = pool.transform(docs)
        again, _ = pool.transform(docs)
    assert _same(whole, after) == [] and _same(whole, again) == []
    assert len(warned) == 1 and "died" in warned[0]


def test_small_batches_and_one_process_start_no_worker(rules):
    docs = _docs()
    with parallel.TransformPool(4, rules) as pool:
        pool.transform(docs)  # under MIN_ARTICLES_TO_SPLIT
        assert pool._pool is None
    with parallel.TransformPool(1, rules) as pool:
        assert pool._workers() is None


@pytest.mark.parametrize("processes", [0, -3])
def test_fewer_than_one_process_means_this_one(rules, processes):
    assert parallel.TransformPool(processes, rules).processes == 1


def test_an_ingest_with_split_batches_builds_the_same_warehouse(prefect_harness, tmp_path, monkeypatch):
    from flows.ingest import ingest_flow
    from tests.test_batches import _corpus_with_cross_batch_copies, assert_same_warehouse

    corpus = _corpus_with_cross_batch_copies(tmp_path, articles=40)
    one = ingest_flow(input_dir=corpus, db_path=tmp_path / "one.duckdb", batch_size=15, transform_processes=1)
    monkeypatch.setattr(parallel, "MIN_ARTICLES_TO_SPLIT", 2)
    split = ingest_flow(input_dir=corpus, db_path=tmp_path / "split.duckdb", batch_size=15, transform_processes=2)
    assert split["rows_written"]["fct_finding"] == one["rows_written"]["fct_finding"] > 0
    assert_same_warehouse(tmp_path / "one.duckdb", tmp_path / "split.duckdb")
