from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key, offset
from schemas.vocabulary import RATING_CHECKS, keys


class FctVisit(TableModel):
    visit_key: str = key(unique=True)
    article_key: str = key()
    la_key: str = key()
    visit_type: str = pa.Field(isin=keys("visit_types"))
    visit_ordinal: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 20})
    rating: Optional[str] = pa.Field(nullable=True, isin=keys("ratings"))
    rating_year: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 2005, "max_value": 2035})
    rating_month: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 12})
    rating_check: Optional[str] = pa.Field(nullable=True, isin=RATING_CHECKS)
    progress_phrase: Optional[str] = pa.Field(nullable=True)
    evidence_text: str
    evidence_start: pl.Int32 = offset()
    evidence_end: pl.Int32 = offset()
    visit_year: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 2005, "max_value": 2035})
    visit_month: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 12})
    visit_date_evidence_start: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)
    visit_date_evidence_end: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)
    defaulted_fields: Optional[pl.List(pl.String)] = pa.Field(nullable=True)
    # Set over the whole warehouse after each load (transforms/visit_events.py), never by a batch.
    visit_event_key: Optional[str] = key(nullable=True)
    # A full inspection's replaced judgement (null for other visit types).
    previous_rating: Optional[str] = pa.Field(nullable=True, isin=keys("ratings"))
    previous_rating_year: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 2005, "max_value": 2035})
    previous_rating_month: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 12})

    class Config:
        unique = ["article_key", "la_key"]
