"""How an ingest walks its batches: one after the other, or with a Dask cluster extracting batches
ahead while earlier ones load.

Memory follows the batch size, not the corpus. With a Dask runner, a batch is read, planned and sent
for extraction while earlier batches are still extracting or loading, as many ahead as the cluster
has workers (plus one, so that none waits); each batch is then finished (planned again, loaded) in
order, on the flow's process, the warehouse's single writer.
"""

from __future__ import annotations

import logging
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Optional, TypeVar

import polars as pl

from transforms.pipeline import Extracted

Started = TypeVar("Started")


@dataclass
class Batch:
    """A batch read and planned on the flow's process, its extraction under way (``future``) or done."""

    decoded: pl.DataFrame
    planned: pl.DataFrame
    previous: pl.DataFrame
    extracting: pl.DataFrame
    # Every file as it was at the run's start: planned from the run's first listing, never planned again.
    is_unchanged: bool
    future: Any = None
    result: tuple[Extracted, dict[str, float]] | None = None

    def extraction(self) -> tuple[Extracted, dict[str, float]]:
        """The transform's result and the seconds it spent per stage, waiting for a worker if need be."""
        return self.result if self.future is None else self.future.result()


def slices(paths: pl.Series, batch_size: int) -> Iterator[pl.Series]:
    """The listing in batches of ``batch_size`` paths; an empty listing is one empty batch (the first
    batch loads the reference tables)."""
    for first in range(0, max(len(paths), 1), batch_size):
        yield paths[first : first + batch_size]


def pipelined(items: Iterator, start: Callable[[Any], Started], finish: Callable[[Started], None], ahead: int) -> None:
    """start(item) for each item in turn, and finish() each started item in the same order, keeping up
    to ``ahead`` items started and not yet finished (0: each is finished before the next starts)."""
    pending: deque = deque()
    for item in items:
        pending.append(start(item))
        while len(pending) > ahead:
            finish(pending.popleft())
    while pending:
        finish(pending.popleft())


@contextmanager
def task_runner(runner: str, dask_address: Optional[str], dask_workers: int):
    """None for the sequential runner (each transform runs in turn on this process), else a started
    DaskTaskRunner."""
    if runner == "sequential":
        yield None
        return
    from prefect_dask import DaskTaskRunner

    if dask_address:
        pool = DaskTaskRunner(address=dask_address)
    else:
        # Processes, one thread each: the extraction holds the GIL in its Python steps.
        pool = DaskTaskRunner(cluster_kwargs={"n_workers": dask_workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None, "silence_logs": logging.WARNING})
    with pool:
        yield pool


def batches_ahead(pool: Any) -> int:
    """How many batches to have extracting while one loads: one per worker thread, plus one."""
    return 0 if pool is None else max(1, sum(pool.client.nthreads().values())) + 1
