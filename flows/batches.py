"""How an ingest walks its batches: one after the other, or with a Dask cluster extracting batches
ahead while earlier ones load.

The batches' memory follows the batch size, not the corpus (so does the visit-event rebuild at the
run's end, a slice of authorities at a time: warehouse/events.py). With a Dask runner, a batch is
read, planned and sent for extraction while earlier batches are still extracting or loading, as many
ahead as the cluster has workers (plus one, so that none waits); each batch is then finished
(planned again, loaded) in order, on the flow's process, the warehouse's single writer.
"""

from __future__ import annotations

import logging
import re
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


def slices(paths: pl.Series, batch_size: int, sizes: list[int] | None = None, max_bytes: int | None = None) -> Iterator[pl.Series]:
    """The listing in batches of at most ``batch_size`` paths and, given each file's size (``sizes``), at
    most ``max_bytes`` of files (a larger file is a batch of its own): what one batch's load holds in
    DuckDB follows its bytes, not its count. An empty listing is one empty batch (the first batch loads
    the reference tables)."""
    if sizes is None or max_bytes is None:
        for first in range(0, max(len(paths), 1), batch_size):
            yield paths[first : first + batch_size]
        return
    first, held = 0, 0
    for i, size in enumerate(sizes):
        if i > first and (i - first >= batch_size or held + size > max_bytes):
            yield paths[first:i]
            first, held = i, 0
        held += size
    yield paths[first:]


# DuckDB's units: KB, MB, GB, TB are powers of 1000, KiB, MiB, GiB, TiB of 1024.
_UNITS = {"b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12, "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
# A batch's files take several times their bytes in DuckDB while they load (raw text, cleaned text and
# sentences, each in the transaction and then in its checkpoint): a batch gets this share of the limit.
BATCH_SHARE_OF_MEMORY = 8


def batch_bytes(memory_limit: str) -> int | None:
    """The bytes of files one batch may hold under DuckDB's ``memory_limit`` ("256MB"); None when the
    limit is not a size (a percentage of RAM), and batches are then sized by count alone."""
    match = re.fullmatch(r"\s*([0-9.]+)\s*([a-zA-Z]*)\s*", memory_limit)
    unit = _UNITS.get((match.group(2) or "b").lower()) if match else None
    if unit is None:
        return None
    return max(1, int(float(match.group(1)) * unit) // BATCH_SHARE_OF_MEMORY)


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


def batches_ahead(pool: Any, may_split: bool = False) -> int:
    """How many batches to have extracting while one loads: with a Dask cluster, one per worker
    thread, plus one; with the sequential runner, one when its batches are split among processes
    (transforms/parallel.py: the workers extract the next batch while this process loads), else none."""
    if pool is None:
        return 1 if may_split else 0
    return max(1, sum(pool.client.nthreads().values())) + 1
