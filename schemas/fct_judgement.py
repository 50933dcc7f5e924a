from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import RATING_CHECKS, keys


class FctJudgement(TableModel):
    judgement_key: str = key(unique=True)
    visit_key: str = key()
    article_key: str = key()
    la_key: str = key()
    area: str = pa.Field(isin=keys("judgement_areas"))
    grade: str = pa.Field(isin=keys("ratings"))
    register_check: Optional[str] = pa.Field(nullable=True, isin=RATING_CHECKS)
    evidence_text: str
    evidence_start: pl.Int32 = offset()
    evidence_end: pl.Int32 = offset()

    class Config:
        unique = ["visit_key", "area"]
