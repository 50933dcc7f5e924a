import pandera.polars as pa

from schemas.common import TableModel


class RawText(TableModel):
    content_sha256: str = pa.Field(unique=True, str_matches=r"^[0-9a-f]{64}$")
    raw_text: str
