"""Validate a table's frame eagerly with every failure collected; split it into rows to load and rows to reject."""

from __future__ import annotations

import json

import pandera.errors
import polars as pl

from schemas import MODELS


def validate_table(table: str, frame: pl.DataFrame, source_files: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns (valid rows, coerced to the model's types; rejected rows as rejected_rows records).

    ``source_files`` (article_key, source_file) names the file each rejected row came from.
    A failure that is not about particular rows (a missing column) is a bug, so it raises.
    """
    model = MODELS[table]
    try:
        return model.validate(frame, lazy=True), _empty_rejects()
    except pandera.errors.SchemaErrors as err:
        cases = err.failure_cases
    row_cases = cases.filter(pl.col("index").is_not_null())
    if row_cases.height < cases.height:
        raise ValueError(f"{table}: frame does not match its schema:\n{cases.filter(pl.col('index').is_null())}")
    reasons = row_cases.group_by("index").agg(
        pl.format("{} failed {} (value: {})", pl.col("column"), pl.col("check"),
                  pl.col("failure_case").cast(pl.String).fill_null("null")).str.join("; ").alias("reason")
    )
    indexed = frame.with_row_index("index").with_columns(pl.col("index").cast(pl.Int32))
    bad = indexed.join(reasons, on="index", how="inner")
    good = indexed.join(reasons, on="index", how="anti").drop("index")
    rows_json = [json.dumps(r, default=str, ensure_ascii=False) for r in bad.drop("index", "reason").to_dicts()]
    rejects = bad.select(
        pl.lit(table).alias("table_name"),
        pl.col("reason"),
        (pl.col("source_file").cast(pl.String) if "source_file" in bad.columns else pl.lit(None, dtype=pl.String)).alias("own_file"),
        (pl.col("article_key").cast(pl.String) if "article_key" in bad.columns else pl.lit(None, dtype=pl.String)).alias("article_key"),
    ).with_columns(pl.Series("row_json", rows_json, dtype=pl.String))
    if source_files is not None:
        rejects = rejects.join(source_files.select("article_key", "source_file"), on="article_key", how="left")
    else:
        rejects = rejects.with_columns(pl.lit(None, dtype=pl.String).alias("source_file"))
    rejects = rejects.with_columns(pl.coalesce("own_file", "source_file").alias("source_file"))
    good = model.validate(good, lazy=True) if good.height else model.validate(good.clear(), lazy=True)
    return good, rejects.select("table_name", "source_file", "reason", "row_json")


def validate_tables(tables: dict[str, pl.DataFrame], source_files: pl.DataFrame | None = None) -> tuple[dict[str, pl.DataFrame], pl.DataFrame]:
    """``validate_table`` for each table: the valid rows per table, and every table's rejected rows in one frame."""
    valid, rejects = {}, [_empty_rejects()]
    for name, frame in tables.items():
        valid[name], bad = validate_table(name, frame, source_files)
        rejects.append(bad)
    return valid, pl.concat(rejects)


def _empty_rejects() -> pl.DataFrame:
    return pl.DataFrame(schema={"table_name": pl.String, "source_file": pl.String, "reason": pl.String, "row_json": pl.String})
