from datetime import date
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel, key
from schemas.vocabulary import keys


def judgement() -> pa.Field:
    return pa.Field(nullable=True, isin=keys("ratings"))


class FctInspection(TableModel):
    inspection_key: str = key(unique=True)
    la_key: Optional[str] = key(nullable=True)
    ofsted_urn: str
    la_name: Optional[str] = pa.Field(nullable=True)
    framework: Optional[str] = pa.Field(nullable=True)
    publication_date: Optional[date] = pa.Field(nullable=True)
    inspection_start_date: Optional[date] = pa.Field(nullable=True)
    inspection_end_date: Optional[date] = pa.Field(nullable=True)
    inspection_end_date_key: Optional[pl.Int32] = pa.Field(nullable=True)
    overall_effectiveness: Optional[str] = judgement()
    help_and_protection: Optional[str] = judgement()
    children_in_care: Optional[str] = judgement()
    care_leavers: Optional[str] = judgement()
    leadership: Optional[str] = judgement()
    lead_inspector: Optional[str] = pa.Field(nullable=True)
    report_url: Optional[str] = pa.Field(nullable=True)
    grade_source: Optional[str] = pa.Field(nullable=True)
