from typing import Optional

import pandera.polars as pa

from schemas.common import TableModel, key


class DimLocalAuthority(TableModel):
    la_key: str = key(unique=True)
    la_name: str = pa.Field(unique=True)
    ons_code: str = pa.Field(str_matches=r"^E(06|08|09|10)[0-9]{6}$")
    region_name: Optional[str] = pa.Field(nullable=True)
    la_type: Optional[str] = pa.Field(nullable=True)
    ofsted_urn: Optional[str] = pa.Field(nullable=True)
    official_name: Optional[str] = pa.Field(nullable=True)
    is_current: bool
