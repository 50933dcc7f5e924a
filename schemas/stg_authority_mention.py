from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset


class StgAuthorityMention(TableModel):
    article_key: str = key()
    sentence_no: pl.Int32 = pa.Field(ge=0)
    char_start: pl.Int32 = offset()
    char_end: pl.Int32 = offset()
    surface: str
    la_name: str
    is_valid: bool
    exclusion_reason: Optional[str] = pa.Field(nullable=True)

    class Config:
        unique = ["article_key", "char_start", "la_name"]
