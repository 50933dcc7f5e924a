from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import keys


class FctFinding(TableModel):
    finding_key: str = key(unique=True)
    article_key: str = key()
    la_key: Optional[str] = key(nullable=True)
    theme: str = pa.Field(isin=keys("themes"))
    polarity: str = pa.Field(isin=keys("polarities"))
    asserted_by: str = pa.Field(isin=keys("speaker_types"))
    is_previous_inspection: bool
    is_inspection_finding: bool
    theme_cue: Optional[str] = pa.Field(nullable=True)
    polarity_cue: Optional[str] = pa.Field(nullable=True)
    evidence_text: str
    evidence_start: pl.Int32 = offset()
    evidence_end: pl.Int32 = offset()
