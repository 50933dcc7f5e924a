import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import keys


class FctVisitFocus(TableModel):
    visit_key: str = key()
    focus_area: str = pa.Field(isin=keys("focus_areas"))
    article_key: str = key()
    evidence_start: pl.Int32 = offset()
    evidence_end: pl.Int32 = offset()

    class Config:
        unique = ["visit_key", "focus_area"]
