from typing import Optional

import pandera.polars as pa

from schemas.common import TableModel, key


class StgVisitCandidate(TableModel):
    article_key: str = key()
    la_name: str = pa.Field(str_length={"min_value": 2})
    is_visit: bool
    set_aside_reason: Optional[str] = pa.Field(nullable=True)

    class Config:
        unique = ["article_key", "la_name"]
