"""Pure polars transforms: no Prefect, no warehouse I/O."""
