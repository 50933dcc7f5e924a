from typing import Optional

import pandera.polars as pa

from schemas.common import TableModel, key
from schemas.vocabulary import keys


class DimJudgementArea(TableModel):
    judgement_area_key: str = key(unique=True)
    area: str = pa.Field(unique=True, isin=keys("judgement_areas"))
    label: str
    description: str
    frameworks: str
    framework_note: Optional[str] = pa.Field(nullable=True)
