"""Validate a table's frame eagerly with every failure collected; split it into rows to load and rows to reject."""

from __future__ import annotations

import json
from functools import lru_cache

import pandera.backends.polars.builtin_checks  # noqa: F401 - registers the check functions asked directly below
import pandera.errors
import polars as pl
from pandera.api.polars.types import PolarsData
from pandera.config import ValidationDepth, config_context

from schemas import MODELS


def validate_table(table: str, frame: pl.DataFrame, source_files: pl.DataFrame | None = None) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Returns (valid rows, coerced to the model's types; rejected rows as rejected_rows records).

    ``source_files`` (article_key, source_file) names the file each rejected row came from.
    A failure that is not about particular rows (a missing column) is a bug, so it raises.
    """
    model = MODELS[table]
    passed = _when_every_row_passes(model, frame)
    if passed is not None:
        return passed, _empty_rejects()
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
    passed = _when_every_row_passes(model, good)
    good = passed if passed is not None else model.validate(good, lazy=True)
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


# pandera runs each check of each column as its own query with its own bookkeeping: about 1 ms a check
# whatever the rows, some 400 checks a batch (0.4 s of CPU for a batch of 1,000 articles, and most of
# the validation of a run of a few articles). Nearly every frame passes, so the checks are first asked
# all at once: pandera's own check functions, the null and uniqueness tests it runs, and its handling
# of nulls, in one collect. Only a frame that fails one (or holds a check this cannot ask at once) is
# validated by pandera check by check, which finds the failing rows; a frame that passes is what
# pandera returns for it, its columns coerced (tests/test_schemas.py checks both against pandera).


@lru_cache(maxsize=None)
def _schema(model):
    return model.to_schema()


@lru_cache(maxsize=None)
def _askable_at_once(model) -> bool:
    """Whether every check of the model can be asked at once (fixed per model: worked out once)."""
    schema = _schema(model)
    if schema.checks or getattr(schema, "drop_invalid_rows", False):
        return False
    for column in schema.columns.values():
        if getattr(column, "regex", False) or getattr(column, "drop_invalid_rows", False):
            return False
        for check in column.checks:
            if check.element_wise or check.groupby is not None or check.raise_warning:
                return False
    return True


def _when_every_row_passes(model, frame: pl.DataFrame) -> pl.DataFrame | None:
    """``model.validate(frame, lazy=True)`` when every row passes every check; None when one may fail."""
    if not _askable_at_once(model):
        return None
    schema = _schema(model)
    try:
        # Columns present and no others, each coerced to its type (a value that cannot be is an error here).
        with config_context(validation_depth=ValidationDepth.SCHEMA_ONLY):
            coerced = model.validate(frame, lazy=True)
    except Exception:  # noqa: BLE001 - pandera, check by check, says what is wrong
        return None
    rows = coerced.lazy()
    asked: list[pl.LazyFrame] = []
    for name, column in schema.columns.items():
        if name not in coerced.columns:  # an optional column left out (a required one was refused above)
            continue
        if not column.nullable:
            present = pl.col(name).is_not_null()
            if coerced.schema[name].is_float():
                present = present & pl.col(name).is_not_nan()
            asked.append(rows.select(present.all()))
        if column.unique:
            asked.append(rows.select(pl.col(name).is_duplicated().any().not_()))
        for check in column.checks:
            out = check._check_fn(PolarsData(rows, name), **check._check_kwargs)
            if isinstance(out, bool):
                if not out:
                    return None
                continue
            if len(out.collect_schema()) != 1:
                return None
            result = pl.first()
            result = (result | result.is_null()) if check.ignore_na else result.fill_null(False)
            asked.append(out.select(result.all()))
    if schema.unique:
        groups = [schema.unique] if all(isinstance(c, str) for c in schema.unique) else schema.unique
        for group in groups:
            present = [c for c in group if c in coerced.columns]
            if coerced.select(present).is_duplicated().any():
                return None
    answers = pl.collect_all(asked) if asked else []
    return coerced if all(a.item() for a in answers) else None
