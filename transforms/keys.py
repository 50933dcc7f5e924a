"""Deterministic surrogate keys: the same natural key always hashes to the same key, so reloads are idempotent."""

from __future__ import annotations

import hashlib

import polars as pl


def hash_key(*parts: object) -> str:
    text = "|".join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def key_expr(*cols: str | pl.Expr) -> pl.Expr:
    """A 16-hex-digit sha256 key of the given columns, joined by '|' (nulls as empty strings)."""
    exprs = [(pl.col(c) if isinstance(c, str) else c).cast(pl.String).fill_null("") for c in cols]
    return pl.concat_str(exprs, separator="|").map_batches(
        lambda s: pl.Series([hashlib.sha256(v.encode("utf-8")).hexdigest()[:16] for v in s], dtype=pl.String),
        return_dtype=pl.String,
    )
