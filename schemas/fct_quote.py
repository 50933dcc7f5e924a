from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import keys


class FctQuote(TableModel):
    quote_key: str = key(unique=True)
    article_key: str = key()
    la_key: Optional[str] = key(nullable=True)
    speaker_person_key: Optional[str] = key(nullable=True)
    speaker_name: Optional[str] = pa.Field(nullable=True)
    speaker_role: Optional[str] = pa.Field(nullable=True)
    speaker_type: str = pa.Field(isin=keys("speaker_types"))
    quote_text: str
    evidence_start: pl.Int32 = offset()
    evidence_end: pl.Int32 = offset()
