from datetime import date

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel


class DimDate(TableModel):
    date_key: pl.Int32 = pa.Field(unique=True, ge=19000101, le=21001231)
    calendar_date: date = pa.Field(unique=True)
    year: pl.Int32
    quarter: pl.Int32 = pa.Field(in_range={"min_value": 1, "max_value": 4})
    month: pl.Int32 = pa.Field(in_range={"min_value": 1, "max_value": 12})
    month_name: str
    day_of_month: pl.Int32 = pa.Field(in_range={"min_value": 1, "max_value": 31})
    is_weekend: bool
