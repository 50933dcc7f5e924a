"""The quality flow: Great Expectations over the warehouse, results stored in DuckDB, an offline HTML report."""


import uuid
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

import duckdb
from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows import outcome, settings
from flows.input_files import mark_output_folder
from schemas.vocabulary import keys, vocabularies
from warehouse import loader, quality, session
from warehouse.outputs import check_output, recorded_inputs, write_output
from warehouse.report import render_report

@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=1)
def read_warehouse(db_path: Path, suites: list[dict], max_row_drop: float, memory_limit: str):
    con = loader.connect(db_path, memory_limit=memory_limit)
    try:
        loader.apply_ddl(con)
        return quality.read_sources(con, suites), quality.row_count_checks(con, max_row_drop)
    finally:
        con.close()


@task(cache_policy=NO_CACHE)
def validate(frames, suites) -> list[dict]:
    return quality.run_suites(frames, suites)


@task(cache_policy=NO_CACHE)
def store_and_report(db_path: Path, run: dict, results: list[dict], report_dir: Path, memory_limit: str) -> Path:
    report_dir.mkdir(parents=True, exist_ok=True)
    path = report_dir / "index.html"
    con = loader.connect(db_path, memory_limit=memory_limit)
    try:
        quality.store(con, run | {"report_path": str(path)}, results)
        html = render_report(quality.report_data(con, run["dq_run_id"]))
    finally:
        con.close()
    write_output(path, html.encode("utf-8"))
    return path


def check_report_dir(report_dir: Path, db_path: Path, inputs: Iterable[Path] = (), probe: bool = True) -> None:
    """Fails before any work when the report cannot be written, naming the folder, or may not be: it would
    be the warehouse, inside an input folder (``inputs``, the default one and those the warehouse's runs
    read) or overwrite a file the project did not write (warehouse/outputs.py)."""
    inputs = [*inputs, settings.DEFAULTS.articles_dir]
    if db_path.is_file():
        try:
            con = duckdb.connect(str(db_path), read_only=True)
        except duckdb.Error:
            pass  # the run itself says why the warehouse cannot be opened
        else:
            try:
                inputs += recorded_inputs(con)
            finally:
                con.close()
    check_output(report_dir, warehouse=db_path, inputs=inputs, writes=["index.html"], option="--report")
    if not probe:  # a folder that cannot be written is the quality step's failure, after the ingest published
        return
    try:
        mark_output_folder(report_dir)
        probe = report_dir / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise session.OperationError(f"the report folder {report_dir} is not writable ({err.strerror or err}); "
                                     "give --report a folder you can write to") from err


@flow(name="ofsted-watch-quality")
def quality_flow(
    db_path: Path = settings.DEFAULTS.db_path,
    report_dir: Path = settings.DEFAULTS.report_dir,
    max_row_drop: float = settings.DEFAULTS.max_row_drop,
    lock_wait_seconds: float = settings.DEFAULTS.lock_wait_seconds,
    duckdb_memory_limit: str = settings.DEFAULTS.duckdb_memory_limit,
) -> dict:
    """Validate the warehouse, store the results (dq_run, dq_result) and write report_dir/index.html.

    Like an ingest, it writes under the run lock to a copy published atomically.
    """
    db_path, report_dir = Path(db_path).resolve(), Path(report_dir).resolve()
    settings.check_parameters(max_row_drop=max_row_drop, lock_wait_seconds=lock_wait_seconds, duckdb_memory_limit=duckdb_memory_limit)
    # It reads a warehouse: a mistyped path must not become a new, empty one that passes every check.
    session.require_warehouse(db_path)
    check_report_dir(report_dir, db_path)
    warn = get_run_logger().warning
    with session.exclusive_run(db_path, lock_wait_seconds, warn):
        with session.discard_on_failure(db_path):
            work = session.begin(db_path, lock_wait_seconds, warn, memory_limit=duckdb_memory_limit)
            result = _quality(db_path, work, report_dir, max_row_drop, duckdb_memory_limit)
    return result


def _quality(db_path: Path, work: Path, report_dir: Path, max_row_drop: float, memory_limit: str) -> dict:
    logger = get_run_logger()
    started = datetime.now(timezone.utc).replace(tzinfo=None)
    suites = quality.load_suites({v: keys(v) for v in vocabularies()})
    frames, row_counts = read_warehouse(work, suites, max_row_drop, memory_limit)
    results = validate(frames, suites) + row_counts
    failed = [r for r in results if not r["is_success"]]
    run = {
        "dq_run_id": str(uuid.uuid4()),
        "started_at": started,
        "finished_at": datetime.now(timezone.utc).replace(tzinfo=None),
        "expectations": len(results),
        "failed": len(failed),
        "is_success": not failed,
    }
    path = store_and_report(work, run, results, report_dir, memory_limit)
    session.publish(db_path, work, memory_limit=memory_limit)
    summary = {**run, "report_path": str(path), "failures": [
        {k: r[k] for k in ("suite", "table_name", "expectation", "column_name", "unexpected_count", "failing_examples")} for r in failed
    ]}
    # What the CLI prints when a later step (the site) fails: the same summary the flow returns.
    outcome.record("quality", summary)
    logger.info("quality: %d expectations, %d failed; report %s", len(results), len(failed), path)
    return summary
