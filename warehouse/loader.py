"""Opens the warehouse, applies the DDL, and loads one run in one transaction."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from schemas.tables import COUNTED_LOADS, qualified, tables
from warehouse.session import (OperationError, WarehouseDamaged, check_working_copy, fault_point, held_connection, hold, is_working_copy,
                               refused_setting, roll_back)

REFERENCE_TABLES = [t.name for t in tables("reference")]
ARTICLE_TABLES = [t.name for t in tables("by_article")]
LOCK_RETRY_SECONDS = 30.0
DDL_DIR = Path(__file__).resolve().parent / "ddl"
# Compression DuckDB must not try on the columns it writes. Each batch's commit checkpoints, and a
# checkpoint recompresses the table's last, growing row group; DuckDB 2.0's DICT_FSST analysis of
# long texts (raw_text, stg_article) made that cost grow with the warehouse. Without it long texts
# get ZSTD: measured on 20 batches of 1,000 texts, 26.4 s -> 7.9 s and a file half the size.
DISABLED_COMPRESSION = "dict_fsst"
# How much a held working copy (see connect) takes in its write-ahead log before DuckDB checkpoints it
# (its default: 16 MiB, less than one batch of 1,000 articles). A run of 10,000 articles writes ~250 MB.
HELD_CHECKPOINT_THRESHOLD = "1GB"


class WarehouseLocked(OperationError):
    """Another process holds the warehouse file."""


def connect(db_path: Path, *, memory_limit: str, read_only: bool = False,
            wait_seconds: float = LOCK_RETRY_SECONDS) -> duckdb.DuckDBPyConnection:
    """Opens the file, retrying while another process holds its lock, then fails with a clear message.

    ``memory_limit`` is DuckDB's buffer pool for this connection (the caller's setting): its default,
    80 % of RAM, would let the cache of a growing warehouse grow with it.

    A run's working copy is opened once, by its first writer, and held (session.hold) until it is
    published or discarded: every connection to it is then a cursor of that one, which its caller
    closes as before. While held, it checkpoints only past ``HELD_CHECKPOINT_THRESHOLD`` of changes
    and when published."""
    db_path = Path(db_path)
    held = held_connection(db_path)
    if held is not None:
        check_working_copy(db_path)
        return held.cursor()
    if not read_only and is_working_copy(db_path):
        con = _open(db_path, memory_limit=memory_limit, read_only=False, wait_seconds=wait_seconds)
        try:
            con.execute(f"SET checkpoint_threshold = '{HELD_CHECKPOINT_THRESHOLD}'")
        except BaseException:
            con.close()
            raise
        hold(db_path, con)
        return con.cursor()
    return _open(db_path, memory_limit=memory_limit, read_only=read_only, wait_seconds=wait_seconds)


def _open(db_path: Path, *, memory_limit: str, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + wait_seconds
    while True:
        # A run's working copy must exist already: DuckDB would create a missing one empty.
        check_working_copy(db_path)
        try:
            con = duckdb.connect(str(db_path), read_only=read_only, config={"memory_limit": memory_limit})
        except duckdb.IOException as err:
            if "lock" not in str(err).lower():
                raise WarehouseDamaged(f"{db_path} cannot be opened: {err}") from err
            if time.monotonic() >= deadline:
                raise WarehouseLocked(
                    f"the warehouse {db_path} is held by another process (waited {wait_seconds:.0f}s): {err}"
                ) from err
            time.sleep(0.5)
            continue
        except duckdb.Error as err:
            refused_setting(err)
            raise WarehouseDamaged(f"{db_path} cannot be opened: {err}") from err
        try:
            check_working_copy(db_path)  # replaced between the check and the open
            if not read_only:
                tune_writes(con)
        except BaseException:
            con.close()
            raise
        return con


def tune_writes(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(f"SET disabled_compression_methods = '{DISABLED_COMPRESSION}'")


def scalar(con: duckdb.DuckDBPyConnection, query: str):
    """The single value of a query (DuckDB 2.0 relations have no fetchone())."""
    return con.sql(query).fetchall()[0][0]


def apply_ddl(con: duckdb.DuckDBPyConnection, ddl_dir: Path = DDL_DIR) -> list[int]:
    """Brings the warehouse to the newest schema: pending migrations, then the DDL (see warehouse/schema_version.py)."""
    from warehouse.schema_version import migrate  # it imports session, as this module does

    return migrate(con, ddl_dir)


@dataclass
class LoadBatch:
    """One transaction's worth: a batch of articles, or a run's closing record (run_row)."""

    run_row: dict | None = None
    raw_files: pl.DataFrame | None = None
    raw_texts: pl.DataFrame | None = None
    article_tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    reference_tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    dim_person: pl.DataFrame | None = None
    rejected: pl.DataFrame | None = None
    replace_article_keys: list[str] = field(default_factory=list)
    # Set by load(): articles the warehouse held whose rows this batch deleted (to replace or retire
    # them). Publishing refuses a copy that lost more articles than its batches released.
    articles_released: int = 0


def load(con: duckdb.DuckDBPyConnection, batch: LoadBatch) -> dict[str, int]:
    """Writes the batch atomically: all of it or, on any error, none of it."""
    written: dict[str, int] = {}
    keys = pl.DataFrame({"article_key": batch.replace_article_keys}, schema={"article_key": pl.String})
    con.execute("BEGIN TRANSACTION")
    try:
        con.register("replace_keys", keys)
        for name, frame in batch.reference_tables.items():
            con.execute(f"DELETE FROM {qualified(name)}")
            written[name] = insert_frame(con, name, frame)
        # Only articles the warehouse holds have rows to replace. New articles (nearly every key of a
        # first load) would cost a scan of every fact table per batch, a cost that grows with the
        # warehouse; dim_article and stg_article (one row per article) say which keys are held.
        held = con.sql(
            "SELECT article_key FROM replace_keys WHERE article_key IN (SELECT article_key FROM dim_article) "
            "OR article_key IN (SELECT article_key FROM staging.stg_article)"
        ).pl() if batch.replace_article_keys else keys.clear()
        if held.height:
            con.register("held_keys", held)
            for name in ARTICLE_TABLES:
                con.execute(f"DELETE FROM {qualified(name)} WHERE article_key IN (SELECT article_key FROM held_keys)")
        for name in ARTICLE_TABLES:
            frame = batch.article_tables.get(name)
            written[name] = insert_frame(con, name, frame) if frame is not None else 0
        if batch.dim_person is not None:
            con.register("new_person", batch.dim_person)
            before = scalar(con, "SELECT count(*) FROM dim_person")
            con.execute("INSERT INTO dim_person BY NAME SELECT * FROM new_person WHERE person_key NOT IN (SELECT person_key FROM dim_person)")
            written["dim_person"] = scalar(con, "SELECT count(*) FROM dim_person") - before
        if batch.raw_texts is not None:
            con.register("new_text", batch.raw_texts)
            before = scalar(con, "SELECT count(*) FROM raw.raw_text")
            con.execute(
                "INSERT INTO raw.raw_text BY NAME SELECT * FROM new_text WHERE content_sha256 NOT IN (SELECT content_sha256 FROM raw.raw_text)"
            )
            written["raw_text"] = scalar(con, "SELECT count(*) FROM raw.raw_text") - before
        if batch.raw_files is not None and batch.raw_files.height:
            con.register("seen_files", batch.raw_files.select("path"))
            con.execute("DELETE FROM raw.raw_file WHERE path IN (SELECT path FROM seen_files)")
            written["raw_file"] = insert_frame(con, "raw_file", batch.raw_files)
        if batch.rejected is not None:
            written["rejected_rows"] = insert_frame(con, "rejected_rows", batch.rejected)
        if batch.run_row is not None:
            written["etl_run"] = insert_frame(con, "etl_run", pl.DataFrame([batch.run_row]))
        fault_point("during_load")
        con.execute("COMMIT")
        batch.articles_released = held.height
    except BaseException as err:
        roll_back(con, err)
        raise
    finally:
        for view in ("replace_keys", "held_keys", "new_person", "new_text", "seen_files", "frame_to_insert"):
            try:
                con.unregister(view)
            except Exception:  # noqa: BLE001 - a view never registered is fine
                pass
    return written


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame | None) -> int:
    """Appends ``frame`` to the declared ``table`` by column name, inside the caller's transaction;
    returns the rows written."""
    if frame is None or frame.height == 0:
        return 0
    con.register("frame_to_insert", frame)
    try:
        con.execute(f"INSERT INTO {qualified(table)} BY NAME SELECT * FROM frame_to_insert")
    except duckdb.ConversionException as err:
        # DuckDB names the column (a JSON column given text that is not JSON) but not the table.
        raise duckdb.ConversionException(f"loading {qualified(table)}: {err}") from err
    # Not in a finally: in a transaction the error aborted, unregistering fails too and would hide it.
    con.unregister("frame_to_insert")
    return frame.height


def table_counts(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    return {t.name: scalar(con, f"SELECT count(*) FROM {t.qualified}") for t in tables(*COUNTED_LOADS)}
