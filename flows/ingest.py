"""The ingest flow: raw files -> cleaned, segmented text -> facts -> validated tables -> DuckDB.

Reads like a table of contents: each task is a thin wrapper around a pure function in transforms/.
Articles are handled in batches (one task run per stage, not per article): a task run costs ~10 ms.
"""


import json
import logging
import os
import time
import traceback
import uuid
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context

from flows import input_files, outcome, settings
from flows.progress import Progress
from schemas.validate import validate_table
from flows.inbox import read_sidecars
from transforms import incremental, limits as work_limits, marts
from transforms.decode import sha256_hex
from transforms.documents import decode_documents, extraction_docs
from transforms.pipeline import Extracted, transform_batch
from transforms.rules import Rules, load_rules
from warehouse import loader, session
from warehouse.events import rebuild_visit_events

TASK = dict(cache_policy=NO_CACHE)
IO_TASK = dict(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)


@task(**IO_TASK)
def read_rules(seeds_dir: Path) -> Rules:
    return load_rules(seeds_dir)


@task(**IO_TASK)
def list_files(input_dir: Path, file_glob: str) -> pl.Series:
    """Every file to ingest, sorted, as paths under the (already resolved) input folder.

    A Series rather than a list of Paths: Prefect walks a list parameter item by item looking for
    futures (3.6 s a run at 100,000 files). Paths are not resolved one by one either (realpath costs
    an lstat per folder level: 10 s at 100,000 files); a linked file is recorded under its link's path.
    """
    check_input_dir(input_dir)
    # Links and special files are listed too: reading them records why they are not loaded. file_glob
    # may name several patterns, comma-separated ("*.txt,*.html,*.pdf").
    found = {p for g in file_glob.split(",") for p in input_files.list_input_files(input_dir, g.strip())}
    return pl.Series("path", sorted(found), dtype=pl.String)


def check_input_dir(input_dir: Path) -> None:
    if not input_dir.exists():
        raise session.OperationError(f"the input folder {input_dir} does not exist; check --input")
    if not input_dir.is_dir():
        raise session.OperationError(f"{input_dir} is a file, not a folder: --input takes the folder holding the articles")


@task(**IO_TASK)
def read_files(paths: pl.Series, known: pl.DataFrame, max_file_bytes: int, progress: Progress, input_dir: Path | None = None) -> pl.DataFrame:
    """The files as bytes with their hashes; files over the size limit are hashed and recorded, not loaded.
    A file whose stat signature is the one recorded when it was last read (and settled then) is not read
    again: its recorded hash stands (``known``: the run's starting raw_file rows for these paths).
    A file that vanished or cannot be read since it was listed is recorded with the reason; so are links
    out of ``input_dir``, dangling links and anything that is not a regular file, never opened (see
    input_files). A file over the size limit is never read either: its size and stat signature are
    recorded, and while they stay the same its rejection stands unread."""
    trusted = incremental.trusted_hashes(known)
    rows = []
    for path in paths:
        read_at = datetime.now(timezone.utc).replace(tzinfo=None)
        row = {"path": path, "source_file": os.path.basename(path), "size_bytes": 0, "read_at": read_at,
               "content": None, "content_sha256": None, "read_error": None, "stat_signature": None}
        try:
            real_path = input_files.os_path(path)
            st, problem = input_files.check_entry(real_path, input_dir) if input_dir is not None else (os.stat(real_path), None)
            size = row["size_bytes"] = st.st_size if problem is None else 0
            row["stat_signature"] = signature = incremental.stat_signature(st)
            too_big = f"file is {size:,} bytes, above the size limit of {max_file_bytes:,} bytes (max_file_bytes): not read"
            if problem is not None:
                row["read_error"] = problem
            elif path in trusted and trusted[path][0] == signature:
                row["content_sha256"] = trusted[path][1]
            elif size > max_file_bytes:
                row["read_error"] = too_big
            else:
                data = input_files.read_regular(real_path, max_file_bytes)
                if data is None:
                    row["read_error"] = too_big
                else:
                    row["content"], row["content_sha256"] = data, sha256_hex(data)
        except OSError as err:
            row["read_error"] = f"could not read the file: {err}"
        progress.advance(1, row["size_bytes"])
        rows.append(row)
    schema = {"path": pl.String, "source_file": pl.String, "size_bytes": pl.Int64, "read_at": pl.Datetime("us"),
              "content": pl.Binary, "content_sha256": pl.String, "read_error": pl.String, "stat_signature": pl.String}
    return pl.DataFrame(rows, schema=schema)


@task(**IO_TASK)
def read_known_files(work_path: Path, memory_limit: str) -> pl.DataFrame:
    """Every raw_file row at the start of the run, and whether its article is stored (``is_stored``):
    what the run compares its listing with for missing files, and plans unchanged batches with."""
    con = loader.connect(work_path, memory_limit=memory_limit)
    try:
        loader.apply_ddl(con)
        return con.sql(
            "SELECT f.*, coalesce(f.article_key IN (SELECT article_key FROM dim_article), false) AS is_stored FROM raw.raw_file f"
        ).pl()
    finally:
        con.close()


@task(**IO_TASK)
def read_batch_state(work_path: Path, files: pl.DataFrame, memory_limit: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """What one batch needs from the working copy, and no more: the raw_file rows of its paths and of
    every file sharing an article with them, and which of its candidate articles are stored already."""
    batch = files.select("path", incremental.article_key_expr().alias("article_key"))
    con = loader.connect(work_path, memory_limit=memory_limit)
    try:
        con.register("batch_files", batch)
        previous = con.sql(
            """
            SELECT * FROM raw.raw_file
            WHERE path IN (SELECT path FROM batch_files)
               OR article_key IN (SELECT article_key FROM raw.raw_file WHERE path IN (SELECT path FROM batch_files))
            """
        ).pl()
        stored = con.sql("SELECT article_key FROM dim_article WHERE article_key IN (SELECT article_key FROM batch_files)").pl()
        con.unregister("batch_files")
    finally:
        con.close()
    return previous, stored


@task(**TASK)
def decode_and_plan(files: pl.DataFrame, previous: pl.DataFrame, stored: pl.DataFrame,
                    limits: work_limits.WorkLimits | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The files as text (kept for a second plan) and what to do with each; an article over the work
    caps is rejected here, before any extraction, so that an unchanged rerun finds the same rejection."""
    decoded = _decode(files, previous)
    if limits is not None:
        decoded = work_limits.reject_over_limits(decoded, limits)
    return decoded, plan.fn(decoded, previous, stored)


def _decode(files: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """The files as text; a file with the hash it had last time, still loaded, costs no decoding."""
    prev = previous.select("path", pl.col("content_sha256").alias("_prev_sha"), pl.col("status").alias("_prev_status"),
                           pl.col("encoding").alias("_prev_encoding"), pl.col("is_encoding_fallback").alias("_prev_fallback"))
    joined = files.join(prev, on="path", how="left", maintain_order="left").with_columns(
        ((pl.col("_prev_sha") == pl.col("content_sha256")) & pl.col("_prev_status").is_in(incremental.LIVE_STATUSES + ["missing"]))
        .fill_null(False).alias("_same")
    )
    # An unchanged file keeps the encoding it was decoded with: its row may be written again (back from
    # missing, or a new stat signature).
    unchanged = joined.filter("_same").drop("content").with_columns(
        pl.lit(None, dtype=pl.String).alias("text"), pl.col("_prev_encoding").alias("encoding"),
        pl.lit(None, dtype=pl.String).alias("reject_reason"), pl.col("_prev_fallback").fill_null(False).alias("is_encoding_fallback"),
    )
    changed = joined.filter(~pl.col("_same")).drop("_prev_sha", "_prev_status", "_prev_encoding", "_prev_fallback", "_same")
    decoded = decode_documents(changed.with_columns(pl.col("content").fill_null(b"")), read_sidecars(changed["path"])).drop("content")
    decoded = decoded.with_columns(
        pl.coalesce("read_error", "reject_reason").alias("reject_reason"),
        pl.when(pl.col("read_error").is_not_null()).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("encoding")).alias("encoding"),
    )
    return pl.concat([decoded, unchanged.select([c for c in decoded.columns if c in unchanged.columns])], how="diagonal_relaxed")


@task(**TASK)
def plan(decoded: pl.DataFrame, previous: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    return incremental.plan_files(decoded, previous.select(incremental.PREVIOUS_SCHEMA.keys()), stored)


@task(**TASK)
def transform(docs: pl.DataFrame, rules: Rules) -> tuple[Extracted, dict[str, float]]:
    """clean, segment and extract one batch: the only task a distributed runner takes off the flow's process."""
    return transform_batch(docs, rules)


@task(**TASK)
def validate(tables: dict[str, pl.DataFrame], source_files: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    valid, rejects = {}, []
    for name, frame in tables.items():
        valid[name], bad = validate_table(name, frame, source_files)
        rejects.append(bad)
    return valid, pl.concat(rejects)


@task(**TASK)
def load_warehouse(work_path: Path, batch: loader.LoadBatch, memory_limit: str) -> tuple[dict[str, int], dict[str, int], int]:
    """Rows written per table, rows held per table, and articles whose rows the batch deleted."""
    # The DDL was applied once, when the run read the known files (0.14 s a time, per batch it added up).
    con = loader.connect(work_path, memory_limit=memory_limit)
    try:
        written = loader.load(con, batch)
        return written, loader.table_counts(con), batch.articles_released
    finally:
        con.close()


@task(**TASK)
def build_visit_events(work_path: Path, run_id: str, memory_limit: str) -> dict[str, int]:
    """Visit events over the whole working copy, after every batch is in and before it is published."""
    con = loader.connect(work_path, memory_limit=memory_limit)
    try:
        return rebuild_visit_events(con, run_id)
    finally:
        con.close()


@task(**TASK)
def begin_run(db_path: Path, lock_wait_seconds: float, memory_limit: str) -> Path:
    # No retries: a copy that failed (disk full) fails again, and its partial file is already removed.
    return session.begin(db_path, lock_wait_seconds, get_run_logger().warning, memory_limit=memory_limit)


@task(**TASK)
def publish_warehouse(db_path: Path, work_path: Path, articles_released: int, memory_limit: str) -> None:
    session.publish(db_path, work_path, articles_released, memory_limit=memory_limit)


def _raw_file_rows(planned: pl.DataFrame, run_id: str) -> pl.DataFrame:
    return incremental.files_to_record(planned).select(
        "path",
        "source_file",
        "content_sha256",
        "size_bytes",
        "encoding",
        pl.col("is_encoding_fallback").fill_null(False),
        "read_at",
        "status",
        "reject_reason",
        "article_key",
        pl.lit(run_id).alias("run_id"),
        "stat_signature",
    )


@flow(name="ofsted-watch-ingest", log_prints=False)
def ingest_flow(
    input_dir: Path = settings.DEFAULTS.articles_dir,
    db_path: Path = settings.DEFAULTS.db_path,
    seeds_dir: Path = settings.DEFAULTS.seeds_dir,
    max_file_bytes: int = settings.DEFAULTS.max_file_bytes,
    file_glob: str = settings.DEFAULTS.file_glob,
    lock_wait_seconds: float = settings.DEFAULTS.lock_wait_seconds,
    batch_size: int = settings.DEFAULTS.batch_size,
    runner: str = settings.DEFAULTS.runner,
    dask_address: Optional[str] = None,
    dask_workers: int = settings.DEFAULTS.dask_workers,
    max_sentences_per_article: int = settings.DEFAULTS.max_sentences_per_article,
    max_quotes_per_article: int = settings.DEFAULTS.max_quotes_per_article,
    max_mentions_per_article: int = settings.DEFAULTS.max_mentions_per_article,
    duckdb_memory_limit: str = settings.DEFAULTS.duckdb_load_memory_limit,
) -> dict:
    """Ingest every file under ``input_dir`` into the warehouse at ``db_path``; returns a run summary.

    The run holds the warehouse's run lock, works on a copy and publishes it atomically at the end
    (see warehouse/session.py): readers are never blocked and never see half a load. With
    ``runner="dask"`` the clean/segment/extract work of each batch runs on a Dask cluster (a local
    one with ``dask_workers`` processes, or the scheduler at ``dask_address``); reading, planning and
    the load stay on this process, the warehouse's single writer.
    """
    input_dir, db_path = Path(input_dir).resolve(), Path(db_path).resolve()
    if runner not in settings.RUNNERS:
        raise ValueError(f"runner must be one of {settings.RUNNERS}, not {runner!r}")
    if batch_size < 1:
        raise session.OperationError(f"batch_size must be at least 1 (articles per batch), not {batch_size}")
    check_input_dir(input_dir)
    session.check_is_warehouse(db_path)
    with session.exclusive_run(db_path, lock_wait_seconds, get_run_logger().warning):
        try:
            work = begin_run(db_path, lock_wait_seconds, duckdb_memory_limit)
            with _task_runner(runner, dask_address, dask_workers) as pool:
                limits = work_limits.WorkLimits(max_sentences_per_article, max_quotes_per_article, max_mentions_per_article)
                summary = _ingest(input_dir, db_path, work, Path(seeds_dir), max_file_bytes, file_glob, batch_size, pool, limits,
                                  duckdb_memory_limit)
            summary["runner"] = runner
        except BaseException as err:
            session.discard(db_path)
            # The traceback's frames hold the run's (closed) DuckDB connections; free them now.
            traceback.clear_frames(err.__traceback__)
            explained = session.explain_copy_error(db_path, err)
            if explained is not err:
                raise explained from err
            raise
    return summary


@contextmanager
def _task_runner(runner: str, dask_address: Optional[str], dask_workers: int):
    """None for the sequential runner (transform runs in turn on this process), else a started
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


def _ingest(input_dir: Path, db_path: Path, work: Path, seeds_dir: Path, max_file_bytes: int, file_glob: str,
            batch_size: int, pool: Any, limits: work_limits.WorkLimits | None = None, memory_limit: str = "") -> dict:
    """Streams the corpus in batches: memory follows the batch size, not the corpus. Each batch commits
    into the working copy; the run is published (atomically) only once every batch is in.

    With a task runner (``pool``), batches are prepared and sent ahead while earlier ones load; a
    batch's plan is made again against the working copy just before its load, so the warehouse ends
    exactly as a sequential run leaves it.
    """
    logger = get_run_logger()
    run_id, started = str(uuid.uuid4()), datetime.now(timezone.utc).replace(tzinfo=None)
    stages: dict[str, float] = {k: 0.0 for k in ("read", "clean", "segment", "extract", "validate", "load")}
    t = time.perf_counter()
    rules = read_rules(seeds_dir)
    paths = list_files(input_dir, file_glob)
    at_start = read_known_files(work, memory_limit)
    stages["read"] += time.perf_counter() - t
    progress = Progress("ingest", len(paths), logger)
    reference = marts.reference_marts(rules)
    totals = _Totals()
    ahead = 0 if pool is None else _pool_size(pool) + 1
    pending: deque[_Prepared] = deque()
    for first in range(0, max(len(paths), 1), batch_size):
        prepared = _prepare_batch(paths[first : first + batch_size], work, at_start, max_file_bytes, progress, stages, limits, input_dir, memory_limit)
        docs = extraction_docs(prepared.to_extract)
        if docs.is_empty():
            pass  # nothing to extract (an unchanged batch): no task run, no trip to a worker
        elif pool is None:
            prepared.result = transform(docs, rules)
        else:
            prepared.future = pool.submit(transform, parameters={"docs": docs, "rules": rules})
        pending.append(prepared)
        while len(pending) > ahead:
            _finish_batch(pending.popleft(), work, rules, reference, run_id, stages, totals, replan=pool is not None,
                          with_reference=totals.batches == 0, memory_limit=memory_limit)
    while pending:
        _finish_batch(pending.popleft(), work, rules, reference, run_id, stages, totals, replan=pool is not None,
                      with_reference=totals.batches == 0, memory_limit=memory_limit)
    progress.finish()

    t = time.perf_counter()
    totals.add_rows(build_visit_events(work, run_id, memory_limit))
    seen = paths.to_frame()
    gone = incremental.missing_files(seen, at_start).with_columns(pl.lit("missing").alias("status"), pl.lit(run_id).alias("run_id"))
    run_row = {
        "run_id": run_id,
        "flow_run_id": str(ctx.flow_run.id) if getattr(ctx := get_run_context(), "flow_run", None) else None,
        "started_at": started,
        "finished_at": datetime.now(timezone.utc).replace(tzinfo=None),
        "status": "success",
        "input_dir": str(input_dir),
        "files_seen": len(paths),
        "files_new": totals.change.get("new", 0),
        "files_changed": totals.change.get("changed", 0),
        "files_unchanged": totals.change.get("unchanged", 0),
        "files_rejected": totals.change.get("rejected", 0),
        "files_missing": gone.height,
        "rows_written": json.dumps(totals.rows),
        "stage_seconds": json.dumps({k: round(v, 4) for k, v in stages.items()}),
    }
    closing = loader.LoadBatch(run_row=run_row, raw_files=gone.drop("is_stored") if gone.height else None,
                               raw_texts=None, article_tables={}, reference_tables={}, dim_person=None, rejected=None)
    session.fault_point("before_load")
    written, table_rows, _ = load_warehouse(work, closing, memory_limit)
    totals.add_rows(written)
    publish_warehouse(db_path, work, totals.released, memory_limit)
    stages["load"] += time.perf_counter() - t
    summary = {
        "run_id": run_id,
        "db_path": str(db_path),
        "input_dir": str(input_dir),
        "files_seen": len(paths),
        "files_new": totals.change.get("new", 0),
        "files_changed": totals.change.get("changed", 0),
        "files_unchanged": totals.change.get("unchanged", 0),
        "files_duplicate": totals.duplicates,
        "files_rejected": totals.change.get("rejected", 0),
        "files_missing": gone.height,
        "articles_extracted": totals.extracted,
        "batches": totals.batches,
        "rejected": totals.rejected,
        "rows_written": totals.rows,
        "table_rows": table_rows,
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
    }
    outcome.record("ingest", summary)
    logger.info("ingest %s: %d files, %d new, %d changed, %d unchanged, %d rejected", run_id, len(paths),
                summary["files_new"], summary["files_changed"], summary["files_unchanged"], summary["files_rejected"])
    return summary


class _Totals:
    def __init__(self) -> None:
        self.change: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.rejected: list[dict] = []
        self.duplicates = self.extracted = self.batches = self.released = 0

    def add_rows(self, written: dict[str, int]) -> None:
        for k, v in written.items():
            self.rows[k] = self.rows.get(k, 0) + v


def _pool_size(pool: Any) -> int:
    return max(1, sum(pool.client.nthreads().values()))


@dataclass
class _Prepared:
    """A batch read and planned on the flow's process, its transform under way or done."""

    decoded: pl.DataFrame
    planned: pl.DataFrame
    previous: pl.DataFrame
    to_extract: pl.DataFrame
    # Every file as it was at the run's start: planned from the run's first listing, never planned again.
    is_unchanged: bool = False
    result: tuple[Extracted, dict[str, float]] | None = None
    future: Any = None


def _to_extract(planned: pl.DataFrame) -> pl.DataFrame:
    return planned.filter(pl.col("change").is_in(["new", "changed"]) & (pl.col("status") == "loaded"))


def _prepare_batch(paths: pl.Series, work: Path, known: pl.DataFrame, max_file_bytes: int, progress: Progress,
                   stages: dict[str, float], limits: work_limits.WorkLimits | None = None, input_dir: Path | None = None,
                   memory_limit: str = "") -> _Prepared:
    t = time.perf_counter()
    batch_known = known.join(paths.to_frame(), on="path", how="semi")
    files = read_files(paths, batch_known, max_file_bytes, progress, input_dir)
    state = incremental.unchanged_state(files, batch_known)
    previous, stored = read_batch_state(work, files, memory_limit) if state is None else state
    stages["read"] += time.perf_counter() - t
    t = time.perf_counter()
    if state is None:
        decoded, planned = decode_and_plan(files, previous, stored, limits)
    else:
        # An unchanged batch needs no task run beyond its reading: nothing here touches the warehouse.
        decoded, planned = decode_and_plan.fn(files, previous, stored, limits)
    del files
    stages["clean"] += time.perf_counter() - t
    return _Prepared(decoded, planned, previous, _to_extract(planned), is_unchanged=state is not None)


def _finish_batch(p: _Prepared, work: Path, rules: Rules, reference: dict[str, pl.DataFrame], run_id: str,
                  stages: dict[str, float], totals: _Totals, replan: bool, with_reference: bool, memory_limit: str) -> None:
    planned, previous, to_extract = p.planned, p.previous, p.to_extract
    if replan and not p.is_unchanged:
        # Batches loaded since this one was planned may hold some of its articles now (a copy of a
        # file in an earlier batch): plan again against the working copy as it is.
        t = time.perf_counter()
        previous, stored = read_batch_state(work, p.decoded, memory_limit)
        planned = plan(p.decoded, previous, stored)
        to_extract = _to_extract(planned)
        stages["read"] += time.perf_counter() - t
    retired = incremental.retired_articles(planned, previous)
    records = incremental.files_to_record(planned)
    if to_extract.is_empty() and records.is_empty() and not retired and not with_reference:
        # An unchanged batch writes nothing (its raw_file rows stay as they are): skip the load.
        _count(planned, to_extract, totals, pl.DataFrame(schema={"table_name": pl.String, "source_file": pl.String, "reason": pl.String}), {})
        return
    if p.future is not None or p.result is not None:
        extracted, seconds = p.result if p.future is None else p.future.result()
        for k, v in seconds.items():
            stages[k] += v
        if replan:
            if to_extract["article_key"].is_in(p.to_extract["article_key"].implode()).all():
                extracted = extracted.only(to_extract["article_key"])
            else:
                # Never seen in practice: the new plan wants an article the first did not. Extract it here.
                extracted, seconds = transform(extraction_docs(to_extract), rules)
                for k, v in seconds.items():
                    stages[k] += v
    else:
        # Nothing was sent for extraction; the empty frames still carry every table's columns.
        extracted = transform_batch(extraction_docs(to_extract), rules)[0]

    t = time.perf_counter()
    source_files = to_extract.select("article_key", "source_file", "content_sha256")
    tables = marts.build_marts(extracted, source_files, reference["fct_inspection"])
    tables |= {"raw_file": _raw_file_rows(planned, run_id), "raw_text": to_extract.select("content_sha256", pl.col("text").alias("raw_text"))}
    if with_reference:
        tables |= reference
    valid, rejected = validate(tables, source_files.select("article_key", "source_file"))
    stages["validate"] += time.perf_counter() - t

    t = time.perf_counter()
    file_rejects = planned.filter(pl.col("change") == "rejected").select(
        pl.lit("raw_file").alias("table_name"), "source_file", pl.col("reject_reason").alias("reason"), pl.lit(None, dtype=pl.String).alias("row_json")
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    all_rejected = pl.concat([file_rejects, rejected]).with_columns(pl.lit(run_id).alias("run_id"), pl.lit(now).alias("rejected_at"))
    batch = loader.LoadBatch(
        run_row=None,
        raw_files=valid["raw_file"],
        raw_texts=valid["raw_text"],
        article_tables={k: v for k, v in valid.items() if k in loader.ARTICLE_TABLES},
        reference_tables={k: valid[k] for k in loader.REFERENCE_TABLES if k in valid},
        dim_person=valid["dim_person"],
        rejected=all_rejected.select("run_id", "rejected_at", "table_name", "source_file", "reason", "row_json"),
        replace_article_keys=sorted(set(to_extract["article_key"].to_list()) | set(retired)),
    )
    written, _, released = load_warehouse(work, batch, memory_limit)
    totals.released += released
    stages["load"] += time.perf_counter() - t
    _count(planned, to_extract, totals, all_rejected, written)


def _count(planned: pl.DataFrame, to_extract: pl.DataFrame, totals: _Totals, all_rejected: pl.DataFrame, written: dict[str, int]) -> None:
    for r in planned.group_by("change").len().iter_rows(named=True):
        totals.change[r["change"]] = totals.change.get(r["change"], 0) + r["len"]
    totals.duplicates += planned.filter((pl.col("status") == "duplicate") & (pl.col("change") != "unchanged")).height
    totals.extracted += to_extract.height
    totals.batches += 1
    totals.rejected += [{"file": r["source_file"], "table": r["table_name"], "reason": r["reason"]} for r in all_rejected.iter_rows(named=True)]
    totals.add_rows(written)
