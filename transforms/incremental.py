"""Which files need extraction: compares this run's files with what the warehouse already holds."""

from __future__ import annotations

import os

import polars as pl

from transforms.keys import key_expr

PREVIOUS_SCHEMA = {"path": pl.String, "content_sha256": pl.String, "status": pl.String, "article_key": pl.String, "reject_reason": pl.String,
                   "stat_signature": pl.String}
LIVE_STATUSES = ["loaded", "duplicate"]
# A file's times are trusted only when they were this much older than the moment it was read: a file
# written again within the file system's timestamp granularity could keep its size and times.
SETTLED_SECONDS = 2


def stat_signature(st: os.stat_result) -> str:
    """What says a file is unchanged without reading it: size, modification and change times (ns),
    inode and device. The change time cannot be set back by tools that copy times (cp -p, rsync -t)."""
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}:{st.st_dev}"


def trusted_hashes(known: pl.DataFrame) -> dict[str, tuple[str, str]]:
    """path -> (stat_signature, content_sha256) of files whose recorded hash a run may reuse when the
    file's signature is unchanged: loaded or duplicate files whose times had settled when they were read
    (the quick check git's index makes), whose article is stored (``is_stored``, when ``known`` has it: an
    article the warehouse lost must be extracted again, so its file must be read). Anything else is read
    and hashed again."""
    parts = pl.col("stat_signature").str.split(":")
    latest_ns = pl.max_horizontal(parts.list.get(1, null_on_oob=True).cast(pl.Int64, strict=False),
                                  parts.list.get(2, null_on_oob=True).cast(pl.Int64, strict=False))
    settled = latest_ns < pl.col("read_at").dt.epoch("ns") - SETTLED_SECONDS * 1_000_000_000
    stored = pl.col("is_stored") if "is_stored" in known.columns else pl.lit(True)
    rows = known.filter(pl.col("status").is_in(LIVE_STATUSES) & pl.col("content_sha256").is_not_null() & settled.fill_null(False) & stored)
    return {path: (sig, sha) for path, sig, sha in rows.select("path", "stat_signature", "content_sha256").iter_rows()}


def article_key_expr() -> pl.Expr:
    return key_expr(pl.lit("article"), "content_sha256")


def plan_files(files: pl.DataFrame, previous: pl.DataFrame, stored_articles: pl.DataFrame) -> pl.DataFrame:
    """Adds ``change`` (what happened this run: new, changed, unchanged, rejected), ``status`` (the
    file's state: loaded, duplicate, rejected) and ``article_key`` to the files read.

    files: path, source_file, content_sha256 (null when unread), reject_reason, ...
    previous: raw_file rows of earlier runs (path, content_sha256, status, article_key).
    stored_articles: article_key of articles already in the warehouse.

    A file whose content the warehouse (or an earlier file of this run) already holds is a
    duplicate: recorded, pointing at the same article, not extracted again.
    """
    prev = previous.select(
        "path",
        pl.col("content_sha256").alias("prev_sha"),
        pl.col("status").alias("prev_status"),
        pl.col("article_key").alias("prev_article_key"),
        pl.col("reject_reason").alias("prev_reject_reason"),
        pl.col("stat_signature").alias("prev_stat_signature"),
    )
    stored = stored_articles.select("article_key").with_columns(pl.lit(True).alias("is_stored"))
    f = files.join(prev, on="path", how="left").with_columns(article_key_expr().alias("article_key"))
    f = f.join(stored, on="article_key", how="left").with_columns(pl.col("is_stored").fill_null(False))
    is_same = (pl.col("prev_sha") == pl.col("content_sha256")) & pl.col("prev_status").is_in([*LIVE_STATUSES, "missing"]) & pl.col("is_stored")
    # The same rejected content for the same reason is old news: no second rejection is recorded. A file
    # rejected unread (over the size limit, a link out of the input folder) is the same while its stat
    # signature is.
    unread_same = pl.col("prev_sha").is_null() & pl.col("content_sha256").is_null() & (pl.col("prev_stat_signature") == pl.col("stat_signature"))
    same_rejection = (
        ((pl.col("prev_sha") == pl.col("content_sha256")) | unread_same)
        & (pl.col("prev_status") == "rejected")
        & (pl.col("prev_reject_reason") == pl.col("reject_reason"))
    ).fill_null(False)
    change = (
        pl.when(same_rejection)
        .then(pl.lit("unchanged"))
        .when(pl.col("reject_reason").is_not_null())
        .then(pl.lit("rejected"))
        .when(is_same.fill_null(False))
        .then(pl.lit("unchanged"))
        .when(pl.col("prev_sha").is_not_null())
        .then(pl.lit("changed"))
        .otherwise(pl.lit("new"))
    )
    f = f.sort("path").with_columns(change.alias("change"))
    first_of_content = pl.int_range(pl.len()).over("content_sha256") == 0
    status = (
        pl.when((pl.col("change") == "rejected") | same_rejection)
        .then(pl.lit("rejected"))
        .when(pl.col("change") == "unchanged")
        .then(pl.when(pl.col("prev_status") == "missing").then(pl.lit("loaded")).otherwise(pl.col("prev_status")))
        .when(pl.col("is_stored") | ~first_of_content)
        .then(pl.lit("duplicate"))
        .otherwise(pl.lit("loaded"))
    )
    return f.with_columns(
        status.alias("status"),
        pl.when(pl.col("reject_reason").is_not_null()).then(pl.lit(None, dtype=pl.String)).otherwise(pl.col("article_key")).alias("article_key"),
    )


def unchanged_state(files: pl.DataFrame, known: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """A batch's raw_file rows and stored articles taken from the run's starting listing (``known``:
    raw_file rows with ``is_stored``), when every file of the batch was read with the content, live
    status and stored article it had then; None when any file may have changed.

    Such a batch is planned without reading the working copy: earlier batches of the run write only
    their own files' rows and retire only articles no live file points at, so they cannot change it.
    """
    if files.is_empty():
        return None
    rows = known.join(files.select("path", pl.col("content_sha256").alias("_read_sha"), "read_error"), on="path", how="inner")
    same = (
        (pl.col("content_sha256") == pl.col("_read_sha"))
        & pl.col("status").is_in(LIVE_STATUSES)
        & pl.col("is_stored")
        & pl.col("read_error").is_null()
    )
    if rows.height != files.height or not rows.select(same.fill_null(False).all()).item():
        return None
    return rows.drop("_read_sha", "read_error", "is_stored"), rows.select("article_key").unique()


def missing_files(files: pl.DataFrame, previous: pl.DataFrame) -> pl.DataFrame:
    """Paths known from earlier runs and absent now: kept, with their facts, marked missing."""
    return previous.join(files.select("path"), on="path", how="anti").filter(pl.col("status") != "missing")


def retired_articles(planned: pl.DataFrame, previous: pl.DataFrame) -> list[str]:
    """Articles whose only file now holds other content: their facts are replaced, so they go."""
    now = planned.filter(pl.col("article_key").is_not_null()).select("path", "article_key")
    kept_elsewhere = previous.join(planned.select("path"), on="path", how="anti").filter(pl.col("status").is_in(LIVE_STATUSES + ["missing"]))
    still = set(now["article_key"].drop_nulls().to_list()) | set(kept_elsewhere["article_key"].drop_nulls().to_list())
    changed_old = planned.filter(pl.col("change") == "changed")["prev_article_key"].drop_nulls().to_list()
    return sorted(set(changed_old) - still)


def files_to_record(planned: pl.DataFrame) -> pl.DataFrame:
    """raw_file rows to write: everything but unchanged files, which stay exactly as they were (a file
    back from missing is written again, as loaded; so is one whose stat signature alone changed, so
    that the next run need not read it again)."""
    new_signature = pl.col("stat_signature").is_not_null() & pl.col("stat_signature").ne_missing(pl.col("prev_stat_signature"))
    return planned.filter((pl.col("change") != "unchanged") | (pl.col("prev_status") == "missing") | new_signature.fill_null(False))
