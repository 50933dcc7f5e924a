"""One batch's transform on several processes, each taking a share of its articles.

Extraction is per article (every frame of ``Extracted`` is keyed by article and no rule looks across
articles: see ``Extracted.only``), so a batch split by article, each part transformed on its own and
the parts' frames concatenated, holds the same rows as the batch transformed whole. The rows' order
differs; nothing downstream reads it (tests/test_parallel_transform.py and the warehouse fingerprints
in the README check both). Extraction is Python and small polars passes holding the GIL for most of
its time, so threads would not help: the parts run in worker processes, one part on this process.

The workers start once per pool (a spawned process imports polars and the rules: about 2 s) and only
when a batch is large enough to be worth splitting, so that small runs (and the test suite) never pay
for them.
"""

from __future__ import annotations

import multiprocessing
import sys
import time
import types
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from dataclasses import fields
from typing import Callable

import polars as pl

from transforms.pipeline import Extracted, transform_batch
from transforms.rules import Rules

# Below this many articles a batch is transformed here, whole: sending a part to a worker and its
# frames back costs tens of ms, starting the workers about 2 s.
MIN_ARTICLES_TO_SPLIT = 200

_WORKER_RULES: Rules | None = None


def _start_worker(rules: Rules) -> None:
    global _WORKER_RULES
    _WORKER_RULES = rules


def _transform_part(docs: pl.DataFrame) -> tuple[Extracted, dict[str, float]]:
    assert _WORKER_RULES is not None, "worker started without rules"
    return transform_batch(docs, _WORKER_RULES)


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a server process that has imported this module (so each starts at once),
    not from this one: polars' threads, once started here, do not survive a fork. Where there is no
    forkserver (Windows), spawn."""
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([__name__])
    return context


@contextmanager
def _callers_main_hidden():
    """A worker started by spawn or forkserver first imports the caller's main script (as
    ``__mp_main__``): a script that calls the flow without an ``if __name__ == "__main__"`` guard
    would run its whole ingest again in every worker. The workers need nothing of it (what they run
    is in this module), so while they start, ``__main__`` is a stand-in with no file to import."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def split_by_text(docs: pl.DataFrame, parts: int) -> list[pl.DataFrame]:
    """``docs`` in at most ``parts`` runs of whole articles, of about equal text (extraction time
    follows the text, not the count); an article is never split. Empty runs are left out."""
    if parts <= 1 or docs.height <= 1:
        return [docs]
    size = docs["text"].str.len_bytes().fill_null(0).cast(pl.Int64)
    share = (size.cum_sum() - size) * parts // max(int(size.sum()), 1)
    out = []
    for i in range(parts):
        part = docs.filter(share == i)
        if part.height:
            out.append(part)
    return out


def concat_extracted(parts: list[Extracted]) -> Extracted:
    if len(parts) == 1:
        return parts[0]
    return Extracted(**{f.name: pl.concat([getattr(p, f.name) for p in parts], how="vertical_relaxed") for f in fields(Extracted)})


class TransformPool:
    """``processes`` - 1 worker processes and this one: ``transform`` splits a batch among them.

    With one process, or a batch under MIN_ARTICLES_TO_SPLIT, the batch is transformed here as
    transforms.pipeline.transform_batch does. If a worker dies (killed for memory, say), the pool is
    shut down, ``warn`` says so once, and this and every later batch run here, whole: the run goes on
    slower, never with a part missing."""

    def __init__(self, processes: int, rules: Rules, warn: Callable[[str], None] = print):
        self.processes = max(1, processes)
        self.rules = rules
        self.warn = warn
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False

    def __enter__(self) -> "TransformPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def _workers(self) -> ProcessPoolExecutor | None:
        if self.processes == 1 or self._broken:
            return None
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.processes - 1, mp_context=_worker_context(),
                                             initializer=_start_worker, initargs=(self.rules,))
        return self._pool

    def transform(self, docs: pl.DataFrame) -> tuple[Extracted, dict[str, float]]:
        """clean -> segment -> extract of ``docs``, and the wall seconds of each stage: a stage's
        seconds are the longest any part spent in it (the parts run at once), and the time spent
        sending parts and their frames between processes is counted in extract, so the stages add up
        to the wall time of the whole call."""
        pool = self._workers() if docs.height >= MIN_ARTICLES_TO_SPLIT else None
        if pool is None:
            return transform_batch(docs, self.rules)
        started = time.perf_counter()
        parts = split_by_text(docs, self.processes)
        try:
            with _callers_main_hidden():  # submit starts the workers the first time
                sent = [pool.submit(_transform_part, part) for part in parts[1:]]
            results = [transform_batch(parts[0], self.rules)] + [f.result() for f in sent]
        except BrokenProcessPool as err:
            self._broken = True
            self.close()
            self.warn(f"a transform worker process died ({err}); this run's batches now transform on one process")
            return transform_batch(docs, self.rules)
        wall = time.perf_counter() - started
        seconds = {stage: max(s.get(stage, 0.0) for _, s in results) for stage in results[0][1]}
        seconds["extract"] = seconds.get("extract", 0.0) + max(0.0, wall - sum(seconds.values()))
        return concat_extracted([e for e, _ in results]), seconds
