"""The Dask runner: the same warehouse as the sequential runner, with the load kept on the flow's process."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from benchmarks.make_corpus import write_corpus
from flows.ingest import ingest_flow
from tests.helpers import SEED_ARTICLES
from tests.helpers import warehouse_tables

# What differs between any two runs by design: run ids, clocks, timings.
VOLATILE = frozenset({"run_id", "flow_run_id", "read_at", "rejected_at", "started_at", "finished_at", "stage_seconds", "applied_at"})


def assert_same_warehouse(a: Path, b: Path) -> None:
    ta, tb = warehouse_tables(a, VOLATILE), warehouse_tables(b, VOLATILE)
    assert ta.keys() == tb.keys()
    for name in ta:
        assert ta[name].equals(tb[name]), f"{name} differs: {ta[name].height} rows vs {tb[name].height}"


def _corpus_with_cross_batch_copies(tmp_path: Path, articles: int) -> Path:
    """A generated corpus plus the sample, and copies of files under names that sort one batch later:
    a run that plans batches ahead, before the originals are loaded, must still record them as duplicates."""
    corpus = tmp_path / "corpus"
    write_corpus(articles, corpus, seed=11)
    for p in sorted(SEED_ARTICLES.glob("*.txt")):
        shutil.copy(p, corpus / p.name)
    for i, p in enumerate(sorted(corpus.rglob("*.txt"))[-20:-17]):
        shutil.copy(p, corpus / f"zz-copy-{i}.txt")
    return corpus


@pytest.fixture(scope="module")
def cluster():
    """One Dask cluster of one single-threaded worker, for the tests that give the runner a cluster's
    address: its worker starts (and imports the project) once, not once a test (10-20 s each)."""
    from distributed import LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as started:
        yield started


@pytest.mark.parametrize("batch_size", [15])
def test_a_local_dask_cluster_builds_the_same_warehouse_as_the_sequential_runner(prefect_harness, tmp_path, batch_size):
    # 40 generated articles, the sample and 3 copies: 48 files, 4 batches of at most 15 (the copies in the
    # last, their originals in the second), so the copies are planned while their originals are not yet
    # loaded (3 batches ahead with 2 workers), as with 60; fewer articles only shorten the extraction.
    corpus = _corpus_with_cross_batch_copies(tmp_path, articles=40)
    seq = ingest_flow(input_dir=corpus, db_path=tmp_path / "seq.duckdb", batch_size=batch_size)
    dask = ingest_flow(input_dir=corpus, db_path=tmp_path / "dask.duckdb", batch_size=batch_size, runner="dask", dask_workers=2)

    assert seq["batches"] == dask["batches"] >= 4
    assert dask["runner"] == "dask" and seq["runner"] == "sequential"
    assert dask["files_duplicate"] == seq["files_duplicate"] >= 3
    assert dask["rows_written"]["fct_finding"] == seq["rows_written"]["fct_finding"] > 0
    assert_same_warehouse(tmp_path / "seq.duckdb", tmp_path / "dask.duckdb")

    again = ingest_flow(input_dir=corpus, db_path=tmp_path / "dask.duckdb", batch_size=batch_size, runner="dask", dask_workers=2)
    assert again["articles_extracted"] == 0 and again["files_unchanged"] == again["files_seen"]


def test_an_existing_dask_cluster_given_by_address_builds_the_same_warehouse_from_the_seeds(prefect_harness, tmp_path, cluster):
    ingest_flow(input_dir=SEED_ARTICLES, db_path=tmp_path / "seq.duckdb", batch_size=2)
    summary = ingest_flow(input_dir=SEED_ARTICLES, db_path=tmp_path / "dask.duckdb", batch_size=2, runner="dask",
                          dask_address=cluster.scheduler_address)
    assert summary["articles_extracted"] == 5 and summary["batches"] == 3
    assert_same_warehouse(tmp_path / "seq.duckdb", tmp_path / "dask.duckdb")


def test_an_article_retired_by_an_earlier_batch_is_extracted_for_its_copy_planned_ahead(prefect_harness, tmp_path, monkeypatch, cluster):
    """A file edited in place while a new file takes its old text: the edit's batch retires the old
    article, the new file's batch, planned ahead when the article was still stored, planned it as a copy.
    Planned again, it wants the article extracted: the batch is extracted again on the flow's process,
    and the warehouse ends as a sequential run leaves it. The module's cluster of one single-threaded
    worker, given by address, plans as far ahead (2 batches) as `dask_workers=1` would with a cluster of its own."""
    from flows import ingest_tasks

    old, edited = "Ofsted visited Surrey council in May.\n\nInspectors found drift.\n", "Ofsted praised Kent council's leaders.\n"
    corpus = tmp_path / "inbox"
    corpus.mkdir()
    (corpus / "a.txt").write_text(old, encoding="utf-8")
    (corpus / "b.txt").write_text("Ofsted found Bromley council's services good.\n", encoding="utf-8")
    seq, dask = tmp_path / "seq.duckdb", tmp_path / "dask.duckdb"
    ingest_flow(input_dir=corpus, db_path=seq, batch_size=1)
    ingest_flow(input_dir=corpus, db_path=dask, batch_size=1, runner="dask", dask_address=cluster.scheduler_address)
    (corpus / "a.txt").write_text(edited, encoding="utf-8")
    (corpus / "c.txt").write_text(old, encoding="utf-8")

    summaries = [ingest_flow(input_dir=corpus, db_path=seq, batch_size=1)]
    extracted_here = []
    transform_batch = ingest_tasks.transform_batch
    monkeypatch.setattr(ingest_tasks, "transform_batch",
                        lambda docs, rules: (extracted_here.append(docs.height) if docs.height else None) or transform_batch(docs, rules))
    summaries.append(ingest_flow(input_dir=corpus, db_path=dask, batch_size=1, runner="dask", dask_address=cluster.scheduler_address))
    # a.txt was extracted on the worker; c.txt, sent off as a copy with nothing to extract, is extracted here.
    assert extracted_here == [1]
    for summary in summaries:
        assert (summary["files_changed"], summary["files_new"], summary["files_duplicate"], summary["articles_extracted"]) == (1, 1, 0, 2)
    assert_same_warehouse(tmp_path / "seq.duckdb", tmp_path / "dask.duckdb")


def test_an_unknown_runner_is_refused_before_anything_is_written(prefect_harness, tmp_path):
    # One validation of every setting (flows/settings.py) names the parameter and what it may be.
    with pytest.raises(ValueError, match="runner: Input should be 'sequential' or 'dask'"):
        ingest_flow(input_dir=SEED_ARTICLES, db_path=tmp_path / "w.duckdb", runner="spark")
    assert not (tmp_path / "w.duckdb").exists()
