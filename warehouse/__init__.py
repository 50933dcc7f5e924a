"""The DuckDB warehouse: DDL files and the loader."""
