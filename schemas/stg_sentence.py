from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import BLOCK_KINDS, keys


class StgSentence(TableModel):
    article_key: str = key()
    sentence_no: pl.Int32 = pa.Field(ge=0)
    block_no: pl.Int32 = pa.Field(ge=0)
    block_kind: str = pa.Field(isin=BLOCK_KINDS)
    char_start: pl.Int32 = offset()
    char_end: pl.Int32 = offset()
    sentence_text: str
    la_name: Optional[str] = pa.Field(nullable=True)
    asserted_by: Optional[str] = pa.Field(nullable=True, isin=keys("speaker_types"))

    class Config:
        unique = ["article_key", "sentence_no"]
