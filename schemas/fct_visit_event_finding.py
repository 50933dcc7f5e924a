import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key
from schemas.vocabulary import keys


class FctVisitEventFinding(TableModel):
    visit_event_finding_key: str = key(unique=True)
    visit_event_key: str = key()
    la_key: str = key()
    theme: str = pa.Field(isin=keys("themes"))
    polarity: str = pa.Field(isin=keys("polarities"))
    article_count: pl.Int32 = pa.Field(ge=1)
    finding_count: pl.Int32 = pa.Field(ge=1)
    article_keys: pl.List(pl.String)
    source_files: pl.List(pl.String)

    class Config:
        unique = ["visit_event_key", "theme", "polarity"]
