import pandera.polars as pa

from schemas.common import TableModel, key


class DimPerson(TableModel):
    person_key: str = key(unique=True)
    person_name: str = pa.Field(str_length={"min_value": 3})
