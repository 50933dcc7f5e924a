from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import keys


class FctPersonMention(TableModel):
    person_mention_key: str = key(unique=True)
    article_key: str = key()
    person_key: str = key()
    la_key: Optional[str] = key(nullable=True)
    person_name: str
    role: Optional[str] = pa.Field(nullable=True)
    speaker_type: str = pa.Field(isin=keys("speaker_types"))
    is_quoted: bool
    evidence_start: pl.Int32 = offset()
    evidence_end: pl.Int32 = offset()
