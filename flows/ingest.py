"""The ingest flow: raw files -> cleaned, segmented text -> facts -> validated tables -> DuckDB.

Reads like a table of contents: each task is a thin wrapper around a pure function in transforms/.
Articles are handled in batches (one task run per stage, not per article): a task run costs ~10 ms.
"""


import json
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import polars as pl
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context

from flows import settings
from flows.progress import Progress
from schemas.validate import validate_table
from transforms import incremental, marts
from transforms.decode import decode_frame, sha256_file, sha256_hex
from transforms.pipeline import Cleaned, Extracted, clean_stage, extract_stage, segment_stage
from transforms.rules import Rules, load_rules
from warehouse import loader, session

TASK = dict(cache_policy=NO_CACHE)
IO_TASK = dict(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)


@task(**IO_TASK)
def read_rules(seeds_dir: Path) -> Rules:
    return load_rules(seeds_dir)


@task(**IO_TASK)
def read_files(input_dir: Path, file_glob: str, max_file_bytes: int) -> pl.DataFrame:
    """Every matching file as bytes with its hash; files over the size limit are recorded, not read."""
    if not input_dir.is_dir():
        raise FileNotFoundError(f"input folder {input_dir} does not exist")
    rows = []
    paths = sorted(p for p in input_dir.rglob(file_glob) if p.is_file())
    progress = Progress("read", len(paths), get_run_logger())
    for path in paths:
        size = path.stat().st_size
        progress.advance(1, size)
        read_at = datetime.now(timezone.utc).replace(tzinfo=None)
        row = {"path": str(path.resolve()), "source_file": path.name, "size_bytes": size, "read_at": read_at,
               "content": None, "content_sha256": None, "read_error": None}
        if size > max_file_bytes:
            row["read_error"] = f"file is {size:,} bytes, above the size limit of {max_file_bytes:,} bytes (max_file_bytes)"
            row["content_sha256"] = sha256_file(path)
        else:
            try:
                data = path.read_bytes()
                row["content"], row["content_sha256"] = data, sha256_hex(data)
            except OSError as err:
                row["read_error"] = f"could not read the file: {err}"
        rows.append(row)
    progress.finish()
    schema = {"path": pl.String, "source_file": pl.String, "size_bytes": pl.Int64, "read_at": pl.Datetime("us"),
              "content": pl.Binary, "content_sha256": pl.String, "read_error": pl.String}
    return pl.DataFrame(rows, schema=schema)


@task(**IO_TASK)
def read_warehouse_state(db_path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    con = loader.connect(db_path)
    try:
        loader.apply_ddl(con)
        previous = con.sql("SELECT * FROM raw.raw_file").pl()
        stored = con.sql("SELECT article_key FROM dim_article").pl()
    finally:
        con.close()
    return previous, stored


@task(**TASK)
def decode_and_plan(files: pl.DataFrame, previous: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    decoded = decode_frame(files.with_columns(pl.col("content").fill_null(b"")))
    decoded = decoded.with_columns(
        pl.coalesce("read_error", "reject_reason").alias("reject_reason"),
        pl.when(pl.col("read_error").is_not_null()).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("encoding")).alias("encoding"),
    )
    return incremental.plan_files(decoded, previous.select(incremental.PREVIOUS_SCHEMA.keys()), stored)


@task(**TASK)
def clean(docs: pl.DataFrame, rules: Rules) -> Cleaned:
    return clean_stage(docs, rules)


@task(**TASK)
def segment(cleaned: Cleaned, rules: Rules) -> pl.DataFrame:
    return segment_stage(cleaned, rules)


@task(**TASK)
def extract(cleaned: Cleaned, sentences: pl.DataFrame, rules: Rules) -> Extracted:
    return extract_stage(cleaned, sentences, rules)


@task(**TASK)
def validate(tables: dict[str, pl.DataFrame], source_files: pl.DataFrame) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    valid, rejects = {}, []
    for name, frame in tables.items():
        valid[name], bad = validate_table(name, frame, source_files)
        rejects.append(bad)
    return valid, pl.concat(rejects)


@task(**TASK)
def load_warehouse(work_path: Path, batch: loader.LoadBatch) -> tuple[dict[str, int], dict[str, int]]:
    con = loader.connect(work_path)
    try:
        loader.apply_ddl(con)
        written = loader.load(con, batch)
        return written, loader.table_counts(con)
    finally:
        con.close()


@task(**IO_TASK)
def begin_run(db_path: Path) -> Path:
    return session.begin(db_path)


@task(**TASK)
def publish_warehouse(db_path: Path, work_path: Path) -> None:
    session.publish(db_path, work_path)


def _raw_file_rows(planned: pl.DataFrame, previous: pl.DataFrame, run_id: str) -> pl.DataFrame:
    seen = incremental.files_to_record(planned).select(
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
    )
    gone = incremental.missing_files(planned, previous).with_columns(pl.lit("missing").alias("status"), pl.lit(run_id).alias("run_id"))
    return pl.concat([seen, gone.select(seen.columns)], how="vertical_relaxed")


@flow(name="ofsted-watch-ingest", log_prints=False)
def ingest_flow(
    input_dir: Path = settings.ARTICLES_DIR,
    db_path: Path = settings.DEFAULT_DB_PATH,
    seeds_dir: Path = settings.SEEDS_DIR,
    max_file_bytes: int = settings.MAX_FILE_BYTES,
    file_glob: str = settings.FILE_GLOB,
    lock_wait_seconds: float = settings.LOCK_WAIT_SECONDS,
) -> dict:
    """Ingest every file under ``input_dir`` into the warehouse at ``db_path``; returns a run summary.

    The run holds the warehouse's run lock, works on a copy and publishes it atomically at the end
    (see warehouse/session.py): readers are never blocked and never see half a load.
    """
    input_dir, db_path = Path(input_dir).resolve(), Path(db_path).resolve()
    with session.exclusive_run(db_path, lock_wait_seconds):
        work = begin_run(db_path)
        try:
            summary = _ingest(input_dir, db_path, work, Path(seeds_dir), max_file_bytes, file_glob)
        except BaseException:
            session.discard(db_path)
            raise
    return summary


def _ingest(input_dir: Path, db_path: Path, work: Path, seeds_dir: Path, max_file_bytes: int, file_glob: str) -> dict:
    logger = get_run_logger()
    run_id, started = str(uuid.uuid4()), datetime.now(timezone.utc).replace(tzinfo=None)
    stages: dict[str, float] = {}

    t = time.perf_counter()
    rules = read_rules(seeds_dir)
    files = read_files(input_dir, file_glob, max_file_bytes)
    previous, stored = read_warehouse_state(work)
    stages["read"] = time.perf_counter() - t

    t = time.perf_counter()
    planned = decode_and_plan(files, previous, stored)
    to_extract = planned.filter(pl.col("change").is_in(["new", "changed"]) & (pl.col("status") == "loaded"))
    docs = to_extract.select("article_key", "text")
    cleaned = clean(docs, rules)
    stages["clean"] = time.perf_counter() - t
    t = time.perf_counter()
    sentences = segment(cleaned, rules)
    stages["segment"] = time.perf_counter() - t
    t = time.perf_counter()
    extracted = extract(cleaned, sentences, rules)
    stages["extract"] = time.perf_counter() - t

    t = time.perf_counter()
    source_files = to_extract.select("article_key", "source_file", "content_sha256")
    reference = marts.reference_marts(rules)
    tables = marts.build_marts(extracted, source_files, reference["fct_inspection"])
    raw_files = _raw_file_rows(planned, previous, run_id)
    tables |= {"raw_file": raw_files, "raw_text": to_extract.select("content_sha256", pl.col("text").alias("raw_text"))}
    valid, rejected = validate({**tables, **reference}, source_files.select("article_key", "source_file"))
    stages["validate"] = time.perf_counter() - t

    file_rejects = planned.filter(pl.col("change") == "rejected").select(
        pl.lit("raw_file").alias("table_name"), "source_file", pl.col("reject_reason").alias("reason"), pl.lit(None, dtype=pl.String).alias("row_json")
    )
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    all_rejected = pl.concat([file_rejects, rejected]).with_columns(pl.lit(run_id).alias("run_id"), pl.lit(now).alias("rejected_at"))
    counts = planned.group_by("change").len()
    count = {r["change"]: r["len"] for r in counts.iter_rows(named=True)}
    missing = incremental.missing_files(planned, previous).height
    retired = incremental.retired_articles(planned, previous)
    ctx = get_run_context()
    run_row = {
        "run_id": run_id,
        "flow_run_id": str(ctx.flow_run.id) if getattr(ctx, "flow_run", None) else None,
        "started_at": started,
        "finished_at": None,
        "status": "success",
        "input_dir": str(input_dir),
        "files_seen": planned.height,
        "files_new": count.get("new", 0),
        "files_changed": count.get("changed", 0),
        "files_unchanged": count.get("unchanged", 0),
        "files_rejected": count.get("rejected", 0),
        "files_missing": missing,
        "rows_written": None,
        "stage_seconds": None,
    }
    article_tables = {k: v for k, v in valid.items() if k in loader.ARTICLE_TABLES}
    t = time.perf_counter()
    run_row["stage_seconds"] = json.dumps({k: round(v, 4) for k, v in stages.items()})
    run_row["finished_at"] = datetime.now(timezone.utc).replace(tzinfo=None)
    run_row["rows_written"] = json.dumps({k: v.height for k, v in valid.items()})
    batch = loader.LoadBatch(
        run_row=run_row,
        raw_files=valid["raw_file"],
        raw_texts=valid["raw_text"],
        article_tables=article_tables,
        reference_tables={k: valid[k] for k in loader.REFERENCE_TABLES},
        dim_person=valid["dim_person"],
        rejected=all_rejected.select("run_id", "rejected_at", "table_name", "source_file", "reason", "row_json"),
        replace_article_keys=sorted(set(to_extract["article_key"].to_list()) | set(retired)),
    )
    session.fault_point("before_load")
    written, totals = load_warehouse(work, batch)
    publish_warehouse(db_path, work)
    stages["load"] = time.perf_counter() - t
    summary = {
        "run_id": run_id,
        "db_path": str(db_path),
        "input_dir": str(input_dir),
        "files_seen": planned.height,
        "files_new": count.get("new", 0),
        "files_changed": count.get("changed", 0),
        "files_unchanged": count.get("unchanged", 0),
        "files_duplicate": planned.filter((pl.col("status") == "duplicate") & (pl.col("change") != "unchanged")).height,
        "files_rejected": count.get("rejected", 0),
        "files_missing": missing,
        "articles_extracted": to_extract.height,
        "rejected": [{"file": r["source_file"], "table": r["table_name"], "reason": r["reason"]} for r in all_rejected.iter_rows(named=True)],
        "rows_written": written,
        "table_rows": totals,
        "stage_seconds": {k: round(v, 3) for k, v in stages.items()},
    }
    logger.info("ingest %s: %d files, %d new, %d changed, %d unchanged, %d rejected", run_id, planned.height,
                summary["files_new"], summary["files_changed"], summary["files_unchanged"], summary["files_rejected"])
    return summary
