import pandera.polars as pa

from schemas.common import TableModel, key
from schemas.vocabulary import keys


class DimTheme(TableModel):
    theme_key: str = key(unique=True)
    theme: str = pa.Field(unique=True, isin=keys("themes"))
    label: str
    description: str
