from datetime import date
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key


class DimArticle(TableModel):
    article_key: str = key(unique=True)
    source_file: str
    title: Optional[str] = pa.Field(nullable=True)
    standfirst: Optional[str] = pa.Field(nullable=True)
    publisher: Optional[str] = pa.Field(nullable=True)
    published_date: Optional[date] = pa.Field(nullable=True)
    published_date_key: Optional[pl.Int32] = pa.Field(nullable=True, ge=19000101, le=21001231)
    word_count: pl.Int32 = pa.Field(ge=0)
    content_sha256: str = pa.Field(str_matches=r"^[0-9a-f]{64}$")
    has_authority: bool
    url: Optional[str] = pa.Field(nullable=True)
    canonical_url: Optional[str] = pa.Field(nullable=True)
    author: Optional[str] = pa.Field(nullable=True)
    metadata_source: Optional[str] = pa.Field(nullable=True)
