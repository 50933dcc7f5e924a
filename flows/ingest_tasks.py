"""The ingest's steps as Prefect tasks, in the order a run takes them: each a thin wrapper around pure
functions in transforms/ or a read or write of the warehouse. Only reads retry; one task run costs
~10 ms, so a task takes a batch, never an article. flows/ingest.py puts them in order."""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import polars as pl
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import input_files
from flows.inbox import read_sidecars
from flows.progress import Progress
from flows.run_summary import RunSummary
from schemas.validate import validate_tables
from transforms import incremental, ingest_batch, limits as work_limits, marts
from transforms.bounded import ParseBounds
from transforms.decode import sha256_hex
from transforms.documents import extraction_docs
from transforms.pipeline import Extracted, transform_batch
from transforms.parallel import SplitTransform, TransformPool
from transforms.rules import Rules, load_rules_once
from warehouse import completeness, loader, session
from warehouse.events import rebuild_visit_events
from warehouse.schema_version import WarehouseTooNew, current_version, latest_version

TASK = dict(cache_policy=NO_CACHE)
IO_TASK = dict(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)


def check_input_dir(input_dir: Path) -> None:
    if not input_dir.exists():
        raise session.OperationError(f"the input folder {input_dir} does not exist; check --input")
    if not input_dir.is_dir():
        raise session.OperationError(f"{input_dir} is a file, not a folder: --input takes the folder holding the articles")


@task(**TASK)
def begin_run(db_path: Path, lock_wait_seconds: float, memory_limit: str) -> Path:
    # No retries: a copy that failed (disk full) fails again, and its partial file is already removed.
    return session.begin(db_path, lock_wait_seconds, get_run_logger().warning, memory_limit=memory_limit)


@task(**IO_TASK)
def read_rules(seeds_dir: Path) -> Rules:
    return load_rules_once(seeds_dir)


@task(**IO_TASK)
def list_files(folder: input_files.InputFolder) -> pl.Series:
    """Every entry to record, sorted, as paths under the (already resolved) input folder: the files to
    ingest, and the entries the run will not read, to be recorded with their reasons (InputFolder.walk).

    A Series rather than a list of Paths: Prefect walks a list parameter item by item looking for
    futures (3.6 s a run at 100,000 files). Paths are not resolved one by one either (realpath costs
    an lstat per folder level: 10 s at 100,000 files); a linked file is recorded under its link's path.
    """
    check_input_dir(folder.root)
    try:
        found = folder.walk()
    except input_files.IsOutputFolder as err:
        raise session.OperationError(str(err)) from None
    except OSError as err:
        raise session.OperationError(f"could not list the input folder {folder.root} ({err.strerror or err}); nothing was "
                                     "read or marked missing. Check its permissions and --input") from err
    return pl.Series("path", found, dtype=pl.String)


@task(**IO_TASK)
def read_known_files(work_path: Path, memory_limit: str) -> tuple[pl.DataFrame, completeness.Gaps]:
    """Every raw_file row at the start of the run, and whether its article is stored (``is_stored``):
    what the run compares its listing with for missing files, and plans unchanged batches with. And what
    the warehouse lacked (a table dropped by hand), found before the DDL recreates it empty: those
    articles' rows are cleared so that the run extracts them again (warehouse/completeness.py)."""
    con = loader.connect(work_path, memory_limit=memory_limit)
    try:
        gaps = completeness.find_gaps(con, expected_complete=current_version(con) == latest_version())
        loader.apply_ddl(con)  # once a run: per batch it added up (0.14 s a time)
        completeness.clear_for_rebuild(con, gaps)
        if gaps:
            get_run_logger().warning("the warehouse lacked what it recorded: %s. %s", gaps.describe(),
                                     f"The run extracts those {len(gaps.articles)} articles again from their files." if gaps.articles
                                     else "It was recreated.")
        known = con.sql(
            "SELECT f.*, coalesce(f.article_key IN (SELECT article_key FROM dim_article), false) AS is_stored FROM raw.raw_file f"
        ).pl()
        return known, gaps
    finally:
        con.close()


def file_sizes(paths: pl.Series, known: pl.DataFrame, max_file_bytes: int) -> list[int]:
    """Each listed file's size, for batches sized by bytes: a known file's from its recorded stat signature
    (no stat), a new one's from the file system; 0 for what will not be read (above the size limit, gone)."""
    recorded = dict(zip(known["path"].to_list(), known["stat_signature"].to_list()))
    sizes = []
    for path in paths:
        signature = recorded.get(path)
        if signature:
            size = int(signature.split(":")[0])
        else:
            try:
                size = os.stat(input_files.os_path(path)).st_size
            except OSError:
                size = 0
        sizes.append(size if size <= max_file_bytes else 0)
    return sizes


@task(**IO_TASK)
def read_batch(work_path: Path, paths: pl.Series, known: pl.DataFrame, max_file_bytes: int, progress: Progress,
               folder: input_files.InputFolder, memory_limit: str) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, bool]:
    """A batch's files (read_files) and what the warehouse holds of them (batch_state): one task, as
    an unchanged batch of a rerun costs little more than its task runs."""
    files = read_files(paths, known, max_file_bytes, progress, folder)
    return files, *batch_state(work_path, files, known, memory_limit)


def read_files(paths: pl.Series, known: pl.DataFrame, max_file_bytes: int, progress: Progress,
               folder: input_files.InputFolder | None = None) -> pl.DataFrame:
    """The files as bytes with their hashes; files over the size limit are hashed and recorded, not loaded.
    A file whose stat signature is the one recorded when it was last read (and settled then) is not read
    again: its recorded hash stands (``known``: the run's starting raw_file rows for these paths).
    A file that vanished or cannot be read since it was listed is recorded with the reason; so are links
    out of the input folder, dangling links and anything that is not a regular file, never opened, and
    every entry the input folder's rules do not read (``folder.not_read``: a name that is not an
    article's, a folder too deep to walk; see input_files). A file over the size limit is never read
    either: its size and stat signature are recorded, and while they stay the same its rejection stands
    unread."""
    trusted = incremental.trusted_hashes(known)
    rows = []
    for path in paths:
        read_at = datetime.now(timezone.utc).replace(tzinfo=None)
        row = {"path": path, "source_file": os.path.basename(path), "size_bytes": 0, "read_at": read_at,
               "content": None, "content_sha256": None, "read_error": None, "stat_signature": None}
        try:
            real_path = input_files.os_path(path)
            if folder is None:
                st, problem = os.stat(real_path), None
            else:
                # One lstat for both checks (a second cost ~0.1 ms a file on a busy disk); if it fails, both
                # checks' own would have failed the same way.
                st = os.lstat(real_path)
                problem = folder.not_read(real_path, st)
                if problem is None:
                    st, problem = input_files.check_entry(real_path, folder.root, st)
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


def batch_state(work_path: Path, files: pl.DataFrame, known: pl.DataFrame, memory_limit: str) -> tuple[pl.DataFrame, pl.DataFrame, bool]:
    """The raw_file rows of the batch's paths (and of every file sharing an article with them), the
    stored articles among its candidates, and whether the batch is unchanged. An unchanged batch (every
    file as the run's first listing ``known`` has it) is answered from that listing without opening the
    working copy (see incremental.unchanged_state)."""
    state = incremental.unchanged_state(files, known)
    if state is not None:
        return *state, True
    return *read_working_state(work_path, files, memory_limit), False


def read_working_state(work_path: Path, files: pl.DataFrame, memory_limit: str) -> tuple[pl.DataFrame, pl.DataFrame]:
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
    sidecars = read_sidecars(ingest_batch.paths_to_decode(files, previous, stored))
    decoded = ingest_batch.decode_files(files, previous, sidecars, stored, limits.parse if limits is not None else ParseBounds())
    if limits is not None:
        decoded = work_limits.reject_over_limits(decoded, limits)
    return decoded, _plan(decoded, previous, stored)


def _plan(decoded: pl.DataFrame, previous: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    return incremental.plan_files(decoded, previous.select(incremental.PREVIOUS_SCHEMA.keys()), stored)


@task(**TASK)
def transform(docs: pl.DataFrame, rules: Rules) -> tuple[Extracted, dict[str, float]]:
    """clean, segment and extract one batch: the only task a distributed runner takes off the flow's
    process. A batch with nothing to extract runs no stage (their set-up alone cost ~0.5 s, once a run
    or, before that was cached, on each of the 100 unchanged batches of a 100,000-file rerun): it builds
    no article tables (build_tables), so its extraction is only a placeholder."""
    if docs.is_empty():
        return Extracted.none(), {}
    return transform_batch(docs, rules)


@task(**TASK)
def send_transform(docs: pl.DataFrame, splitter: TransformPool) -> SplitTransform:
    """A batch's transform split by article (transforms/parallel.py): the workers' shares sent off;
    this process's share waits for finish_transform, so that the batch before loads meanwhile."""
    return splitter.start(docs)


@task(**TASK)
def finish_transform(under_way: SplitTransform) -> tuple[Extracted, dict[str, float]]:
    """This process's share of a split batch, and the workers' shares collected."""
    return under_way.result()


@task(**IO_TASK)
def plan_again(work_path: Path, decoded: pl.DataFrame, planned: pl.DataFrame, previous: pl.DataFrame,
               is_unchanged: bool, memory_limit: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """A batch planned ahead, planned again against the working copy as it is just before its load:
    batches loaded since may hold some of its articles now (a copy of a file in an earlier batch), or have
    retired one it found stored. An unchanged batch keeps its plan (no earlier batch can change it, see
    incremental.unchanged_state). Returns the plan and the raw_file rows it was made from."""
    if is_unchanged:
        return planned, previous
    previous, stored = read_working_state(work_path, decoded, memory_limit)
    return _plan(decoded, previous, stored), previous


@task(**TASK)
def settle_extraction(extracted: Extracted, seconds: dict[str, float], extracted_keys: pl.Series, extracting: pl.DataFrame,
                      rules: Rules) -> tuple[Extracted, dict[str, float]]:
    """The extraction a second plan wants (``extracting``) from the one made for the first plan
    (``extracted``, of the articles ``extracted_keys``): the same articles or fewer are taken from it; an
    article the first plan did not extract (its copy was stored then, and an earlier batch of the run has
    since retired it) has the batch extracted again here."""
    if extracting["article_key"].is_in(extracted_keys.implode()).all():
        return extracted.only(extracting["article_key"]), seconds
    again, more = transform_batch(extraction_docs(extracting), rules)
    return again, {k: seconds.get(k, 0.0) + more.get(k, 0.0) for k in seconds.keys() | more.keys()}


@task(**TASK)
def build_tables(extracted: Extracted, planned: pl.DataFrame, extracting: pl.DataFrame, reference: dict[str, pl.DataFrame],
                 run_id: str, with_reference: bool) -> dict[str, pl.DataFrame]:
    """Every table the batch loads: the marts of its articles, its raw_file and raw_text rows, and the
    reference tables with the run's first batch. No article tables for a batch that extracts nothing
    (they would be empty: there is nothing to validate or insert; its retired articles are deleted by
    key, see batch_load). A batch that writes nothing never comes here (flows/ingest.py)."""
    tables = {}
    if not extracting.is_empty():
        source_files = extracting.select("article_key", "source_file", "content_sha256")
        tables = marts.build_marts(extracted, source_files, reference["fct_inspection"])
    tables |= {"raw_file": ingest_batch.raw_file_rows(planned, run_id), "raw_text": ingest_batch.raw_text_rows(extracting)}
    return tables | (reference if with_reference else {})


@task(**TASK)
def validate(tables: dict[str, pl.DataFrame], source_files: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    return validate_tables(tables, source_files)


@task(**TASK)
def load_warehouse(work_path: Path, batch: loader.LoadBatch, memory_limit: str,
                   count_tables: bool = False) -> tuple[dict[str, int], dict[str, int] | None, int]:
    """Rows written per table, rows held per table (``count_tables``: only the run's closing load wants
    them, and counting every table after every batch cost ~0.1 s a batch), and articles whose rows the
    batch deleted."""
    con = loader.connect(work_path, memory_limit=memory_limit)
    try:
        written = loader.load(con, batch)
        return written, loader.table_counts(con) if count_tables else None, batch.articles_released
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


def check_restored(work_path: Path, gaps: completeness.Gaps, input_dir: Path, memory_limit: str, warn: Callable[[str], None]) -> None:
    """After the batches: a warehouse that lacked a table is published only once every article it held is
    back; articles that had lost rows and could not be extracted again (their files are gone) are named."""
    if not gaps.articles:
        return
    con = loader.connect(work_path, memory_limit=memory_limit, read_only=True)
    try:
        lost = completeness.unrestored(con, gaps)
    finally:
        con.close()
    if lost.is_empty():
        return
    examples = ", ".join(p or k for k, p in lost.head(3).iter_rows())
    what = (f"{lost.height} of the {len(gaps.articles)} articles could not be rebuilt from {input_dir}: their files are not "
            f"there (e.g. {examples})")
    if gaps.missing_tables:
        raise session.PublishRefused(
            f"the warehouse lacked what it recorded ({gaps.describe()}); {what}. Nothing was published, so the warehouse "
            "still holds what it held. Run again with --input the folder that holds those files, or restore the warehouse "
            "from a backup."
        )
    warn(f"{what}; their rows stay lost")


@task(**TASK)
def publish_warehouse(db_path: Path, work_path: Path, articles_released: int, memory_limit: str) -> None:
    session.publish(db_path, work_path, articles_released, memory_limit=memory_limit)


def batch_load(tables: dict[str, pl.DataFrame], rejected: pl.DataFrame, replace_article_keys: list[str]) -> loader.LoadBatch:
    """One batch's transaction."""
    return loader.LoadBatch(
        run_row=None,
        raw_files=tables["raw_file"],
        raw_texts=tables["raw_text"],
        article_tables={k: v for k, v in tables.items() if k in loader.ARTICLE_TABLES},
        reference_tables={k: tables[k] for k in loader.REFERENCE_TABLES if k in tables},
        dim_person=tables.get("dim_person"),
        rejected=rejected,
        replace_article_keys=replace_article_keys,
    )


def closing_load(run: RunSummary, missing: pl.DataFrame) -> loader.LoadBatch:
    """The run's last transaction: its etl_run row and the raw_file rows of files gone missing."""
    return loader.LoadBatch(run_row=run.etl_run_row(), raw_files=missing if missing.height else None)


# Errors after which the published warehouse must not be written: it is damaged, made by a newer
# version, or another process holds or changed it (the row would go to a file the run cannot trust).
NOT_RECORDED = (session.WarehouseDamaged, session.WarehouseInUse, session.WorkingCopyLost, session.PublishRefused, WarehouseTooNew)


def record_failed_run(db_path: Path, run: RunSummary, err: BaseException, warn: Callable[[str], None], memory_limit: str) -> None:
    """Best effort, under the run lock, after the working copy is discarded: one etl_run row with status
    'failed' in the published warehouse, with the counts known when the run failed and no rows written
    (none were published). Not a task: the failure may be Prefect's. Never raises: the run's own error
    is the one to show. A run stopped on purpose (Ctrl-C, SIGTERM: not an Exception) did not fail and
    leaves the warehouse as it was."""
    if not run.has_begun or not isinstance(err, Exception) or isinstance(err, NOT_RECORDED) or not db_path.exists():
        return
    try:
        con = loader.connect(db_path, wait_seconds=0, memory_limit=memory_limit)
        try:
            loader.load(con, loader.LoadBatch(run_row=run.etl_run_row("failed", rows_written={})))
        finally:
            con.close()
    except BaseException as record_err:  # noqa: BLE001 - a second Ctrl-C or a full disk must not hide the first error
        warn(f"the failed run {run.run_id} could not be recorded in {db_path}'s etl_run: {record_err}")
