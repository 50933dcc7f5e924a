from datetime import datetime
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key
from schemas.vocabulary import ENCODINGS, FILE_STATUSES


class RawFile(TableModel):
    path: str = pa.Field(unique=True)
    source_file: str
    content_sha256: Optional[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$")
    size_bytes: pl.Int64 = pa.Field(ge=0)
    encoding: Optional[str] = pa.Field(nullable=True, isin=ENCODINGS)
    is_encoding_fallback: bool
    read_at: datetime
    status: str = pa.Field(isin=FILE_STATUSES)
    reject_reason: Optional[str] = pa.Field(nullable=True)
    article_key: Optional[str] = key(nullable=True)
    run_id: str
    stat_signature: Optional[str] = pa.Field(nullable=True)
