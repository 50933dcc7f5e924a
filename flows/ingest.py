"""The ingest flow: raw files -> decoded text -> facts -> validated tables -> DuckDB.

The table of contents of a run: begin run -> read rules -> list files -> read known files -> for each
batch: read, decode and plan, transform (or: send the workers' shares, and at finish do this process's
share), [plan again, settle extraction: with a Dask cluster, or batches split among processes, which
are planned ahead], build tables, validate, load -> build visit events -> record missing files and the
run -> publish. Every step is a task (flows/ingest_tasks.py). A batch that writes nothing (unchanged,
nothing to extract, record or retire) takes only its read and plan after the run's first batch, which
loads the reference tables: the other steps would be task runs answering "nothing". Batching and the Dask
runner are in flows/batches.py, the split among processes in transforms/parallel.py; the counts in
flows/run_summary.py.
"""

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Optional

import polars as pl
from prefect import flow, get_run_logger
from prefect.context import get_run_context

from flows import batches, ingest_tasks as tasks, input_files, outcome, settings
from flows.batches import Batch
from flows.progress import Progress
from flows.run_summary import RunSummary
from schemas.validate import validate_tables
from transforms import incremental, ingest_batch, limits as work_limits, marts
from transforms.bounded import ParseBounds
from transforms.documents import extraction_docs
from transforms.parallel import SplitTransform, TransformPool
from transforms.pipeline import Extracted
from transforms.rules import Rules
from warehouse import session


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
    transform_processes: int = settings.DEFAULTS.transform_processes,
    max_sentences_per_article: int = settings.DEFAULTS.max_sentences_per_article,
    max_quotes_per_article: int = settings.DEFAULTS.max_quotes_per_article,
    max_mentions_per_article: int = settings.DEFAULTS.max_mentions_per_article,
    duckdb_memory_limit: str = settings.DEFAULTS.duckdb_load_memory_limit,
    max_folder_depth: int = settings.DEFAULTS.max_folder_depth,
    parse_timeout_seconds: float = settings.DEFAULTS.parse_timeout_seconds,
    parse_memory_bytes: int = settings.DEFAULTS.parse_memory_bytes,
) -> dict:
    """Ingest every file under ``input_dir`` into the warehouse at ``db_path``; returns a run summary.

    The run holds the warehouse's run lock, works on a copy and publishes it atomically at the end
    (warehouse/session.py): readers never block it or see half a load; a failed run leaves the warehouse
    as it was plus an etl_run row saying so. ``runner="dask"``: each batch's transform runs on a Dask
    cluster (local, or at ``dask_address``); reading, planning and the load stay here, the one writer."""
    input_dir, db_path = Path(input_dir).resolve(), Path(db_path).resolve()
    settings.check_parameters(max_file_bytes=max_file_bytes, file_glob=file_glob, lock_wait_seconds=lock_wait_seconds, batch_size=batch_size,
                              runner=runner, dask_workers=dask_workers, transform_processes=transform_processes, max_sentences_per_article=max_sentences_per_article,
                              max_quotes_per_article=max_quotes_per_article, max_mentions_per_article=max_mentions_per_article,
                              duckdb_load_memory_limit=duckdb_memory_limit, max_folder_depth=max_folder_depth)
    tasks.check_input_dir(input_dir)
    folder = input_files.InputFolder.of(input_dir, file_glob, db_path, max_folder_depth)
    session.check_is_warehouse(db_path)
    logger = get_run_logger()
    run = RunSummary(str(input_dir), str(db_path), runner, _flow_run_id())
    limits = work_limits.WorkLimits(max_sentences_per_article, max_quotes_per_article, max_mentions_per_article,
                                    ParseBounds(parse_timeout_seconds, parse_memory_bytes))
    with (session.exclusive_run(db_path, lock_wait_seconds, logger.warning),
          session.discard_on_failure(db_path, lambda err: tasks.record_failed_run(db_path, run, err, logger.warning, duckdb_memory_limit))):
        work = tasks.begin_run(db_path, lock_wait_seconds, duckdb_memory_limit)
        run.has_begun = True
        with run.timed("read"):
            rules = tasks.read_rules(Path(seeds_dir))
            paths = tasks.list_files(folder)
            known, gaps = tasks.read_known_files(work, duckdb_memory_limit)
        run.files_seen = len(paths)
        with (batches.task_runner(runner, dask_address, dask_workers) as pool,
              TransformPool(transform_processes if pool is None else 1, rules, logger.warning) as splitter):
            ahead = batches.batches_ahead(pool, may_split=splitter.may_split(min(len(paths), batch_size)))
            steps = _BatchSteps(work, duckdb_memory_limit, rules, marts.reference_marts(rules), known, limits, max_file_bytes, folder,
                                pool, splitter, ahead > 0, run, Progress("ingest", len(paths), logger))
            sizes = tasks.file_sizes(paths, known, max_file_bytes)
            batches.pipelined(batches.slices(paths, batch_size, sizes, batches.batch_bytes(duckdb_memory_limit)), steps.start,
                              steps.finish, ahead)
            steps.progress.finish()
        with run.timed("load"):
            run.add_rows(tasks.build_visit_events(work, run.run_id, duckdb_memory_limit))
            missing = ingest_batch.missing_file_rows(paths.to_frame(), known, run.run_id, input_files.escape_path(str(input_dir)))
            run.files_missing = missing.height
            session.fault_point("before_load")
            written, run.table_rows, _ = tasks.load_warehouse(work, tasks.closing_load(run, missing), duckdb_memory_limit,
                                                                count_tables=True)
            run.add_rows(written)
            tasks.check_restored(work, gaps, input_dir, duckdb_memory_limit, logger.warning)
            tasks.publish_warehouse(db_path, work, run.articles_released, duckdb_memory_limit)
    summary = run.as_dict()
    outcome.record("ingest", summary)
    logger.info("ingest %s: %d files, %d new, %d changed, %d unchanged, %d rejected", run.run_id, run.files_seen,
                summary["files_new"], summary["files_changed"], summary["files_unchanged"], summary["files_rejected"])
    return summary


def _flow_run_id() -> str | None:
    flow_run = getattr(get_run_context(), "flow_run", None)
    return str(flow_run.id) if flow_run else None


@dataclass
class _BatchSteps:
    """The steps of one batch, in two halves so that a Dask cluster or the transform workers can
    extract batches ahead (see flows/batches.py): ``start`` reads, plans and sends off the transform;
    ``finish`` loads."""

    work: Path
    memory_limit: str  # DuckDB's buffer pool for each connection to the working copy
    rules: Rules
    reference: dict[str, pl.DataFrame]
    known: pl.DataFrame
    limits: work_limits.WorkLimits
    max_file_bytes: int
    folder: input_files.InputFolder
    pool: Any
    splitter: TransformPool  # the sequential runner's processes (transforms/parallel.py)
    planned_ahead: bool  # batches are read and planned before the one before them is loaded
    run: RunSummary
    progress: Progress

    def start(self, paths: pl.Series) -> Batch:
        """read (files, and what the warehouse holds of them) -> decode and plan -> transform (on a worker, with a cluster)."""
        with self.run.timed("read"):
            known = self.known.join(paths.to_frame(), on="path", how="semi")
            files, previous, stored, is_unchanged = tasks.read_batch(self.work, paths, known, self.max_file_bytes, self.progress,
                                                                     self.folder, self.memory_limit)
        with self.run.timed("clean"):
            decoded, planned = tasks.decode_and_plan(files, previous, stored, self.limits)
        batch = Batch(decoded, planned, previous, ingest_batch.to_extract(planned), is_unchanged)
        docs = extraction_docs(batch.extracting)
        if is_unchanged and docs.is_empty():
            # Nothing to extract, now or when planned again (an unchanged batch keeps its plan): no
            # transform to run or send, and none of the task runs that would say so.
            batch.result = (Extracted.none(), {})
        elif self.pool is not None and not docs.is_empty():
            batch.future = self.pool.submit(tasks.transform, parameters={"docs": docs, "rules": self.rules})
        elif self.planned_ahead:  # the workers' shares now; this process's in finish, after the batch before loads
            batch.future = tasks.send_transform(docs, self.splitter)
        else:  # nothing to send to a worker: the transform (of no articles) runs here
            batch.result = tasks.transform(docs, self.rules)
        return batch

    def finish(self, batch: Batch) -> None:
        """[plan again -> settle extraction] -> build tables -> validate -> load; none of them for an
        unchanged batch that writes nothing (the first batch still loads the reference tables)."""
        run, planned, previous, extracting = self.run, batch.planned, batch.previous, batch.extracting
        if batch.result is not None:  # an unchanged batch with nothing to extract (see start)
            extracted, seconds = batch.result
        else:
            extracted, seconds = tasks.finish_transform(batch.future) if isinstance(batch.future, SplitTransform) else batch.extraction()
            if self.pool is not None or self.planned_ahead:
                with run.timed("read"):
                    planned, previous = tasks.plan_again(self.work, batch.decoded, planned, previous, batch.is_unchanged, self.memory_limit)
                extracting = ingest_batch.to_extract(planned)
                extracted, seconds = tasks.settle_extraction(extracted, seconds, batch.extracting["article_key"], extracting, self.rules)
        run.add_seconds(seconds)
        retired = incremental.retired_articles(planned, previous)
        with_reference = run.batches == 0
        # A batch that writes nothing, after the first (which loads the reference tables), builds no tables,
        # validates none and loads nothing: its build, validate and load would be task runs doing nothing
        # (an unchanged rerun of 100,000 articles ran 300 such, after the 300 of send, finish and plan again).
        idle = ingest_batch.writes_nothing(planned, retired) and not with_reference
        with run.timed("validate"):
            if idle:
                valid, invalid = validate_tables({})
            else:
                tables = tasks.build_tables(extracted, planned, extracting, self.reference, run.run_id, with_reference)
                valid, invalid = tasks.validate(tables, extracting.select("article_key", "source_file"))
        with run.timed("load"):
            rejected = ingest_batch.rejected_rows(planned, invalid, run.run_id, datetime.now(timezone.utc).replace(tzinfo=None))
            replaced = sorted(set(extracting["article_key"].to_list()) | set(retired))
            if idle:
                written, released = {}, 0
            else:
                written, _, released = tasks.load_warehouse(self.work, tasks.batch_load(valid, rejected, replaced), self.memory_limit)
        run.add_batch(planned, extracting.height, rejected, written, released)
