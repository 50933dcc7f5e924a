"""One batch of an ingest, its pure parts: the files as text (an unchanged file is not decoded again),
the articles it extracts, whether it writes anything, and the raw_file and rejected_rows rows it records.

The flow's tasks (flows/ingest_tasks.py) read the files and sidecars and call these; nothing here
touches a file or the warehouse.
"""

from __future__ import annotations

from datetime import datetime

import polars as pl

from transforms import incremental
from transforms.bounded import ParseBounds
from transforms.documents import decode_documents

REJECTED_COLUMNS = ("run_id", "rejected_at", "table_name", "source_file", "reason", "row_json")


def _with_previous(files: pl.DataFrame, previous: pl.DataFrame, stored: pl.DataFrame | None) -> pl.DataFrame:
    """The files with what the warehouse recorded for their paths, and ``_same``: same bytes as last
    time, the file was loaded, a duplicate or missing then, and its article is still stored (``stored``:
    article keys; None: not checked), so its text need not be decoded. An article the warehouse lost
    (a table dropped by hand) is planned for extraction again, and so must be decoded again."""
    prev = previous.select("path", pl.col("content_sha256").alias("_prev_sha"), pl.col("status").alias("_prev_status"),
                           pl.col("encoding").alias("_prev_encoding"), pl.col("is_encoding_fallback").alias("_prev_fallback"))
    same = (pl.col("_prev_sha") == pl.col("content_sha256")) & pl.col("_prev_status").is_in(incremental.LIVE_STATUSES + ["missing"])
    if stored is not None:
        same = same & incremental.article_key_expr().is_in(stored["article_key"].implode())
    return files.join(prev, on="path", how="left", maintain_order="left").with_columns(same.fill_null(False).alias("_same"))


def paths_to_decode(files: pl.DataFrame, previous: pl.DataFrame, stored: pl.DataFrame | None = None) -> pl.Series:
    """The paths ``decode_files`` decodes: the only ones whose fetch sidecars are worth reading."""
    return _with_previous(files, previous, stored).filter(~pl.col("_same"))["path"]


def decode_files(files: pl.DataFrame, previous: pl.DataFrame, sidecars: dict[str, dict], stored: pl.DataFrame | None = None,
                 bounds: ParseBounds = ParseBounds()) -> pl.DataFrame:
    """The files as text; a file with the hash it had last time, still loaded, costs no decoding.

    files: read_files' frame (path, content, content_sha256, read_error, ...); previous: the raw_file
    rows of the batch's paths; sidecars: path -> fetch record (flows/inbox.py) of ``paths_to_decode``.
    A file that could not be read keeps its read error as its reject reason and has no encoding.
    """
    joined = _with_previous(files, previous, stored)
    # An unchanged file keeps the encoding it was decoded with: its row may be written again (back from
    # missing, or a new stat signature).
    unchanged = joined.filter("_same").drop("content").with_columns(
        pl.lit(None, dtype=pl.String).alias("text"), pl.col("_prev_encoding").alias("encoding"),
        pl.lit(None, dtype=pl.String).alias("reject_reason"), pl.col("_prev_fallback").fill_null(False).alias("is_encoding_fallback"),
    )
    changed = joined.filter(~pl.col("_same")).drop("_prev_sha", "_prev_status", "_prev_encoding", "_prev_fallback", "_same")
    decoded = decode_documents(changed.with_columns(pl.col("content").fill_null(b"")), sidecars, bounds).drop("content")
    decoded = decoded.with_columns(
        pl.coalesce("read_error", "reject_reason").alias("reject_reason"),
        pl.when(pl.col("read_error").is_not_null()).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("encoding")).alias("encoding"),
    )
    return pl.concat([decoded, unchanged.select([c for c in decoded.columns if c in unchanged.columns])], how="diagonal_relaxed")


def to_extract(planned: pl.DataFrame) -> pl.DataFrame:
    """The planned files whose article this batch extracts: new or changed content, loaded (not a duplicate
    nor rejected)."""
    return planned.filter(pl.col("change").is_in(["new", "changed"]) & (pl.col("status") == "loaded"))


def writes_nothing(planned: pl.DataFrame, retired: list[str]) -> bool:
    """A batch with nothing to extract, no raw_file row to write and no article to retire (an unchanged
    batch): its raw_file rows stay as they are and its load has nothing to do."""
    return to_extract(planned).is_empty() and incremental.files_to_record(planned).is_empty() and not retired


def raw_file_rows(planned: pl.DataFrame, run_id: str) -> pl.DataFrame:
    """The raw_file rows the batch writes (see incremental.files_to_record), stamped with the run."""
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


def raw_text_rows(extracting: pl.DataFrame) -> pl.DataFrame:
    """The raw_text rows of the articles the batch extracts (``to_extract``'s frame)."""
    return extracting.select("content_sha256", pl.col("text").alias("raw_text"))


def rejected_rows(planned: pl.DataFrame, invalid_rows: pl.DataFrame, run_id: str, rejected_at: datetime) -> pl.DataFrame:
    """rejected_rows for the batch: each file rejected this run (with its reason), then each row its
    tables' models refused (``invalid_rows``: table_name, source_file, reason, row_json)."""
    files = planned.filter(pl.col("change") == "rejected").select(
        pl.lit("raw_file").alias("table_name"), "source_file", pl.col("reject_reason").alias("reason"), pl.lit(None, dtype=pl.String).alias("row_json")
    )
    return pl.concat([files, invalid_rows.select(files.columns)]).with_columns(
        pl.lit(run_id).alias("run_id"), pl.lit(rejected_at).alias("rejected_at")
    ).select(REJECTED_COLUMNS)


def missing_file_rows(listed: pl.DataFrame, at_start: pl.DataFrame, run_id: str, input_dir: str) -> pl.DataFrame:
    """raw_file rows of the paths under ``input_dir`` (the folder the run read, as stored) that the run's
    first listing of raw_file knew and this run did not find, marked missing (their facts are kept). A
    warehouse fed from several folders: files of the folders not read this run are not missing."""
    under = input_dir.rstrip("/") + "/"
    gone = incremental.missing_files(listed, at_start.filter(pl.col("path").str.starts_with(under)))
    return gone.drop([c for c in ("is_stored",) if c in gone.columns]).with_columns(
        pl.lit("missing").alias("status"), pl.lit(run_id).alias("run_id")
    )
