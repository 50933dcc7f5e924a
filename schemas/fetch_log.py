"""The fetch log (``<inbox>/.fetch/log.jsonl``): one row per URL per fetch run. Not a warehouse table."""

from datetime import datetime
from typing import Optional

import pandera.polars as pa
import polars as pl

from schemas.common import TableModel

FETCH_OUTCOMES = ["saved", "not_modified", "already_fetched", "skipped_off_topic", "duplicate_url", "duplicate_content", "failed",
                  "feed_read", "feed_warning"]


class FetchLog(TableModel):
    run_id: str
    logged_at: datetime
    source: str
    url: str = pa.Field(str_matches=r"^https?://")
    outcome: str = pa.Field(isin=FETCH_OUTCOMES)
    reason: Optional[str] = pa.Field(nullable=True)
    http_status: Optional[pl.Int32] = pa.Field(nullable=True, ge=100, le=599)
    path: Optional[str] = pa.Field(nullable=True)
    canonical_url: Optional[str] = pa.Field(nullable=True)
    content_sha256: Optional[str] = pa.Field(nullable=True, str_matches=r"^[0-9a-f]{64}$")

    @pa.dataframe_check(error="a failed, skipped or duplicate row must give its reason")
    def reason_given(cls, data) -> pl.LazyFrame:
        return data.lazyframe.select(
            ~pl.col("outcome").is_in(["failed", "skipped_off_topic", "duplicate_url", "duplicate_content"]) | pl.col("reason").is_not_null()
        )
