import pandera.polars as pa

from schemas.common import TableModel, key


class StgArticle(TableModel):
    article_key: str = key(unique=True)
    clean_text: str = pa.Field(str_length={"min_value": 1})
