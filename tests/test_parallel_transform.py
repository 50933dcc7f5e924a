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
    assert [p["article_key"].to_list() for p in parallel.split_by_text(docs, [0.3, 0.7])] == [["a"], list("bcdefg")]
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


def test_small_batches_and_one_process_start_no_worker(rules, monkeypatch):
    docs = _docs()
    with parallel.TransformPool(4, rules) as pool:
        assert not pool.may_split(docs.height)  # under MIN_ARTICLES_TO_SPLIT
        pool.transform(docs)
        assert pool._pool is None
    monkeypatch.setattr(parallel, "MIN_ARTICLES_TO_SPLIT", 2)
    with parallel.TransformPool(1, rules) as pool:
        assert not pool.may_split(docs.height)
        pool.transform(docs)
        assert pool._pool is None


def test_shares_sent_ahead_and_finished_later_give_the_same_rows_whatever_the_shares(rules, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_ARTICLES_TO_SPLIT", 2)
    docs = _docs()
    whole, _ = transform_batch(docs, rules)
    with parallel.TransformPool(2, rules) as pool:
        for share in (0.8, 0.95):
            pool.worker_share = share
            under_way = pool.start(docs)
            assert len(under_way.futures) == 1 and under_way.here.height < docs.height / 2
            split, seconds = under_way.result()
            assert _same(whole, split) == [] and seconds["extract"] >= 0


def test_the_workers_share_grows_while_this_process_has_other_work():
    pool = parallel.TransformPool(2, None)
    assert pool.worker_share == 0.5
    # Each side takes 4 s for a whole batch; this process had 2 s of other work first: the balance
    # is 0.75 (0.75 x 4 = 2 + 0.25 x 4), and half the step is taken.
    pool._learn(elsewhere=2.0, here=2.0, slowest_worker=2.0, share_sent=0.5)
    assert pool.worker_share == pytest.approx(0.625)
    # Nothing else to do and equal speeds: back towards equal shares, never below them.
    for _ in range(20):
        pool._learn(elsewhere=0.0, here=2.0, slowest_worker=2.0, share_sent=0.5)
    assert pool.worker_share == pytest.approx(0.5, abs=1e-4)
    pool._learn(elsewhere=0.0, here=1.0, slowest_worker=3.0, share_sent=0.5)
    assert pool.worker_share == 0.5


@pytest.mark.parametrize("processes", [0, -3])
def test_fewer_than_one_process_means_this_one(rules, processes):
    assert parallel.TransformPool(processes, rules).processes == 1


def test_an_ingest_with_split_batches_builds_the_same_warehouse(prefect_harness, tmp_path, monkeypatch):
    from flows.ingest import ingest_flow
    from tests.test_batches import _corpus_with_cross_batch_copies, assert_same_warehouse

    corpus = _corpus_with_cross_batch_copies(tmp_path, articles=40)
    one = ingest_flow(input_dir=corpus, db_path=tmp_path / "one.duckdb", batch_size=15, transform_processes=1)
    monkeypatch.setattr(parallel, "MIN_ARTICLES_TO_SPLIT", 2)
    shares_sent = []
    finish = parallel.SplitTransform.result
    monkeypatch.setattr(parallel.SplitTransform, "result", lambda self: (shares_sent.append(len(self.futures)), finish(self))[1])
    split = ingest_flow(input_dir=corpus, db_path=tmp_path / "split.duckdb", batch_size=15, transform_processes=2)
    # every batch planned ahead, and all but the last (a file or two) split
    assert len(shares_sent) == split["batches"] >= 4 and sum(shares_sent) >= split["batches"] - 1
    assert split["rows_written"]["fct_finding"] == one["rows_written"]["fct_finding"] > 0
    assert split["files_duplicate"] == one["files_duplicate"] >= 3
    assert_same_warehouse(tmp_path / "one.duckdb", tmp_path / "split.duckdb")
