"""One batch's transform on several processes, each taking a share of its articles.

Extraction is per article (every frame of ``Extracted`` is keyed by article and no rule looks across
articles: see ``Extracted.only``), so a batch split by article, each part transformed on its own and
the parts' frames concatenated, holds the same rows as the batch transformed whole. The rows' order
differs; nothing downstream reads it (tests/test_parallel_transform.py and the warehouse fingerprints
in the README check both). Extraction is Python and small polars passes holding the GIL for most of
its time, so threads would not help: the parts run in worker processes, one part on this process.

The workers start once per pool (forked from a server process that has imported polars and this
module) and only when a batch is large enough to be worth splitting, so that small runs (and the test
suite) never pay for them.
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


def split_by_text(docs: pl.DataFrame, shares: int | list[float]) -> list[pl.DataFrame]:
    """``docs`` in runs of whole articles holding about the given ``shares`` of its text (an int n:
    n equal shares), in order: extraction time follows the text, not the count, and an article is
    never split. Empty runs are left out."""
    if isinstance(shares, int):
        shares = [1.0] * max(shares, 1)
    if len(shares) <= 1 or docs.height <= 1:
        return [docs]
    size = docs["text"].str.len_bytes().fill_null(0).cast(pl.Int64)
    total, begins = int(size.sum()), (size.cum_sum() - size)
    # A run ends where the text before an article reaches its share; integer bounds, so equal
    # shares cut the same way on every machine.
    whole = sum(shares)
    bounds, held = [], 0.0
    for share in shares[:-1]:
        held += share
        bounds.append(round(total * held / whole))
    index = sum((begins >= b).cast(pl.Int32) for b in bounds)
    return [p for p in (docs.filter(index == i) for i in range(len(shares))) if p.height]


def concat_extracted(parts: list[Extracted]) -> Extracted:
    if len(parts) == 1:
        return parts[0]
    return Extracted(**{f.name: pl.concat([getattr(p, f.name) for p in parts], how="vertical_relaxed") for f in fields(Extracted)})


class TransformPool:
    """``processes`` - 1 worker processes and this one, sharing each batch's transform.

    ``start`` sends the workers their shares and returns at once; ``SplitTransform.result`` does
    this process's share and collects theirs. Between the two the flow finishes the batch before
    (validation and load), so the workers are busy while it does. The shares follow what the last
    batch showed: the workers get more of the text while this process has other work to do, so that
    all finish about together (the rows are the same whatever the shares). With one process, or a
    batch under MIN_ARTICLES_TO_SPLIT, the batch is transformed here as
    transforms.pipeline.transform_batch does. If a worker dies (killed for memory, say), the pool is
    shut down, ``warn`` says so once, and that batch and every later one run here, whole: the run
    goes on slower, never with a part missing."""

    def __init__(self, processes: int, rules: Rules, warn: Callable[[str], None] = print):
        self.processes = max(1, processes)
        self.rules = rules
        self.warn = warn
        self._pool: ProcessPoolExecutor | None = None
        self._broken = False
        # The workers' share of a batch's text, all together; equal shares to begin with.
        self.worker_share = (self.processes - 1) / self.processes

    def __enter__(self) -> "TransformPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def may_split(self, articles: int) -> bool:
        """Whether a batch of this many articles would be split among processes."""
        return self.processes > 1 and not self._broken and articles >= MIN_ARTICLES_TO_SPLIT

    def _workers(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.processes - 1, mp_context=_worker_context(),
                                             initializer=_start_worker, initargs=(self.rules,))
        return self._pool

    def start(self, docs: pl.DataFrame) -> "SplitTransform":
        if not self.may_split(docs.height):
            return SplitTransform(self, docs, docs, [], 0.0)
        workers = self.processes - 1
        shares = [1.0 - self.worker_share] + [self.worker_share / workers] * workers
        parts = split_by_text(docs, shares)
        here, sent = (parts[0], parts[1:]) if len(parts) == len(shares) else (docs.clear(), parts)
        try:
            with _callers_main_hidden():  # submit starts the workers the first time
                futures = [self._workers().submit(_transform_part, part) for part in sent]
        except BrokenProcessPool as err:
            self._give_up(err)
            return SplitTransform(self, docs, docs, [], 0.0)
        return SplitTransform(self, docs, here, futures, self.worker_share)

    def transform(self, docs: pl.DataFrame) -> tuple[Extracted, dict[str, float]]:
        """clean -> segment -> extract of ``docs`` now (see SplitTransform.result for the seconds)."""
        return self.start(docs).result()

    def _give_up(self, err: BaseException) -> None:
        self._broken = True
        self.close()
        self.warn(f"a transform worker process died ({err}); this run's batches now transform on one process")

    def _learn(self, elsewhere: float, here: float, slowest_worker: float, share_sent: float) -> None:
        """The workers' next share: all should finish together, this process's share (the rest of
        ``share_sent``, taking ``here`` seconds) coming after ``elsewhere`` seconds of other work.
        Each side's seconds for a whole batch are estimated from its share of this one; half the step
        is taken, so one odd batch does not swing it."""
        share_here = 1.0 - share_sent
        if share_here <= 0 or share_sent <= 0 or here <= 0 or slowest_worker <= 0:
            return
        workers = self.processes - 1
        whole_here, whole_worker = here / share_here, slowest_worker / (share_sent / workers)
        balanced = (elsewhere + whole_here) / (whole_worker / workers + whole_here)
        low = workers / self.processes
        self.worker_share = min(0.95, max(low, (self.worker_share + balanced) / 2))


class SplitTransform:
    """A batch's transform under way: the workers' shares sent (``futures``), this process's share
    (``here``) still to do."""

    def __init__(self, pool: TransformPool, docs: pl.DataFrame, here: pl.DataFrame, futures: list, worker_share: float):
        self.pool, self.docs, self.here, self.futures, self.worker_share = pool, docs, here, futures, worker_share
        self.sent_at = time.perf_counter()

    def result(self) -> tuple[Extracted, dict[str, float]]:
        """The batch's frames, and the seconds this process spent per stage: its own share's, plus
        the time it then waited for the workers, counted in extract. The workers' shares, done while
        this process was busy elsewhere, are in no stage: the stages add up to the flow's own time."""
        rules = self.pool.rules
        if self.docs.is_empty():  # nothing to extract (every file rejected or a copy): no stage's set-up to pay for
            return Extracted.none(), {}
        if not self.futures:
            return transform_batch(self.docs, rules)
        begun = time.perf_counter()
        results = [transform_batch(self.here, rules)] if self.here.height else []
        own = time.perf_counter() - begun
        try:
            sent = [f.result() for f in self.futures]
        except BrokenProcessPool as err:
            self.pool._give_up(err)
            return transform_batch(self.docs, rules)
        waited = time.perf_counter() - begun - own
        self.pool._learn(begun - self.sent_at, own, max(sum(s.values()) for _, s in sent), self.worker_share)
        seconds = dict(results[0][1]) if results else {"clean": 0.0, "segment": 0.0, "extract": 0.0}
        seconds["extract"] = seconds.get("extract", 0.0) + waited
        return concat_extracted([e for e, _ in results + sent]), seconds
