from datetime import date
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key
from schemas.vocabulary import keys

KEY_BASES = ["ordinal", "visit_month", "first_report", "article"]
DATE_BASES = ["visit_month", "first_report", "visit_year"]


class DimVisitEvent(TableModel):
    visit_event_key: str = key(unique=True)
    la_key: str = key()
    visit_type: str = pa.Field(isin=keys("visit_types"))
    visit_ordinal: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 20})
    visit_year: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 2005, "max_value": 2035})
    visit_month: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 12})
    event_date: Optional[date] = pa.Field(nullable=True)
    event_date_basis: Optional[str] = pa.Field(nullable=True, isin=DATE_BASES)
    rating: Optional[str] = pa.Field(nullable=True, isin=keys("ratings"))
    rating_year: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 2005, "max_value": 2035})
    rating_month: Optional[pl.Int32] = pa.Field(nullable=True, in_range={"min_value": 1, "max_value": 12})
    first_report_date: Optional[date] = pa.Field(nullable=True)
    last_report_date: Optional[date] = pa.Field(nullable=True)
    article_count: pl.Int32 = pa.Field(ge=1)
    undated_article_count: pl.Int32 = pa.Field(ge=0)
    publisher_count: pl.Int32 = pa.Field(ge=0)
    article_keys: pl.List(pl.String)
    source_files: pl.List(pl.String)
    inspection_key: Optional[str] = key(nullable=True)
    inspection_end_date: Optional[date] = pa.Field(nullable=True)
    months_since_inspection: Optional[pl.Int32] = pa.Field(nullable=True, ge=0)
    key_basis: str = pa.Field(isin=KEY_BASES)
    conflicts: Optional[str] = pa.Field(nullable=True)
    merge_basis: Optional[str] = pa.Field(nullable=True)
