"""Shared pieces of the table models."""

from __future__ import annotations

import pandera.polars as pa

KEY_PATTERN = r"^[0-9a-f]{16}$"


def key(**kwargs) -> pa.Field:
    """A 16-hex-digit surrogate key."""
    return pa.Field(str_matches=KEY_PATTERN, **kwargs)


def offset() -> pa.Field:
    return pa.Field(ge=0)


class TableModel(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = True
